// The document workflow's part of the API (docs/api.md "The document workflow"): documents,
// deliveries and registers, with their objects.
import { API_BASE, request } from './client';
import type { Page } from './types';

export type DocState = 'draft' | 'review' | 'format_check' | 'signing' | 'signed' | 'issued' | 'sent' | 'recalled';
export const DOC_STATES: DocState[] = ['draft', 'review', 'format_check', 'signing', 'signed', 'issued', 'sent'];
export type Urgency = 'normal' | 'urgent' | 'very_urgent' | 'express';
export const URGENCIES: Urgency[] = ['normal', 'urgent', 'very_urgent', 'express'];
export type Classification = 'none' | 'mat' | 'toi_mat' | 'tuyet_mat';
export const CLASSIFICATIONS: Classification[] = ['none', 'mat', 'toi_mat', 'tuyet_mat'];
export type DeliveryState = 'received' | 'accepted' | 'rejected';

export interface Finding { rule: string; page: number; box: number[]; message: string }
export interface FormatReport { findings: Finding[] }

export interface DocVersion { seq: number; sha256: string; size: number; kind: string; author_id: number; created_at: string }
export interface DocComment { id: number; author_id: number; author: string; step: string; body: string; created_at: string }

export interface Doc {
  id: number; agency_id: number; drafter_id: number; doc_type: string; summary: string;
  urgency: Urgency; classification: Classification; state: DocState; series: string;
  number: number | null; symbol: string | null; issued_at: string | null; signer_id: number | null;
  pages: number; recipients: string | null; format_report: string | FormatReport | null;
  version: number; created_at: string; updated_at: string; sha256: string;
  versions?: DocVersion[]; comments?: DocComment[];
  /* a conversion job (DOCX/ODT → PDF) when the server answers with one */
  job_id?: number;
  job?: { id: number };
}

export interface Job { id: number; state: string; progress?: number; document_id?: number | null; error?: string }

export interface VerifyChange { revision: number; object: string; what: string; allowed: boolean; what_text?: string }
export interface VerifySignature {
  field: string; type?: string; subfilter?: string; revision?: number; integrity?: string; coverage?: string;
  changes_after?: VerifyChange[]; indication: string; subindication?: string;
  signer?: { name?: string; title?: string; organization?: string; serial?: string; issuer?: string };
  signing_time?: string; time_source?: string; level?: string; messages?: string[];
  [k: string]: unknown;
}
export interface VerifyReport { file?: string; indication?: string; subindication?: string; signatures?: VerifySignature[]; validation_time?: string; messages?: string[] }

export interface Delivery {
  id: number; document_id: number; from_agency_id: number; to_agency_id: number; state: DeliveryState;
  verdict: string; reason: string | null; sent_at: string; decided_at: string | null; version: number;
  doc_type: string; summary: string; symbol: string | null; number: number | null; issued_at: string | null;
  verify_report?: VerifyReport | string | null;
  /* set on documents from another server (GET /fed/inbox): no local sending agency */
  remote?: boolean; from_name?: string; from_code?: string;
}

/* A document another kysod sent here (GET /fed/inbox). */
export interface FedItem {
  id: number; edxml_document: string; to_agency_id: number; from_code: string; from_name: string;
  symbol: string | null; doc_date: string | null; doc_type: string; summary: string; verdict: string;
  state: 'received' | 'accepted' | 'rejected' | 'done' | 'recalled'; reason: string | null;
  number: number | null; received_at: string; decided_at: string | null; recalled_at: string | null;
  recall_reason: string | null; version?: number; verify_report?: VerifyReport | string | null;
}
/* One recipient of a sent document, here (`local`) or on a peer (`edxml`). */
export interface Recipient {
  id: number; via: 'local' | 'edxml'; to_code: string; to_name?: string; state: string;
  reason: string | null; detail?: string | null; number?: number | null; peer?: string;
  sent_at: string; decided_at?: string | null; updated_at?: string | null; recalled_at?: string | null;
}

/* The fed inbox entry in the shape of a same-server delivery, for the screens they share. */
export const fedAsDelivery = (f: FedItem): Delivery => ({
  id: f.id, document_id: 0, from_agency_id: 0, to_agency_id: f.to_agency_id,
  state: f.state as DeliveryState, verdict: f.verdict, reason: f.reason ?? f.recall_reason,
  sent_at: f.received_at, decided_at: f.decided_at ?? f.recalled_at, version: f.version ?? 0,
  doc_type: f.doc_type, summary: f.summary, symbol: f.symbol, number: f.number, issued_at: f.doc_date,
  verify_report: f.verify_report ?? null, remote: true, from_name: f.from_name, from_code: f.from_code,
});

