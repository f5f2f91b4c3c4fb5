// Certificates and tokens per person, and who holds the agency's certificate (Decree 68/2024
// Đ9.3, Đ20: only the one person assigned, a clerk of the agency, may use it).
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import { TOKEN_STATUSES, type Agency, type Certificate, type RoleAssignment, type Token, type TokenStatus, type User } from '../api/types';
import { useAsync } from '../components/async';
import { useErrorText, useForm } from '../components/form';
import { Badge, Button, Card, Dialog, FormError, Loading, PageHeader, SelectField, Table, TextArea, TextField } from '../components/ui';
import { formatDate, fromLocalInput } from '../format';
import { useI18n } from '../i18n/i18n';
import { certStatusLabel, statusTone, tokenStatusLabel } from '../labels';
import { navigate, type Route } from '../router';
import { certAgencies, useSession } from '../session';
import { AgencyPicker, defaultAgency } from './users';

interface Data { certs: Certificate[]; tokens: Token[]; users: User[]; clerks: RoleAssignment[] }

export function Certificates({ route }: { route: Route }) {
  const { t, lang } = useI18n();
  const { me, agencies, notify } = useSession();
  const errText = useErrorText();
  const readable = certAgencies(me, agencies, false);
  const agencyId = defaultAgency(readable, me.user.agency_id, route.query.get('agency'));
  const agency = agencies.find((a) => a.id === agencyId);
  const canManage = certAgencies(me, agencies, true).some((a) => a.id === agencyId);
  const [dialog, setDialog] = useState<'token' | 'cert' | null>(null);
  const [err, setErr] = useState<string | null>(null);

  const data = useAsync<Data>(async () => {
    const [c, k, u, clerks] = await Promise.all([
      api.certificates({ agency_id: agencyId }), api.tokens({ agency_id: agencyId }),
      api.users({ agency_id: agencyId }).then((p) => p.items).catch(() => [] as User[]),
      api.roleAssignments({ agency_id: agencyId, role: 'clerk' }).then((p) => p.items).catch(() => [] as RoleAssignment[]),
    ]);
    return { certs: c.items, tokens: k.items, users: u, clerks };
  }, [agencyId]);
  const d = data.data;
  // A clerk of this agency may belong to another one (a role held here): the assignment names them.
  const name = (id: number | null | undefined) => (id
    ? d?.users.find((u) => u.id === id)?.full_name ?? d?.clerks.find((r) => r.user_id === id)?.user_name ?? '#' + id : '');
  const tokenName = (id: number | null | undefined) => {
    const k = id ? d?.tokens.find((x) => x.id === id) : undefined;
    return k ? (k.label || k.serial) : '';
  };
  const agencyCerts = (d?.certs ?? []).filter((c) => c.owner_kind === 'agency');
  const personCerts = (d?.certs ?? []).filter((c) => c.owner_kind === 'person');

  const assign = async (c: Certificate, userId: string) => {
    setErr(null);
    try {
      await api.updateCertificate(c.id, { assigned_user_id: userId ? Number(userId) : null });
      notify(userId ? t('certs.assigned', { name: name(Number(userId)) }) : t('certs.unassigned'));
      data.reload();
    } catch (e) { setErr(errText(e)); data.reload(); }
  };

  const changeToken = async (k: Token, change: Record<string, unknown>) => {
    setErr(null);
    try {
      await api.updateToken(k.id, change);
      notify(t('certs.token_changed', { serial: k.serial }));
    } catch (e) { setErr(errText(e)); }
    data.reload();
  };

  return (
    <div>
      <PageHeader title={t('certs.title')} subtitle={agency?.name}
        actions={canManage ? <>
          <Button onClick={() => setDialog('token')}>{t('certs.add_token')}</Button>
          <Button kind="primary" onClick={() => setDialog('cert')}>{t('certs.add_cert')}</Button>
        </> : null} />
      {readable.length > 1 ? <div class="toolbar"><AgencyPicker agencies={readable} value={agencyId} onChange={(a) => navigate('#/certificates?agency=' + a)} /></div> : null}
      <FormError message={err} />
      {data.loading || !d ? <Loading /> : <>
        <Card title={t('certs.agency_certs')}>
          <p class="muted">{t('certs.agency_rule')}</p>
          <Table<Certificate> caption={t('certs.agency_certs')} captionHidden rows={agencyCerts} rowKey={(c) => c.id} empty={t('certs.no_agency_cert')}
            columns={[
              { key: 'serial', label: t('cert.serial'), render: (c) => <code class="code">{c.serial}</code> },
              { key: 'subject', label: t('cert.subject'), render: (c) => c.subject ?? '' },
              { key: 'valid', label: t('cert.valid_until'), render: (c) => formatDate(c.not_after, lang) || t('common.none') },
              { key: 'status', label: t('cert.status'), render: (c) => <Badge tone={statusTone(c.status)}>{certStatusLabel(t, c.status)}</Badge> },
              { key: 'holder', label: t('cert.holder'), render: (c) => canManage ? (
                <select aria-label={t('certs.holder_for', { serial: c.serial })} value={String(c.assigned_user_id ?? '')}
                  onChange={(e) => void assign(c, (e.currentTarget as HTMLSelectElement).value)} class="inline-select">
                  <option value="">{t('certs.nobody')}</option>
                  {d.clerks.map((r) => <option key={r.user_id} value={String(r.user_id)}>{name(r.user_id)}</option>)}
                </select>
              ) : (c.assigned_user_id ? name(c.assigned_user_id) : <Badge tone="bad">{t('certs.nobody')}</Badge>) },
            ]} />
        </Card>
        <Card title={t('certs.person_certs')}>
          <Table<Certificate> caption={t('certs.person_certs')} captionHidden rows={personCerts} rowKey={(c) => c.id} empty={t('certs.no_person_cert')}
            columns={[
              { key: 'person', label: t('cert.person'), render: (c) => name(c.user_id) },
              { key: 'serial', label: t('cert.serial'), render: (c) => <code class="code">{c.serial}</code> },
              { key: 'issuer', label: t('cert.issuer'), render: (c) => c.issuer ?? '' },
              { key: 'valid', label: t('cert.validity'), render: (c) => (c.not_before || c.not_after) ? <span class="nowrap-lines">
                {c.not_before ? <span>{t('delegation.from_time', { t: formatDate(c.not_before, lang) })}</span> : null}
                {c.not_after ? <span>{t('delegation.to_time', { t: formatDate(c.not_after, lang) })}</span> : null}</span> : t('common.none') },
              { key: 'token', label: t('cert.token'), render: (c) => tokenName(c.token_id) },
              { key: 'status', label: t('cert.status'), render: (c) => <Badge tone={statusTone(c.status)}>{certStatusLabel(t, c.status)}</Badge> },
            ]} />
        </Card>
        <Card title={t('certs.tokens')}>
          <Table<Token> caption={t('certs.tokens')} captionHidden rows={d.tokens} rowKey={(k) => k.id} empty={t('certs.no_tokens')}
            columns={[
              { key: 'serial', label: t('token.serial'), render: (k) => <code class="code">{k.serial}</code> },
              { key: 'label', label: t('token.label'), render: (k) => k.label ?? '' },
              { key: 'model', label: t('token.model'), render: (k) => k.model ?? '' },
              { key: 'holder', label: t('token.holder'), render: (k) => canManage ? (
                <select class="inline-select" aria-label={t('certs.token_holder_for', { serial: k.serial })} value={String(k.holder_user_id ?? '')}
                  onChange={(e) => void changeToken(k, { holder_user_id: Number((e.currentTarget as HTMLSelectElement).value) || null })}>
                  <option value="">{t('common.none')}</option>
                  {d.users.map((u) => <option key={u.id} value={String(u.id)}>{u.full_name}</option>)}
                </select>
              ) : (name(k.holder_user_id) || t('common.none')) },
              { key: 'status', label: t('token.status'), render: (k) => canManage ? (
                <select class="inline-select" aria-label={t('certs.token_status_for', { serial: k.serial })} value={k.status}
                  onChange={(e) => void changeToken(k, { status: (e.currentTarget as HTMLSelectElement).value })}>
                  {TOKEN_STATUSES.map((x) => <option key={x} value={x}>{tokenStatusLabel(t, x)}</option>)}
                </select>
              ) : <Badge tone={statusTone(k.status)}>{tokenStatusLabel(t, k.status)}</Badge> },
            ]} />
        </Card>
      </>}
      {dialog === 'token' && agency && d ? <TokenDialog agency={agency} users={d.users} onClose={(ok) => { setDialog(null); if (ok) data.reload(); }} /> : null}
      {dialog === 'cert' && agency && d ? <CertDialog agency={agency} users={d.users} tokens={d.tokens} clerks={d.clerks} onClose={(ok) => { setDialog(null); if (ok) data.reload(); }} /> : null}
    </div>
  );
}

