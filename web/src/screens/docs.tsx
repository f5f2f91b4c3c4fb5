// "Văn bản": the outgoing documents of the user's agency — what waits for me in my role, drafts,
// issued — with filters, and the drafter's new draft (a PDF now; DOCX/ODT through the server's
// conversion job when it offers one) with the metadata of requirements §5.4 table 1.
import { useEffect, useState } from 'preact/hooks';
import { CLASSIFICATIONS, DOC_STATES, URGENCIES, docsApi, type Doc, type Job } from '../api/docs';
import { useAsync } from '../components/async';
import { useForm } from '../components/form';
import { Badge, Button, Card, DefList, Dialog, Field, FormError, Loading, Notice, PageHeader, SelectField, Table, TextArea, TextField } from '../components/ui';
import { formatDate, formatDateTime } from '../format';
import { useI18n } from '../i18n/i18n';
import { navigate, type Route } from '../router';
import { hasRole, useSession } from '../session';
import { classLabel, stateLabel, stateTone, urgencyLabel, waitsFor, workAgencies } from './docs_common';

type Tab = 'mine' | 'drafts' | 'issued' | 'all';
const TABS: Tab[] = ['mine', 'drafts', 'issued', 'all'];

export function Documents({ route }: { route: Route }) {
  const { t, lang } = useI18n();
  const { me, agencies } = useSession();
  const mine = workAgencies(me);
  const agencyId = Number(route.query.get('agency')) || mine[0] || me.user.agency_id;
  const tab = (TABS as string[]).includes(route.query.get('tab') ?? '') ? (route.query.get('tab') as Tab) : 'mine';
  const [text, setText] = useState('');
  const [state, setState] = useState('');
  const [creating, setCreating] = useState(false);
  const data = useAsync(() => docsApi.list({ agency_id: agencyId }), [agencyId]);
  const go = (q: Record<string, string>) => navigate('#/documents?' + new URLSearchParams({ agency: String(agencyId), tab, ...q }).toString());

  const all = data.data?.items ?? [];
  const rows = all.filter((d) => {
    if (tab === 'mine' && !waitsFor(me, d)) return false;
    if (tab === 'drafts' && d.state !== 'draft') return false;
    if (tab === 'issued' && d.state !== 'issued' && d.state !== 'sent') return false;
    if (state && d.state !== state) return false;
    const q = text.trim().toLowerCase();
    return !q || (d.summary + ' ' + d.doc_type + ' ' + (d.symbol ?? '')).toLowerCase().includes(q);
  });
  const count = (x: Tab) => all.filter((d) => x === 'mine' ? waitsFor(me, d) : x === 'drafts' ? d.state === 'draft'
    : x === 'issued' ? d.state === 'issued' || d.state === 'sent' : true).length;
  const agency = agencies.find((a) => a.id === agencyId);

  return (
    <div>
      <PageHeader title={t('docs.title')} subtitle={agency?.name}
        actions={hasRole(me, 'drafter', agencyId) ? <Button kind="primary" onClick={() => setCreating(true)}>{t('docs.new')}</Button> : null} />
      <nav class="tabs" aria-label={t('docs.tabs')}>
        {TABS.map((x) => (
          <a key={x} href={'#/documents?' + new URLSearchParams({ agency: String(agencyId), tab: x }).toString()}
            aria-current={tab === x ? 'page' : undefined} class={'tab' + (tab === x ? ' is-active' : '')}>
            {t(('docs.tab.' + x) as 'docs.tab.mine')} <span class="tab__n">{data.data ? count(x) : ''}</span>
          </a>
        ))}
      </nav>
      <Card>
        <div class="toolbar filters">
          {mine.length > 1 ? (
            <SelectField label={t('docs.agency')} name="agency" value={String(agencyId)} onChange={(v) => go({ agency: v })}
              options={mine.map((id) => ({ value: String(id), label: agencies.find((a) => a.id === id)?.name ?? '#' + id }))} />
          ) : null}
          <TextField label={t('docs.search')} name="q" value={text} onInput={setText} type="search" />
          <SelectField label={t('doc.state')} name="state" value={state} onChange={setState} placeholder={t('docs.any_state')}
            options={DOC_STATES.map((s) => ({ value: s, label: stateLabel(t, s) }))} />
        </div>
        {data.loading ? <Loading /> : (
          <Table<Doc> caption={t(('docs.tab.' + tab) as 'docs.tab.mine')} captionHidden rows={rows} rowKey={(d) => d.id}
            empty={tab === 'mine' ? t('docs.empty_mine') : t('docs.empty')}
            columns={[
              { key: 'summary', label: t('doc.summary'), render: (d) => <a href={'#/documents/' + d.id} class="doclink"><strong>{d.doc_type}</strong> {d.summary}</a> },
              { key: 'symbol', label: t('doc.symbol'), class: 'nowrap', render: (d) => d.symbol ?? '' },
              { key: 'urgency', label: t('doc.urgency'), render: (d) => d.urgency !== 'normal' ? <Badge tone="warn">{urgencyLabel(t, d.urgency)}</Badge> : urgencyLabel(t, d.urgency) },
              { key: 'state', label: t('doc.state'), render: (d) => <Badge tone={stateTone(d.state)}>{stateLabel(t, d.state)}</Badge> },
              { key: 'updated', label: t('doc.updated_at'), render: (d) => formatDateTime(d.updated_at, lang) },
            ]} />
        )}
      </Card>
      {creating ? <NewDraft agencyId={agencyId} onClose={(d) => { setCreating(false); if (d) navigate('#/documents/' + d.id); }} /> : null}
    </div>
  );
}

