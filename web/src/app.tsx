// The application: language, session (sign-in, expiry), the shell with its navigation by role,
// and the screens.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, lastActivity, onUnauthorized, setApiLang, setCsrfToken } from './api/client';
import { api } from './api/endpoints';
import type { Agency, Me } from './api/types';
import { I18nContext, initialLang, saveLang, translate, type I18n, type Lang } from './i18n/i18n';
import { useRoute } from './router';
import { SessionContext, sessionOver, type Session } from './session';
import { SignIn } from './screens/signin';
import { Shell } from './shell';
import { Loading } from './components/ui';

type Phase = 'loading' | 'signed-out' | 'signed-in';

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [phase, setPhase] = useState<Phase>('loading');
  const [me, setMe] = useState<Me | null>(null);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [signedOutReason, setSignedOutReason] = useState<'expired' | 'signed-out' | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const toastTimer = useRef<number | undefined>(undefined);
  const route = useRoute();

  const i18n = useMemo<I18n>(() => ({
    lang,
    t: (id, params) => translate(lang, id, params),
    setLang: (l: Lang) => { saveLang(l); setLangState(l); },
  }), [lang]);

  useEffect(() => {
    setApiLang(lang);
    document.documentElement.lang = lang;
  }, [lang]);

  const endSession = useCallback((reason: 'expired' | 'signed-out') => {
    setCsrfToken(null);
    setMe(null);
    setAgencies([]);
    setSignedOutReason(reason);
    setPhase('signed-out');
  }, []);

  const loadAgencies = useCallback(async () => {
    const page = await api.agencies();
    setAgencies(page.items);
  }, []);

  const startSession = useCallback(async (m: Me) => {
    setCsrfToken(m.csrf_token);
    setMe(m);
    setSignedOutReason(null);
    try { await loadAgencies(); } catch { setAgencies([]); }
    setPhase('signed-in');
  }, [loadAgencies]);

  // An answer 401 from any call means the session is gone (idle or absolute timeout, sign-out elsewhere).
  useEffect(() => {
    onUnauthorized(() => endSession('expired'));
    return () => onUnauthorized(null);
  }, [endSession]);

  useEffect(() => {
    api.me().then(startSession).catch((e) => {
      if (!(e instanceof ApiError) || e.status !== 401) setSignedOutReason(null);
      setPhase('signed-out');
    });
  }, []);

  // The session's clocks, watched here too so that an idle screen says so before the next click.
  useEffect(() => {
    if (phase !== 'signed-in' || !me) return;
    const fetchedAt = lastActivity();
    const id = window.setInterval(() => {
      if (sessionOver(me, fetchedAt, lastActivity(), Date.now())) endSession('expired');
    }, 5000);
    return () => window.clearInterval(id);
  }, [phase, me, endSession]);

  useEffect(() => {
    document.title = translate(lang, 'app.title');
  }, [lang]);

  const notify = useCallback((text: string) => {
    setToast(text);
    window.clearTimeout(toastTimer.current);
    toastTimer.current = window.setTimeout(() => setToast(null), 5000);
  }, []);

  const session = useMemo<Session | null>(() => (me ? {
    me, agencies, reloadAgencies: loadAgencies, notify,
  } : null), [me, agencies, loadAgencies, notify]);

  return (
    <I18nContext.Provider value={i18n}>
      {phase === 'loading' ? <div class="boot"><Loading /></div> : null}
      {phase === 'signed-out' ? <SignIn reason={signedOutReason} onSignedIn={startSession} /> : null}
      {phase === 'signed-in' && session ? (
        <SessionContext.Provider value={session}>
          <Shell route={route} onSignOut={async (everywhere) => {
            try { await (everywhere ? api.signOutEverywhere() : api.signOut()); } catch { /* the session is gone either way */ }
            endSession('signed-out');
          }} />
        </SessionContext.Provider>
      ) : null}
      <div class="toast-region" aria-live="polite" role="status">{toast ? <div class="toast">{toast}</div> : null}</div>
    </I18nContext.Provider>
  );
}
