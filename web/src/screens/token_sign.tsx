// #/sign-token?docs=1,2,3 — the signer signs the listed documents with their own token in one
// batch: kysod prepares each personal signature (sign-batch/begin), the agent signs every hash
// with one dialog that lists the titles and one PIN, kysod checks and embeds the values
// (sign-batch/finish). The document screens link here.
import { useEffect, useState } from 'preact/hooks';
import { tokenApi, type DocBrief } from '../api/token';
import { agent, AgentError, extensionPresent, type AgentCert } from '../agent';
import { Badge, Button, Card, FormError, Loading, Notice, PageHeader } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import type { Route } from '../router';
import { useSession } from '../session';
import { registerOptionalRoute } from '../optional_routes';
import { CertChooser, firstUsable, useTokenErrorText } from './token_common';

registerOptionalRoute('sign-token');

const AFTER_SIGNING = ['signed', 'issued', 'sent'];

export function parseDocIds(q: string | null): number[] {
  const ids = (q ?? '').split(',').map((s) => Number.parseInt(s, 10)).filter((n) => Number.isInteger(n) && n > 0);
  return Array.from(new Set(ids)).slice(0, 100);
}

export function TokenSign(props: { route: Route }) {
  const { t, lang } = useI18n();
  const { notify } = useSession();
  const errText = useTokenErrorText();
  const ids = parseDocIds(props.route.query.get('docs'));
  const key = ids.join(',');
  const [docs, setDocs] = useState<(DocBrief | { id: number; missing: true })[] | null>(null);
  const [certs, setCerts] = useState<AgentCert[] | null>(null);
  const [cert, setCert] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [signed, setSigned] = useState<number[]>([]);

  useEffect(() => {
    setDocs(null);
    setSigned([]);
    void Promise.all(ids.map((id) => tokenApi.document(id).catch(() => ({ id, missing: true as const })))).then(setDocs);
    if (!extensionPresent()) { setError(errText(new AgentError('no-extension', ''))); return; }
    agent.list(lang).then((list) => {
      setCerts(list);
      setCert(firstUsable(list));
      if (list.length === 0) setError(t('token.no_certs'));
    }).catch((e) => setError(errText(e)));
  }, [key]);

  const ready = (docs ?? []).filter((d): d is DocBrief => !('missing' in d) && d.state === 'signing' && !signed.includes(d.id));
  const chosen = certs?.find((c) => c.id === cert);

  const sign = async () => {
    if (!chosen || ready.length === 0) return;
    setError(null);
    setBusy(true);
    try {
      const begun = await tokenApi.batchBegin(ready.map((d) => d.id), chosen.certificate);
      const first = begun.items[0];
      if (!first) return;
      const sigs = await agent.sign(chosen.id, first.hashAlgorithm, first.signatureAlgorithm,
        begun.items.map((it) => ({ title: it.title, hash: it.hash })), lang);
      const done = await tokenApi.batchFinish(begun.items.map((it, i) => ({ sign_id: it.sign_id, signature: sigs[i] ?? '' })));
      setSigned((s) => [...s, ...done.signed]);
      notify(t('token.sign.done', { n: done.signed.length }));
    } catch (e) {
      setError(errText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PageHeader title={t('token.sign.title')} subtitle={t('token.sign.subtitle')} />
      <FormError message={error} />
      {signed.length > 0 ? <Notice kind="success" live>{t('token.sign.done', { n: signed.length })}</Notice> : null}
      <Card title={t('token.sign.docs')}>
        {ids.length === 0 ? <p>{t('token.sign.none')}</p> : docs === null ? <Loading /> : (
          <ul class="token-docs" data-testid="token-docs">
            {docs.map((d) => 'missing' in d ? (
              <li key={d.id}><Badge tone="bad">{t('token.sign.doc_missing', { id: d.id })}</Badge></li>
            ) : (
              <li key={d.id} data-doc={d.id}>
                <span class="token-docs__title">{d.doc_type}: {d.summary}</span>{' '}
                {signed.includes(d.id) || AFTER_SIGNING.includes(d.state)
                  ? <Badge tone="ok">{t('token.sign.state_signed')}</Badge>
                  : d.state === 'signing'
                    ? <Badge tone="info">{t('token.sign.state_signing')}</Badge>
                    : <Badge tone="warn">{t('token.sign.not_ready')}</Badge>}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {certs && certs.length > 0 ? (
        <Card>
          <CertChooser certs={certs} value={cert} onChange={setCert} />
          <Button kind="primary" busy={busy} disabled={ready.length === 0 || !chosen || chosen.pinState === 'locked'}
            onClick={() => void sign()}>{t('token.sign.submit', { n: ready.length })}</Button>
        </Card>
      ) : null}
    </div>
  );
}
