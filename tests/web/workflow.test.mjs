// The document workflow through the web UI (issue 13), one walk, every step clicked as a person
// would, each person in their own browser context: the drafter of the city committee's office
// uploads a decision and submits it; the unit head approves; the format checker runs the check
// and passes it; the vice-chair moves the signature box with the keyboard and signs; the clerk
// numbers, seals and sends it to two wards chosen by mã định danh; the clerk of one ward accepts
// and registers it, the other rejects it with a reason the sender then sees on the document page
// and in the outgoing register. The signed PDF, downloaded through the UI, is checked with pdfsig
// and `kyso verify`. Every screen is photographed (1366×768 and a 390-px phone).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, PHONE, launch, newPage, shot, tr } from './lib.mjs';

const USERS = JSON.parse(readFileSync(process.env.KYSO_WF_USERS, 'utf8'));
const PDF = process.env.KYSO_WF_PDF;
const CA = process.env.KYSO_WF_CA;
const WORK = process.env.KYSO_WF_WORK;
const KYSO = join(process.env.KYSO_BUILD, 'kyso');
const vi = (id, p) => tr('vi', id, p);
const SUMMARY = 'Quyết định ban hành Quy chế công tác văn thư của Ủy ban nhân dân thành phố';
const REASON = vi('reject.reason.wrong_recipient');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function person(login, opts = {}) {
  const page = await newPage(browser, opts);
  page.setDefaultTimeout(20_000);
  await page.goto(BASE + '/');
  await page.getByLabel(vi('signin.login')).fill(login);
  await page.getByLabel(vi('signin.password')).fill(USERS[login]);
  await page.getByRole('button', { name: vi('signin.submit'), exact: true }).click();
  await page.locator('#page-title').waitFor();
  return page;
}

/* Every control on the screen has a name a screen reader reads. */
async function assertLabelled(page, what) {
  const bad = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea, main button')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && !(el.textContent ?? '').trim())
    .map((el) => el.outerHTML.slice(0, 120)));
  assert.deepEqual(bad, [], `${what}: unlabelled controls`);
}

async function assertNoSidewaysScroll(page, what) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw + 1, `${what}: the page is ${sw}px wide in a ${iw}px viewport`);
}

/* The same screen on a phone, signed in as the same person (the cookie is the context's). */
async function phoneShot(login, hash, name) {
  const page = await person(login, { viewport: PHONE, mobile: true });
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.locator('#page-title').waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(300);
  await assertNoSidewaysScroll(page, name);
  await shot(page, 'wf-phone-' + name);
  await page.context().close();
}

async function openDoc(page, summary) {
  await page.getByRole('link', { name: vi('nav.documents'), exact: true }).click();
  await page.locator('#page-title').waitFor();
  await page.getByRole('link', { name: new RegExp(summary.slice(0, 30)) }).first().click();
  await page.locator('.stepcard').waitFor();
  await page.locator('.pdfpage canvas').first().waitFor();
}

async function toastSays(page, id) {
  await page.locator('.toast', { hasText: vi(id) }).waitFor();
}

let docId = 0;

