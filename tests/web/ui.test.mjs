// The web UI, driven through Debian's chromium against a real kysod on a fresh database seeded
// with the sample city: every role signs in and does its own admin tasks through the screens;
// every screen is photographed (vi and en, 1366×768 and a phone) into build/web-screens/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, PHONE, USERS, field, goTo, launch, newPage, shot, signIn, tr } from './lib.mjs';

let browser;
const pages = [];
const stamp = Date.now().toString(36).slice(-5);
const created = {};

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function open(opts) {
  const p = await newPage(browser, opts);
  pages.push(p);
  return p;
}

/* Nothing overflows sideways: the screen works at this width without horizontal scrolling. */
async function assertNoSidewaysScroll(page, what) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw + 1, `${what}: the page is ${sw}px wide in a ${iw}px viewport`);
}

const VI_DATETIME = /ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}, ([01]\d|2[0-3]):[0-5]\d/;

test('sign-in: keyboard only, wrong password is a field error, empty fields are named', async () => {
  const page = await open({});
  await page.goto(BASE + '/');
  const login = page.getByLabel(tr('vi', 'signin.login'));
  await login.waitFor();
  await shot(page, 'vi-desktop-signin');
  await assertNoSidewaysScroll(page, 'sign-in');

  // Empty form: each missing field says so, under itself.
  await page.getByRole('button', { name: tr('vi', 'signin.submit'), exact: true }).click();
  await assert.doesNotReject(field(page, 'login').getByText(tr('vi', 'signin.login_required')).waitFor());

  // Keyboard only: the user name, Tab to the password, Enter to submit.
  await login.focus();
  await page.keyboard.type(USERS.drafter.login);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
  await page.keyboard.type('not-the-password-' + stamp);
  await page.keyboard.press('Enter');
  const err = field(page, 'password').locator('.field-error');
  await err.waitFor();
  assert.ok((await err.textContent()).length > 3, 'the password field names the error');
  assert.equal(await page.getByLabel(tr('vi', 'signin.password')).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'password', 'focus goes to the field at fault');
  await shot(page, 'vi-desktop-signin-error');

  // The right password then signs in, by keyboard too.
  await page.keyboard.type(USERS.drafter.password);
  await page.keyboard.press('Enter');
  await page.locator('#page-title').waitFor();
  // The first Tab of a screen reaches the skip link, and it is visible when focused.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
  const box = await page.locator('.skip-link').boundingBox();
  assert.ok(box && box.y >= 0, 'the skip link shows when focused');
  // The next stop wears a visible focus ring (not only a colour change).
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    const st = getComputedStyle(document.activeElement);
    return { style: st.outlineStyle, width: parseFloat(st.outlineWidth) };
  });
  assert.notEqual(ring.style, 'none', 'focus is visible');
  assert.ok(ring.width >= 2, 'the focus ring is at least 2 px');
  await page.context().close();
});

