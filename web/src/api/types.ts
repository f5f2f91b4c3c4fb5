// The objects of kysod's API v1 (src/server/openapi.json, docs/api.md).
export type Role = 'drafter' | 'unit_head' | 'format_checker' | 'signer' | 'clerk'
  | 'registration_officer' | 'it_support' | 'agency_admin' | 'auditor' | 'city_admin';
export const ROLES: Role[] = ['drafter', 'unit_head', 'format_checker', 'signer', 'clerk',
  'registration_officer', 'it_support', 'agency_admin', 'auditor', 'city_admin'];

export type AgencyKind = 'city_committee' | 'department' | 'office' | 'ward' | 'commune'
  | 'special_zone' | 'public_service_unit' | 'other';
export const AGENCY_KINDS: AgencyKind[] = ['city_committee', 'department', 'office', 'ward',
  'commune', 'special_zone', 'public_service_unit', 'other'];

export interface Page<T> { items: T[]; total: number; limit: number; offset: number }

export interface Contact { phone?: string; email?: string; fax?: string; website?: string }

export interface Agency {
  id: number; version: number; created_at?: string; updated_at?: string;
  name: string; short_name?: string; kind: AgencyKind; parent_id: number | null;
  code: string; address?: string; contacts?: Contact;
}

export interface Unit { id: number; agency_id: number; version: number; name: string; code?: string }

export type UserStatus = 'active' | 'disabled' | 'locked';
export const USER_STATUSES: UserStatus[] = ['active', 'disabled', 'locked'];

export interface User {
  id: number; version: number; created_at?: string; updated_at?: string;
  login: string; full_name: string; title?: string; agency_id: number; unit_id?: number | null;
  email?: string; phone?: string; status: UserStatus; lang?: 'vi' | 'en';
}

export interface RoleAssignment {
  id: number; user_id: number; agency_id: number; role: Role;
  user_name?: string; agency_name?: string; created_at?: string;
}

export interface Me {
  user: User; roles: RoleAssignment[]; csrf_token: string;
  session_expires_at?: string; idle_timeout_s?: number;
}

export interface ImportResult {
  created: number;
  errors?: { line?: number; field?: string; message?: string }[];
  passwords?: { login: string; password: string }[];
}

export type DelegationKind = 'ky_thay' | 'ky_thua_lenh' | 'ky_thua_uy_quyen';
export const DELEGATION_KINDS: DelegationKind[] = ['ky_thay', 'ky_thua_lenh', 'ky_thua_uy_quyen'];
export type DelegationStatus = 'active' | 'pending' | 'expired' | 'revoked';

export interface Delegation {
  id: number; status: DelegationStatus; version?: number; agency_id: number;
  from_user_id: number; to_user_id: number; kind: DelegationKind;
  valid_from: string; valid_to: string; scope?: string; note?: string;
}

export type CertStatus = 'active' | 'suspended' | 'revoked' | 'expired';
export interface Certificate {
  id: number; version?: number; owner_kind: 'person' | 'agency';
  user_id?: number | null; agency_id: number; assigned_user_id?: number | null;
  serial: string; subject?: string; issuer?: string; not_before?: string; not_after?: string;
  token_id?: number | null; status: CertStatus; pem?: string;
}

export type TokenStatus = 'in_use' | 'in_stock' | 'lost' | 'revoked';
export const TOKEN_STATUSES: TokenStatus[] = ['in_use', 'in_stock', 'lost', 'revoked'];
export interface Token {
  id: number; version?: number; serial: string; label?: string; model?: string;
  holder_user_id?: number | null; agency_id: number; status: TokenStatus;
}

export interface AuditEntry {
  seq: number; at: string; actor_id?: number | null; actor?: string; ip?: string;
  agency_id?: number | null; action: string; object?: string;
  before?: Record<string, unknown> | null; after?: Record<string, unknown> | null;
  prev_hash?: string; hash?: string;
}

export interface AuditVerify { ok: boolean; entries: number; broken_at?: number | null; message?: string }
