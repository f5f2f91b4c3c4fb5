// The workflow screens' pure rules (web/src/docs_logic.ts): the deadline in working days shown as
// a date, the recipients as names, and where the signature image is shown before signing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { build } = createRequire(join(root, 'web/package.json'))('esbuild');
const out = await build({ entryPoints: [join(root, 'web/src/docs_logic.ts')], bundle: true, format: 'esm', write: false, platform: 'neutral', logLevel: 'silent' });
const f = await import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'));

// The day in Vietnam (+07:00) of an instant.
const vnDay = (d) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

test('working days skip Saturday and Sunday, counted in Vietnam time', () => {
  // Friday 4 December 2026, 10:00 in Hà Nội
  const fri = new Date('2026-12-04T03:00:00Z');
  assert.equal(vnDay(f.addWorkingDays(fri, 1)), '2026-12-07');  // Monday
  assert.equal(vnDay(f.addWorkingDays(fri, 5)), '2026-12-11');  // the next Friday
  // 23:30 UTC on Sunday is already Monday in Vietnam: one working day is Tuesday
  assert.equal(vnDay(f.addWorkingDays(new Date('2026-12-06T23:30:00Z'), 1)), '2026-12-08');
});

test('recipients kept as a JSON list read as names', () => {
  assert.equal(f.recipientsText('["UBND phường Hồng Bàng","UBND phường Lê Chân"]'), 'UBND phường Hồng Bàng; UBND phường Lê Chân');
  assert.equal(f.recipientsText('Như Điều 8'), 'Như Điều 8');
  assert.equal(f.recipientsText('[not json'), '[not json');
  assert.equal(f.recipientsText(null), '');
});

test('the signature box sits in the gap between the title and the name, centred on the name', () => {
  const line = (str, x, y, w) => ({ page: 2, str, x, y, w, h: 13 });
  const info = {
    pages: 2, sizes: [[595, 842], [595, 842]], widgets: [],
    lines: [
      line('Nơi nhận:', 85, 520, 60),
      line('TM. ỦY BAN NHÂN DÂN', 370, 520, 150), line('CHỦ TỊCH', 410, 505, 70),
      line('Nguyễn  Văn A', 400, 430, 90),
      line('Nguyễn Văn A', 100, 700, 90),    // the name in the body, higher: not the block
    ],
  };
  const r = f.guessPlace(info, 'Nguyễn Văn A');
  assert.equal(r.page, 2);
  assert.ok(r.y0 >= 430 + 13 && r.y1 <= 505, `between the name line and the title line: ${JSON.stringify(r)}`);
  assert.ok(Math.abs((r.x0 + r.x1) / 2 - 445) < 0.01, 'centred on the name');
  assert.ok(Math.abs((r.x1 - r.x0) / (r.y1 - r.y0) - 3) < 0.01, 'a 3:1 box');
  // no name on the page: a box near the bottom right of the last page, still on it
  const none = f.guessPlace({ ...info, lines: [] }, 'Nguyễn Văn A');
  assert.equal(none.page, 2);
  assert.ok(none.x1 <= 595 && none.x0 >= 0);
});