test('city administrator: creates an agency (with a field error first) and a user in it', async () => {
  const page = await open({});
  await signIn(page, 'city_admin');
  await shot(page, 'vi-desktop-home-city-admin');
  for (const n of ['nav.org', 'nav.users', 'nav.delegations', 'nav.certificates', 'nav.audit']) {
    await assert.doesNotReject(page.getByRole('navigation').getByRole('link', { name: tr('vi', n) }).waitFor(), n);
  }
  await goTo(page, '#/org');
  await shot(page, 'vi-desktop-org');
  await assertNoSidewaysScroll(page, 'org');

  // A dialog: Escape closes it and the focus returns to the button that opened it.
  const addAgency = page.getByRole('button', { name: tr('vi', 'org.add_agency') });
  await addAgency.click();
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'name', 'the first field has the focus');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  assert.equal(await addAgency.evaluate((b) => b === document.activeElement), true, 'focus back on the opener');
  await addAgency.click();
  const dlg = page.getByRole('dialog');
  const name = `Phường Thử Nghiệm ${stamp}`;
  await dlg.getByLabel(tr('vi', 'agency.name')).fill(name);
  await dlg.getByLabel(tr('vi', 'agency.short_name')).fill(`P. Thử Nghiệm ${stamp}`);
  await dlg.getByLabel(tr('vi', 'agency.kind')).selectOption('ward');
  await dlg.getByLabel(tr('vi', 'agency.code')).fill('H24 sai mã!');
  await dlg.getByLabel(tr('vi', 'agency.address')).fill('Số 1 đường Thử Nghiệm, Hải Phòng');
  await dlg.getByLabel(tr('vi', 'agency.phone')).fill('0225.3846.475');
  await dlg.getByRole('button', { name: tr('vi', 'action.save') }).click();
  // The API refuses the identifier; its message stands under that field.
  const codeErr = field(dlg, 'code').locator('.field-error');
  await codeErr.waitFor();
  await shot(page, 'vi-desktop-org-add-agency-error');
  const code = `H24.99.${stamp.toUpperCase()}`;
  await dlg.getByLabel(tr('vi', 'agency.code')).fill(code);
  await dlg.getByRole('button', { name: tr('vi', 'action.save') }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.getByRole('heading', { name }).waitFor();
  await shot(page, 'vi-desktop-org-agency');
  const found = await page.evaluate(async (c) => (await (await fetch('/api/v1/agencies?limit=500')).json()).items.find((a) => a.code === c), code);
  assert.ok(found, 'the agency is in the API');
  assert.equal(found.name, name);
  assert.equal(found.contacts?.phone, '0225.3846.475');
  created.agency = found;

  await page.getByRole('button', { name: tr('vi', 'org.add_unit') }).click();
  await page.getByRole('dialog').getByLabel(tr('vi', 'unit.name')).fill('Văn phòng HĐND và UBND');
  await page.getByRole('dialog').getByRole('button', { name: tr('vi', 'action.save') }).click();
  await page.getByRole('cell', { name: 'Văn phòng HĐND và UBND' }).waitFor();

  await goTo(page, `#/users?agency=${found.id}`);
  await page.getByRole('button', { name: tr('vi', 'users.add') }).click();
  const u = page.getByRole('dialog');
  await u.getByLabel(tr('vi', 'user.full_name')).fill('Trần Thị Thử');
  await u.getByLabel(tr('vi', 'user.login')).fill('Sai Tên');
  await u.getByLabel(tr('vi', 'user.title')).fill('Chủ tịch');
  await u.getByLabel(tr('vi', 'user.initial_password')).fill('mat-khau-' + stamp + '-dai');
  await u.getByRole('button', { name: tr('vi', 'users.create') }).click();
  await field(u, 'login').locator('.field-error').waitFor();
  await shot(page, 'vi-desktop-users-add-error');
  const login = 'tran.thi.thu.' + stamp;
  await u.getByLabel(tr('vi', 'user.login')).fill(login);
  await u.getByRole('button', { name: tr('vi', 'users.create') }).click();
  // The new person's page opens: give them the agency's administration.
  const detail = page.getByRole('dialog', { name: 'Trần Thị Thử' });
  await detail.waitFor();
  await detail.getByLabel(tr('vi', 'users.role_to_add')).selectOption('agency_admin');
  await detail.getByRole('button', { name: tr('vi', 'users.add_role') }).click();
  await detail.locator('.role-list').getByText(tr('vi', 'role.agency_admin')).waitFor();
  await shot(page, 'vi-desktop-users-detail');
  await detail.getByRole('button', { name: tr('vi', 'action.close') }).click();
  await page.getByRole('button', { name: 'Trần Thị Thử' }).waitFor();
  const users = await page.evaluate(async (id) => (await (await fetch(`/api/v1/users?agency_id=${id}`)).json()).items, found.id);
  assert.ok(users.some((x) => x.login === login && x.title === 'Chủ tịch'), 'the user is in the API');
  await page.context().close();
});

