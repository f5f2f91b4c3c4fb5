// One outgoing document: its metadata, the PDF preview, the timeline (versions, comments, who did
// what when, in +07:00) and the action of the current step for the current user — submit; the
// unit head's approval or send-back; the format check with its findings outlined on the pages;
// the signer's signature (server-side token, the image's place movable); the clerk's number,
// seal and register entry; the sending to agencies by mã định danh; then each recipient's answer.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { docsApi, parseReport, type Delivery, type Recipient, type Doc, type Finding, type FormatReport, type SignPosition } from '../api/docs';
import { api } from '../api/endpoints';
import type { User } from '../api/types';
import { useAsync } from '../components/async';
import { useErrorText } from '../components/form';
import { PdfView, type PdfBox, type PdfInfo, type PdfRect } from '../components/pdfview';
import { Badge, Button, Card, DefList, Dialog, FormError, Loading, Notice, PageHeader, TextArea, TextField } from '../components/ui';
import { formatDate, formatDateTime } from '../format';
import { isMsgId, useI18n, type MsgId } from '../i18n/i18n';
import { hasOptionalRoute } from '../optional_routes';
import { navigate } from '../router';
import { hasRole, useSession } from '../session';
import { classLabel, recipientsText, stateLabel, stateTone, urgencyLabel } from './docs_common';
import { NotFound } from './errors';
import { guessPlace } from '../docs_logic';

export function DocumentPage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { me, agencies } = useSession();
  const errText = useErrorText();
  const data = useAsync(async () => {
    const d = await docsApi.get(id);
    const people = await api.users({ agency_id: d.agency_id }).then((p) => p.items).catch(() => [] as User[]);
    const out = d.state === 'sent' || d.state === 'recalled';
    const sent = out ? (await docsApi.deliveries({ agency_id: d.agency_id })).items.filter((x) => x.document_id === id) : [];
    // every recipient, on this server and on other servers (edXML), with its status
    const recips = out ? (await docsApi.recipients(id)).items : [];
    return { d, people, sent, recips };
  }, [id]);
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const [place, setPlace] = useState<PdfRect | null>(null);
  // Sent to the engine only once the signer moved it: otherwise the engine places the image.
  const [moved, setMoved] = useState(false);
  const [info, setInfo] = useState<PdfInfo | null>(null);
  const [pdfTick, setPdfTick] = useState(0);

  const d = data.data?.d;
  const signing = !!d && d.state === 'signing' && hasRole(me, 'signer', d.agency_id);
  // Where the engine will put the signature image: between the title line and the signer's name.
  useEffect(() => {
    if (signing && info && !place) setPlace(guessPlace(info, me.user.full_name));
  }, [signing, info]);
  useEffect(() => { setFindings(null); setPlace(null); setInfo(null); setMoved(false); }, [id]);

  if (data.loading && !data.data) return <Loading />;
  if (data.error || !d) return data.error ? <NotFound /> : <Loading />;
  const people = data.data?.people ?? [];
  const who = (uid: number | null) => uid === null ? '' : uid === me.user.id ? me.user.full_name : people.find((u) => u.id === uid)?.full_name ?? '#' + uid;
  const agency = agencies.find((a) => a.id === d.agency_id);
  const report = findings ? { findings } : parseReport(d.format_report);
  const boxes: PdfBox[] = (report?.findings ?? []).filter((f) => f.page > 0 && f.box.length === 4).map((f, i) => ({
    page: f.page, rect: f.box, tone: 'finding', label: (i + 1) + '. ' + f.rule, key: 'f' + i,
  }));
  const reload = () => { data.reload(); setPdfTick((x) => x + 1); };

  return (
    <div>
      <p class="crumbs"><a href="#/documents">{t('docs.title')}</a></p>
      <PageHeader title={d.doc_type + (d.symbol ? ' ' + d.symbol : '')} subtitle={d.summary}
        actions={<Badge tone={stateTone(d.state)}>{stateLabel(t, d.state)}</Badge>} />
      <div class="docgrid">
        <div class="docgrid__side">
          <StepCard d={d} findings={findings} setFindings={setFindings} place={moved ? place : null} onDone={reload} errText={errText} />
          {d.state === 'sent' || d.state === 'recalled' ? <Recipients rows={data.data?.recips ?? []} /> : null}
          {d.state === 'sent' && hasRole(me, 'clerk', d.agency_id) ? <Recall d={d} onDone={reload} /> : null}
          <Card title={t('doc.metadata')}>
            <DefList items={[
              [t('doc.agency'), agency?.name ?? ''],
              [t('doc.doc_type'), d.doc_type],
              [t('doc.number_symbol'), d.symbol || t('doc.at_issue')],
              [t('doc.issued_date'), d.issued_at ? formatDate(d.issued_at, lang) : t('doc.at_issue')],
              [t('doc.summary'), d.summary],
              [t('doc.urgency'), urgencyLabel(t, d.urgency)],
              [t('doc.classification'), classLabel(t, d.classification)],
              [t('doc.series'), d.series || '—'],
              [t('doc.pages'), String(d.pages)],
              [t('doc.drafter'), who(d.drafter_id)],
              [t('doc.signer'), d.signer_id ? who(d.signer_id) : '—'],
              [t('doc.recipients'), recipientsText(d.recipients) || '—'],
              [t('doc.sha256'), <code class="hash">{d.sha256.slice(0, 16)}…</code>],
            ]} />
            <p><a class="btn btn--secondary btn--small" href={docsApi.pdfUrl(d.id)} download={`van-ban-${d.id}.pdf`}>{t('doc.download')}</a></p>
          </Card>
          <Timeline d={d} who={who} sent={data.data?.sent ?? []} />
        </div>
        <div class="docgrid__main">
          <Card title={t('pdf.preview')}>
            {report && report.findings.length ? <Findings report={report} /> : report ? <Notice kind="success">{t('check.none')}</Notice> : null}
            <PdfView key={pdfTick} url={docsApi.pdfUrl(d.id) + '?v=' + d.version} boxes={boxes} onInfo={setInfo}
              movable={signing && place ? { rect: place, label: t('sign.place'), onChange: (r) => { setPlace(r); setMoved(true); } } : null} />
          </Card>
        </div>
      </div>
    </div>
  );
}

