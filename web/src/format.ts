// Dates and times as a Vietnamese administration writes them, always in Vietnam time (+07:00,
// no daylight saving). The server sends instants in ISO 8601; we never rely on the browser's zone.
import type { Lang } from './i18n/i18n';

const VN_OFFSET_MIN = 7 * 60;

interface Parts { y: number; mo: number; d: number; h: number; mi: number }

function vnParts(iso: string): Parts | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const t = new Date(ms + VN_OFFSET_MIN * 60_000);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes() };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/* Nghị định 30/2020, Phụ lục I: a day below 10 and a month below 3 get a leading zero
 * ("ngày 05 tháng 02 năm 2026", "ngày 15 tháng 3 năm 2026"). */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  const p = iso ? vnParts(iso) : null;
  if (!p) return '';
  if (lang === 'vi') return `ngày ${pad2(p.d)} tháng ${p.mo < 3 ? pad2(p.mo) : p.mo} năm ${p.y}`;
  return `${p.d} ${EN_MONTHS[p.mo - 1] ?? ''} ${p.y}`;
}

export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  const p = iso ? vnParts(iso) : null;
  if (!p || !iso) return '';
  return `${formatDate(iso, lang)}, ${pad2(p.h)}:${pad2(p.mi)}`;
}

/* The value for an <input type="datetime-local"> showing the instant in Vietnam time. */
export function toLocalInput(iso: string | null | undefined): string {
  const p = iso ? vnParts(iso) : null;
  if (!p) return '';
  return `${p.y}-${pad2(p.mo)}-${pad2(p.d)}T${pad2(p.h)}:${pad2(p.mi)}`;
}

/* "2026-03-05T14:05" typed in Vietnam time -> "2026-03-05T14:05:00+07:00"; '' when empty. */
export function fromLocalInput(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return '';
  return `${v}:00+07:00`;
}

export function formatNumber(n: number, lang: Lang): string {
  const s = Math.trunc(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'vi' ? '.' : ',');
  return n < 0 ? `-${s}` : s;
}