test('agency administrator: assigns a role, imports staff from CSV, records a delegation', async () => {
  const page = await open({});
  await signIn(page, 'agency_admin');
  await shot(page, 'vi-desktop-home-agency-admin');
  // Its own agency's address and contacts (the name and the identifier stay the city's to change).
  await goTo(page, '#/org/' + (await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).user.agency_id)));
  await page.getByRole('button', { name: tr('vi', 'action.edit') }).click();
  const ed = page.getByRole('dialog');
  assert.equal(await ed.getByLabel(tr('vi', 'agency.code')).count(), 0, 'no identifier field for an agency administrator');
  await ed.getByLabel(tr('vi', 'agency.phone')).fill('0225.3842.999');
  await ed.getByRole('button', { name: tr('vi', 'action.save') }).click();
  await ed.waitFor({ state: 'detached' });
  await page.getByText('0225.3842.999').waitFor();
  await goTo(page, '#/users');
  await shot(page, 'vi-desktop-users');
  await assertNoSidewaysScroll(page, 'users');

  // A role for the drafter of this agency.
  const row = page.getByRole('row').filter({ hasText: USERS.drafter.login });
  await row.getByRole('button').click();
  const detail = page.getByRole('dialog');
  await detail.getByLabel(tr('vi', 'users.role_to_add')).selectOption('format_checker');
  await detail.getByRole('button', { name: tr('vi', 'users.add_role') }).click();
  await detail.locator('.role-list').getByText(tr('vi', 'role.format_checker')).waitFor();
  // Roles with city-wide rights are not offered to an agency administrator.
  const offered = await detail.getByLabel(tr('vi', 'users.role_to_add')).locator('option').evaluateAll((os) => os.map((o) => o.value));
  for (const r of ['city_admin', 'registration_officer']) assert.ok(!offered.includes(r), `${r} is not offered`);
  // Details: a new title, saved and in the API.
  await detail.getByLabel(tr('vi', 'user.title')).fill('Chuyên viên chính');
  await detail.getByRole('button', { name: tr('vi', 'action.save') }).first().click();
  await page.locator('.toast').getByText(tr('vi', 'users.saved', { name: await detail.getByLabel(tr('vi', 'user.full_name')).inputValue() })).waitFor();
  await detail.getByRole('button', { name: tr('vi', 'action.close') }).click();
  await row.getByText(tr('vi', 'role.format_checker')).waitFor();
  await row.getByText('Chuyên viên chính').waitFor();

  // CSV: a bad file is refused whole, naming the line; a good one creates everyone.
  await page.getByRole('button', { name: tr('vi', 'users.import') }).click();
  const imp = page.getByRole('dialog');
  const header = 'login,full_name,title,unit,email,phone\n';
  await imp.locator('#import-file').setInputFiles({ name: 'sai.csv', mimeType: 'text/csv',
    buffer: Buffer.from(header + `nv.a.${stamp},Nguyễn Văn A,Chuyên viên,,a@example.vn,\nKHÔNG HỢP LỆ,Lê Văn B,,,,\n`) });
  await imp.getByRole('button', { name: tr('vi', 'users.import_submit') }).click();
  await imp.getByText(tr('vi', 'users.import_nothing')).waitFor();
  // The refused line is named: line 3 (the header is line 1), its login.
  const bad = imp.getByRole('table', { name: tr('vi', 'users.import_errors') }).locator('tbody tr');
  assert.equal(await bad.count(), 1, 'one line at fault');
  assert.equal((await bad.locator('td').first().textContent()).trim(), '3');
  assert.match(await bad.textContent(), /login/);
  await shot(page, 'vi-desktop-users-import-error');
  await imp.locator('#import-file').setInputFiles({ name: 'can-bo.csv', mimeType: 'text/csv',
    buffer: Buffer.from(header + `nv.a.${stamp},Nguyễn Văn A,Chuyên viên,,a.${stamp}@example.vn,0225.123.456\nnv.b.${stamp},Lê Thị Bình,Phó Chánh Văn phòng,,,\n`) });
  await imp.getByRole('button', { name: tr('vi', 'users.import_submit') }).click();
  await imp.getByText(tr('vi', 'users.imported', { n: 2 })).first().waitFor();
  assert.equal(await imp.locator('tbody tr').count(), 2, 'two initial passwords shown once');
  await shot(page, 'vi-desktop-users-import-done');
  await imp.getByRole('button', { name: tr('vi', 'action.done') }).click();
  await page.getByRole('button', { name: 'Lê Thị Bình' }).waitFor();

  // A delegation: the agency's signer lets the new deputy sign for them (KT.) for a week.
  await goTo(page, '#/delegations');
  await page.getByRole('button', { name: tr('vi', 'delegations.add') }).click();
  const d = page.getByRole('dialog');
  await d.getByLabel(tr('vi', 'delegation.kind.ky_thay')).check();
  const fromSel = d.getByLabel(tr('vi', 'delegation.from'));
  const signerName = await page.evaluate(async (login) => (await (await fetch('/api/v1/users?q=' + login)).json()).items.find((u) => u.login === login)?.full_name, USERS.signer.login);
  assert.ok(signerName, 'the sample city has a signer in this agency');
  await fromSel.selectOption({ label: (await fromSel.locator('option', { hasText: signerName }).first().textContent()) ?? '' });
  const toSel = d.getByLabel(tr('vi', 'delegation.to'));
  await toSel.selectOption({ label: (await toSel.locator('option', { hasText: 'Lê Thị Bình' }).first().textContent()) ?? '' });
  // An end before the start: the API's error is shown by that field (or above the form).
  await d.getByLabel(tr('vi', 'delegation.valid_to')).fill('2020-01-01T08:00');
  await d.getByLabel(tr('vi', 'delegation.scope')).fill('Văn bản về khoa học và công nghệ');
  await d.getByRole('button', { name: tr('vi', 'delegations.create') }).click();
  await d.locator('.field-error, .notice--error').first().waitFor();
  await shot(page, 'vi-desktop-delegations-add-error');
  const until = new Date(Date.now() + 7 * 86400000 + 7 * 3600000).toISOString().slice(0, 16);
  await d.getByLabel(tr('vi', 'delegation.valid_to')).fill(until);
  await d.getByRole('button', { name: tr('vi', 'delegations.create') }).click();
  await d.waitFor({ state: 'detached' });
  const drow = page.getByRole('row').filter({ hasText: 'Lê Thị Bình' });
  await drow.getByText(tr('vi', 'delegation.prefix.ky_thay')).waitFor();
  await drow.getByText(tr('vi', 'delegation.status.active')).waitFor();
  assert.match(await drow.textContent(), VI_DATETIME, 'the window is written as Vietnamese write dates');
  await shot(page, 'vi-desktop-delegations');
  await assertNoSidewaysScroll(page, 'delegations');
  // Revoked: kept, with its status.
  await drow.getByRole('button', { name: tr('vi', 'delegations.revoke') }).click();
  await page.getByRole('dialog').getByRole('button', { name: tr('vi', 'delegations.revoke') }).click();
  await drow.getByText(tr('vi', 'delegation.status.revoked')).waitFor();
  // Sign-out ends the session on the server too.
  await page.getByRole('button', { name: tr('vi', 'nav.signout') }).click();
  await page.getByText(tr('vi', 'signin.signed_out')).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/me')).status), 401);
  await page.context().close();
});