export interface OutEntry {
  id: number; document_id: number; series: string; year: number; number: number; symbol: string;
  issued_date: string; doc_type: string; summary: string; signer: string; recipients: string;
  copies: number; handler: string; note: string | null;
}
export interface InEntry {
  id: number; delivery_id: number; year: number; number: number; received_date: string; from_agency: string;
  doc_symbol: string; doc_date: string; doc_type: string; summary: string; assignee_id: number | null;
  deadline: string; note: string | null;
}

export interface SignPosition { page: number; x0: number; y0: number; x1: number; y1: number }

type Q = Record<string, string | number | undefined | null>;

export const docsApi = {
  list: (q: Q) => request<Page<Doc>>('GET', '/documents', { query: { limit: 200, ...q } }),
  get: (id: number) => request<Doc>('GET', `/documents/${id}`),
  pdfUrl: (id: number) => `${API_BASE}/documents/${id}/pdf`,
  create: (file: File, meta: Q) => request<Doc>('POST', '/documents', {
    query: meta, binary: file, contentType: file.type || 'application/pdf',
  }),
  job: (id: number) => request<Job>('GET', `/jobs/${id}`),
  submit: (id: number) => request<Doc>('POST', `/documents/${id}/submit`, { body: {} }),
  review: (id: number, decision: 'approve' | 'return', comment: string) =>
    request<Doc>('POST', `/documents/${id}/review`, { body: { decision, ...(comment ? { comment } : {}) } }),
  formatReport: (id: number) => request<FormatReport>('GET', `/documents/${id}/format-report`),
  formatCheck: (id: number, decision: 'approve' | 'return', comment: string) =>
    request<Doc>('POST', `/documents/${id}/format-check`, { body: { decision, ...(comment ? { comment } : {}) } }),
  sign: (id: number, title: string, position: SignPosition | null) =>
    request<Doc>('POST', `/documents/${id}/sign`, { body: { ...(title ? { title } : {}), ...(position ? { position } : {}) } }),
  issue: (id: number, symbol: string, series: string) =>
    request<Doc>('POST', `/documents/${id}/issue`, { body: { symbol, ...(series ? { series } : {}) } }),
  send: (id: number, to: string[]) => request<Doc>('POST', `/documents/${id}/send`, { body: { to } }),

  deliveries: (q: Q) => request<Page<Delivery>>('GET', '/deliveries', { query: { limit: 200, ...q } }),
  delivery: (id: number) => request<Delivery>('GET', `/deliveries/${id}`),
  deliveryPdfUrl: (id: number) => `${API_BASE}/deliveries/${id}/pdf`,
  accept: (id: number, body: { assignee_id?: number; deadline_days?: number; note?: string }) =>
    request<Delivery>('POST', `/deliveries/${id}/accept`, { body }),
  reject: (id: number, reason: string) => request<Delivery>('POST', `/deliveries/${id}/reject`, { body: { reason } }),
  fedInbox: (q: Q) => request<Page<FedItem>>('GET', '/fed/inbox', { query: { limit: 200, ...q } }),
  fedItem: (id: number) => request<FedItem>('GET', `/fed/inbox/${id}`),
  fedPdfUrl: (id: number) => `${API_BASE}/fed/inbox/${id}/pdf`,
  fedAccept: (id: number, body: { assignee_id?: number; deadline_days?: number; note?: string }) =>
    request<FedItem>('POST', `/fed/inbox/${id}/accept`, { body }),
  fedReject: (id: number, reason: string) => request<FedItem>('POST', `/fed/inbox/${id}/reject`, { body: { reason } }),
  recipients: (docId: number) => request<{ items: Recipient[] }>('GET', `/documents/${docId}/deliveries`),
  recall: (docId: number, reason: string) => request<unknown>('POST', `/documents/${docId}/recall`, { body: { reason } }),

  outgoing: (q: Q) => request<Page<OutEntry>>('GET', '/registers/outgoing', { query: { limit: 500, ...q } }),
  incoming: (q: Q) => request<Page<InEntry>>('GET', '/registers/incoming', { query: { limit: 500, ...q } }),
  registerCsvUrl: (kind: 'outgoing' | 'incoming', q: Record<string, string>) =>
    `${API_BASE}/registers/${kind}?` + new URLSearchParams({ ...q, format: 'csv' }).toString(),
  /* the register as a file: the same filters, date range included (the server applies it) */
  registerFileUrl: (kind: 'outgoing' | 'incoming', q: Record<string, string>, format: 'xlsx' | 'pdf') =>
    `${API_BASE}/registers/${kind}?` + new URLSearchParams({ ...q, format }).toString(),
};

export function parseReport(r: Doc['format_report']): FormatReport | null {
  if (!r) return null;
  if (typeof r !== 'string') return r;
  try { return JSON.parse(r) as FormatReport; } catch { return null; }
}

export function parseVerify(r: Delivery['verify_report']): VerifyReport | null {
  if (!r) return null;
  if (typeof r !== 'string') return r;
  try { return JSON.parse(r) as VerifyReport; } catch { return null; }
}
