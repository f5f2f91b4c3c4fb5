// Users and roles of an agency: the staff list, a new user, a person's details, status, roles and
// password, and the import of an agency's staff from CSV.
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import { ROLES, USER_STATUSES, type Agency, type ImportResult, type Role, type RoleAssignment, type Unit, type User, type UserStatus } from '../api/types';
import { useAsync } from '../components/async';
import { useErrorText, useForm } from '../components/form';
import { Badge, Button, Card, Dialog, FormError, Loading, Notice, PageHeader, SelectField, Table, TextField } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { certStatusLabel, roleLabel, statusTone, tokenStatusLabel, userStatusLabel } from '../labels';
import { formatDate } from '../format';
import { navigate, type Route } from '../router';
import { adminAgencies, certAgencies, isCityAdmin, rootAgencyId, useSession } from '../session';

export function AgencyPicker({ agencies, value, onChange, name = 'agency' }: { agencies: Agency[]; value: number; onChange: (id: number) => void; name?: string }) {
  const { t } = useI18n();
  if (agencies.length <= 1) return null;
  return (
    <div class="field field--compact field--inline">
      <label for={'pick-' + name}>{t('common.agency')}</label>
      <select id={'pick-' + name} value={String(value)} onChange={(e) => onChange(Number((e.currentTarget as HTMLSelectElement).value))}>
        {agencies.map((a) => <option key={a.id} value={String(a.id)}>{a.name}</option>)}
      </select>
    </div>
  );
}

export function defaultAgency(list: Agency[], mine: number, fromRoute: string | null): number {
  const want = Number(fromRoute);
  if (want && list.some((a) => a.id === want)) return want;
  if (list.some((a) => a.id === mine)) return mine;
  return list[0]?.id ?? mine;
}