test('a decision from the drafter to two wards, every step through the screens', async () => {
  // 1. The drafter of the city committee's office: a new draft with its metadata, then submit.
  const drafter = await person('chuyenvien');
  await drafter.getByRole('link', { name: vi('nav.documents'), exact: true }).click();
  await drafter.locator('#page-title').waitFor();
  await shot(drafter, 'wf-desktop-documents-drafter');
  await drafter.getByRole('button', { name: vi('docs.new') }).click();
  const dlg = drafter.locator('dialog[open]');
  await dlg.getByLabel(vi('doc.file')).setInputFiles(PDF);
  await dlg.getByLabel(vi('doc.doc_type')).fill('Quyết định');
  await dlg.getByLabel(vi('doc.series')).fill('QĐ');
  await dlg.getByLabel(vi('doc.urgency')).selectOption('urgent');
  await dlg.getByLabel(vi('doc.summary')).fill(SUMMARY);
  assert.equal(await dlg.getByLabel(vi('doc.classification')).inputValue(), 'none');
  await assertLabelled(drafter, 'new draft');
  await shot(drafter, 'wf-desktop-new-draft');
  await dlg.getByRole('button', { name: vi('docs.create') }).click();
  await drafter.locator('.stepcard').waitFor();
  docId = Number(new URL(drafter.url()).hash.split('/')[2]);
  assert.ok(docId > 0, 'the page of the new document opens');
  await drafter.locator('.pdfpage canvas').first().waitFor();
  await drafter.getByRole('button', { name: vi('step.submit') }).click();
  await toastSays(drafter, 'step.submitted');
  await drafter.getByText(vi('doc.state.review')).first().waitFor();
  await shot(drafter, 'wf-desktop-doc-submitted');
  assert.deepEqual(drafter.consoleErrors, []);
  await drafter.context().close();

  // 2. The unit head: it waits for them; a send-back needs a comment; then approve.
  const head = await person('chanhvp');
  await head.getByRole('link', { name: vi('nav.documents'), exact: true }).click();
  await head.getByRole('link', { name: new RegExp(vi('docs.tab.mine')) }).waitFor();
  assert.equal(await head.locator('.tab.is-active').getAttribute('aria-current'), 'page');
  await shot(head, 'wf-desktop-documents-waiting');
  await openDoc(head, SUMMARY);
  await head.getByRole('button', { name: vi('step.return') }).click();
  await head.locator('[data-field="comment"] .field-error').waitFor();
  assert.equal(await head.evaluate(() => document.activeElement?.getAttribute('name')), 'comment', 'focus goes to the comment');
  await shot(head, 'wf-desktop-review');
  await head.getByRole('button', { name: vi('step.approve') }).click();
  await toastSays(head, 'step.approved');
  await head.context().close();

  // 3. The format checker runs the check: findings listed and outlined (or none), then passes it.
  const checker = await person('thethuc');
  await openDoc(checker, SUMMARY);
  await checker.getByRole('button', { name: vi('step.run_check') }).click();
  await checker.locator('.stepcard [role="status"]').waitFor();
  const listed = await checker.locator('.findings__list li').count();
  const outlined = await checker.locator('.pdfbox--finding').count();
  assert.ok(outlined <= listed, `findings outlined (${outlined}) are among those listed (${listed})`);
  if (listed === 0) await checker.getByText(vi('check.none')).first().waitFor();
  await assertLabelled(checker, 'format check');
  await shot(checker, 'wf-desktop-format-check');
  await checker.getByRole('button', { name: vi('step.check_approve') }).click();
  await toastSays(checker, 'step.check_ok');
  await checker.context().close();

  // 4. The vice-chair: the signature box on the page, moved with the keyboard, then sign.
  const signer = await person('phochutich');
  await openDoc(signer, SUMMARY);
  const box = signer.locator('[data-box="sign-place"]');
  await box.waitFor();
  await box.focus();
  const before = await box.boundingBox();
  for (let i = 0; i < 4; i++) await signer.keyboard.press('ArrowRight');
  await signer.keyboard.press('ArrowDown');
  const moved = await box.boundingBox();
  assert.ok(moved.x > before.x + 5 && moved.y > before.y, `the box moves with the arrow keys: ${JSON.stringify([before, moved])}`);
  await signer.getByLabel(vi('step.sign_title')).fill('CHỦ TỊCH');
  await assertLabelled(signer, 'sign');
  await shot(signer, 'wf-desktop-sign');
  // signing with one's own token (issue 14) is offered beside the server-side token
  assert.equal(await signer.getByRole('link', { name: vi('step.sign_token') }).getAttribute('href'), `#/sign-token?docs=${docId}`);
  const signReq = signer.waitForRequest((r) => r.url().endsWith(`/documents/${docId}/sign`) && r.method() === 'POST');
  await signer.getByRole('button', { name: vi('step.sign'), exact: true }).click();
  const body = JSON.parse((await signReq).postData());
  assert.equal(body.title, 'CHỦ TỊCH');
  assert.ok(body.position && body.position.page >= 1 && body.position.x1 > body.position.x0, `the chosen place is sent: ${JSON.stringify(body)}`);
  await toastSays(signer, 'step.signed');
  await signer.context().close();

  // 5. The clerk: number, seal and register; then send to the two wards found by their code.
  const clerk = await person('vanthu');
  await openDoc(clerk, SUMMARY);
  await clerk.getByLabel(vi('step.symbol')).fill('QĐ-UBND');
  await shot(clerk, 'wf-desktop-issue');
  await clerk.getByRole('button', { name: vi('step.issue') }).click();
  await toastSays(clerk, 'step.issued');
  await clerk.getByRole('heading', { name: /01\/QĐ-UBND/ }).waitFor();
  await clerk.getByLabel(vi('step.send_search')).fill('G02.35');
  await clerk.getByLabel(/Phường Hồng Bàng/i).check();
  await clerk.getByLabel(/Phường Lê Chân/i).check();
  // and a ward on another kysod (branch fedui): its code typed, offered as an edXML recipient
  await clerk.getByLabel(vi('step.send_search')).fill('H24.6');
  await clerk.getByLabel(vi('fedui.send_remote', { code: 'H24.6' })).check();
  await assertLabelled(clerk, 'send');
  await shot(clerk, 'wf-desktop-send');
  await clerk.getByRole('button', { name: vi('step.send', { n: 3 }) }).click();
  await toastSays(clerk, 'step.sent');
  // The signed and sealed PDF, downloaded as a person would.
  const dl = clerk.waitForEvent('download');
  await clerk.getByRole('link', { name: vi('doc.download') }).click();
  const file = join(WORK, 'issued-from-ui.pdf');
  await (await dl).saveAs(file);
  const ps = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
  assert.equal((ps.match(/Signature is Valid/g) ?? []).length, 2, 'pdfsig: both signatures valid:\n' + ps);
  assert.ok(!/Signature is Invalid/.test(ps));
  const v = spawnSync(KYSO, ['verify', '--json', '--trust', CA, '--offline', file], { encoding: 'utf8' });
  const vj = JSON.parse(v.stdout);
  assert.equal(vj.indication, 'TOTAL-PASSED', 'kyso verify: ' + v.stdout.slice(0, 400));
  assert.equal(v.status, 0);
  await clerk.context().close();

  // 6. Ward 1's clerk: the verdict in plain words, the signatures outlined in green; accept.
  const hb = await person('vanthu.hb');
  await hb.getByRole('link', { name: vi('nav.incoming'), exact: true }).click();
  await hb.locator('#page-title').waitFor();
  await shot(hb, 'wf-desktop-inbox');
  await hb.getByRole('link', { name: new RegExp(SUMMARY.slice(0, 30)) }).click();
  await hb.getByText('Nguyễn Văn A').first().waitFor();
  // Both signatures outlined in green: kysod verifies against its trust_anchors (the test CA).
  await hb.locator('.pdfbox--ok').nth(1).waitFor();
  assert.equal(await hb.locator('.pdfbox--ok').count(), 2, 'the personal signature and the seal outlined as valid');
  assert.equal(await hb.locator('.pdfbox--bad, .pdfbox--warn').count(), 0, 'no signature outlined as invalid or unknown');
  await hb.getByText(vi('verify.capacity_person')).first().waitFor();
  await hb.getByText(vi('verify.nothing_after')).first().waitFor();
  assert.equal(await hb.locator('details.techdetail').getAttribute('open'), null, 'the object-level detail is folded');
  await hb.getByLabel(vi('dlv.assignee')).selectOption({ label: 'Tạ Văn Sơn — Công chức' });
  await hb.getByLabel(vi('dlv.deadline_days')).fill('5');
  await hb.getByText(/Hạn: ngày \d\d tháng/).waitFor();
  await assertLabelled(hb, 'incoming');
  await shot(hb, 'wf-desktop-incoming-verdict');
  await hb.getByRole('button', { name: vi('dlv.accept_button') }).click();
  await toastSays(hb, 'dlv.accepted');
  await hb.getByRole('link', { name: vi('nav.registers'), exact: true }).click();
  await hb.getByRole('link', { name: vi('reg.incoming') }).click();
  const row = hb.locator('table tbody tr', { hasText: '01/QĐ-UBND' });
  await row.waitFor();
  assert.match(await row.textContent(), /Tạ Văn Sơn/);
  await assertLabelled(hb, 'incoming register');
  await shot(hb, 'wf-desktop-register-incoming');
  await hb.context().close();

  // 7. Ward 2's clerk rejects it: a reason chosen from the list is required.
  const lc = await person('vanthu.lc');
  await lc.getByRole('link', { name: vi('nav.incoming'), exact: true }).click();
  await lc.getByRole('link', { name: new RegExp(SUMMARY.slice(0, 30)) }).click();
  await lc.getByRole('button', { name: vi('dlv.reject_button') }).click();
  await lc.getByText(vi('dlv.reason_required')).waitFor();
  await lc.getByLabel(REASON).check();
  await shot(lc, 'wf-desktop-reject');
  await lc.getByRole('button', { name: vi('dlv.reject_button') }).click();
  await toastSays(lc, 'dlv.rejected');
  await lc.context().close();

  // 8. The sender sees both answers: on the document page and in the outgoing register.
  const back = await person('vanthu');
  await back.evaluate((id) => { location.hash = '#/documents/' + id; }, docId);
  const status = back.locator('.answers--doc', { hasText: REASON });
  await status.waitFor();
  assert.match(await status.textContent(), new RegExp(vi('dlv.state.accepted')));
  await shot(back, 'wf-desktop-doc-sent');
  await back.getByRole('link', { name: vi('nav.registers'), exact: true }).click();
  const out = back.locator('table tbody tr', { hasText: '01/QĐ-UBND' });
  await out.waitFor();
  assert.match(await out.textContent(), new RegExp(REASON));
  await assertLabelled(back, 'outgoing register');
  await shot(back, 'wf-desktop-register-outgoing');
  const csv = await back.getByRole('link', { name: vi('reg.csv') }).getAttribute('href');
  const res = await back.evaluate(async (u) => { const r = await fetch(u); return [r.status, await r.text()]; }, csv);
  assert.equal(res[0], 200);
  assert.match(res[1], /01\/QĐ-UBND/);
  // the same register as XLSX and as the printable PDF of Appendix IV (branch copies)
  for (const [name, magic, type] of [['reg.xlsx', 'PK', 'spreadsheetml'], ['reg.pdf', '%PDF-', 'application/pdf']]) {
    const href = await back.getByRole('link', { name: vi(name) }).getAttribute('href');
    const got = await back.evaluate(async (u) => {
      const r = await fetch(u);
      const b = new Uint8Array(await r.arrayBuffer());
      return [r.status, r.headers.get('content-type'), String.fromCharCode(...b.slice(0, 5)), b.length];
    }, href);
    assert.equal(got[0], 200, name);
    assert.ok(got[1].includes(type) && got[2].startsWith(magic) && got[3] > 1000, name + ': ' + got);
  }
  await back.context().close();
});