function TokenDialog({ agency, users, onClose }: { agency: Agency; users: User[]; onClose: (ok: boolean) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const form = useForm({ serial: '', label: '', model: '', holder_user_id: '', status: 'in_stock' as TokenStatus });
  const v = form.values;
  const e = form.errors;
  const save = (ev: Event) => {
    ev.preventDefault();
    void form.submit(async () => {
      await api.createToken({ serial: v.serial.trim(), label: v.label, model: v.model, agency_id: agency.id,
        holder_user_id: v.holder_user_id ? Number(v.holder_user_id) : null, status: v.status });
      notify(t('certs.token_added', { serial: v.serial.trim() }));
      onClose(true);
    }, ['serial']);
  };
  return (
    <Dialog title={t('certs.add_token')} onClose={() => onClose(false)} wide>
      <p class="muted">{agency.name}</p>
      <form onSubmit={save} noValidate class="form">
        <FormError message={form.formError} />
        <div class="form-grid">
          <TextField label={t('token.serial')} name="serial" value={v.serial} onInput={(x) => form.set('serial', x)} error={e['serial']} required autoFocus maxLength={64} spellcheck={false} />
          <TextField label={t('token.label')} name="label" value={v.label} onInput={(x) => form.set('label', x)} error={e['label']} maxLength={64} />
          <TextField label={t('token.model')} name="model" value={v.model} onInput={(x) => form.set('model', x)} error={e['model']} maxLength={100} hint={t('token.model_hint')} />
          <SelectField label={t('token.holder')} name="holder_user_id" value={v.holder_user_id} onChange={(x) => { form.set('holder_user_id', x); if (x && v.status === 'in_stock') form.set('status', 'in_use'); }}
            error={e['holder_user_id']} placeholder={t('common.none')} options={users.map((u) => ({ value: String(u.id), label: u.full_name }))} />
          <SelectField label={t('token.status')} name="status" value={v.status} onChange={(x) => form.set('status', x as TokenStatus)} error={e['status']}
            options={TOKEN_STATUSES.map((s) => ({ value: s, label: tokenStatusLabel(t, s) }))} />
        </div>
        <div class="form-actions">
          <Button onClick={() => onClose(false)}>{t('action.cancel')}</Button>
          <Button kind="primary" type="submit" busy={form.busy}>{t('action.save')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function CertDialog({ agency, users, tokens, clerks, onClose }: { agency: Agency; users: User[]; tokens: Token[]; clerks: RoleAssignment[]; onClose: (ok: boolean) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const form = useForm({
    owner_kind: 'person' as 'person' | 'agency', user_id: '', assigned_user_id: '', serial: '', subject: '', issuer: '',
    not_before: '', not_after: '', token_id: '', pem: '',
  });
  const v = form.values;
  const e = form.errors;
  const save = (ev: Event) => {
    ev.preventDefault();
    const req: (keyof typeof v)[] = v.pem.trim() ? [] : ['serial'];
    if (v.owner_kind === 'person') req.push('user_id');
    void form.submit(async () => {
      const body: Record<string, unknown> = { owner_kind: v.owner_kind, agency_id: agency.id,
        token_id: v.token_id ? Number(v.token_id) : null };
      if (v.owner_kind === 'person') body['user_id'] = Number(v.user_id);
      else if (v.assigned_user_id) body['assigned_user_id'] = Number(v.assigned_user_id);
      if (v.pem.trim()) body['pem'] = v.pem.trim();
      if (v.serial.trim()) body['serial'] = v.serial.trim();
      if (v.subject) body['subject'] = v.subject;
      if (v.issuer) body['issuer'] = v.issuer;
      if (v.not_before) body['not_before'] = fromLocalInput(v.not_before + 'T00:00');
      if (v.not_after) body['not_after'] = fromLocalInput(v.not_after + 'T23:59');
      const c = await api.createCertificate(body);
      notify(t('certs.cert_added', { serial: c.serial }));
      onClose(true);
    }, req);
  };
  return (
    <Dialog title={t('certs.add_cert')} onClose={() => onClose(false)} wide>
      <p class="muted">{agency.name}</p>
      <form onSubmit={save} noValidate class="form">
        <FormError message={form.formError} />
        <fieldset class="radios radios--inline">
          <legend>{t('cert.owner_kind')}</legend>
          {(['person', 'agency'] as const).map((k) => (
            <label key={k} class={'radio-card' + (v.owner_kind === k ? ' is-checked' : '')}>
              <input type="radio" name="owner_kind" value={k} checked={v.owner_kind === k} onChange={() => form.set('owner_kind', k)} />
              <span><strong>{t(k === 'person' ? 'cert.owner.person' : 'cert.owner.agency')}</strong></span>
            </label>
          ))}
        </fieldset>
        <div class="form-grid">
          {v.owner_kind === 'person' ? (
            <SelectField label={t('cert.person')} name="user_id" value={v.user_id} onChange={(x) => form.set('user_id', x)} error={e['user_id']} required
              placeholder={t('form.choose')} options={users.map((u) => ({ value: String(u.id), label: u.full_name }))} />
          ) : (
            <SelectField label={t('cert.holder')} name="assigned_user_id" value={v.assigned_user_id} onChange={(x) => form.set('assigned_user_id', x)} error={e['assigned_user_id']}
              placeholder={t('certs.nobody')} hint={t('certs.holder_hint')} options={clerks.map((r) => ({ value: String(r.user_id), label: users.find((u) => u.id === r.user_id)?.full_name ?? r.user_name ?? String(r.user_id) }))} />
          )}
          <SelectField label={t('cert.token')} name="token_id" value={v.token_id} onChange={(x) => form.set('token_id', x)} error={e['token_id']}
            placeholder={t('common.none')} options={tokens.map((k) => ({ value: String(k.id), label: (k.label || k.serial) + (k.model ? ' (' + k.model + ')' : '') }))} />
          <TextField label={t('cert.serial')} name="serial" value={v.serial} onInput={(x) => form.set('serial', x)} error={e['serial']} hint={t('cert.serial_hint')} maxLength={40} spellcheck={false} />
          <TextField label={t('cert.issuer')} name="issuer" value={v.issuer} onInput={(x) => form.set('issuer', x)} error={e['issuer']} maxLength={1000} />
          <TextField label={t('cert.subject')} name="subject" value={v.subject} onInput={(x) => form.set('subject', x)} error={e['subject']} maxLength={1000} />
          <div class="form-grid form-grid--tight">
            <TextField label={t('cert.not_before')} name="not_before" type="date" value={v.not_before} onInput={(x) => form.set('not_before', x)} error={e['not_before']} />
            <TextField label={t('cert.not_after')} name="not_after" type="date" value={v.not_after} onInput={(x) => form.set('not_after', x)} error={e['not_after']} />
          </div>
        </div>
        <TextArea label={t('cert.pem')} name="pem" value={v.pem} onInput={(x) => form.set('pem', x)} error={e['pem']} rows={4} mono hint={t('cert.pem_hint')} />
        <div class="form-actions">
          <Button onClick={() => onClose(false)}>{t('action.cancel')}</Button>
          <Button kind="primary" type="submit" busy={form.busy}>{t('action.save')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
