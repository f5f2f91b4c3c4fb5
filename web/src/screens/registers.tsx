// "Sổ văn bản": the outgoing and incoming registers with the 10 columns of Decree 30 Appendix IV
// (requirements §5.3), filters (year, series, date range, text) and the CSV export; the other
// formats' links go in the export bar.
import { useState } from 'preact/hooks';
import { docsApi, type Delivery, type InEntry, type OutEntry } from '../api/docs';
import { api } from '../api/endpoints';
import type { User } from '../api/types';
import { useAsync } from '../components/async';
import { Badge, Card, Loading, PageHeader, SelectField, Table, TextField } from '../components/ui';
import { useI18n, type MsgId } from '../i18n/i18n';
import { navigate, type Route } from '../router';
import { useSession } from '../session';
import { recipientsText } from './docs_common';

type Kind = 'outgoing' | 'incoming';

/* "2026-12-06" → "06/12/2026" (the registers' dates). */
const dmy = (s: string | null | undefined): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : s ?? '';
};

/* An instant as the registers write it, in Vietnam time: "06/12/2026 14:05". */
const dmyTime = (iso: string): string => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + 7 * 3_600_000).toISOString();
  return `${dmy(d)} ${d.slice(11, 16)}`;
};

export function Registers({ route }: { route: Route }) {
  const { t } = useI18n();
  const { me, agencies } = useSession();
  const kind: Kind = route.path[1] === 'incoming' ? 'incoming' : 'outgoing';
  const thisYear = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
  const [year, setYear] = useState(String(thisYear));
  const [series, setSeries] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const ag = me.user.agency_id;
  const q: Record<string, string> = { agency_id: String(ag), ...(year ? { year } : {}), ...(series && kind === 'outgoing' ? { series } : {}) };
  const data = useAsync(async () => {
    if (kind === 'outgoing') {
      const [reg, dl] = await Promise.all([docsApi.outgoing(q), docsApi.deliveries({ agency_id: ag }).then((p) => p.items).catch(() => [] as Delivery[])]);
      return { out: reg.items, inc: [] as InEntry[], dl, people: [] as User[] };
    }
    const [reg, people] = await Promise.all([docsApi.incoming(q), api.users({ agency_id: ag }).then((p) => p.items).catch(() => [] as User[])]);
    return { out: [] as OutEntry[], inc: reg.items, dl: [] as Delivery[], people };
  }, [kind, year, series, ag]);
  const inRange = (date: string) => (!from || date >= from) && (!to || date <= to);
  const has = (...xs: (string | null | undefined)[]) => { const s = text.trim().toLowerCase(); return !s || xs.join(' ').toLowerCase().includes(s); };
  const years = Array.from({ length: 5 }, (_, i) => String(thisYear - i));
  const agencyName = (id: number) => agencies.find((a) => a.id === id)?.name ?? '#' + id;

  return (
    <div>
      <PageHeader title={t('reg.title')} subtitle={agencies.find((a) => a.id === ag)?.name} />
      <nav class="tabs" aria-label={t('reg.tabs')}>
        {(['outgoing', 'incoming'] as Kind[]).map((k) => (
          <a key={k} href={'#/registers/' + k} aria-current={kind === k ? 'page' : undefined} class={'tab' + (kind === k ? ' is-active' : '')}>{t(('reg.' + k) as MsgId)}</a>
        ))}
      </nav>
      <Card>
        <div class="toolbar filters">
          <SelectField label={t('reg.year')} name="year" value={year} onChange={setYear} placeholder={t('reg.all_years')} options={years.map((y) => ({ value: y, label: y }))} />
          {kind === 'outgoing' ? <TextField label={t('doc.series')} name="series" value={series} onInput={setSeries} maxLength={30} /> : null}
          <TextField label={t('reg.from')} name="from" type="date" value={from} onInput={setFrom} />
          <TextField label={t('reg.to')} name="to" type="date" value={to} onInput={setTo} />
          <TextField label={t('reg.text')} name="text" type="search" value={text} onInput={setText} />
        </div>
        <div class="exports" aria-label={t('reg.exports')} role="group">
          <a class="btn btn--secondary btn--small" href={docsApi.registerCsvUrl(kind, q)} download={kind === 'outgoing' ? 'so-van-ban-di.csv' : 'so-van-ban-den.csv'}>{t('reg.csv')}</a>
          <a class="btn btn--secondary btn--small" href={docsApi.registerFileUrl(kind, { ...q, ...(from ? { from } : {}), ...(to ? { to } : {}) }, 'xlsx')} download={kind === 'outgoing' ? 'so-van-ban-di.xlsx' : 'so-van-ban-den.xlsx'}>{t('reg.xlsx')}</a>
          <a class="btn btn--secondary btn--small" href={docsApi.registerFileUrl(kind, { ...q, ...(from ? { from } : {}), ...(to ? { to } : {}) }, 'pdf')} target="_blank" rel="noopener">{t('reg.pdf')}</a>
        </div>
        <div class="register">
        {data.loading ? <Loading /> : kind === 'outgoing' ? (
          <Table<OutEntry> caption={t('reg.outgoing')} captionHidden empty={t('reg.empty')} rowKey={(r) => r.id}
            rows={(data.data?.out ?? []).filter((r) => inRange(r.issued_date) && has(r.symbol, r.doc_type, r.summary, r.signer, r.recipients, r.note))}
            columns={[
              { key: 'c1', label: t('reg.out.1'), class: 'nowrap', render: (r) => <a href={'#/documents/' + r.document_id}>{r.symbol}</a> },
              { key: 'c2', label: t('reg.out.2'), class: 'nowrap', render: (r) => dmy(r.issued_date) },
              { key: 'c3', label: t('reg.out.3'), render: (r) => <><strong>{r.doc_type}</strong> {r.summary}</> },
              { key: 'c4', label: t('reg.out.4'), render: (r) => r.signer },
              { key: 'c5', label: t('reg.out.5'), render: (r) => recipientsText(r.recipients) },
              { key: 'c6', label: t('reg.out.6'), render: (r) => r.handler },
              { key: 'c7', label: t('reg.out.7'), render: (r) => String(r.copies) },
              { key: 'c8', label: t('reg.out.8'), render: (r) => { const x = (data.data?.dl ?? []).find((l) => l.document_id === r.document_id); return x ? dmyTime(x.sent_at) : ''; } },
              { key: 'c9', label: t('reg.out.9'), render: (r) => <Answers rows={(data.data?.dl ?? []).filter((l) => l.document_id === r.document_id)} name={agencyName} /> },
              { key: 'c10', label: t('reg.out.10'), render: (r) => r.note ?? '' },
            ]} />
        ) : (
          <Table<InEntry> caption={t('reg.incoming')} captionHidden empty={t('reg.empty')} rowKey={(r) => r.id}
            rows={(data.data?.inc ?? []).filter((r) => inRange(r.received_date) && has(r.doc_symbol, r.doc_type, r.summary, r.from_agency, r.note))}
            columns={[
              { key: 'c1', label: t('reg.in.1'), class: 'nowrap', render: (r) => dmy(r.received_date) },
              { key: 'c2', label: t('reg.in.2'), render: (r) => <a href={'#/incoming/' + r.delivery_id}>{String(r.number).padStart(2, '0')}</a> },
              { key: 'c3', label: t('reg.in.3'), render: (r) => r.from_agency },
              { key: 'c4', label: t('reg.in.4'), class: 'nowrap', render: (r) => r.doc_symbol },
              { key: 'c5', label: t('reg.in.5'), class: 'nowrap', render: (r) => dmy(r.doc_date) },
              { key: 'c6', label: t('reg.in.6'), render: (r) => <><strong>{r.doc_type}</strong> {r.summary}</> },
              { key: 'c7', label: t('reg.in.7'), render: (r) => r.assignee_id ? (data.data?.people.find((u) => u.id === r.assignee_id)?.full_name ?? '#' + r.assignee_id) : '' },
              { key: 'c8', label: t('reg.in.8'), class: 'nowrap', render: (r) => dmy(r.received_date) },
              { key: 'c9', label: t('reg.in.9'), render: (r) => r.assignee_id ? t('reg.assigned_online') : '' },
              { key: 'c10', label: t('reg.in.10'), render: (r) => [r.deadline ? t('reg.deadline', { date: dmy(r.deadline) }) : '', r.note ?? ''].filter(Boolean).join('. ') },
            ]} />
        )}
        </div>
      </Card>
    </div>
  );
}

/* The recipients' answers in the sender's register: accepted, or rejected with the reason. */
function Answers({ rows, name }: { rows: Delivery[]; name: (id: number) => string }) {
  const { t } = useI18n();
  if (!rows.length) return null;
  return (
    <ul class="answers">
      {rows.map((l) => (
        <li key={l.id}>
          <Badge tone={l.state === 'accepted' ? 'ok' : l.state === 'rejected' ? 'bad' : 'info'}>{t(('dlv.state.' + l.state) as MsgId)}</Badge>
          {' '}{name(l.to_agency_id)}{l.reason ? ': ' + l.reason : ''}
        </li>
      ))}
    </ul>
  );
}

export function goRegister(kind: Kind): void { navigate('#/registers/' + kind); }
