// "Văn bản đến": the deliveries to the user's agency, each verified on arrival. The verdict in
// plain Vietnamese first (who signed, in which capacity, when, valid or not, what was added after
// signing and whether that is allowed), the object-level detail folded for IT, the signatures'
// places outlined on the pages in the colour of their verdict; the clerk accepts (assignee,
// deadline in working days shown as a date) or rejects with a reason chosen or written.
import { useState } from 'preact/hooks';
import { docsApi, fedAsDelivery, parseVerify, type Delivery, type VerifyChange, type VerifyReport, type VerifySignature } from '../api/docs';
import { api } from '../api/endpoints';
import type { User } from '../api/types';
import { useAsync } from '../components/async';
import { useErrorText } from '../components/form';
import { PdfView, type BoxTone, type PdfBox, type PdfInfo } from '../components/pdfview';
import { Badge, Button, Card, FormError, Loading, Notice, PageHeader, SelectField, Table, TextArea, TextField } from '../components/ui';
import { formatDate, formatDateTime } from '../format';
import { useI18n, type I18n, type MsgId } from '../i18n/i18n';
import { navigate, type Route } from '../router';
import { hasRole, useSession } from '../session';
import { addWorkingDays } from './docs_common';
import { NotFound } from './errors';

type Tab = 'received' | 'accepted' | 'rejected';
const TABS: Tab[] = ['received', 'accepted', 'rejected'];
// Handled documents stay with the accepted ones; recalled ones with the rejected (no longer held).
const tabOf = (s: string): string => s === 'done' ? 'accepted' : s === 'recalled' ? 'rejected' : s;

export const verdictTone = (v: string): 'ok' | 'bad' | 'warn' =>
  v === 'TOTAL-PASSED' ? 'ok' : v === 'TOTAL-FAILED' || v === 'UNSIGNED' ? 'bad' : 'warn';
export const verdictLabel = (t: I18n['t'], v: string): string =>
  t(v === 'TOTAL-PASSED' ? 'verdict.passed' : v === 'TOTAL-FAILED' ? 'verdict.failed' : v === 'UNSIGNED' ? 'verdict.unsigned' : 'verdict.indeterminate');

export function Incoming({ route }: { route: Route }) {
  const { t, lang } = useI18n();
  const { me, agencies } = useSession();
  const tab = (TABS as string[]).includes(route.query.get('tab') ?? '') ? (route.query.get('tab') as Tab) : 'received';
  // Same-server deliveries and documents from other servers (edXML, GET /fed/inbox) in one list.
  const data = useAsync(async () => {
    const [loc, rem] = await Promise.all([docsApi.deliveries({ agency_id: me.user.agency_id }),
      docsApi.fedInbox({ agency_id: me.user.agency_id }).catch(() => ({ items: [] }))]);
    return { items: [...loc.items, ...rem.items.map(fedAsDelivery)].sort((a, b) => b.sent_at.localeCompare(a.sent_at)) };
  }, [me.user.agency_id]);
  const all = (data.data?.items ?? []).filter((x) => x.to_agency_id === me.user.agency_id);
  const rows = all.filter((x) => tabOf(x.state) === tab);
  const from = (r: Delivery) => r.remote ? (r.from_name || r.from_code || '') : agencies.find((a) => a.id === r.from_agency_id)?.name ?? '#' + r.from_agency_id;
  return (
    <div>
      <PageHeader title={t('incoming.title')} subtitle={agencies.find((a) => a.id === me.user.agency_id)?.name} />
      <nav class="tabs" aria-label={t('incoming.tabs')}>
        {TABS.map((x) => (
          <a key={x} href={'#/incoming?tab=' + x} aria-current={tab === x ? 'page' : undefined} class={'tab' + (tab === x ? ' is-active' : '')}>
            {t(('incoming.tab.' + x) as MsgId)} <span class="tab__n">{data.data ? all.filter((d) => tabOf(d.state) === x).length : ''}</span>
          </a>
        ))}
      </nav>
      <Card>
        {data.loading ? <Loading /> : (
          <Table<Delivery> caption={t(('incoming.tab.' + tab) as MsgId)} captionHidden rows={rows} rowKey={(r) => (r.remote ? 'r' : '') + r.id} empty={t('incoming.empty')}
            columns={[
              { key: 'summary', label: t('doc.summary'), render: (r) => <a href={'#/incoming/' + (r.remote ? 'r' : '') + r.id} class="doclink"><strong>{r.doc_type}</strong> {r.summary}</a> },
              { key: 'symbol', label: t('doc.symbol'), class: 'nowrap', render: (r) => r.symbol ?? '' },
              { key: 'from', label: t('dlv.from'), render: (r) => <>{from(r)}{r.remote ? <> <Badge tone="info">{t('fedui.remote')}</Badge></> : null}{r.state !== tab ? <> <Badge tone="warn">{t(('dlv.state.' + r.state) as MsgId)}</Badge></> : null}</> },
              { key: 'verdict', label: t('dlv.verdict'), render: (r) => <Badge tone={verdictTone(r.verdict)}>{verdictLabel(t, r.verdict)}</Badge> },
              { key: 'sent', label: t('dlv.sent_at'), render: (r) => formatDateTime(r.sent_at, lang) },
            ]} />
        )}
      </Card>
    </div>
  );
}