test('IT support: records a token and a certificate, and who holds the agency certificate', async () => {
  const page = await open({});
  await signIn(page, 'it_support');
  await goTo(page, '#/certificates');
  await shot(page, 'vi-desktop-certificates-before');

  const serial = ('5A' + stamp).toUpperCase().replace(/[^0-9A-F]/g, '7');
  await page.getByRole('button', { name: tr('vi', 'certs.add_token') }).click();
  let dlg = page.getByRole('dialog');
  await dlg.getByLabel(tr('vi', 'token.serial')).fill('TK-' + stamp);
  await dlg.getByLabel(tr('vi', 'token.label')).fill('Token ' + stamp);
  await dlg.getByLabel(tr('vi', 'token.model')).fill('USB token Ban Cơ yếu');
  const holder = dlg.getByLabel(tr('vi', 'token.holder'));
  await holder.selectOption({ index: 1 });
  await dlg.getByRole('button', { name: tr('vi', 'action.save') }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.getByRole('cell', { name: 'TK-' + stamp }).waitFor();
  // Reported lost: the status changes in place and in the API.
  await page.getByLabel(tr('vi', 'certs.token_status_for', { serial: 'TK-' + stamp })).selectOption('lost');
  await page.locator('.toast').getByText(tr('vi', 'certs.token_changed', { serial: 'TK-' + stamp })).waitFor();
  const lost = await page.evaluate(async (sn) => (await (await fetch('/api/v1/tokens?limit=500')).json()).items.find((k) => k.serial === sn), 'TK-' + stamp);
  assert.equal(lost?.status, 'lost');
  await page.getByLabel(tr('vi', 'certs.token_status_for', { serial: 'TK-' + stamp })).selectOption('in_use');
  await page.locator('.toast').getByText(tr('vi', 'certs.token_changed', { serial: 'TK-' + stamp })).waitFor();

  await page.getByRole('button', { name: tr('vi', 'certs.add_cert') }).click();
  dlg = page.getByRole('dialog');
  await dlg.getByLabel(tr('vi', 'cert.person')).selectOption({ index: 1 });
  created.certPerson = (await dlg.getByLabel(tr('vi', 'cert.person')).locator('option:checked').textContent()).trim();
  created.certSerial = serial;
  await dlg.getByLabel(tr('vi', 'cert.token')).selectOption({ label: 'Token ' + stamp + ' (USB token Ban Cơ yếu)' });
  await dlg.getByLabel(tr('vi', 'cert.serial')).fill(serial);
  await dlg.getByLabel(tr('vi', 'cert.issuer')).fill('CN=Cục Chứng thực số và Bảo mật thông tin');
  await dlg.getByLabel(tr('vi', 'cert.not_before')).fill('2026-01-05');
  await dlg.getByLabel(tr('vi', 'cert.not_after')).fill('2029-01-04');
  await dlg.getByRole('button', { name: tr('vi', 'action.save') }).click();
  await dlg.waitFor({ state: 'detached' });
  const crow = page.getByRole('row').filter({ hasText: serial });
  await crow.waitFor();
  assert.match(await crow.textContent(), /ngày 05 tháng 01 năm 2026/);

  // The agency's own certificate, handed to one of its clerks.
  await page.getByRole('button', { name: tr('vi', 'certs.add_cert') }).click();
  dlg = page.getByRole('dialog');
  await dlg.getByLabel(tr('vi', 'cert.owner.agency')).check();
  const holderSel = dlg.getByLabel(tr('vi', 'cert.holder'));
  const clerks = await holderSel.locator('option').count();
  assert.ok(clerks >= 2, 'the sample agency has a clerk to hold its certificate');
  await holderSel.selectOption({ index: 1 });
  const aserial = serial + 'A';
  await dlg.getByLabel(tr('vi', 'cert.serial')).fill(aserial);
  await dlg.getByLabel(tr('vi', 'cert.not_after')).fill('2029-06-30');
  await dlg.getByRole('button', { name: tr('vi', 'action.save') }).click();
  await dlg.waitFor({ state: 'detached' });
  const arow = page.getByRole('row').filter({ hasText: aserial });
  const sel = arow.getByLabel(tr('vi', 'certs.holder_for', { serial: aserial }));
  assert.notEqual(await sel.inputValue(), '', 'the agency certificate has its holder');
  await shot(page, 'vi-desktop-certificates');
  await assertNoSidewaysScroll(page, 'certificates');
  const certs = await page.evaluate(async () => (await (await fetch('/api/v1/certificates?owner_kind=agency')).json()).items);
  assert.ok(certs.some((c) => c.serial.toUpperCase() === aserial && c.assigned_user_id), 'the API has the holder');
  await page.context().close();
});

test('auditor: sees the trail with the chain verified, opens an entry, exports it', async () => {
  const page = await open({});
  await signIn(page, 'auditor');
  await goTo(page, '#/audit');
  const chain = page.getByTestId('chain-status');
  await chain.waitFor();
  assert.equal(await chain.getAttribute('data-ok'), 'true', 'the chain verifies');
  await page.locator('table.table--audit tbody tr').first().waitFor();
  const firstTime = await page.locator('table.table--audit tbody tr td').nth(1).textContent();
  assert.match(firstTime, VI_DATETIME);
  await shot(page, 'vi-desktop-audit');
  await assertNoSidewaysScroll(page, 'audit');
  await page.getByRole('row').filter({ hasText: tr('vi', 'audit.action.certificate.create') }).first()
    .getByRole('button', { name: tr('vi', 'audit.show') }).click();
  await page.locator('.audit-detail .hashes code').first().waitFor();
  assert.ok(await page.locator('.audit-detail .changes tr.is-changed').count() >= 2, 'the entry shows what it changed, field by field');
  await shot(page, 'vi-desktop-audit-entry');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: tr('vi', 'audit.export') }).click(),
  ]);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length > 5, 'the export has the trail');
  for (const l of lines) assert.match(l.hash, /^[0-9a-f]{64}$/, 'each exported entry carries its hash');
  for (let i = 1; i < lines.length; i++) assert.ok(lines[i].seq > lines[i - 1].seq, 'oldest first');
  await page.context().close();
});

