// The one way the UI talks to kysod: JSON over /api/v1, the session cookie (HttpOnly, set by the
// server), the CSRF token in a header on every state change, the user's language in
// Accept-Language, and the API's one error object {"error": {"code", "message", "fields"}}.
import type { Lang } from '../i18n/i18n';

export const API_BASE = '/api/v1';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface FieldErrors { [field: string]: string }
/* One line of a refused CSV import: {"line", "field", "message"}. */
export interface RowError { line?: number; field?: string; message?: string }

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;
  /* the request field at fault as the API names it (a JSON member, or "line:column" of a CSV) */
  readonly field: string | null;
  readonly retryAfter: number | null;
  /* every line at fault, when the API refused a whole file */
  rows: RowError[] = [];
  constructor(status: number, code: string, message: string, fields: FieldErrors, field: string | null = null, retryAfter: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

interface ClientState {
  csrf: string | null;
  lang: Lang;
  onUnauthorized: (() => void) | null;
}

const state: ClientState = { csrf: null, lang: 'vi', onUnauthorized: null };
let lastOk = Date.now();

/* When the server last answered a request of this session (its idle clock restarts then). */
export function lastActivity(): number { return lastOk; }

export function setCsrfToken(token: string | null): void { state.csrf = token; }
export function setApiLang(lang: Lang): void { state.lang = lang; }
export function onUnauthorized(fn: (() => void) | null): void { state.onUnauthorized = fn; }

function parseError(status: number, body: unknown): ApiError {
  const e = (body && typeof body === 'object' && 'error' in body)
    ? (body as { error: unknown }).error : null;
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    const fields: FieldErrors = {};
    const f = o['fields'] ?? o['details'];
    if (f && typeof f === 'object' && !Array.isArray(f)) {
      for (const [k, v] of Object.entries(f as Record<string, unknown>)) {
        if (typeof v === 'string') fields[k] = v;
      }
    } else if (Array.isArray(f)) {
      for (const item of f) {
        if (item && typeof item === 'object') {
          const it = item as Record<string, unknown>;
          if (typeof it['field'] === 'string' && typeof it['message'] === 'string') fields[it['field']] = it['message'];
        }
      }
    }
    if (typeof o['field'] === 'string' && typeof o['message'] === 'string' && !fields[o['field']]
        && !/^\d/.test(o['field'])) {
      fields[o['field']] = o['message'];
    }
    const err = new ApiError(status, typeof o['code'] === 'string' ? o['code'] : 'error',
      typeof o['message'] === 'string' ? o['message'] : '', fields,
      typeof o['field'] === 'string' ? o['field'] : null,
      typeof o['retry_after'] === 'number' ? o['retry_after'] : null);
    if (Array.isArray(o['errors'])) {
      err.rows = (o['errors'] as unknown[]).filter((x): x is RowError => !!x && typeof x === 'object');
    }
    return err;
  }
  return new ApiError(status, status === 0 ? 'network' : 'http_' + status, '', {});
}

export interface RequestOpts {
  body?: unknown;
  rawBody?: string;
  /* a file sent as the body (a PDF draft), with contentType */
  binary?: Blob;
  contentType?: string;
  query?: Record<string, string | number | undefined | null>;
  /* a 401 here is an answer (wrong password), not an expired session */
  expectUnauthorized?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOpts = {}): Promise<T> {
  let url = API_BASE + path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers: Record<string, string> = { 'Accept': 'application/json', 'Accept-Language': state.lang };
  let body: string | Blob | undefined;
  if (opts.binary !== undefined) {
    body = opts.binary;
    headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
  } else if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    headers['Content-Type'] = opts.contentType ?? 'text/plain; charset=utf-8';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers[CSRF_HEADER] = state.csrf;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', '', {});
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!res.ok) {
    const err = parseError(res.status, json);
    if (res.status === 401 && !opts.expectUnauthorized && state.onUnauthorized) state.onUnauthorized();
    throw err;
  }
  lastOk = Date.now();
  return json as T;
}

/* Downloads a file from the API (the audit export) through the session, without leaving the page. */
export async function download(path: string, query: Record<string, string>, filename: string): Promise<void> {
  const q = new URLSearchParams(query).toString();
  const res = await fetch(API_BASE + path + (q ? '?' + q : ''), {
    headers: { 'Accept-Language': state.lang }, credentials: 'same-origin',
  });
  if (!res.ok) {
    let json: unknown = null;
    try { json = await res.json(); } catch { json = null; }
    if (res.status === 401 && state.onUnauthorized) state.onUnauthorized();
    throw parseError(res.status, json);
  }
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