export function DeliveryPage({ id, remote }: { id: number; remote?: boolean }) {
  const { t, lang } = useI18n();
  const { me, agencies } = useSession();
  const data = useAsync(async () => {
    const d = remote ? fedAsDelivery(await docsApi.fedItem(id)) : await docsApi.delivery(id);
    const people = await api.users({ agency_id: d.to_agency_id }).then((p) => p.items).catch(() => [] as User[]);
    return { d, people };
  }, [id, remote]);
  const [info, setInfo] = useState<PdfInfo | null>(null);
  if (data.loading && !data.data) return <Loading />;
  const d = data.data?.d;
  if (!d) return <NotFound />;
  const rep = parseVerify(d.verify_report);
  const sigs = rep?.signatures ?? [];
  const boxes: PdfBox[] = [];
  for (const w of info?.widgets ?? []) {
    const s = sigs.find((x) => x.field === w.name);
    const tone: BoxTone = !s ? 'warn' : verdictTone(sigIndication(s)) === 'ok' ? 'ok' : verdictTone(sigIndication(s)) === 'bad' ? 'bad' : 'warn';
    boxes.push({ page: w.page, rect: w.rect, tone, label: (s?.signer?.name ?? w.name) + ' — ' + verdictLabel(t, sigIndication(s)), key: 'w' + w.name });
  }
  const from = d.remote ? (d.from_name || d.from_code || '') : agencies.find((a) => a.id === d.from_agency_id)?.name ?? '#' + d.from_agency_id;
  const pdfUrl = d.remote ? docsApi.fedPdfUrl(d.id) : docsApi.deliveryPdfUrl(d.id);
  return (
    <div>
      <p class="crumbs"><a href="#/incoming">{t('incoming.title')}</a></p>
      <PageHeader title={d.doc_type + (d.symbol ? ' ' + d.symbol : '')} subtitle={d.summary}
        actions={<>{d.remote ? <Badge tone="info">{t('fedui.remote')}</Badge> : null} <Badge tone={d.state === 'accepted' || (d.state as string) === 'done' ? 'ok' : d.state === 'rejected' || (d.state as string) === 'recalled' ? 'bad' : 'info'}>{t(('dlv.state.' + d.state) as MsgId)}</Badge></>} />
      {d.remote ? <Notice kind="info">{t('fedui.remote_intro', { from: from + (d.from_code ? ' (' + d.from_code + ')' : '') })}</Notice> : null}
      <div class="docgrid">
        <div class="docgrid__side">
          <Card title={t('dlv.verdict')}>
            <Plain rep={rep} verdict={d.verdict} from={from} sentAt={d.sent_at} />
          </Card>
          {d.state === 'received' && hasRole(me, 'clerk', d.to_agency_id)
            ? <Decide d={d} people={data.data?.people ?? []} onDone={() => data.reload()} />
            : d.state !== 'received' ? (
              <Card title={t('dlv.decision')}>
                <p>{t(('dlv.state.' + d.state) as MsgId)} · {formatDateTime(d.decided_at, lang)}</p>
                {d.number ? <p><strong>{t('fedui.number')}:</strong> {d.number}</p> : null}
                {d.reason ? <p><strong>{t('dlv.reason')}:</strong> {d.reason}</p> : null}
              </Card>
            ) : null}
          <Card title={t('verify.detail')}>
            <details class="techdetail">
              <summary>{t('verify.detail_summary')}</summary>
              <pre class="code">{JSON.stringify(rep, null, 2)}</pre>
            </details>
          </Card>
        </div>
        <div class="docgrid__main">
          <Card title={t('pdf.preview')}>
            <p class="legend"><span class="swatch swatch--ok" /> {t('verdict.passed')} <span class="swatch swatch--bad" /> {t('verdict.failed')} <span class="swatch swatch--warn" /> {t('verdict.indeterminate')}</p>
            {(d.state as string) === 'recalled' ? <p class="empty">{t('fedui.destroyed')}</p> : <>
            <PdfView url={pdfUrl} boxes={boxes} onInfo={setInfo} />
            <p><a class="btn btn--secondary btn--small" href={pdfUrl} download={`van-ban-den-${d.id}.pdf`}>{t('doc.download')}</a></p></>}
          </Card>
        </div>
      </div>
    </div>
  );
}