test('the format checker sees the findings listed and outlined, and sends the draft back', async () => {
  const id = Number(process.env.KYSO_WF_FLAWED);
  const checker = await person('thethuc');
  await checker.evaluate((i) => { location.hash = '#/documents/' + i; }, id);
  await checker.locator('.pdfpage canvas').first().waitFor();
  await checker.getByRole('button', { name: vi('step.run_check') }).click();
  await checker.locator('.findings__list li').first().waitFor();
  const rules = await checker.locator('.findings__list li').evaluateAll((ls) => ls.map((l) => l.dataset.rule));
  assert.ok(rules.includes('margin-left') && rules.includes('margin-top'), 'the narrow margins are found: ' + rules);
  assert.ok(await checker.locator('.pdfbox--finding').count() >= 1, 'findings outlined on the page');
  await checker.locator('.pdfbox--finding').first().scrollIntoViewIfNeeded();
  await shot(checker, 'wf-desktop-format-findings');
  await checker.getByLabel(vi('step.comment')).fill('Sửa lề trái và lề trên theo Phụ lục I');
  await checker.getByRole('button', { name: vi('step.return') }).click();
  await toastSays(checker, 'step.returned');
  await checker.context().close();
  const drafter = await person('chuyenvien');
  await drafter.evaluate((i) => { location.hash = '#/documents/' + i; }, id);
  await drafter.locator('.timeline blockquote', { hasText: 'Sửa lề trái và lề trên' }).waitFor();
  await drafter.getByRole('button', { name: vi('step.submit') }).waitFor();
  await shot(drafter, 'wf-desktop-doc-returned');
  await drafter.context().close();
});

