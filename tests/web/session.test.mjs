// When the UI considers a session over (web/src/session.ts): the idle clock restarts with every
// answer of the server; session_expires_at is taken as the absolute end only when it is sooner
// than the idle end (GET /me reports the sooner of the two).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { build } = createRequire(join(root, 'web/package.json'))('esbuild');
const out = await build({ entryPoints: [join(root, 'web/src/session.ts')], bundle: true, format: 'esm', write: false, platform: 'neutral', logLevel: 'silent' });
const s = await import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'));

const T0 = Date.parse('2026-03-05T02:00:00Z');
const MIN = 60_000;
const me = (expires, idle = 1800) => ({ user: {}, roles: [], csrf_token: 'x', session_expires_at: new Date(expires).toISOString(), idle_timeout_s: idle });

test('an active person is not signed out when the reported end was only the idle end', () => {
  const m = me(T0 + 30 * MIN);                  // idle end at sign-in; the absolute end is later
  assert.equal(s.absoluteEnd(m, T0), null);
  // Requests every 10 minutes for two hours: never over.
  for (let t = T0; t < T0 + 120 * MIN; t += 10 * MIN) assert.equal(s.sessionOver(m, T0, t, t + 10 * MIN - 1), false);
});

test('idle for the idle timeout: over', () => {
  const m = me(T0 + 30 * MIN);
  assert.equal(s.sessionOver(m, T0, T0 + 5 * MIN, T0 + 35 * MIN - 1), false);
  assert.equal(s.sessionOver(m, T0, T0 + 5 * MIN, T0 + 35 * MIN), true);
});

test('an absolute end sooner than the idle end is kept, whatever the activity', () => {
  const m = me(T0 + 10 * MIN);                  // 12 h after sign-in falls in 10 minutes
  assert.equal(s.absoluteEnd(m, T0), T0 + 10 * MIN);
  assert.equal(s.sessionOver(m, T0, T0 + 9 * MIN, T0 + 9 * MIN + 59_000), false);
  assert.equal(s.sessionOver(m, T0, T0 + 9 * MIN, T0 + 10 * MIN), true);
});