function Findings({ report }: { report: FormatReport }) {
  const { t } = useI18n();
  return (
    <div class="findings">
      <Notice kind="warning">{t('check.count', { n: report.findings.length })}</Notice>
      <ol class="findings__list">
        {report.findings.map((f, i) => (
          <li key={i} data-rule={f.rule}>
            <strong>{isMsgId('rule.' + f.rule) ? t(('rule.' + f.rule) as MsgId) : f.rule}</strong>
            {f.page > 0 ? <span class="muted"> · {t('check.page', { n: f.page })}</span> : null}
            <br />{f.message}
          </li>
        ))}
      </ol>
    </div>
  );
}

function StepCard(props: {
  d: Doc; findings: Finding[] | null; setFindings: (f: Finding[]) => void; place: PdfRect | null;
  onDone: () => void; errText: (e: unknown) => string;
}) {
  const { t } = useI18n();
  const { me, agencies, notify } = useSession();
  const { d } = props;
  const [busy, setBusy] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [commentErr, setCommentErr] = useState<string | undefined>(undefined);
  const [title, setTitle] = useState(me.user.title ?? '');
  const [symbol, setSymbol] = useState('');
  const [series, setSeries] = useState(d.series);
  const [to, setTo] = useState<string[]>([]);
  const [q, setQ] = useState('');
  const ag = d.agency_id;
  const agency = agencies.find((a) => a.id === ag);
  useEffect(() => {
    if (!symbol && agency) setSymbol((d.series || 'QĐ') + '-' + (agency.short_name?.replace(/\s+/g, '') || 'UBND'));
  }, [agency?.id]);

  const run = async (what: string, fn: () => Promise<unknown>, done: MsgId) => {
    setErr(null);
    setBusy(what);
    try { await fn(); notify(t(done)); props.onDone(); } catch (e) { setErr(props.errText(e)); }
    setBusy(null);
  };
  const needComment = () => {
    if (comment.trim()) return true;
    setCommentErr(t('step.comment_required'));
    setTimeout(() => document.querySelector<HTMLElement>('[data-field="comment"] textarea')?.focus(), 0);
    return false;
  };
  const commentBox = <TextArea label={t('step.comment')} name="comment" value={comment} rows={3} error={commentErr}
    onInput={(x) => { setComment(x); setCommentErr(undefined); }} hint={t('step.comment_hint')} />;

  let body = null;
  if (d.state === 'draft' && d.drafter_id === me.user.id) {
    body = <>
      <p>{t('step.submit_intro')}</p>
      <Button kind="primary" busy={busy === 'submit'} onClick={() => void run('submit', () => docsApi.submit(d.id), 'step.submitted')}>{t('step.submit')}</Button>
    </>;
  } else if (d.state === 'review' && hasRole(me, 'unit_head', ag)) {
    body = <>
      <p>{t('step.review_intro')}</p>
      {commentBox}
      <div class="form-actions form-actions--start">
        <Button kind="primary" busy={busy === 'approve'} onClick={() => void run('approve', () => docsApi.review(d.id, 'approve', comment), 'step.approved')}>{t('step.approve')}</Button>
        <Button kind="danger" busy={busy === 'return'} onClick={() => { if (needComment()) void run('return', () => docsApi.review(d.id, 'return', comment), 'step.returned'); }}>{t('step.return')}</Button>
      </div>
    </>;
  } else if (d.state === 'format_check' && hasRole(me, 'format_checker', ag)) {
    body = <>
      <p>{t('step.check_intro')}</p>
      <Button kind={props.findings ? 'secondary' : 'primary'} busy={busy === 'check'} onClick={async () => {
        setErr(null); setBusy('check');
        try { props.setFindings((await docsApi.formatReport(d.id)).findings); } catch (e) { setErr(props.errText(e)); }
        setBusy(null);
      }}>{t('step.run_check')}</Button>
      {props.findings ? <>
        <p class="muted" role="status">{props.findings.length ? t('check.count', { n: props.findings.length }) : t('check.none')}</p>
        {commentBox}
        <div class="form-actions form-actions--start">
          <Button kind="primary" busy={busy === 'ok'} onClick={() => void run('ok', () => docsApi.formatCheck(d.id, 'approve', comment), 'step.check_ok')}>{t('step.check_approve')}</Button>
          <Button kind="danger" busy={busy === 'ret'} onClick={() => { if (needComment()) void run('ret', () => docsApi.formatCheck(d.id, 'return', comment), 'step.returned'); }}>{t('step.return')}</Button>
        </div>
      </> : null}
    </>;
  } else if (d.state === 'signing' && hasRole(me, 'signer', ag)) {
    const pos: SignPosition | null = props.place ? {
      page: props.place.page, x0: round(props.place.x0), y0: round(props.place.y0), x1: round(props.place.x1), y1: round(props.place.y1),
    } : null;
    body = <>
      <p>{t('step.sign_intro')}</p>
      <TextField label={t('step.sign_title')} name="title" value={title} onInput={setTitle} maxLength={100} hint={t('step.sign_title_hint')} />
      <p class="muted small">{props.place ? t('step.sign_place', { page: props.place.page }) : t('step.sign_place_auto')}</p>
      <div class="form-actions form-actions--start">
        <Button kind="primary" busy={busy === 'sign'} onClick={() => void run('sign', () => docsApi.sign(d.id, title, pos), 'step.signed')}>{t('step.sign')}</Button>
        {hasOptionalRoute('sign-token') ? <a class="btn btn--secondary" href={'#/sign-token?docs=' + d.id}>{t('step.sign_token')}</a> : null}
      </div>
    </>;
  } else if (d.state === 'signed' && hasRole(me, 'clerk', ag)) {
    body = <>
      <p>{t('step.issue_intro')}</p>
      <div class="form-grid">
        <TextField label={t('step.symbol')} name="symbol" value={symbol} onInput={setSymbol} maxLength={30} required hint={t('step.symbol_hint')} />
        <TextField label={t('doc.series')} name="series" value={series} onInput={setSeries} maxLength={30} hint={t('doc.series_hint')} />
      </div>
      <Button kind="primary" busy={busy === 'issue'} onClick={() => void run('issue', () => docsApi.issue(d.id, symbol, series), 'step.issued')}>{t('step.issue')}</Button>
    </>;
  } else if (d.state === 'issued' && hasRole(me, 'clerk', ag)) {
    const term = q.trim().toLowerCase();
    const cands = agencies.filter((a) => a.id !== ag && a.code && (!term || (a.name + ' ' + a.code + ' ' + (a.short_name ?? '')).toLowerCase().includes(term)));
    // A code no agency here has: an agency on another system (edXML); kysod refuses codes no peer serves.
    const typed = q.trim().toUpperCase();
    const known = (c: string) => agencies.some((a) => a.code === c);
    const remote = [...to.filter((c) => !known(c)), ...(/^[A-Z]\d{2}(\.[0-9A-Z]+)*$/.test(typed) && !known(typed) && !to.includes(typed) ? [typed] : [])];
    body = <>
      <p>{t('step.send_intro')}</p>
      <TextField label={t('step.send_search')} name="recipient_search" type="search" value={q} onInput={setQ} hint={t('step.send_search_hint')} />
      <fieldset class="checklist">
        <legend>{t('step.send_to')}</legend>
        {remote.map((c) => (
          <label key={'r' + c} class="check">
            <input type="checkbox" checked={to.includes(c)} onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              setTo((prev) => on ? [...prev, c] : prev.filter((x) => x !== c));
            }} />
            <span>{t('fedui.send_remote', { code: c })}</span>
          </label>
        ))}
        {cands.length === 0 && remote.length === 0 ? <p class="empty">{t('step.send_none')}</p> : cands.map((a) => (
          <label key={a.id} class="check">
            <input type="checkbox" checked={to.includes(a.code)} onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              setTo((prev) => on ? [...prev, a.code] : prev.filter((c) => c !== a.code));
            }} />
            <span>{a.name} <code class="muted">{a.code}</code></span>
          </label>
        ))}
      </fieldset>
      <Button kind="primary" disabled={to.length === 0} busy={busy === 'send'} onClick={() => void run('send', () => docsApi.send(d.id, to), 'step.sent')}>
        {t('step.send', { n: to.length })}
      </Button>
    </>;
  } else {
    body = <p class="muted">{t('step.nothing', { state: stateLabel(t, d.state) })}</p>;
  }
  return (
    <Card title={t('step.title')} class="stepcard">
      <FormError message={err} />
      {body}
    </Card>
  );
}

