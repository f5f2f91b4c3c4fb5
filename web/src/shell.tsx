// The frame around every screen: skip link, top bar (brand, language, the person, sign-out), the
// navigation by role (a drawer on a phone), and the screen itself.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Brand } from './components/brand';
import { LangSwitch } from './components/langswitch';
import { Notify } from './components/notify';
import { useI18n, type MsgId } from './i18n/i18n';
import { roleLabel } from './labels';
import type { Route } from './router';
import { canSee, useSession, type Screen } from './session';
import { Account } from './screens/account';
import { Audit } from './screens/audit';
import { Certificates } from './screens/certificates';
import { Delegations } from './screens/delegations';
import { Forbidden, NotFound } from './screens/errors';
import { Home } from './screens/home';
import { OrgTree } from './screens/org';
import { Users } from './screens/users';
import { TokenBatch } from './screens/token_batch';
import { TokenSign } from './screens/token_sign';
import { DocRoute } from './screens/doc';
import { Documents } from './screens/docs';
import { DeliveryRoute, Incoming } from './screens/incoming';
import { Registers } from './screens/registers';

const NAV: { screen: Screen; label: MsgId; icon: string }[] = [
  { screen: 'home', label: 'nav.home', icon: 'M3 11l9-8 9 8v10h-6v-6H9v6H3z' },
  { screen: 'documents', label: 'nav.documents', icon: 'M6 3h9l4 4v14H6zM14 3v5h5M9 13h7M9 17h5' },
  { screen: 'incoming', label: 'nav.incoming', icon: 'M3 13l3-8h12l3 8v6H3zM3 13h5l1 3h6l1-3h5' },
  { screen: 'registers', label: 'nav.registers', icon: 'M5 4h12a2 2 0 012 2v14H7a2 2 0 01-2-2zM5 18a2 2 0 012-2h12M9 8h6M9 11h6' },
  { screen: 'org', label: 'nav.org', icon: 'M10 3h4v4h-4zM4 17h4v4H4zm6 0h4v4h-4zm6 0h4v4h-4zM12 7v5M6 17v-3h12v3M12 12v5' },
  { screen: 'users', label: 'nav.users', icon: 'M9 11a4 4 0 100-8 4 4 0 000 8zm-7 10c0-4 3-6 7-6s7 2 7 6M17 11a3 3 0 100-6M19 15c2 1 3 3 3 6' },
  { screen: 'delegations', label: 'nav.delegations', icon: 'M4 20l4-1 11-11-3-3L5 16zM14 6l3 3' },
  { screen: 'certificates', label: 'nav.certificates', icon: 'M4 4h16v12H4zM8 20l4-2 4 2v-6M8 8h8M8 11h5' },
  { screen: 'audit', label: 'nav.audit', icon: 'M6 3h9l4 4v14H6zM9 10h7M9 14h7M9 18h4' },
  { screen: 'sign-batch', label: 'token.batch.nav', icon: 'M4 20l4-1 11-11-3-3L5 16zM3 4h8M3 8h5' },
];

function screenOf(route: Route): Screen | null {
  const p = route.path[0] ?? '';
  if (p === '') return 'home';
  const all: Screen[] = ['home', 'org', 'users', 'delegations', 'certificates', 'audit', 'account', 'documents', 'incoming', 'registers', 'sign-batch', 'sign-token'];
  return (all as string[]).includes(p) ? (p as Screen) : null;
}