const sigIndication = (s: VerifySignature | undefined): string => !s ? 'INDETERMINATE' : s.indication === 'PASSED' ? 'TOTAL-PASSED' : s.indication === 'FAILED' ? 'TOTAL-FAILED' : s.indication;

/* The report in plain words: one paragraph per signature, then the overall verdict. */
function Plain({ rep, verdict, from, sentAt }: { rep: VerifyReport | null; verdict: string; from: string; sentAt: string }) {
  const { t, lang } = useI18n();
  const { agencies } = useSession();
  const fold = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  const names = new Set([from, ...agencies.map((a) => a.name)].map(fold));
  // An organisation's certificate names the agency (its seal); a person's names the person.
  // The report keeps each change in English ("what") and in Vietnamese ("what_text").
  const whatText = (c: VerifyChange) => (lang === 'vi' ? c.what_text : '') || c.what;
  const isOrg = (s: VerifySignature) => !!s.signer?.name && names.has(fold(s.signer.name));
  const sigs = rep?.signatures ?? [];
  return (
    <div class="plain-verdict">
      <Notice kind={verdictTone(verdict) === 'ok' ? 'success' : verdictTone(verdict) === 'bad' ? 'error' : 'warning'}>
        <strong>{verdictLabel(t, verdict)}</strong> · {t('verify.from', { from, when: formatDateTime(sentAt, lang) })}
      </Notice>
      <ol class="sigs">
        {sigs.map((s, i) => {
          const ok = verdictTone(sigIndication(s)) === 'ok';
          const added = s.changes_after ?? [];
          const bad = added.filter((c) => !c.allowed);
          return (
            <li key={i} class={'sig sig--' + verdictTone(sigIndication(s))}>
              <p>
                <strong>{s.signer?.name ?? t('verify.unknown_signer')}</strong>
                {s.signer?.title ? ', ' + s.signer.title : ''}
                {s.signer?.organization ? ' — ' + s.signer.organization : ''}
              </p>
              <p>{isOrg(s) ? t('verify.capacity_org') : t('verify.capacity_person')}
                {s.signing_time ? ' · ' + t('verify.signed_at', { when: formatDateTime(s.signing_time, lang) }) : ''}</p>
              <p>{ok ? t('verify.sig_valid') : verdictTone(sigIndication(s)) === 'bad' ? t('verify.sig_invalid') : t('verify.sig_indeterminate')}
                {s.subindication ? ` (${s.subindication})` : ''}</p>
              <p>{added.length === 0 ? t('verify.nothing_after') : bad.length === 0
                ? t('verify.added_allowed', { what: [...new Set(added.map(whatText))].join(', ') })
                : t('verify.added_forbidden', { what: [...new Set(bad.map(whatText))].join(', ') })}</p>
            </li>
          );
        })}
      </ol>
      {sigs.length === 0 ? <p>{t('verify.no_signature')}</p> : null}
      <p class="muted small">{rep?.validation_time ? t('verify.checked_at', { when: formatDateTime(rep.validation_time, lang) }) : ''}</p>
    </div>
  );
}