test('a drafter sees no admin screen and is refused one by address', async () => {
  const page = await open({});
  await signIn(page, 'drafter');
  await shot(page, 'vi-desktop-home-drafter');
  const nav = page.getByRole('navigation');
  for (const n of ['nav.users', 'nav.delegations', 'nav.certificates', 'nav.audit']) {
    assert.equal(await nav.getByRole('link', { name: tr('vi', n) }).count(), 0, `${n} is not offered to a drafter`);
  }
  for (const h of ['#/users', '#/delegations', '#/certificates', '#/audit']) {
    await goTo(page, h);
    await page.getByTestId('forbidden').waitFor();
  }
  await shot(page, 'vi-desktop-forbidden');
  // The server refuses too (the UI is not the lock).
  const status = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch('/api/v1/users', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ login: 'khong.duoc', full_name: 'Không được', agency_id: me.user.agency_id, password: 'mat-khau-dai-du' }) });
    return r.status;
  });
  assert.equal(status, 403);
  await goTo(page, '#/org');
  await shot(page, 'vi-desktop-org-drafter');
  await goTo(page, '#/account');
  await shot(page, 'vi-desktop-account');

  // The session ends (here: its cookie is gone): the next call brings back the sign-in screen, saying why.
  await page.context().clearCookies();
  await page.getByRole('navigation').getByRole('link', { name: tr('vi', 'nav.home') }).click();
  await page.getByText(tr('vi', 'signin.expired')).waitFor();
  await shot(page, 'vi-desktop-signin-expired');
  await page.context().close();
});