export function Shell(props: { route: Route; onSignOut: (everywhere: boolean) => void }) {
  const { t } = useI18n();
  const { me, agencies } = useSession();
  const [navOpen, setNavOpen] = useState(false);
  const screen = screenOf(props.route);
  const myAgency = agencies.find((a) => a.id === me.user.agency_id);

  // A new screen (not the first one: there the skip link is the first stop of the Tab key): close
  // the phone drawer and put the focus on its heading, so that a screen reader announces it.
  const firstRoute = useRef(true);
  useEffect(() => {
    setNavOpen(false);
    if (firstRoute.current) { firstRoute.current = false; return; }
    const h = document.getElementById('page-title');
    const a = document.activeElement;
    if (h && (a === document.body || a?.closest('#sidenav'))) h.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [props.route.path.join('/')]);

  let body: ComponentChildren;
  if (screen === null) body = <NotFound />;
  else if (!canSee(me, agencies, screen)) body = <Forbidden />;
  else {
    switch (screen) {
      case 'home': body = <Home />; break;
      case 'org': body = <OrgTree route={props.route} />; break;
      case 'users': body = <Users route={props.route} />; break;
      case 'delegations': body = <Delegations route={props.route} />; break;
      case 'certificates': body = <Certificates route={props.route} />; break;
      case 'audit': body = <Audit />; break;
      case 'documents': body = props.route.path[1] ? <DocRoute id={props.route.path[1]} /> : <Documents route={props.route} />; break;
      case 'incoming': body = props.route.path[1] ? <DeliveryRoute id={props.route.path[1]} /> : <Incoming route={props.route} />; break;
      case 'registers': body = <Registers route={props.route} />; break;
      case 'account': body = <Account onSignOutEverywhere={() => props.onSignOut(true)} />; break;
      case 'sign-batch': body = <TokenBatch />; break;
      case 'sign-token': body = <TokenSign route={props.route} />; break;
    }
  }

  const roleNames = Array.from(new Set(me.roles.map((r) => roleLabel(t, r.role))));

  return (
    <div class={'shell' + (navOpen ? ' nav-open' : '')}>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('nav.skip')}</a>
      <header class="topbar">
        <button type="button" class="icon-btn topbar__menu" aria-expanded={navOpen} aria-controls="sidenav"
          aria-label={t('nav.menu')} onClick={() => setNavOpen(!navOpen)}>
          <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" stroke-width="2" stroke-linecap="round" /></svg>
        </button>
        <Brand />
        <div class="topbar__right">
          <Notify />
          <LangSwitch />
          <a class="userchip" href="#/account" title={t('nav.account')}>
            <span class="userchip__avatar" aria-hidden="true">{initials(me.user.full_name)}</span>
            <span class="userchip__text">
              <span class="userchip__name">{me.user.full_name}</span>
              <span class="userchip__org">{myAgency?.short_name || myAgency?.name || ''}</span>
            </span>
          </a>
          <button type="button" class="btn btn--ghost topbar__signout" onClick={() => props.onSignOut(false)}>{t('nav.signout')}</button>
        </div>
      </header>
      <div class="shell__body">
        <nav id="sidenav" class="sidenav" aria-label={t('nav.label')}>
          <ul>
            {NAV.filter((n) => canSee(me, agencies, n.screen)).map((n) => (
              <li key={n.screen}>
                <a href={'#/' + (n.screen === 'home' ? '' : n.screen)} class={screen === n.screen ? 'is-active' : undefined}
                  aria-current={screen === n.screen ? 'page' : undefined}>
                  <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true"><path d={n.icon} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round" /></svg>
                  <span>{t(n.label)}</span>
                </a>
              </li>
            ))}
            <li class="sidenav__sep">
              <a href="#/account" class={screen === 'account' ? 'is-active' : undefined} aria-current={screen === 'account' ? 'page' : undefined}>
                <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 12a4 4 0 100-8 4 4 0 000 8zm-8 9c0-4 4-6 8-6s8 2 8 6" fill="none" stroke="currentColor" stroke-width="1.8" /></svg>
                <span>{t('nav.account')}</span>
              </a>
            </li>
          </ul>
          <div class="sidenav__roles">
            <p class="sidenav__roles-title">{t('nav.my_roles')}</p>
            <p>{roleNames.join(', ') || t('common.none')}</p>
          </div>
        </nav>
        <div class="scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />
        <main id="main" class="main" tabIndex={-1}>
          {body}
          <footer class="footer">{t('app.footer')}</footer>
        </main>
      </div>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  const last = parts[parts.length - 1] ?? '';
  const first = parts.length > 1 ? parts[0] ?? '' : '';
  return ((first[0] ?? '') + (last[0] ?? '')).toUpperCase();
}