const round = (x: number) => Math.round(x * 100) / 100;

const recipTone = (s: string): 'ok' | 'bad' | 'warn' | 'info' =>
  s === 'accepted' || s === 'assigned' || s === 'done' ? 'ok' : s === 'rejected' || s === 'failed' || s === 'recalled' ? 'bad' : s === 'recall_requested' || s === 'recall_refused' ? 'warn' : 'info';

function Recipients({ rows }: { rows: Recipient[] }) {
  const { t, lang } = useI18n();
  return (
    <Card title={t('doc.recipients_status')}>
      {rows.length === 0 ? <p class="empty">{t('common.none')}</p> : (
        <ul class="answers answers--doc">
          {rows.map((r) => {
            const sk = 'fedui.rstate.' + r.state;
            return (
              <li key={r.via + r.id} data-state={r.state} data-via={r.via}>
                <strong>{r.to_name || r.to_code}</strong>
                {' '}<Badge tone="info">{t(('fedui.via.' + r.via) as MsgId)}</Badge>
                {' '}<Badge tone={recipTone(r.state)}>{isMsgId(sk) ? t(sk) : r.state}</Badge>
                {r.number ? <span class="small"> · {t('fedui.number_is', { n: r.number })}</span> : null}
                <span class="muted small"> · {formatDateTime(r.recalled_at ?? r.decided_at ?? r.updated_at ?? r.sent_at, lang)}</span>
                {r.reason ? <p><span class="muted">{t(r.state === 'rejected' ? 'dlv.reason' : 'fedui.status_text')}:</span> {r.reason}</p> : null}
                {r.detail && r.state === 'failed' ? <p class="muted small">{r.detail}</p> : null}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

/* Thu hồi: the sender's clerk recalls a sent document, with a reason, confirmed in a dialog. */
function Recall({ d, onDone }: { d: Doc; onDone: () => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const errText = useErrorText();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [reasonErr, setReasonErr] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const go = async () => {
    if (!reason.trim()) { setReasonErr(t('fedui.recall_reason_required')); return; }
    setErr(null); setBusy(true);
    try { await docsApi.recall(d.id, reason.trim()); notify(t('fedui.recalled')); setOpen(false); onDone(); } catch (e) { setErr(errText(e)); }
    setBusy(false);
  };
  return (
    <Card title={t('fedui.recall')}>
      <Button kind="danger" onClick={() => setOpen(true)}>{t('fedui.recall')}</Button>
      {open ? (
        <Dialog title={t('fedui.recall')} onClose={() => setOpen(false)}>
          <p>{t('fedui.recall_intro')}</p>
          <FormError message={err} />
          <TextArea label={t('fedui.recall_reason')} name="recall_reason" value={reason} onInput={(v) => { setReason(v); setReasonErr(undefined); }} rows={2} error={reasonErr} />
          <div class="form-actions form-actions--start">
            <Button kind="danger" busy={busy} onClick={() => void go()}>{t('fedui.recall_confirm')}</Button>
            <Button kind="secondary" onClick={() => setOpen(false)}>{t('action.cancel')}</Button>
          </div>
        </Dialog>
      ) : null}
    </Card>
  );
}

function Timeline({ d, who, sent }: { d: Doc; who: (id: number | null) => string; sent: Delivery[] }) {
  const { t, lang } = useI18n();
  const { agencies } = useSession();
  const events = useMemo(() => {
    const ev: { at: string; key: string; text: string; body?: string }[] = [];
    for (const v of d.versions ?? []) {
      ev.push({ at: v.created_at, key: 'v' + v.seq, text: t(('timeline.version.' + v.kind) as MsgId, { who: who(v.author_id), n: v.seq }) });
    }
    for (const c of d.comments ?? []) {
      ev.push({ at: c.created_at, key: 'c' + c.id, text: t('timeline.comment', { who: c.author, step: stateLabel(t, c.step as Doc['state']) }), body: c.body });
    }
    if (d.issued_at) ev.push({ at: d.issued_at, key: 'issued', text: t('timeline.issued', { symbol: d.symbol ?? '' }) });
    const name = (id: number) => agencies.find((a) => a.id === id)?.name ?? '#' + id;
    for (const l of sent) {
      ev.push({ at: l.sent_at, key: 's' + l.id, text: t('timeline.sent', { to: name(l.to_agency_id) }) });
      if (l.decided_at && l.state !== 'received') {
        ev.push({ at: l.decided_at, key: 'r' + l.id, text: t(l.state === 'accepted' ? 'timeline.accepted' : 'timeline.rejected', { to: name(l.to_agency_id) }), ...(l.reason ? { body: l.reason } : {}) });
      }
    }
    return ev.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
  }, [d, sent, lang]);
  return (
    <Card title={t('doc.timeline')}>
      <ol class="timeline">
        {events.map((e) => (
          <li key={e.key}>
            <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time>
            <span>{e.text}</span>
            {e.body ? <blockquote>{e.body}</blockquote> : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}

export function DocRoute({ id }: { id: string | undefined }) {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) { navigate('#/documents'); return null; }
  return <DocumentPage id={n} />;
}