test('the clerk sees on the home screen that the agency certificate is in their hands', async () => {
  const page = await open({});
  await signIn(page, 'clerk');
  const task = page.locator('.task').filter({ hasText: tr('vi', 'home.task.agency_cert_mine', { serial: 'QQQ', date: 'QQQ' }).split('QQQ')[0] });
  await task.first().waitFor();
  assert.match(await task.first().textContent(), /ngày \d{2} tháng \d{1,2} năm \d{4}/, 'its end date written the Vietnamese way');
  await shot(page, 'vi-desktop-home-clerk');
  await page.context().close();
});

const SCREENS = [['home', '#/'], ['org', '#/org'], ['users', '#/users'], ['delegations', '#/delegations'],
  ['certificates', '#/certificates'], ['audit', '#/audit'], ['account', '#/account']];

test('English: every screen, and dates written the English way', async () => {
  const page = await open({ lang: 'en' });
  await page.goto(BASE + '/');
  await page.getByLabel(tr('en', 'signin.login')).waitFor();
  await shot(page, 'en-desktop-signin');
  await signIn(page, 'city_admin', 'en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  for (const [n, h] of SCREENS) {
    await goTo(page, h);
    if (n === 'audit') {
      const when = await page.locator('table.table--audit tbody tr td').nth(1).textContent();
      assert.match(when, /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2}$/);
      await page.getByText(tr('en', 'audit.action.session.sign_in')).first().waitFor();
    }
    await shot(page, 'en-desktop-' + n);
    await assertNoSidewaysScroll(page, 'en ' + n);
  }
  // A person's page lists the certificates and tokens recorded for them.
  const holder = await page.evaluate(async (n) => (await (await fetch('/api/v1/users?limit=500')).json()).items.find((u) => u.full_name === n), created.certPerson);
  assert.ok(holder, 'the certificate holder is a user');
  await goTo(page, `#/users?agency=${holder.agency_id}`);
  await page.getByRole('button', { name: holder.full_name, exact: true }).click();
  const pd = page.getByRole('dialog');
  await pd.getByText(created.certSerial, { exact: false }).first().waitFor();
  await shot(page, 'en-desktop-users-detail');
  await pd.getByRole('button', { name: tr('en', 'action.close') }).click();
  await goTo(page, '#/audit');
  // Switching back to Vietnamese needs no reload.
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { name: tr('vi', 'audit.title') }).waitFor();
  await page.context().close();
});

