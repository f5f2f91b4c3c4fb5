// The organisation tree: agencies (city committee, departments, wards, communes, the special zone,
// public service units) with their mã định danh, address and contacts, and their internal units.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import { AGENCY_KINDS, type Agency, type AgencyKind, type Unit } from '../api/types';
import { useAsync } from '../components/async';
import { useForm } from '../components/form';
import { Button, Card, DefList, Dialog, FormError, Loading, PageHeader, SelectField, Table, TextField } from '../components/ui';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n/i18n';
import { kindLabel } from '../labels';
import { navigate, type Route } from '../router';
import { adminAgencies, isCityAdmin, useSession } from '../session';
import { contactsText } from './home';

interface Node { agency: Agency; children: Node[] }

function buildTree(list: Agency[]): Node[] {
  const byParent = new Map<number | null, Agency[]>();
  for (const a of list) {
    const k = a.parent_id && list.some((x) => x.id === a.parent_id) ? a.parent_id : null;
    byParent.set(k, [...(byParent.get(k) ?? []), a]);
  }
  const mk = (parent: number | null): Node[] =>
    (byParent.get(parent) ?? []).sort((x, y) => x.name.localeCompare(y.name, 'vi')).map((a) => ({ agency: a, children: mk(a.id) }));
  return mk(null);
}