export function Users({ route }: { route: Route }) {
  const { t } = useI18n();
  const { me, agencies } = useSession();
  const mine = adminAgencies(me, agencies);
  const agencyId = defaultAgency(mine, me.user.agency_id, route.query.get('agency'));
  const agency = agencies.find((a) => a.id === agencyId);
  const [q, setQ] = useState('');
  const status = route.query.get('status') ?? '';
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [openUser, setOpenUser] = useState<User | null>(null);

  const data = useAsync(async () => {
    const [users, roles, units] = await Promise.all([
      api.users({ agency_id: agencyId, status }),
      api.roleAssignments({ agency_id: agencyId }),
      api.units(agencyId).then((p) => p.items).catch(() => [] as Unit[]),
    ]);
    return { users: users.items, total: users.total, roles: roles.items, units };
  }, [agencyId, status]);

  const go = (a: number, s: string) => navigate('#/users?agency=' + a + (s ? '&status=' + s : ''));
  const f = q.trim().toLocaleLowerCase('vi');
  const rows = (data.data?.users ?? []).filter((u) => !f || u.full_name.toLocaleLowerCase('vi').includes(f) || u.login.includes(f) || (u.title ?? '').toLocaleLowerCase('vi').includes(f));

  return (
    <div>
      <PageHeader title={t('users.title')} subtitle={agency?.name}
        actions={<>
          <Button onClick={() => setImporting(true)}>{t('users.import')}</Button>
          <Button kind="primary" onClick={() => setAdding(true)}>{t('users.add')}</Button>
        </>} />
      <Card>
        <div class="toolbar">
          <AgencyPicker agencies={mine} value={agencyId} onChange={(a) => go(a, status)} />
          <div class="field field--compact field--inline">
            <label for="users-q">{t('users.search')}</label>
            <input id="users-q" type="search" value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field field--compact field--inline">
            <label for="users-status">{t('user.status')}</label>
            <select id="users-status" value={status} onChange={(e) => go(agencyId, (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('common.all')}</option>
              {USER_STATUSES.map((s) => <option key={s} value={s}>{userStatusLabel(t, s)}</option>)}
            </select>
          </div>
        </div>
        {data.loading ? <Loading /> : data.error ? <FormError message={String((data.error as Error).message || t('error.generic'))} /> : (
          <Table<User> caption={t('users.list_caption', { n: data.data?.total ?? 0 })} rows={rows} rowKey={(u) => u.id} empty={t('users.empty')}
            columns={[
              { key: 'name', label: t('user.full_name'), render: (u) => (
                <button type="button" class="linklike" onClick={() => setOpenUser(u)}>{u.full_name}</button>) },
              { key: 'login', label: t('user.login'), render: (u) => <code class="code">{u.login}</code> },
              { key: 'title', label: t('user.title'), render: (u) => u.title ?? '' },
              { key: 'unit', label: t('user.unit'), render: (u) => data.data?.units.find((x) => x.id === u.unit_id)?.name ?? '' },
              { key: 'roles', label: t('user.roles'), render: (u) => (
                <span class="chips-inline">{(data.data?.roles ?? []).filter((r) => r.user_id === u.id).map((r) => <Badge key={r.id} tone="info">{roleLabel(t, r.role)}</Badge>)}</span>) },
              { key: 'status', label: t('user.status'), render: (u) => <Badge tone={statusTone(u.status)}>{userStatusLabel(t, u.status)}</Badge> },
            ]} />
        )}
      </Card>
      {adding && agency ? <UserDialog agency={agency} units={data.data?.units ?? []} onClose={(u) => { setAdding(false); if (u) { data.reload(); setOpenUser(u); } }} /> : null}
      {importing && agency ? <ImportDialog agency={agency} onClose={(changed) => { setImporting(false); if (changed) data.reload(); }} /> : null}
      {openUser && agency ? <UserDetail user={openUser} agency={agency} units={data.data?.units ?? []}
        onClose={() => { setOpenUser(null); data.reload(); }} /> : null}
    </div>
  );
}

function UserDialog({ agency, units, onClose }: { agency: Agency; units: Unit[]; onClose: (u: User | null) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const form = useForm({ login: '', full_name: '', title: '', unit_id: '', email: '', phone: '', password: '' });
  const v = form.values;
  const e = form.errors;
  const save = (ev: Event) => {
    ev.preventDefault();
    void form.submit(async () => {
      const u = await api.createUser({
        login: v.login.trim(), full_name: v.full_name.trim(), title: v.title, agency_id: agency.id,
        unit_id: v.unit_id ? Number(v.unit_id) : null, email: v.email, phone: v.phone, password: v.password,
      });
      notify(t('users.created', { name: u.full_name }));
      onClose(u);
    }, ['login', 'full_name', 'password']);
  };
  return (
    <Dialog title={t('users.add')} onClose={() => onClose(null)} wide>
      <p class="muted">{agency.name}</p>
      <form onSubmit={save} noValidate class="form">
        <FormError message={form.formError} />
        <div class="form-grid">
          <TextField label={t('user.full_name')} name="full_name" value={v.full_name} onInput={(x) => form.set('full_name', x)} error={e['full_name']} required autoFocus maxLength={200} autocomplete="off" />
          <TextField label={t('user.login')} name="login" value={v.login} onInput={(x) => form.set('login', x)} error={e['login']} required hint={t('user.login_hint')} maxLength={64} autocomplete="off" spellcheck={false} />
          <TextField label={t('user.title')} name="title" value={v.title} onInput={(x) => form.set('title', x)} error={e['title']} maxLength={200} />
          <SelectField label={t('user.unit')} name="unit_id" value={v.unit_id} onChange={(x) => form.set('unit_id', x)} error={e['unit_id']}
            placeholder={t('common.none')} options={units.map((u) => ({ value: String(u.id), label: u.name }))} />
          <TextField label={t('user.email')} name="email" type="email" value={v.email} onInput={(x) => form.set('email', x)} error={e['email']} maxLength={254} />
          <TextField label={t('user.phone')} name="phone" type="tel" value={v.phone} onInput={(x) => form.set('phone', x)} error={e['phone']} maxLength={40} />
          <TextField label={t('user.initial_password')} name="password" type="password" value={v.password} onInput={(x) => form.set('password', x)} error={e['password']} required hint={t('user.password_hint')} autocomplete="new-password" />
        </div>
        <div class="form-actions">
          <Button onClick={() => onClose(null)}>{t('action.cancel')}</Button>
          <Button kind="primary" type="submit" busy={form.busy}>{t('users.create')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function UserDetail({ user, agency, units, onClose }: { user: User; agency: Agency; units: Unit[]; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { me, agencies, notify } = useSession();
  const errText = useErrorText();
  const form = useForm({
    full_name: user.full_name, title: user.title ?? '', unit_id: String(user.unit_id ?? ''),
    email: user.email ?? '', phone: user.phone ?? '', status: user.status as UserStatus,
  });
  const v = form.values;
  const e = form.errors;
  const roles = useAsync(() => api.roleAssignments({ user_id: user.id }).then((p) => p.items), [user.id]);
  const [newRole, setNewRole] = useState<Role | ''>('');
  const [roleAgency, setRoleAgency] = useState(String(agency.id));
  const [roleErr, setRoleErr] = useState<string | null>(null);
  const [roleBusy, setRoleBusy] = useState(false);
  const pw = useForm({ password: '' });
  const canReadCerts = certAgencies(me, agencies, false).some((a) => a.id === user.agency_id);
  const keys = useAsync(async () => canReadCerts ? {
    certs: (await api.certificates({ user_id: user.id })).items, tokens: (await api.tokens({ user_id: user.id })).items,
  } : null, [user.id]);
  const city = isCityAdmin(me);
  const root = rootAgencyId(agencies);
  // As the API rules it: city_admin, the city's auditor and registration_officer (city-wide rights)
  // are given by a city administrator only.
  const grantable = ROLES.filter((r) => city || (r !== 'city_admin' && r !== 'registration_officer'
    && !(r === 'auditor' && Number(roleAgency) === root)));
  const roleAgencies = city ? agencies : adminAgencies(me, agencies);

  const save = (ev: Event) => {
    ev.preventDefault();
    void form.submit(async () => {
      await api.updateUser(user.id, { full_name: v.full_name, title: v.title, unit_id: v.unit_id ? Number(v.unit_id) : null, email: v.email, phone: v.phone, status: v.status });
      notify(t('users.saved', { name: v.full_name }));
    }, ['full_name']);
  };
  const addRole = async (ev: Event) => {
    ev.preventDefault();
    if (!newRole) { setRoleErr(t('form.field_required')); return; }
    setRoleBusy(true);
    setRoleErr(null);
    try {
      await api.assignRole(user.id, Number(roleAgency), newRole);
      notify(t('users.role_added', { role: roleLabel(t, newRole), name: user.full_name }));
      setNewRole('');
      roles.reload();
    } catch (err) {
      setRoleErr(err instanceof ApiError && err.message ? err.message : errText(err));
    } finally {
      setRoleBusy(false);
    }
  };
  const removeRole = async (r: RoleAssignment) => {
    try {
      await api.removeRole(r.id);
      notify(t('users.role_removed', { role: roleLabel(t, r.role), name: user.full_name }));
      roles.reload();
    } catch (err) { setRoleErr(errText(err)); }
  };
  const setPassword = (ev: Event) => {
    ev.preventDefault();
    void pw.submit(async () => {
      await api.setUserPassword(user.id, pw.values.password);
      pw.reset({ password: '' });
      notify(t('users.password_set', { name: user.full_name }));
    }, ['password']);
  };

  return (
    <Dialog title={user.full_name} onClose={onClose} wide>
      <p class="muted"><code class="code">{user.login}</code> · {agency.name}</p>
      <section aria-labelledby="ud-info" class="dialog__section">
        <h3 id="ud-info">{t('users.details')}</h3>
        <form onSubmit={save} noValidate class="form">
          <FormError message={form.formError} />
          <div class="form-grid">
            <TextField label={t('user.full_name')} name="full_name" value={v.full_name} onInput={(x) => form.set('full_name', x)} error={e['full_name']} required maxLength={200} />
            <TextField label={t('user.title')} name="title" value={v.title} onInput={(x) => form.set('title', x)} error={e['title']} maxLength={200} />
            <SelectField label={t('user.unit')} name="unit_id" value={v.unit_id} onChange={(x) => form.set('unit_id', x)} error={e['unit_id']}
              placeholder={t('common.none')} options={units.map((u) => ({ value: String(u.id), label: u.name }))} />
            <SelectField label={t('user.status')} name="status" value={v.status} onChange={(x) => form.set('status', x as UserStatus)} error={e['status']}
              options={USER_STATUSES.map((s) => ({ value: s, label: userStatusLabel(t, s) }))} />
            <TextField label={t('user.email')} name="email" type="email" value={v.email} onInput={(x) => form.set('email', x)} error={e['email']} maxLength={254} />
            <TextField label={t('user.phone')} name="phone" type="tel" value={v.phone} onInput={(x) => form.set('phone', x)} error={e['phone']} maxLength={40} />
          </div>
          <div class="form-actions"><Button kind="primary" type="submit" busy={form.busy}>{t('action.save')}</Button></div>
        </form>
      </section>
      <section aria-labelledby="ud-roles" class="dialog__section">
        <h3 id="ud-roles">{t('user.roles')}</h3>
        {roles.loading ? <Loading /> : (
          <ul class="role-list">
            {(roles.data ?? []).length === 0 ? <li class="empty">{t('home.no_roles')}</li> : null}
            {(roles.data ?? []).map((r) => (
              <li key={r.id}>
                <Badge tone="info">{roleLabel(t, r.role)}</Badge>
                <span class="muted">{agencies.find((a) => a.id === r.agency_id)?.name ?? r.agency_name ?? ''}</span>
                <Button small kind="link" onClick={() => void removeRole(r)} label={t('users.remove_role_named', { role: roleLabel(t, r.role) })}>{t('action.remove')}</Button>
              </li>
            ))}
          </ul>
        )}
        <form class="form form--row" onSubmit={addRole} noValidate>
          <SelectField label={t('users.role_to_add')} name="role" value={newRole} onChange={(x) => { setNewRole(x as Role); setRoleErr(null); }}
            placeholder={t('form.choose')} error={roleErr ?? undefined} options={grantable.map((r) => ({ value: r, label: roleLabel(t, r) }))} />
          <SelectField label={t('users.role_agency')} name="role_agency" value={roleAgency} onChange={setRoleAgency}
            options={roleAgencies.map((a) => ({ value: String(a.id), label: a.name }))} />
          <Button type="submit" kind="primary" busy={roleBusy}>{t('users.add_role')}</Button>
        </form>
      </section>
      {canReadCerts ? (
        <section aria-labelledby="ud-keys" class="dialog__section">
          <h3 id="ud-keys">{t('home.my_keys_of')}</h3>
          {keys.loading ? <Loading /> : (keys.data && (keys.data.certs.length || keys.data.tokens.length)) ? (
            <ul class="plain">
              {keys.data.certs.map((c) => (
                <li key={'c' + c.id}>{c.not_after ? t('home.my_cert', { serial: c.serial, date: formatDate(c.not_after, lang) }) : t('home.my_cert_nodate', { serial: c.serial })}
                  {' '}<Badge tone={statusTone(c.status)}>{certStatusLabel(t, c.status)}</Badge>
                  {c.owner_kind === 'agency' ? <> <Badge tone="neutral">{t('cert.owner.agency')}</Badge></> : null}</li>
              ))}
              {keys.data.tokens.map((k) => (
                <li key={'t' + k.id}>{t('home.my_token', { serial: k.serial, model: k.model || '' })} <Badge tone={statusTone(k.status)}>{tokenStatusLabel(t, k.status)}</Badge></li>
              ))}
            </ul>
          ) : <p class="empty">{t('users.no_keys')}</p>}
          <p><a href={'#/certificates?agency=' + user.agency_id} onClick={onClose}>{t('users.open_certs')}</a></p>
        </section>
      ) : null}
      <section aria-labelledby="ud-pw" class="dialog__section">
        <h3 id="ud-pw">{t('users.reset_password')}</h3>
        <form class="form form--row" onSubmit={setPassword} noValidate>
          <FormError message={pw.formError} />
          <TextField label={t('user.new_password')} name="password" type="password" value={pw.values.password} onInput={(x) => pw.set('password', x)}
            error={pw.errors['password']} hint={t('user.password_hint')} autocomplete="new-password" />
          <Button type="submit" busy={pw.busy}>{t('users.set_password')}</Button>
        </form>
      </section>
    </Dialog>
  );
}

const CSV_HEADER = 'login,full_name,title,unit,email,phone';

function ImportDialog({ agency, onClose }: { agency: Agency; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const errText = useErrorText();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldErr, setFieldErr] = useState<string | null>(null);

  const onFile = async (e: Event) => {
    const f = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!f) return;
    setFileName(f.name);
    setCsv(await f.text());
    setResult(null);
    setError(null);
    setFieldErr(null);
  };
  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (!csv.trim()) { setFieldErr(t('users.import_choose_file')); return; }
    setBusy(true);
    setError(null);
    setFieldErr(null);
    try {
      const r = await api.importUsers(agency.id, csv);
      setResult(r);
      if (r.created) notify(t('users.imported', { n: r.created }));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', errText(err), {}));
    } finally {
      setBusy(false);
    }
  };
  const lines = csv.split(/\r?\n/).filter((l) => l.trim()).length;
  const rowErrors = result?.errors ?? [];
  return (
    <Dialog title={t('users.import_title')} onClose={() => onClose(!!result?.created)} wide>
      <p class="muted">{agency.name}</p>
      {!result || result.created === 0 ? (
        <form onSubmit={submit} noValidate class="form">
          <p>{t('users.import_intro')}</p>
          <pre class="sample"><code>{CSV_HEADER}</code></pre>
          <div class={'field' + (fieldErr ? ' field--error' : '')} data-field="file">
            <label for="import-file">{t('users.import_file')}</label>
            <p class="hint" id="import-file-hint">{fileName ? t('users.import_loaded', { name: fileName, n: Math.max(0, lines - 1) }) : t('users.import_hint')}</p>
            {fieldErr ? <p class="field-error" id="import-file-err" role="alert">{fieldErr}</p> : null}
            <input id="import-file" type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e)}
              aria-invalid={!!fieldErr} aria-describedby={fieldErr ? 'import-file-err' : 'import-file-hint'} />
          </div>
          {error ? (
            <div class="notice notice--error" role="alert">
              <p>{error.field ? t('users.import_error_at', { where: fieldText(t, error.field), message: error.message }) : (error.message || t('error.generic'))}</p>
              <p>{t('users.import_nothing')}</p>
            </div>
          ) : null}
          {rowErrors.length ? <ImportErrors errors={rowErrors} /> : null}
          {error?.rows.length ? <ImportErrors errors={error.rows} /> : null}
          <div class="form-actions">
            <Button onClick={() => onClose(false)}>{t('action.cancel')}</Button>
            <Button kind="primary" type="submit" busy={busy}>{t('users.import_submit')}</Button>
          </div>
        </form>
      ) : (
        <div>
          <Notice kind="success" live>{t('users.imported', { n: result.created })}</Notice>
          {result.passwords?.length ? <>
            <Notice kind="warning">{t('users.import_passwords_once')}</Notice>
            <Table caption={t('users.import_passwords')} rows={result.passwords} rowKey={(p) => p.login} empty=""
              columns={[
                { key: 'login', label: t('user.login'), render: (p) => <code class="code">{p.login}</code> },
                { key: 'password', label: t('user.initial_password'), render: (p) => <code class="code">{p.password}</code> },
              ]} />
          </> : null}
          <div class="form-actions"><Button kind="primary" onClick={() => onClose(true)}>{t('action.done')}</Button></div>
        </div>
      )}
    </Dialog>
  );
}

function fieldText(t: ReturnType<typeof useI18n>['t'], field: string): string {
  const m = /^(\d+)(?::(.+))?$/.exec(field);
  if (!m) return field;
  return m[2] ? t('users.import_line_col', { line: m[1] ?? '', col: m[2] }) : t('users.import_line', { line: m[1] ?? '' });
}

function ImportErrors({ errors }: { errors: NonNullable<ImportResult['errors']> }) {
  const { t } = useI18n();
  return (
    <Table caption={t('users.import_errors')} rows={errors.map((e, i) => ({ ...e, i }))} rowKey={(e) => e.i} empty=""
      columns={[
        { key: 'line', label: t('users.import_col_line'), render: (e) => String(e.line ?? '') },
        { key: 'field', label: t('users.import_col_field'), render: (e) => e.field ?? '' },
        { key: 'message', label: t('users.import_col_message'), render: (e) => e.message ?? '' },
      ]} />
  );
}
