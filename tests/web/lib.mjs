// Shared by the Playwright suite: Debian's chromium through playwright-core (no downloaded
// browser), the UI's own message catalogue (so that the tests find what a person reads, in vi or
// en), the signed-in users of the sample city, and screenshots into build/web-screens/.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The web UI's own npm packages (web/node_modules, installed by npm ci from its lock file).
const webRequire = createRequire(join(ROOT, 'web/package.json'));
const { build } = webRequire('esbuild');
const { chromium } = webRequire('playwright-core');
export const BASE = process.env.KYSO_URL ?? '';
export const BACKEND = process.env.KYSO_BACKEND ?? 'sqlite';
export const SHOTS = process.env.KYSO_SCREENS ?? join(ROOT, 'build', 'web-screens', BACKEND);
if (!BASE) throw new Error('KYSO_URL is not set: run tests/web/test_web.sh');
mkdirSync(SHOTS, { recursive: true });

/* Logins and passwords of the sample city (scripts/demo_city.py writes "login TAB roles TAB
 * agency TAB password" lines), by role: {"city_admin": {login, password, agency}, ...}. The admin
 * tasks happen in one agency: the one whose administrator has the most roles beside them. */
function sampleUsers(file) {
  const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => {
    const [login, roles, agency, password] = l.split('\t');
    return { login, roles: roles.split(','), agency, password };
  });
  const agencies = [...new Set(rows.filter((r) => r.roles.includes('agency_admin')).map((r) => r.agency))];
  const score = (a) => new Set(rows.filter((r) => r.agency === a).flatMap((r) => r.roles)).size;
  const home = agencies.sort((x, y) => score(y) - score(x))[0];
  const users = {};
  for (const r of [...rows.filter((x) => x.agency === home), ...rows]) {
    for (const role of r.roles) users[role] ??= r;
  }
  users.auditor = rows.find((r) => r.roles.includes('auditor')) ?? users.auditor;
  return users;
}
// (the workflow walk brings its own people: then there is no sample city file)
export const USERS = process.env.KYSO_WEB_PASSWORDS ? sampleUsers(process.env.KYSO_WEB_PASSWORDS) : {};

const bundled = await build({
  entryPoints: [join(ROOT, 'web/src/i18n/catalog.ts')], bundle: true, format: 'esm', write: false,
  platform: 'neutral', logLevel: 'silent',
});
const { catalog } = await import('data:text/javascript;base64,' + Buffer.from(bundled.outputFiles[0].text).toString('base64'));

/* The text a person reads for message `id` in `lang`, with its {parameters}. */
export function tr(lang, id, params = {}) {
  const e = catalog[id];
  if (!e) throw new Error('no message ' + id);
  let s = e[lang];
  for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.KYSO_CHROMIUM ?? '/usr/bin/chromium',
    // --lang=vi with LANGUAGE=vi (and Debian's chromium-l10n): the browser's own widgets in
    // Vietnamese too — date fields read dd/mm/yyyy.
    env: { ...process.env, LANGUAGE: 'vi' },
    args: ['--headless=new', '--lang=vi', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/* A fresh browser context (its own cookies) at a viewport, in a language, recording every state
 * change the page sends so that the suite can check each carried the CSRF token. */
export async function newPage(browser, { viewport = DESKTOP, lang = 'vi', mobile = false } = {}) {
  const context = await browser.newContext({
    viewport, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', timezoneId: 'UTC',
    ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    acceptDownloads: true,
  });
  await context.addInitScript((l) => { try { localStorage.setItem('kyso.lang', l); } catch { /* none */ } }, lang);
  const page = await context.newPage();
  page.stateChanges = [];
  page.on('request', (r) => {
    if (!['GET', 'HEAD'].includes(r.method()) && r.url().includes('/api/v1/')) {
      page.stateChanges.push({ method: r.method(), url: r.url(), csrf: r.headers()['x-csrf-token'] ?? null });
    }
  });
  page.consoleErrors = [];
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  page.setDefaultTimeout(10_000);
  return page;
}

export async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: false });
}

export async function signIn(page, role, lang = 'vi') {
  const u = USERS[role];
  if (!u) throw new Error('the sample city has no user for role ' + role);
  await page.goto(BASE + '/');
  await page.getByLabel(tr(lang, 'signin.login')).fill(u.login);
  await page.getByLabel(tr(lang, 'signin.password')).fill(u.password);
  await page.getByRole('button', { name: tr(lang, 'signin.submit'), exact: true }).click();
  await page.locator('#page-title').waitFor();
  return u;
}

export async function goTo(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.locator('#page-title').waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

/* The form field (wrapper div) of the dialog or page named by its API field name. */
export function field(scope, name) {
  return scope.locator(`[data-field="${name}"]`);
}
