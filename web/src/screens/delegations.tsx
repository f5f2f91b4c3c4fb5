// Delegations of signing (requirements §4.7): ký thay (KT.), ký thừa lệnh (TL.), ký thừa ủy quyền
// (TUQ.), each within a time window, recorded by the agency's administrator and revocable.
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import { DELEGATION_KINDS, type Agency, type Delegation, type DelegationKind, type User } from '../api/types';
import { useAsync } from '../components/async';
import { useErrorText, useForm } from '../components/form';
import { Badge, Button, Card, Dialog, FormError, Loading, PageHeader, SelectField, Table, TextArea, TextField } from '../components/ui';
import { formatDateTime, fromLocalInput, toLocalInput } from '../format';
import { useI18n, type MsgId } from '../i18n/i18n';
import { delegationKindLabel, delegationKindPrefix, delegationStatusLabel, statusTone } from '../labels';
import { navigate, type Route } from '../router';
import { adminAgencies, useSession } from '../session';
import { AgencyPicker, defaultAgency } from './users';

export function Delegations({ route }: { route: Route }) {
  const { t, lang } = useI18n();
  const { me, agencies, notify } = useSession();
  const errText = useErrorText();
  const mine = adminAgencies(me, agencies);
  const agencyId = defaultAgency(mine, me.user.agency_id, route.query.get('agency'));
  const agency = agencies.find((a) => a.id === agencyId);
  const [creating, setCreating] = useState(false);
  const [confirm, setConfirm] = useState<Delegation | null>(null);
  const [err, setErr] = useState<string | null>(null);

  const data = useAsync(async () => {
    const [d, u] = await Promise.all([api.delegations({ agency_id: agencyId }), api.users({ agency_id: agencyId })]);
    return { delegations: d.items, users: u.items };
  }, [agencyId]);
  const name = (id: number) => data.data?.users.find((u) => u.id === id)?.full_name ?? '#' + id;

  const revoke = async (d: Delegation) => {
    setErr(null);
    try {
      await api.revokeDelegation(d.id);
      notify(t('delegations.revoked'));
      data.reload();
    } catch (e) { setErr(errText(e)); }
    setConfirm(null);
  };

  return (
    <div>
      <PageHeader title={t('delegations.title')} subtitle={agency?.name}
        actions={<Button kind="primary" onClick={() => setCreating(true)}>{t('delegations.add')}</Button>} />
      <Card>
        {mine.length > 1 ? <div class="toolbar"><AgencyPicker agencies={mine} value={agencyId} onChange={(a) => navigate('#/delegations?agency=' + a)} /></div> : null}
        <p class="muted intro">{t('delegations.intro')}</p>
        <FormError message={err} />
        {data.loading ? <Loading /> : (
          <Table<Delegation> caption={t('delegations.list')} rows={data.data?.delegations ?? []} rowKey={(d) => d.id} empty={t('delegations.empty')}
            columns={[
              { key: 'kind', label: t('delegation.kind'), class: 'nowrap', render: (d) => <><strong class="prefix">{delegationKindPrefix(t, d.kind)}</strong> {delegationKindLabel(t, d.kind)}</> },
              { key: 'from', label: t('delegation.from'), render: (d) => name(d.from_user_id) },
              { key: 'to', label: t('delegation.to'), render: (d) => name(d.to_user_id) },
              { key: 'window', label: t('delegation.window'), render: (d) => <span class="nowrap-lines"><span>{t('delegation.from_time', { t: formatDateTime(d.valid_from, lang) })}</span><span>{t('delegation.to_time', { t: formatDateTime(d.valid_to, lang) })}</span></span> },
              { key: 'scope', label: t('delegation.scope'), render: (d) => d.scope ?? '' },
              { key: 'status', label: t('delegation.status'), render: (d) => <Badge tone={statusTone(d.status)}>{delegationStatusLabel(t, d.status)}</Badge> },
              { key: 'actions', label: t('common.actions'), class: 'col-actions', render: (d) => (d.status === 'active' || d.status === 'pending') ? (
                <Button small kind="danger" onClick={() => setConfirm(d)} label={t('delegations.revoke_named', { from: name(d.from_user_id), to: name(d.to_user_id) })}>{t('delegations.revoke')}</Button>) : null },
            ]} />
        )}
      </Card>
      {creating && agency && data.data ? <DelegationDialog agency={agency} users={data.data.users} onClose={(made) => { setCreating(false); if (made) data.reload(); }} /> : null}
      {confirm ? (
        <Dialog title={t('delegations.revoke_title')} onClose={() => setConfirm(null)}>
          <p>{t('delegations.revoke_confirm', { kind: delegationKindLabel(t, confirm.kind), from: name(confirm.from_user_id), to: name(confirm.to_user_id) })}</p>
          <div class="form-actions">
            <Button onClick={() => setConfirm(null)}>{t('action.cancel')}</Button>
            <Button kind="danger" onClick={() => void revoke(confirm)}>{t('delegations.revoke')}</Button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}

function DelegationDialog({ agency, users, onClose }: { agency: Agency; users: User[]; onClose: (made: boolean) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const now = new Date();
  const inAWeek = new Date(now.getTime() + 7 * 86_400_000);
  const form = useForm({
    from_user_id: '', to_user_id: '', kind: '' as DelegationKind | '',
    valid_from: toLocalInput(now.toISOString()), valid_to: toLocalInput(inAWeek.toISOString()), scope: '', note: '',
  });
  const v = form.values;
  const e = form.errors;
  const people = users.filter((u) => u.status === 'active').map((u) => ({ value: String(u.id), label: u.full_name + (u.title ? ' — ' + u.title : '') }));
  const save = (ev: Event) => {
    ev.preventDefault();
    void form.submit(async () => {
      await api.createDelegation({
        agency_id: agency.id, from_user_id: Number(v.from_user_id), to_user_id: Number(v.to_user_id), kind: v.kind,
        valid_from: fromLocalInput(v.valid_from), valid_to: fromLocalInput(v.valid_to),
        ...(v.scope ? { scope: v.scope } : {}), ...(v.note ? { note: v.note } : {}),
      });
      notify(t('delegations.created'));
      onClose(true);
    }, ['from_user_id', 'to_user_id', 'kind', 'valid_from', 'valid_to']);
  };
  return (
    <Dialog title={t('delegations.add')} onClose={() => onClose(false)} wide>
      <p class="muted">{agency.name}</p>
      <form onSubmit={save} noValidate class="form">
        <FormError message={form.formError} />
        <fieldset class={'radios' + (e['kind'] ? ' field--error' : '')} data-field="kind" aria-describedby={e['kind'] ? 'dk-err' : undefined}>
          <legend>{t('delegation.kind')}<span class="req" aria-hidden="true"> *</span></legend>
          {DELEGATION_KINDS.map((k) => (
            <label key={k} class={'radio-card' + (v.kind === k ? ' is-checked' : '')}>
              <input type="radio" name="kind" value={k} checked={v.kind === k} onChange={() => form.set('kind', k)} aria-invalid={!!e['kind']} />
              <span><strong>{delegationKindPrefix(t, k)} {delegationKindLabel(t, k)}</strong><span class="hint">{t(('delegation.explain.' + k) as MsgId)}</span></span>
            </label>
          ))}
          {e['kind'] ? <p class="field-error" id="dk-err" role="alert">{e['kind']}</p> : null}
        </fieldset>
        <div class="form-grid">
          <SelectField label={t('delegation.from')} name="from_user_id" value={v.from_user_id} onChange={(x) => form.set('from_user_id', x)} error={e['from_user_id']} required
            placeholder={t('form.choose')} options={people} hint={t('delegation.from_hint')} />
          <SelectField label={t('delegation.to')} name="to_user_id" value={v.to_user_id} onChange={(x) => form.set('to_user_id', x)} error={e['to_user_id']} required
            placeholder={t('form.choose')} options={people} hint={t('delegation.to_hint')} />
          <TextField label={t('delegation.valid_from')} name="valid_from" type="datetime-local" value={v.valid_from} onInput={(x) => form.set('valid_from', x)} error={e['valid_from']} required hint={t('common.tz_hint')} />
          <TextField label={t('delegation.valid_to')} name="valid_to" type="datetime-local" value={v.valid_to} onInput={(x) => form.set('valid_to', x)} error={e['valid_to']} required hint={t('common.tz_hint')} />
        </div>
        <TextField label={t('delegation.scope')} name="scope" value={v.scope} onInput={(x) => form.set('scope', x)} error={e['scope']} maxLength={500} hint={t('delegation.scope_hint')} />
        <TextArea label={t('delegation.note')} name="note" value={v.note} onInput={(x) => form.set('note', x)} error={e['note']} rows={2} />
        <div class="form-actions">
          <Button onClick={() => onClose(false)}>{t('action.cancel')}</Button>
          <Button kind="primary" type="submit" busy={form.busy}>{t('delegations.create')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