const REASONS: MsgId[] = ['reject.reason.wrong_recipient', 'reject.reason.invalid_signature', 'reject.reason.incomplete', 'reject.reason.format'];

function Decide({ d, people, onDone }: { d: Delivery; people: User[]; onDone: () => void }) {
  const { t, lang } = useI18n();
  const { notify } = useSession();
  const errText = useErrorText();
  const [assignee, setAssignee] = useState('');
  const [days, setDays] = useState('5');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<string>('');
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [reasonErr, setReasonErr] = useState<string | undefined>(undefined);
  const n = Number(days);
  const due = Number.isInteger(n) && n > 0 && n < 366 ? formatDate(addWorkingDays(new Date(), n).toISOString(), lang) : '';
  const go = async (what: string, fn: () => Promise<unknown>, msg: MsgId) => {
    setErr(null); setBusy(what);
    try { await fn(); notify(t(msg)); onDone(); } catch (e) { setErr(errText(e)); }
    setBusy(null);
  };
  const why = reason === 'other' ? other.trim() : reason ? t(reason as MsgId) : '';
  return (
    <>
      <Card title={t('dlv.accept')}>
        <FormError message={err} />
        <div>
          <SelectField label={t('dlv.assignee')} name="assignee_id" value={assignee} onChange={setAssignee} placeholder={t('form.choose')}
            options={people.filter((u) => u.status === 'active').map((u) => ({ value: String(u.id), label: u.full_name + (u.title ? ' — ' + u.title : '') }))} />
          <TextField label={t('dlv.deadline_days')} name="deadline_days" type="number" inputMode="numeric" value={days} onInput={setDays}
            hint={due ? t('dlv.deadline_is', { date: due }) : t('dlv.deadline_hint')} />
        </div>
        <TextArea label={t('dlv.note')} name="note" value={note} onInput={setNote} rows={2} />
        <Button kind="primary" busy={busy === 'accept'} onClick={() => void go('accept', () => (d.remote ? docsApi.fedAccept : docsApi.accept)(d.id, {
          ...(assignee ? { assignee_id: Number(assignee) } : {}), ...(n > 0 ? { deadline_days: n } : {}), ...(note ? { note } : {}),
        }), 'dlv.accepted')}>{t('dlv.accept_button')}</Button>
      </Card>
      <Card title={t('dlv.reject')}>
        <fieldset class={'radios' + (reasonErr ? ' field--error' : '')} data-field="reason">
          <legend>{t('dlv.reason')}</legend>
          {[...REASONS, 'other'].map((r) => (
            <label key={r} class="check">
              <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => { setReason(r); setReasonErr(undefined); }} />
              <span>{r === 'other' ? t('reject.reason.other') : t(r as MsgId)}</span>
            </label>
          ))}
          {reasonErr ? <p class="field-error" role="alert">{reasonErr}</p> : null}
        </fieldset>
        {reason === 'other' ? <TextArea label={t('dlv.reason_text')} name="reason_text" value={other} onInput={setOther} rows={2} /> : null}
        <Button kind="danger" busy={busy === 'reject'} onClick={() => {
          if (!why) { setReasonErr(t('dlv.reason_required')); return; }
          void go('reject', () => (d.remote ? docsApi.fedReject : docsApi.reject)(d.id, why), 'dlv.rejected');
        }}>{t('dlv.reject_button')}</Button>
      </Card>
    </>
  );
}

export function DeliveryRoute({ id }: { id: string | undefined }) {
  const remote = !!id && id.startsWith('r'); // #/incoming/rN: from another server
  const n = Number(remote ? id.slice(1) : id);
  if (!Number.isInteger(n) || n <= 0) { navigate('#/incoming'); return null; }
  return <DeliveryPage key={(remote ? 'r' : '') + n} id={n} remote={remote} />;
}
