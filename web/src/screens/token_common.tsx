// What the token screens share: the certificate chooser (from the agent's list, with the PIN
// state a person must see before typing) and the text of a refusal.
import { ApiError } from '../api/client';
import { AgentError, agentErrorId, type AgentCert } from '../agent';
import { useErrorText } from '../components/form';
import { Notice } from '../components/ui';
import { useI18n } from '../i18n/i18n';

export function useTokenErrorText(): (e: unknown) => string {
  const { t } = useI18n();
  const errText = useErrorText();
  return (e: unknown) => {
    const code = e instanceof AgentError || e instanceof ApiError ? e.code : null;
    const id = code ? agentErrorId(code) : null;
    if (id) return t(id);
    if (e instanceof AgentError) return e.message || t('error.generic');
    return errText(e);
  };
}

export function CertChooser(props: { certs: AgentCert[]; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const cur = props.certs.find((c) => c.id === props.value);
  return (
    <div class="field">
      <label for="token-cert">{t('token.choose_cert')}</label>
      <select id="token-cert" value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {props.certs.map((c) => (
          <option key={c.id} value={c.id} disabled={c.pinState === 'locked'}>
            {c.subject}{c.token.label ? ' · ' + c.token.label : ''}{c.pinState === 'locked' ? ' · ' + t('token.locked_cert') : ''}
          </option>
        ))}
      </select>
      {cur?.pinState === 'final-try' ? <Notice kind="warning">{t('token.final_try')}</Notice> : null}
      {cur?.pinState === 'count-low' ? <Notice kind="warning">{t('token.count_low')}</Notice> : null}
      {cur?.pinState === 'locked' ? <Notice kind="error">{t('token.err.pin_locked')}</Notice> : null}
    </div>
  );
}

/* The first certificate whose PIN is not locked. */
export function firstUsable(certs: AgentCert[]): string {
  return (certs.find((c) => c.pinState !== 'locked') ?? certs[0])?.id ?? '';
}
