// The audit trail, as an auditor reads it: the hash chain's state first, then every entry (who,
// when, from where, what, before and after), filters, pages, and the export as JSON lines.
import { useState } from 'preact/hooks';
import { download } from '../api/client';
import { api } from '../api/endpoints';
import type { AuditEntry } from '../api/types';
import { useAsync } from '../components/async';
import { useErrorText } from '../components/form';
import { Button, Card, FormError, Loading, Notice, PageHeader } from '../components/ui';
import { formatDateTime, formatNumber, fromLocalInput } from '../format';
import { isMsgId, useI18n } from '../i18n/i18n';
import { auditAgencies, useSession } from '../session';

const PAGE = 50;

export function Audit() {
  const { t, lang } = useI18n();
  const { me, agencies } = useSession();
  const errText = useErrorText();
  const scope = auditAgencies(me, agencies);
  const [agencyId, setAgencyId] = useState('');
  const [action, setAction] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [applied, setApplied] = useState({ agencyId: '', action: '', since: '', until: '' });
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const [exportErr, setExportErr] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const chain = useAsync(() => api.auditVerify(), []);
  const query = () => ({
    agency_id: applied.agencyId || undefined, action: applied.action || undefined,
    since: applied.since ? fromLocalInput(applied.since + 'T00:00') : undefined,
    until: applied.until ? fromLocalInput(applied.until + 'T23:59') : undefined,
  });
  const page = useAsync(() => api.audit({ ...query(), limit: PAGE, offset }), [applied, offset]);
  const agencyName = (id: number | null | undefined) => (id ? agencies.find((a) => a.id === id)?.short_name || agencies.find((a) => a.id === id)?.name || '' : '');
  const actionText = (a: string) => { const k = 'audit.action.' + a; return isMsgId(k) ? t(k) : a; };

  const exportAll = async () => {
    setExportErr(null);
    setExporting(true);
    try {
      const q: Record<string, string> = {};
      for (const [k, v] of Object.entries(query())) if (v) q[k] = v;
      await download('/audit/export', q, 'kyso-audit.jsonl');
    } catch (e) { setExportErr(errText(e)); }
    setExporting(false);
  };

  const total = page.data?.total ?? 0;
  return (
    <div>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')}
        actions={<Button onClick={() => void exportAll()} busy={exporting}>{t('audit.export')}</Button>} />
      <FormError message={exportErr} />
      <Card title={t('audit.chain')} actions={<Button small onClick={chain.reload} busy={chain.loading}>{t('audit.verify_again')}</Button>}>
        {chain.loading ? <Loading /> : chain.error ? <FormError message={errText(chain.error)} /> : chain.data?.ok ? (
          <div class="chain chain--ok" data-testid="chain-status" data-ok="true">
            <span class="chain__icon" aria-hidden="true">✓</span>
            <div><strong>{t('audit.chain_ok')}</strong><p>{t('audit.chain_ok_detail', { n: formatNumber(chain.data.entries, lang) })}</p></div>
          </div>
        ) : (
          <div class="chain chain--bad" data-testid="chain-status" data-ok="false" role="alert">
            <span class="chain__icon" aria-hidden="true">!</span>
            <div><strong>{t('audit.chain_broken')}</strong>
              <p>{t('audit.chain_broken_detail', { seq: chain.data?.broken_at ?? '?', n: formatNumber(chain.data?.entries ?? 0, lang) })}</p>
              {chain.data?.message ? <p>{chain.data.message}</p> : null}</div>
          </div>
        )}
      </Card>
      <Card title={t('audit.entries')}>
        <form class="toolbar" onSubmit={(e) => { e.preventDefault(); setOffset(0); setApplied({ agencyId, action, since, until }); }}>
          {scope === 'all' || scope.length > 1 ? (
            <div class="field field--compact field--inline">
              <label for="audit-agency">{t('common.agency')}</label>
              <select id="audit-agency" value={agencyId} onChange={(e) => setAgencyId((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('common.all')}</option>
                {(scope === 'all' ? agencies : scope).map((a) => <option key={a.id} value={String(a.id)}>{a.name}</option>)}
              </select>
            </div>
          ) : null}
          <div class="field field--compact field--inline">
            <label for="audit-action">{t('audit.action')}</label>
            <input id="audit-action" type="search" value={action} onInput={(e) => setAction((e.currentTarget as HTMLInputElement).value)} spellcheck={false} />
          </div>
          <div class="field field--compact field--inline">
            <label for="audit-since">{t('audit.since')}</label>
            <input id="audit-since" type="date" value={since} onInput={(e) => setSince((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field field--compact field--inline">
            <label for="audit-until">{t('audit.until')}</label>
            <input id="audit-until" type="date" value={until} onInput={(e) => setUntil((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <Button type="submit">{t('action.filter')}</Button>
        </form>
        {page.loading ? <Loading /> : page.error ? <FormError message={errText(page.error)} /> : (page.data?.items.length ?? 0) === 0 ? (
          <p class="empty">{t('audit.empty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table table--audit">
              <caption class="sr-only">{t('audit.entries')}</caption>
              <thead><tr>
                <th scope="col">{t('audit.seq')}</th><th scope="col">{t('audit.at')}</th><th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.ip')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.object')}</th>
                <th scope="col"><span class="sr-only">{t('audit.details')}</span></th>
              </tr></thead>
              <tbody>
                {(page.data?.items ?? []).map((en) => <AuditRow key={en.seq} en={en} open={open === en.seq} onToggle={() => setOpen(open === en.seq ? null : en.seq)}
                  actionText={actionText} agencyName={agencyName} />)}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager" aria-label={t('common.pages')}>
          <Button small disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t('common.prev')}</Button>
          <span>{total ? t('common.range', { from: formatNumber(offset + 1, lang), to: formatNumber(Math.min(offset + PAGE, total), lang), total: formatNumber(total, lang) }) : ''}</span>
          <Button small disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>{t('common.next')}</Button>
        </nav>
      </Card>
      <Notice kind="info">{t('audit.note')}</Notice>
    </div>
  );
}

function AuditRow({ en, open, onToggle, actionText, agencyName }: {
  en: AuditEntry; open: boolean; onToggle: () => void; actionText: (a: string) => string; agencyName: (id: number | null | undefined) => string;
}) {
  const { t, lang } = useI18n();
  return (
    <>
      <tr class={open ? 'is-open' : undefined}>
        <td data-label={t('audit.seq')}><span class="cell">{en.seq}</span></td>
        <td data-label={t('audit.at')}><span class="cell">{formatDateTime(en.at, lang)}</span></td>
        <td data-label={t('audit.actor')}><span class="cell">{en.actor ?? ''}{en.agency_id ? <span class="muted small"> · {agencyName(en.agency_id)}</span> : null}</span></td>
        <td data-label={t('audit.ip')}><span class="cell"><code class="code">{en.ip ?? ''}</code></span></td>
        <td data-label={t('audit.action')}><span class="cell" title={en.action}>{actionText(en.action)}</span></td>
        <td data-label={t('audit.object')}><span class="cell"><code class="code">{en.object ?? ''}</code></span></td>
        <td data-label={t('audit.details')}><span class="cell">
          <Button small kind="link" onClick={onToggle}>{open ? t('audit.hide') : t('audit.show')}</Button>
        </span></td>
      </tr>
      {open ? (
        <tr class="audit-detail">
          <td colSpan={7}>
            <ChangeTable before={en.before ?? null} after={en.after ?? null} />
            <p class="hashes"><span>{t('audit.hash')}</span> <code>{en.hash ?? ''}</code><br /><span>{t('audit.prev_hash')}</span> <code>{en.prev_hash ?? ''}</code></p>
          </td>
        </tr>
      ) : null}
    </>
  );
}

/* What an entry changed, field by field: changed values are marked, unchanged ones kept for context. */
function ChangeTable({ before, after }: { before: Record<string, unknown> | null; after: Record<string, unknown> | null }) {
  const { t } = useI18n();
  const keys = Array.from(new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]));
  if (keys.length === 0) return <p class="muted">{t('audit.no_change_data')}</p>;
  const show = (o: Record<string, unknown> | null, k: string) => {
    if (!o || !(k in o)) return '';
    const v = o[k];
    return v === null ? t('common.none') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  return (
    <table class="changes">
      <caption class="sr-only">{t('audit.changes')}</caption>
      <thead><tr><th scope="col">{t('audit.field')}</th><th scope="col">{t('audit.before')}</th><th scope="col">{t('audit.after')}</th></tr></thead>
      <tbody>
        {keys.map((k) => {
          const b = show(before, k);
          const a = show(after, k);
          const changed = b !== a;
          return (
            <tr key={k} class={changed ? 'is-changed' : undefined}>
              <th scope="row"><code>{k}</code></th>
              <td>{b}</td>
              <td>{a}{changed ? <span class="sr-only"> {t('audit.changed')}</span> : null}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