test('a phone: every screen readable without sideways scrolling, the menu as a drawer', async () => {
  const page = await open({ viewport: PHONE, mobile: true });
  await page.goto(BASE + '/');
  await page.getByLabel(tr('vi', 'signin.login')).waitFor();
  await shot(page, 'vi-phone-signin');
  await signIn(page, 'city_admin');
  for (const [n, h] of SCREENS) {
    await goTo(page, h);
    await shot(page, 'vi-phone-' + n);
    await assertNoSidewaysScroll(page, 'phone ' + n);
  }
  const menu = page.getByRole('button', { name: tr('vi', 'nav.menu') });
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await page.getByRole('navigation').getByRole('link', { name: tr('vi', 'nav.org') }).waitFor({ state: 'visible' });
  await page.waitForTimeout(300); // the drawer slides in
  await shot(page, 'vi-phone-menu');
  await page.getByRole('navigation').getByRole('link', { name: tr('vi', 'nav.org') }).click();
  await page.getByRole('heading', { name: tr('vi', 'org.title') }).waitFor();
  await page.getByRole('button', { name: tr('vi', 'org.add_agency') }).click();
  await shot(page, 'vi-phone-org-add-agency');
  await page.context().close();
  const en = await open({ viewport: PHONE, mobile: true, lang: 'en' });
  await signIn(en, 'agency_admin', 'en');
  for (const [n, h] of SCREENS) {
    await goTo(en, h);
    await shot(en, 'en-phone-' + n);
    await assertNoSidewaysScroll(en, 'en phone ' + n);
  }
  await en.context().close();
});

test('every state change the UI sent carried the CSRF token; no script error', () => {
  const changes = pages.flatMap((p) => p.stateChanges);
  assert.ok(changes.length > 10, 'the suite changed things');
  for (const c of changes) {
    if (c.url.endsWith('/auth/sign-in')) continue;
    assert.ok(c.csrf && c.csrf.length >= 16, `${c.method} ${c.url} without X-CSRF-Token`);
  }
  assert.deepEqual(pages.flatMap((p) => p.consoleErrors), []);
});
