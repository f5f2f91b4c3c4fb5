// Home: what waits for me (certificates near their end, delegations I hold, what my admin roles
// ask of me) and my agency.
import { api } from '../api/endpoints';
import type { Certificate, Delegation, Token, User } from '../api/types';
import { useAsync } from '../components/async';
import { Badge, Card, DefList, Loading, PageHeader } from '../components/ui';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { useI18n } from '../i18n/i18n';
import { delegationKindLabel, kindLabel, roleLabel } from '../labels';
import { adminAgencies, certAgencies, useSession } from '../session';

interface Task { key: string; tone: 'warn' | 'bad' | 'info'; text: string; href: string }

const DAY = 86_400_000;

export function Home() {
  const { t, lang } = useI18n();
  const { me, agencies } = useSession();
  const agency = agencies.find((a) => a.id === me.user.agency_id);
  const parent = agency?.parent_id ? agencies.find((a) => a.id === agency.parent_id) : undefined;
  const admin = adminAgencies(me, agencies).some((a) => a.id === me.user.agency_id);
  const certManager = certAgencies(me, agencies, true).some((a) => a.id === me.user.agency_id);

  const certReader = certAgencies(me, agencies, false).some((a) => a.id === me.user.agency_id);
  const data = useAsync(async () => {
    const now = new Date().toISOString();
    const ag = me.user.agency_id;
    const none = <T,>(): Promise<T[]> => Promise.resolve([] as T[]);
    const total = (p: Promise<{ total: number }>) => p.then((x) => x.total).catch(() => null);
    const [mine, given, locked, agencyCerts, tokens, stats] = await Promise.all([
      api.certificates({ user_id: me.user.id }).then((p) => p.items).catch(() => [] as Certificate[]),
      api.delegations({ user_id: me.user.id }).then((p) => p.items).catch(() => [] as Delegation[]),
      admin ? api.users({ agency_id: ag, status: 'locked' }).then((p) => p.items).catch(() => [] as User[]) : none<User>(),
      certReader ? api.certificates({ owner_kind: 'agency' }).then((p) => p.items).catch(() => [] as Certificate[]) : none<Certificate>(),
      api.tokens({ user_id: me.user.id }).then((p) => p.items).catch(() => [] as Token[]),
      Promise.all([
        admin ? total(api.users({ agency_id: ag, status: 'active', limit: 1 })) : null,
        admin ? total(api.delegations({ agency_id: ag, active_at: now, limit: 1 })) : null,
        certReader ? total(api.certificates({ agency_id: ag, limit: 1 })) : null,
        certReader ? total(api.tokens({ agency_id: ag, limit: 1 })) : null,
      ]),
    ]);
    const people = new Map<number, string>();
    const ids = new Set(given.flatMap((d) => [d.from_user_id, d.to_user_id]));
    await Promise.all([...ids].map((id) => api.user(id).then((u) => people.set(id, u.full_name)).catch(() => undefined)));
    return { mine, given, locked, agencyCerts, tokens, people, stats };
  }, [me.user.id]);

  const tasks: Task[] = [];
  if (data.data) {
    const now = Date.now();
    for (const c of data.data.mine) {
      if (c.status !== 'active' || !c.not_after) continue;
      const left = Date.parse(c.not_after) - now;
      if (left < 0) tasks.push({ key: 'c' + c.id, tone: 'bad', text: t('home.task.cert_expired', { serial: c.serial, date: formatDate(c.not_after, lang) }), href: '#/certificates' });
      else if (left < 60 * DAY) tasks.push({ key: 'c' + c.id, tone: 'warn', text: t('home.task.cert_expiring', { serial: c.serial, date: formatDate(c.not_after, lang) }), href: '#/certificates' });
    }
    for (const d of data.data.given) {
      if (d.status !== 'active' && d.status !== 'pending') continue;
      const kind = delegationKindLabel(t, d.kind);
      if (d.to_user_id === me.user.id) {
        const who = data.data.people.get(d.from_user_id) ?? '';
        tasks.push(d.status === 'active'
          ? { key: 'd' + d.id, tone: 'info', text: t('home.task.delegated_to_me', { kind, who, until: formatDateTime(d.valid_to, lang) }), href: '#/' }
          : { key: 'd' + d.id, tone: 'info', text: t('home.task.delegation_pending', { kind, who, from: formatDateTime(d.valid_from, lang) }), href: '#/' });
      } else if (d.from_user_id === me.user.id && d.status === 'active') {
        const who = data.data.people.get(d.to_user_id) ?? '';
        tasks.push({ key: 'g' + d.id, tone: 'info', text: t('home.task.delegated_by_me', { kind, who, until: formatDateTime(d.valid_to, lang) }), href: admin ? '#/delegations' : '#/' });
      }
    }
    if (data.data.locked.length) {
      tasks.push({ key: 'locked', tone: 'warn', text: t('home.task.locked_users', { n: data.data.locked.length }), href: '#/users?status=locked' });
    }
    const seen = new Set<number>();
    for (const c of [...data.data.agencyCerts, ...data.data.mine.filter((x) => x.owner_kind === 'agency')]) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      if (c.status !== 'active') continue;
      if (!c.assigned_user_id && certManager && c.agency_id === me.user.agency_id) {
        tasks.push({ key: 'ac' + c.id, tone: 'bad', text: t('home.task.agency_cert_unassigned', { serial: c.serial }), href: '#/certificates' });
      } else if (c.assigned_user_id === me.user.id) {
        tasks.push({ key: 'ah' + c.id, tone: 'info', href: '#/certificates', text: c.not_after
          ? t('home.task.agency_cert_mine', { serial: c.serial, date: formatDate(c.not_after, lang) })
          : t('home.task.agency_cert_mine_nodate', { serial: c.serial }) });
      }
    }
  }

  const myRoles = me.roles;
  const st = data.data?.stats;
  const tiles: [string, number | null | undefined, string][] = [
    [t('home.stat.users'), st?.[0], '#/users'], [t('home.stat.delegations'), st?.[1], '#/delegations'],
    [t('home.stat.certificates'), st?.[2], '#/certificates'], [t('home.stat.tokens'), st?.[3], '#/certificates'],
  ];
  const shown = tiles.filter(([, n]) => typeof n === 'number');
  return (
    <div>
      <PageHeader title={t('home.greeting', { name: me.user.full_name })}
        subtitle={[me.user.title, agency?.name].filter(Boolean).join(' — ')} />
      {shown.length ? (
        <section class="stats" aria-label={t('home.stats', { agency: agency?.short_name || agency?.name || '' })}>
          {shown.map(([label, n, href]) => (
            <a key={label} class="stat" href={href}><span class="stat__n">{formatNumber(n ?? 0, lang)}</span><span class="stat__label">{label}</span></a>
          ))}
        </section>
      ) : null}
      <div class="grid grid--2">
        <Card title={t('home.waiting')}>
          {data.loading ? <Loading /> : tasks.length === 0 ? (
            <p class="empty empty--ok">{t('home.nothing_waiting')}</p>
          ) : (
            <ul class="tasks">
              {tasks.map((k) => (
                <li key={k.key} class={'task task--' + k.tone}>
                  <a href={k.href}>{k.text}</a>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t('home.my_agency')}>
          {agency ? (
            <DefList items={[
              [t('agency.name'), <strong>{agency.name}</strong>],
              [t('agency.kind'), kindLabel(t, agency.kind)],
              [t('agency.code'), <code class="code">{agency.code}</code>],
              ...(parent ? [[t('agency.parent'), parent.name] as [string, string]] : []),
              [t('agency.address'), agency.address || t('common.none')],
              [t('agency.contacts'), contactsText(agency.contacts) || t('common.none')],
            ]} />
          ) : <p class="empty">{t('common.none')}</p>}
          <p><a href={'#/org/' + (agency?.id ?? '')}>{t('home.open_org')}</a></p>
        </Card>
        <Card title={t('home.my_roles')}>
          {myRoles.length === 0 ? <p class="empty">{t('home.no_roles')}</p> : (
            <ul class="chips">
              {myRoles.map((r) => (
                <li key={r.id}><Badge tone="info">{roleLabel(t, r.role)}</Badge> <span class="muted">{agencies.find((a) => a.id === r.agency_id)?.short_name || r.agency_name || ''}</span></li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t('home.my_keys')}>
          {data.loading ? <Loading /> : (data.data && (data.data.mine.length || data.data.tokens.length)) ? (
            <ul class="plain">
              {data.data.mine.map((c) => (
                <li key={'c' + c.id}>{c.not_after ? t('home.my_cert', { serial: c.serial, date: formatDate(c.not_after, lang) }) : t('home.my_cert_nodate', { serial: c.serial })}
                  {c.owner_kind === 'agency' ? <> <Badge tone="neutral">{t('cert.owner.agency')}</Badge></> : null}</li>
              ))}
              {data.data.tokens.map((k) => (
                <li key={'t' + k.id}>{t('home.my_token', { serial: k.serial, model: k.model || '' })}</li>
              ))}
            </ul>
          ) : <p class="empty">{t('home.no_keys')}</p>}
        </Card>
      </div>
    </div>
  );
}

export function contactsText(c: { phone?: string; email?: string; fax?: string; website?: string } | undefined): string {
  if (!c) return '';
  return [c.phone, c.email, c.fax, c.website].filter(Boolean).join(' · ');
}