test('the same screens on a phone: no sideways scrolling', async () => {
  assert.ok(docId > 0, 'the walk ran first');
  await phoneShot('vanthu', '#/documents/' + docId, 'doc');
  await phoneShot('vanthu', '#/registers/outgoing', 'register-outgoing');
  await phoneShot('vanthu.hb', '#/incoming?tab=accepted', 'inbox');
  await phoneShot('chuyenvien', '#/documents?tab=all', 'documents');
});

test('English second: the document page and the incoming register read in English', async () => {
  const page = await newPage(browser, { lang: 'en' });
  await page.goto(BASE + '/');
  await page.getByLabel(tr('en', 'signin.login')).fill('vanthu.hb');
  await page.getByLabel(tr('en', 'signin.password')).fill(USERS['vanthu.hb']);
  await page.getByRole('button', { name: tr('en', 'signin.submit'), exact: true }).click();
  await page.getByRole('link', { name: tr('en', 'nav.registers'), exact: true }).click();
  await page.getByRole('link', { name: tr('en', 'reg.incoming') }).click();
  await page.locator('table tbody tr', { hasText: '01/QĐ-UBND' }).waitFor();
  await page.getByRole('columnheader', { name: tr('en', 'reg.in.2') }).waitFor();
  await shot(page, 'wf-en-desktop-register-incoming');
  await page.locator('table tbody tr a').first().click();
  await page.getByText(tr('en', 'verify.capacity_org')).first().waitFor();
  await shot(page, 'wf-en-desktop-incoming');
  await page.context().close();
});

