// "Đăng nhập bằng thiết bị ký số": kysod's challenge, signed by the agent together with this
// site's origin (Web eID's authentication token), sent back; the session is the one a password
// sign-in opens.
import { useState } from 'preact/hooks';
import { tokenApi } from '../api/token';
import type { Me } from '../api/types';
import { AgentError, agent, extensionPresent, type AgentCert } from '../agent';
import { Button, FormError } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { CertChooser, firstUsable, useTokenErrorText } from './token_common';

export function TokenSignIn(props: { onSignedIn: (m: Me) => Promise<void> }) {
  const { t, lang } = useI18n();
  const errText = useTokenErrorText();
  const [certs, setCerts] = useState<AgentCert[] | null>(null);
  const [cert, setCert] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const signIn = async (id: string) => {
    const ch = await tokenApi.challenge();
    const tok = await agent.authenticate(id, ch.nonce, lang);
    await props.onSignedIn(await tokenApi.signIn(tok));
  };

  const start = async () => {
    setError(null);
    if (!extensionPresent()) { setError(errText(new AgentError('no-extension', ''))); return; }
    setBusy(true);
    try {
      if (certs && cert) { await signIn(cert); return; }
      const list = await agent.list(lang);
      if (list.length === 0) { setError(t('token.no_certs')); return; }
      if (list.length === 1 && list[0] && list[0].pinState !== 'locked' && list[0].pinState !== 'final-try') {
        await signIn(list[0].id);
        return;
      }
      setCerts(list);
      setCert(firstUsable(list));
    } catch (e) {
      setError(errText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="token-signin" data-testid="token-signin">
      <p class="signin__or">{t('token.signin_or')}</p>
      <FormError message={error} />
      {certs ? <CertChooser certs={certs} value={cert} onChange={setCert} /> : null}
      <Button kind="secondary" busy={busy} onClick={() => void start()}>{certs ? t('token.continue') : t('token.signin')}</Button>
      <p class="signin__help">{t('token.signin_hint')}</p>
    </div>
  );
}