const TYPES = ['Quyết định', 'Công văn', 'Thông báo', 'Kế hoạch', 'Báo cáo', 'Tờ trình', 'Chỉ thị', 'Giấy mời'];

function NewDraft({ agencyId, onClose }: { agencyId: number; onClose: (d: Doc | null) => void }) {
  const { t, lang } = useI18n();
  const { me, agencies, notify } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const form = useForm({ doc_type: 'Quyết định', summary: '', series: '', urgency: 'normal', classification: 'none', file: '' });
  const v = form.values;
  const e = form.errors;
  const agency = agencies.find((a) => a.id === agencyId);
  const save = (ev: Event) => {
    ev.preventDefault();
    void form.submit(async () => {
      if (!file) return;
      const d = await docsApi.create(file, {
        agency_id: agencyId, doc_type: v.doc_type, summary: v.summary, urgency: v.urgency,
        classification: v.classification, series: v.series,
      });
      const jobId = d.job_id ?? d.job?.id;
      if (jobId) { setJob({ id: jobId, state: 'queued', progress: 0 }); return; }
      notify(t('docs.created'));
      onClose(d);
    }, ['file', 'doc_type', 'summary']);
  };
  return (
    <Dialog title={t('docs.new')} onClose={() => onClose(null)} wide>
      <form onSubmit={save} noValidate class="form">
        <FormError message={form.formError} />
        <Field label={t('doc.file')} name="file" error={e['file']} hint={t('doc.file_hint')} required>
          {(a) => <input {...a} type="file" accept=".pdf,.docx,.odt,application/pdf"
            onChange={(ev) => { const f = (ev.currentTarget as HTMLInputElement).files?.[0] ?? null; setFile(f); form.set('file', f ? f.name : ''); }} />}
        </Field>
        <div class="form-grid">
          <Field label={t('doc.doc_type')} name="doc_type" error={e['doc_type']} required>
            {(a) => <><input {...a} list="doc-types" value={v.doc_type} maxLength={100}
              onInput={(ev) => form.set('doc_type', (ev.currentTarget as HTMLInputElement).value)} />
              <datalist id="doc-types">{TYPES.map((x) => <option key={x} value={x} />)}</datalist></>}
          </Field>
          <TextField label={t('doc.series')} name="series" value={v.series} onInput={(x) => form.set('series', x)} error={e['series']} maxLength={30} hint={t('doc.series_hint')} />
          <SelectField label={t('doc.urgency')} name="urgency" value={v.urgency} onChange={(x) => form.set('urgency', x)} error={e['urgency']}
            options={URGENCIES.map((u) => ({ value: u, label: urgencyLabel(t, u) }))} />
          <SelectField label={t('doc.classification')} name="classification" value={v.classification} onChange={(x) => form.set('classification', x)} error={e['classification']}
            options={CLASSIFICATIONS.map((c) => ({ value: c, label: classLabel(t, c) }))} hint={t('doc.classification_hint')} />
        </div>
        <TextArea label={t('doc.summary')} name="summary" value={v.summary} onInput={(x) => form.set('summary', x)} error={e['summary']} required rows={3} />
        <fieldset class="sysfields">
          <legend>{t('doc.system_filled')}</legend>
          <DefList items={[
            [t('doc.agency'), agency?.name ?? ''],
            [t('doc.agency_code'), agency?.code ?? ''],
            [t('doc.drafter'), me.user.full_name],
            [t('doc.language'), t('doc.language_vi')],
            [t('doc.created_at'), formatDate(new Date().toISOString(), lang)],
            [t('doc.pages'), t('doc.after_upload')],
            [t('doc.number_symbol'), t('doc.at_issue')],
            [t('doc.issued_date'), t('doc.at_issue')],
          ]} />
        </fieldset>
        {job ? <ConversionProgress job={job} onDone={(d) => { if (d) { notify(t('docs.created')); onClose(d); } }} /> : null}
        <div class="form-actions">
          <Button onClick={() => onClose(null)}>{t('action.cancel')}</Button>
          <Button kind="primary" type="submit" busy={form.busy || (job !== null)}>{t('docs.create')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

/* The hook for DOCX/ODT: when the server answers an upload with a conversion job, its progress
 * (GET /jobs/{id}) until the PDF draft exists. */
function ConversionProgress({ job, onDone }: { job: Job; onDone: (d: Doc | null) => void }) {
  const { t } = useI18n();
  const [j, setJ] = useState<Job>(job);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const tick = async () => {
      try {
        const n = await docsApi.job(job.id);
        if (!live) return;
        setJ(n);
        if (n.state === 'done' && n.document_id) { onDone(await docsApi.get(n.document_id)); return; }
        if (n.state === 'failed') { setFailed(n.error ?? t('docs.convert_failed')); return; }
        window.setTimeout(() => void tick(), 800);
      } catch { if (live) setFailed(t('docs.convert_failed')); }
    };
    void tick();
    return () => { live = false; };
  }, [job.id]);
  if (failed) return <Notice kind="error">{failed}</Notice>;
  return (
    <div class="progress-row" role="status">
      <label for="conv-progress">{t('docs.converting')}</label>
      <progress id="conv-progress" max={100} value={j.progress ?? 0} />
    </div>
  );
}
