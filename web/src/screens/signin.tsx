import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Me } from '../api/types';
import { Logo } from '../components/brand';
import { useErrorText } from '../components/form';
import { LangSwitch } from '../components/langswitch';
import { Button, FormError, Notice } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { TokenSignIn } from './token_signin';

export function SignIn(props: { reason: 'expired' | 'signed-out' | null; onSignedIn: (m: Me) => Promise<void> }) {
  const { t } = useI18n();
  const errText = useErrorText();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ login?: string; password?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const missing: { login?: string; password?: string } = {};
    if (!login.trim()) missing.login = t('signin.login_required');
    if (!password) missing.password = t('signin.password_required');
    setFormError(null);
    if (missing.login || missing.password) {
      setErrors(missing);
      document.getElementById(missing.login ? 'signin-login' : 'signin-password')?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const me = await api.signIn(login.trim(), password);
      setPassword('');
      await props.onSignedIn(me);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'bad_credentials' || err.fields['password'] || err.fields['login'])) {
        // Wrong credentials read the same in every case (the catalogue's words, in the UI's language).
        const msg = err.code === 'bad_credentials' ? t('signin.bad_credentials') : (err.fields['password'] ?? err.fields['login'] ?? t('signin.bad_credentials'));
        setErrors(err.fields['login'] && !err.fields['password'] ? { login: msg } : { password: msg });
        setPassword('');
        document.getElementById(err.fields['login'] && !err.fields['password'] ? 'signin-login' : 'signin-password')?.focus();
      } else if (err instanceof ApiError && err.code === 'throttled') {
        setFormError(err.retryAfter ? t('signin.throttled_for', { s: err.retryAfter }) : t('signin.throttled'));
      } else {
        setFormError(errText(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="signin">
      <div class="signin__aside" aria-hidden="true">
        <div class="signin__aside-inner">
          <Logo size={56} />
          <p class="signin__eyebrow">{t('signin.eyebrow')}</p>
          <p class="signin__headline">{t('app.subtitle')}</p>
          <p class="signin__lead">{t('signin.lead')}</p>
        </div>
      </div>
      <main class="signin__main" id="main">
        <div class="signin__top"><LangSwitch /></div>
        <div class="signin__card">
          <div class="signin__brand"><Logo size={40} /><span>{t('app.name')}</span></div>
          <h1>{t('signin.title')}</h1>
          <p class="page-sub">{t('signin.intro')}</p>
          {props.reason === 'expired' ? <Notice kind="warning">{t('signin.expired')}</Notice> : null}
          {props.reason === 'signed-out' ? <Notice kind="info" live>{t('signin.signed_out')}</Notice> : null}
          <FormError message={formError} />
          <form onSubmit={submit} noValidate class="form">
            <SignInField id="signin-login" name="login" label={t('signin.login')} value={login} onInput={(v) => { setLogin(v); setErrors((x) => ({ ...x, login: undefined })); }}
              error={errors.login} autocomplete="username" type="text" />
            <SignInField id="signin-password" name="password" label={t('signin.password')} value={password} onInput={(v) => { setPassword(v); setErrors((x) => ({ ...x, password: undefined })); }}
              error={errors.password} autocomplete="current-password" type="password" />
            <Button kind="primary" type="submit" busy={busy}>{t('signin.submit')}</Button>
          </form>
          <TokenSignIn onSignedIn={props.onSignedIn} />
          <p class="signin__help">{t('signin.help')}</p>
        </div>
        <p class="signin__foot">{t('app.footer')}</p>
      </main>
    </div>
  );
}

/* The sign-in fields keep fixed ids so that the focus can be moved to the one at fault. */
function SignInField(p: { id: string; name: string; label: string; value: string; onInput: (v: string) => void; error: string | undefined; autocomplete: string; type: string }) {
  return (
    <div class={'field' + (p.error ? ' field--error' : '')} data-field={p.name}>
      <label for={p.id}>{p.label}</label>
      {p.error ? <p class="field-error" id={p.id + '-err'} role="alert">{p.error}</p> : null}
      <input id={p.id} name={p.name} type={p.type} value={p.value} autocomplete={p.autocomplete}
        aria-invalid={!!p.error} aria-describedby={p.error ? p.id + '-err' : undefined} required
        autoCapitalize="none" spellcheck={false} autoFocus={p.name === 'login'}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)} />
    </div>
  );
}
