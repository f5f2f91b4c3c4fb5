// The workflow screens' pure rules, kept apart from the components so that node's test runner
// checks them (tests/web/docs_logic.test.mjs): working days, recipients, the signature's place.
import type { PdfInfo, PdfRect } from './components/pdfview';

/* Adds `days` Vietnamese working days (Monday to Friday) to today, in +07:00; the server counts
 * public holidays too and has the last word. */
export function addWorkingDays(from: Date, days: number): Date {
  const d = new Date(from.getTime() + 7 * 3_600_000);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - 7 * 3_600_000);
}

/* The recipients as the server keeps them (a JSON list of names, or text) for reading. */
export function recipientsText(r: string | null | undefined): string {
  if (!r) return '';
  if (r.startsWith('[')) {
    try {
      const v = JSON.parse(r) as unknown;
      if (Array.isArray(v)) return v.map(String).join('; ');
    } catch { /* shown as it is */ }
  }
  return r;
}

/* The image's box as ks_appear_place_personal lays it: the gap between the lowest line holding
 * the signer's name and the nearest line above it in that column, 3:1, centred on the name. */
export function guessPlace(info: PdfInfo, name: string): PdfRect {
  const fold = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  const want = fold(name);
  const hits = info.lines.filter((l) => want && fold(l.str).includes(want)).sort((a, b) => b.page - a.page || a.y - b.y);
  const n = hits[0];
  if (!n) {
    const w = info.sizes[info.pages - 1]?.[0] ?? 595;
    return { page: info.pages, x0: w - 240, y0: 160, x1: w - 90, y1: 210 };
  }
  const cx = n.x + n.w / 2;
  const above = info.lines.filter((l) => l.page === n.page && l.y > n.y + n.h * 0.5 && Math.abs(l.x + l.w / 2 - cx) < 120)
    .sort((a, b) => a.y - b.y)[0];
  const top = above ? above.y - 2 : n.y + n.h + 60;
  const bottom = n.y + n.h + 2;
  const gap = Math.max(top - bottom, 24);
  const h = Math.min(gap - 4, 60);
  const w = h * 3;
  const y0 = bottom + (gap - h) / 2;
  return { page: n.page, x0: cx - w / 2, y0, x1: cx + w / 2, y1: y0 + h };
}

