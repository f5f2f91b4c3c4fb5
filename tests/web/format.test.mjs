// Dates and numbers as the UI writes them (web/src/format.ts), independent of the machine's zone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The web UI's own npm packages (web/node_modules, installed by npm ci from its lock file).
const { build } = createRequire(join(root, 'web/package.json'))('esbuild');
const out = await build({ entryPoints: [join(root, 'web/src/format.ts')], bundle: true, format: 'esm', write: false, platform: 'neutral', logLevel: 'silent' });
const f = await import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'));

test('Vietnamese dates: a day below 10 and a month below 3 get a leading zero (Decree 30/2020)', () => {
  assert.equal(f.formatDate('2026-02-04T17:05:00Z', 'vi'), 'ngày 05 tháng 02 năm 2026');
  assert.equal(f.formatDate('2026-03-15T01:00:00Z', 'vi'), 'ngày 15 tháng 3 năm 2026');
  assert.equal(f.formatDate('2026-12-09T00:00:00Z', 'vi'), 'ngày 09 tháng 12 năm 2026');
  assert.equal(f.formatDate('2026-01-31T12:00:00Z', 'vi'), 'ngày 31 tháng 01 năm 2026');
});

test('times are in +07:00 whatever the browser zone, across midnight and year end', () => {
  assert.equal(f.formatDateTime('2026-03-05T07:05:00Z', 'vi'), 'ngày 05 tháng 3 năm 2026, 14:05');
  assert.equal(f.formatDateTime('2026-12-31T17:30:00Z', 'vi'), 'ngày 01 tháng 01 năm 2027, 00:30');
  assert.equal(f.formatDateTime('2026-03-05T09:41:07+07:00', 'vi'), 'ngày 05 tháng 3 năm 2026, 09:41');
  assert.equal(f.formatDateTime('2026-03-05T07:05:00Z', 'en'), '5 March 2026, 14:05');
});

test('datetime-local inputs are read and written in Vietnam time', () => {
  assert.equal(f.toLocalInput('2026-03-05T07:05:00Z'), '2026-03-05T14:05');
  assert.equal(f.fromLocalInput('2026-03-05T14:05'), '2026-03-05T14:05:00+07:00');
  assert.equal(Date.parse(f.fromLocalInput(f.toLocalInput('2026-07-01T23:59:00Z'))), Date.parse('2026-07-01T23:59:00Z'));
  assert.equal(f.fromLocalInput('05/03/2026'), '');
});

test('bad or missing instants give an empty string, numbers use the Vietnamese separator', () => {
  assert.equal(f.formatDate('not a date', 'vi'), '');
  assert.equal(f.formatDateTime(null, 'vi'), '');
  assert.equal(f.formatNumber(1234567, 'vi'), '1.234.567');
  assert.equal(f.formatNumber(1234567, 'en'), '1,234,567');
});