test('the register filters: dates typed in the Vietnamese order', async () => {
  const page = await person('vanthu');
  await page.getByRole('link', { name: vi('nav.registers'), exact: true }).click();
  await page.locator('table tbody tr').first().waitFor();
  const from = page.getByLabel(vi('reg.from'));
  // A date field of a Vietnamese browser reads day, month, year.
  await from.focus();
  await page.keyboard.type('13012020');
  assert.equal(await from.inputValue(), '2020-01-13', 'dd/mm/yyyy typed into the date field');
  await page.getByLabel(vi('reg.to')).focus();
  await page.keyboard.type('14012020');
  await page.getByText(vi('reg.empty')).waitFor();
  await shot(page, 'wf-desktop-register-filtered');
  await page.context().close();
  void DESKTOP; void execFileSync;
});

/* Issue 13 between servers (branch fedui): the walk's decision arrives again as an edXML package
 * from another system (peer "other-srv", signed with the shared key as that kysod would sign it);
 * ward 1's clerk finds it in "Văn bản đến" marked as from another system with its sender and
 * verdict and registers it through the same form; then the sender's clerk sees every recipient
 * with its state on the document page and recalls the document through the confirm dialog. */
test('a document from another system registered in the UI; the sender recalls its own', async () => {
  assert.ok(docId > 0, 'the walk ran first');
  const { createHash, createHmac } = await import('node:crypto');
  const { writeFileSync } = await import('node:fs');
  const clerk = await person('vanthu');
  const pdf = await clerk.evaluate(async (id) => {
    const r = await fetch('/api/v1/documents/' + id + '/pdf');
    return [...new Uint8Array(await r.arrayBuffer())];
  }, docId);
  writeFileSync(join(WORK, 'fed-in.pdf'), Buffer.from(pdf));
  const FROM = 'Sở Nội vụ (hệ thống khác)';
  const SUBJ = 'Công văn liên thông từ Sở Nội vụ';
  const vn = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  execFileSync(KYSO, ['edxml', 'pack', '--from', 'H99', '--from-name', FROM, '--to', 'G02.35.01', '--number', '7',
    '--notation', 'SNV-VP', '--date', vn, '--type-name', 'Công văn', '--subject', SUBJ, '--signer-name', 'Nguyễn Văn A',
    '--attach', join(WORK, 'fed-in.pdf'), '-o', join(WORK, 'fed-in.edxml')]);
  const body = readFileSync(join(WORK, 'fed-in.edxml'));
  const path = '/api/v1/fed/packages', ts = String(Math.floor(Date.now() / 1000));
  const msg = `kyso-fed-v1\nother-srv\n${ts}\n${path}\n${createHash('sha256').update(body).digest('hex')}`;
  const sig = createHmac('sha256', Buffer.from(process.env.KYSO_WF_FEDKEY, 'hex')).update(msg).digest('hex');
  const res = await fetch(BASE + path, { method: 'POST', body, headers: { 'content-type': 'application/xml',
    'x-kyso-peer': 'other-srv', 'x-kyso-time': ts, 'x-kyso-signature': sig } });
  assert.equal(res.status, 200, 'the peer package is taken: ' + await res.text());

  // Ward 1's clerk: the remote arrival beside same-server ones, marked, then registered.
  const hb = await person('vanthu.hb');
  await hb.getByRole('link', { name: vi('nav.incoming'), exact: true }).click();
  const row = hb.locator('table tbody tr', { hasText: SUBJ });
  await row.waitFor();
  const text = await row.textContent();
  assert.match(text, new RegExp(vi('fedui.remote')), 'marked as from another system');
  assert.match(text, new RegExp(FROM.replace(/[()]/g, '\\$&')), 'with the sending agency');
  assert.match(text, new RegExp(vi('verdict.passed')), 'with the verdict of the check on arrival');
  await shot(hb, 'wf-desktop-inbox-remote');
  await row.getByRole('link').click();
  await hb.getByText(vi('fedui.remote_intro', { from: FROM + ' (H99)' })).waitFor();
  await hb.locator('.pdfbox--ok').nth(1).waitFor();
  await hb.getByLabel(vi('dlv.assignee')).selectOption({ label: 'Tạ Văn Sơn — Công chức' });
  await hb.getByLabel(vi('dlv.deadline_days')).fill('3');
  await assertLabelled(hb, 'remote incoming');
  await shot(hb, 'wf-desktop-incoming-remote');
  const acc = hb.waitForRequest((r) => /\/fed\/inbox\/\d+\/accept$/.test(r.url()) && r.method() === 'POST');
  await hb.getByRole('button', { name: vi('dlv.accept_button') }).click();
  await acc;
  await toastSays(hb, 'dlv.accepted');
  // the same incoming series as the walk's delivery (number 1): this is number 2
  await hb.getByText(new RegExp(vi('fedui.number') + ':\\s*2')).waitFor();
  await hb.context().close();

  // Server B: its ward's clerk finds the walk's decision, sent by A as edXML, and registers it.
  const B = process.env.KYSO_WF_B_URL;
  const nq = await newPage(browser, {});
  nq.setDefaultTimeout(20_000);
  await nq.goto(B + '/');
  await nq.getByLabel(vi('signin.login')).fill('vanthu.nq');
  await nq.getByLabel(vi('signin.password')).fill(USERS['vanthu.nq']);
  await nq.getByRole('button', { name: vi('signin.submit'), exact: true }).click();
  await nq.locator('#page-title').waitFor();
  const brow = nq.locator('table tbody tr', { hasText: SUMMARY.slice(0, 30) });
  for (let i = 0; i < 40 && await brow.count() === 0; i++) { // A's worker posts it within seconds
    await nq.waitForTimeout(500);
    await nq.evaluate(() => { location.hash = '#/incoming?tab=received&t=' + Date.now(); });
  }
  await brow.waitFor();
  assert.match(await brow.textContent(), new RegExp(vi('fedui.remote')));
  assert.match(await brow.textContent(), /01\/QĐ-UBND/);
  assert.match(await brow.textContent(), new RegExp(vi('verdict.passed')), 'B verified the signatures on arrival');
  await shot(nq, 'wf-desktop-serverb-inbox');
  await brow.getByRole('link').click();
  await nq.locator('.pdfbox--ok').nth(1).waitFor();
  await nq.getByLabel(vi('dlv.assignee')).selectOption({ label: 'Lý Văn Bình — Công chức' });
  await nq.getByRole('button', { name: vi('dlv.accept_button') }).click();
  await toastSays(nq, 'dlv.accepted');
  await nq.getByText(new RegExp(vi('fedui.number') + ':\\s*1')).waitFor();
  await shot(nq, 'wf-desktop-serverb-accepted');

  // The sender's clerk: every recipient with its state; the recall needs a reason and a confirm.
  const h24 = (rs) => rs.find((x) => x.to_code === 'H24.6');
  for (let i = 0; i < 60; i++) { // B's statuses (accepted, assigned) come back through A's queue
    const rs = (await clerk.evaluate(async (id) => (await (await fetch('/api/v1/documents/' + id + '/deliveries')).json()).items, docId));
    if (['accepted', 'assigned'].includes(h24(rs)?.state)) break;
    await clerk.waitForTimeout(500);
  }
  await clerk.evaluate((id) => { location.hash = '#/documents/' + id; }, docId);
  const remoteLi = clerk.locator('.answers--doc li[data-via="edxml"]');
  await remoteLi.waitFor();
  assert.match(await remoteLi.textContent(), new RegExp(vi('fedui.via.edxml')));
  assert.match(await remoteLi.textContent(), new RegExp(vi('fedui.rstate.assigned') + '|' + vi('fedui.rstate.accepted')));
  // the latest status's text: "Số đến: 1" (accepted), then the deadline (assigned)
  assert.match(await remoteLi.textContent(), /Số đến: 1|\d{4}-\d\d-\d\d/);
  const list = clerk.locator('.answers--doc');
  await list.waitFor();
  assert.equal(await list.locator('li').count(), 3, 'both wards here and the ward on server B listed');
  assert.match(await list.textContent(), new RegExp(vi('fedui.number_is', { n: 1 })), 'the accepting ward\'s số đến');
  assert.match(await list.textContent(), new RegExp(REASON), 'the rejecting ward\'s reason');
  await clerk.getByRole('button', { name: vi('fedui.recall') }).click();
  const dlg = clerk.getByRole('dialog', { name: vi('fedui.recall') });
  await dlg.waitFor();
  await dlg.getByRole('button', { name: vi('fedui.recall_confirm') }).click();
  await dlg.getByText(vi('fedui.recall_reason_required')).waitFor();
  await dlg.getByLabel(vi('fedui.recall_reason')).fill('Ban hành nhầm phiên bản');
  await assertLabelled(clerk, 'recall dialog');
  await shot(clerk, 'wf-desktop-recall');
  await dlg.getByRole('button', { name: vi('fedui.recall_confirm') }).click();
  await toastSays(clerk, 'fedui.recalled');
  await clerk.locator('.answers--doc li[data-state="recalled"]').first().waitFor();
  await clerk.getByText(vi('doc.state.recalled')).first().waitFor();
  assert.equal(await clerk.getByRole('button', { name: vi('fedui.recall') }).count(), 0, 'no second recall');
  // server B destroys its copy: the entry stays, recalled, with no PDF
  for (let i = 0; i < 60; i++) {
    const st = await nq.evaluate(async () => (await (await fetch('/api/v1/fed/inbox')).json()).items[0]?.state);
    if (st === 'recalled') break;
    await nq.waitForTimeout(500);
  }
  await nq.reload();
  await nq.getByText(vi('fedui.destroyed')).waitFor();
  await shot(nq, 'wf-desktop-serverb-recalled');
  await nq.context().close();
  await shot(clerk, 'wf-desktop-doc-recalled');
  await clerk.context().close();
});