export function OrgTree({ route }: { route: Route }) {
  const { t } = useI18n();
  const { me, agencies } = useSession();
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const selectedId = Number(route.path[1] ?? me.user.agency_id) || me.user.agency_id;
  const selected = agencies.find((a) => a.id === selectedId) ?? agencies[0];
  const tree = useMemo(() => buildTree(agencies), [agencies]);
  const city = isCityAdmin(me);

  const f = filter.trim().toLocaleLowerCase('vi');
  const matches = (n: Node): boolean =>
    !f || n.agency.name.toLocaleLowerCase('vi').includes(f) || n.agency.code.toLowerCase().includes(f) || n.children.some(matches);

  return (
    <div>
      <PageHeader title={t('org.title')} subtitle={t('org.subtitle', { n: agencies.length })}
        actions={city ? <Button kind="primary" onClick={() => setCreating(true)}>{t('org.add_agency')}</Button> : null} />
      <div class="split">
        <Card class="split__side" title={t('org.tree')}>
          <div class="field field--compact">
            <label for="org-filter">{t('org.filter')}</label>
            <input id="org-filter" type="search" value={filter} onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <ul class="tree" aria-label={t('org.tree')}>
            {tree.filter(matches).map((n) => <TreeNode key={n.agency.id} node={n} selected={selected?.id ?? 0} matches={matches} depth={0} />)}
          </ul>
        </Card>
        <div class="split__main">
          {selected ? <AgencyDetail key={selected.id} agency={selected} /> : <Loading />}
        </div>
      </div>
      {creating ? <AgencyDialog parentId={selected?.id ?? null} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

function TreeNode({ node, selected, matches, depth }: { node: Node; selected: number; matches: (n: Node) => boolean; depth: number }) {
  const [open, setOpen] = useState(depth < 1);
  const { t } = useI18n();
  const kids = node.children.filter(matches);
  return (
    <li>
      <div class={'tree__row' + (node.agency.id === selected ? ' is-selected' : '')}>
        {kids.length ? (
          <button type="button" class="tree__toggle" aria-expanded={open} onClick={() => setOpen(!open)}
            aria-label={t(open ? 'org.collapse' : 'org.expand', { name: node.agency.name })}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
        ) : <span class="tree__spacer" />}
        <a href={'#/org/' + node.agency.id} aria-current={node.agency.id === selected ? 'true' : undefined}>
          <span class="tree__name">{node.agency.name}</span>
          <span class="tree__code">{node.agency.code}</span>
        </a>
      </div>
      {kids.length && open ? (
        <ul>{kids.map((k) => <TreeNode key={k.agency.id} node={k} selected={selected} matches={matches} depth={depth + 1} />)}</ul>
      ) : null}
    </li>
  );
}

function AgencyDetail({ agency }: { agency: Agency }) {
  const { t, lang } = useI18n();
  const { me, agencies } = useSession();
  const [editing, setEditing] = useState(false);
  const [addingUnit, setAddingUnit] = useState(false);
  const canAdmin = adminAgencies(me, agencies).some((a) => a.id === agency.id);
  const parent = agencies.find((a) => a.id === agency.parent_id);
  const units = useAsync(() => api.units(agency.id).then((p) => p.items).catch(() => null), [agency.id]);
  const children = agencies.filter((a) => a.parent_id === agency.id);
  // On a narrow screen the details stand below the tree: bring them into view when chosen.
  useEffect(() => {
    if (window.matchMedia('(max-width: 1100px)').matches && location.hash.startsWith('#/org/')) {
      setTimeout(() => document.getElementById('agency-detail')?.scrollIntoView({ block: 'start' }), 0);
    }
  }, [agency.id]);
  return (
    <>
      <Card id="agency-detail" title={agency.name} actions={canAdmin ? <Button onClick={() => setEditing(true)}>{t('action.edit')}</Button> : null}>
        <DefList items={[
          [t('agency.short_name'), agency.short_name || t('common.none')],
          [t('agency.kind'), kindLabel(t, agency.kind)],
          [t('agency.code'), <code class="code">{agency.code}</code>],
          [t('agency.parent'), parent ? <a href={'#/org/' + parent.id}>{parent.name}</a> : t('org.root')],
          [t('agency.address'), agency.address || t('common.none')],
          [t('agency.phone'), agency.contacts?.phone || t('common.none')],
          [t('agency.email'), agency.contacts?.email ? <a href={'mailto:' + agency.contacts.email}>{agency.contacts.email}</a> : t('common.none')],
          [t('agency.fax'), agency.contacts?.fax || t('common.none')],
          [t('agency.website'), agency.contacts?.website || t('common.none')],
          ...(agency.updated_at ? [[t('common.updated_at'), formatDateTime(agency.updated_at, lang)] as [string, string]] : []),
        ]} />
      </Card>
      <Card title={t('org.units')} actions={canAdmin ? <Button onClick={() => setAddingUnit(true)}>{t('org.add_unit')}</Button> : null}>
        {units.loading ? <Loading /> : units.data === null ? <p class="empty">{t('org.units_hidden')}</p> : (
          <Table<Unit> caption={t('org.units')} captionHidden rows={units.data} rowKey={(u) => u.id} empty={t('org.no_units')}
            columns={[
              { key: 'name', label: t('unit.name'), render: (u) => u.name },
              { key: 'code', label: t('unit.code'), render: (u) => u.code ? <code class="code">{u.code}</code> : '' },
            ]} />
        )}
      </Card>
      {children.length ? (
        <Card title={t('org.children')}>
          <Table<Agency> caption={t('org.children')} captionHidden rows={children} rowKey={(a) => a.id} empty=""
            columns={[
              { key: 'name', label: t('agency.name'), render: (a) => <a href={'#/org/' + a.id}>{a.name}</a> },
              { key: 'kind', label: t('agency.kind'), render: (a) => kindLabel(t, a.kind) },
              { key: 'code', label: t('agency.code'), render: (a) => <code class="code">{a.code}</code> },
              { key: 'contacts', label: t('agency.contacts'), render: (a) => contactsText(a.contacts) },
            ]} />
        </Card>
      ) : null}
      {editing ? <AgencyDialog agency={agency} parentId={agency.parent_id} onClose={() => setEditing(false)} /> : null}
      {addingUnit ? <UnitDialog agency={agency} onClose={(added) => { setAddingUnit(false); if (added) units.reload(); }} /> : null}
    </>
  );
}

interface AgencyValues {
  name: string; short_name: string; kind: AgencyKind | ''; parent_id: string; code: string; address: string;
  'contacts.phone': string; 'contacts.email': string; 'contacts.fax': string; 'contacts.website': string;
}

function AgencyDialog({ agency, parentId, onClose }: { agency?: Agency; parentId: number | null; onClose: () => void }) {
  const { t } = useI18n();
  const { me, agencies, reloadAgencies, notify } = useSession();
  const city = isCityAdmin(me);
  const form = useForm<AgencyValues>({
    name: agency?.name ?? '', short_name: agency?.short_name ?? '', kind: agency?.kind ?? '',
    parent_id: String(agency ? agency.parent_id ?? '' : parentId ?? ''), code: agency?.code ?? '', address: agency?.address ?? '',
    'contacts.phone': agency?.contacts?.phone ?? '', 'contacts.email': agency?.contacts?.email ?? '',
    'contacts.fax': agency?.contacts?.fax ?? '', 'contacts.website': agency?.contacts?.website ?? '',
  }, (f) => (f === 'phone' || f === 'email' || f === 'fax' || f === 'website' ? 'contacts.' + f : f));
  const v = form.values;
  const e = form.errors;
  const onlyContacts = !!agency && !city;

  const save = (ev: Event) => {
    ev.preventDefault();
    void form.submit(async () => {
      const contacts = { phone: v['contacts.phone'], email: v['contacts.email'], fax: v['contacts.fax'], website: v['contacts.website'] };
      const body: Record<string, unknown> = onlyContacts ? { address: v.address, contacts } : {
        name: v.name, short_name: v.short_name, kind: v.kind, code: v.code, address: v.address, contacts,
        parent_id: v.parent_id ? Number(v.parent_id) : null,
      };
      const saved = agency ? await api.updateAgency(agency.id, body) : await api.createAgency(body);
      await reloadAgencies();
      notify(t(agency ? 'org.saved' : 'org.created', { name: saved.name }));
      onClose();
      if (!agency) navigate('#/org/' + saved.id);
    }, onlyContacts ? [] : ['name', 'kind', 'code']);
  };

  return (
    <Dialog title={agency ? t('org.edit_agency') : t('org.add_agency')} onClose={onClose} wide>
      <form onSubmit={save} noValidate class="form">
        <FormError message={form.formError} />
        <div class="form-grid">
          {!onlyContacts ? <>
            <TextField label={t('agency.name')} name="name" value={v.name} onInput={(x) => form.set('name', x)} error={e['name']} required autoFocus maxLength={300} />
            <TextField label={t('agency.short_name')} name="short_name" value={v.short_name} onInput={(x) => form.set('short_name', x)} error={e['short_name']} maxLength={100} />
            <SelectField label={t('agency.kind')} name="kind" value={v.kind} onChange={(x) => form.set('kind', x as AgencyKind)} error={e['kind']} required
              placeholder={t('form.choose')} options={AGENCY_KINDS.map((k) => ({ value: k, label: kindLabel(t, k) }))} />
            <SelectField label={t('agency.parent')} name="parent_id" value={v.parent_id} onChange={(x) => form.set('parent_id', x)} error={e['parent_id']}
              placeholder={t('org.root')} options={agencies.filter((a) => a.id !== agency?.id).map((a) => ({ value: String(a.id), label: a.name }))} />
            <TextField label={t('agency.code')} name="code" value={v.code} onInput={(x) => form.set('code', x)} error={e['code']} required
              hint={t('agency.code_hint')} maxLength={35} spellcheck={false} />
          </> : null}
          <TextField label={t('agency.address')} name="address" value={v.address} onInput={(x) => form.set('address', x)} error={e['address']} maxLength={500} autoFocus={onlyContacts} />
          <TextField label={t('agency.phone')} name="contacts.phone" value={v['contacts.phone']} onInput={(x) => form.set('contacts.phone', x)} error={e['contacts.phone']} type="tel" maxLength={40} />
          <TextField label={t('agency.email')} name="contacts.email" value={v['contacts.email']} onInput={(x) => form.set('contacts.email', x)} error={e['contacts.email']} type="email" maxLength={254} />
          <TextField label={t('agency.fax')} name="contacts.fax" value={v['contacts.fax']} onInput={(x) => form.set('contacts.fax', x)} error={e['contacts.fax']} type="tel" maxLength={40} />
          <TextField label={t('agency.website')} name="contacts.website" value={v['contacts.website']} onInput={(x) => form.set('contacts.website', x)} error={e['contacts.website']} type="url" maxLength={200} />
        </div>
        <div class="form-actions">
          <Button onClick={onClose}>{t('action.cancel')}</Button>
          <Button kind="primary" type="submit" busy={form.busy}>{t('action.save')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function UnitDialog({ agency, onClose }: { agency: Agency; onClose: (added: boolean) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const form = useForm({ name: '', code: '' });
  const save = (ev: Event) => {
    ev.preventDefault();
    void form.submit(async () => {
      const u = await api.createUnit(agency.id, { name: form.values.name, ...(form.values.code ? { code: form.values.code } : {}) });
      notify(t('org.unit_created', { name: u.name }));
      onClose(true);
    }, ['name']);
  };
  return (
    <Dialog title={t('org.add_unit')} onClose={() => onClose(false)}>
      <p class="muted">{agency.name}</p>
      <form onSubmit={save} noValidate class="form">
        <FormError message={form.formError} />
        <TextField label={t('unit.name')} name="name" value={form.values.name} onInput={(x) => form.set('name', x)} error={form.errors['name']} required autoFocus maxLength={300} />
        <TextField label={t('unit.code')} name="code" value={form.values.code} onInput={(x) => form.set('code', x)} error={form.errors['code']} maxLength={35} />
        <div class="form-actions">
          <Button onClick={() => onClose(false)}>{t('action.cancel')}</Button>
          <Button kind="primary" type="submit" busy={form.busy}>{t('action.save')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
