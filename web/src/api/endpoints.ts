// One function per API operation the UI uses (paths as in src/server/openapi.json).
import { request } from './client';
import type {
  Agency, AuditEntry, AuditVerify, Certificate, Delegation, ImportResult, Me, Page,
  RoleAssignment, Token, Unit, User,
} from './types';

type Q = Record<string, string | number | undefined | null>;
const ALL = 500; // the API's largest page: the directory lists of one agency fit in it

export const api = {
  signIn: (login: string, password: string) =>
    request<Me>('POST', '/auth/sign-in', { body: { login, password }, expectUnauthorized: true }),
  signOut: () => request<void>('POST', '/auth/sign-out'),
  signOutEverywhere: () => request<void>('POST', '/auth/sign-out-everywhere'),
  me: () => request<Me>('GET', '/me', { expectUnauthorized: true }),
  changePassword: (current_password: string, password: string) =>
    request<void>('POST', '/me/password', { body: { current_password, password } }),

  agencies: (q: Q = {}) => request<Page<Agency>>('GET', '/agencies', { query: { limit: ALL, ...q } }),
  agency: (id: number) => request<Agency>('GET', `/agencies/${id}`),
  createAgency: (a: Partial<Agency>) => request<Agency>('POST', '/agencies', { body: a }),
  updateAgency: (id: number, a: Partial<Agency>) => request<Agency>('PATCH', `/agencies/${id}`, { body: a }),
  units: (agencyId: number) => request<Page<Unit>>('GET', `/agencies/${agencyId}/units`, { query: { limit: ALL } }),
  createUnit: (agencyId: number, u: { name: string; code?: string }) =>
    request<Unit>('POST', `/agencies/${agencyId}/units`, { body: u }),

  users: (q: Q = {}) => request<Page<User>>('GET', '/users', { query: { limit: ALL, ...q } }),
  user: (id: number) => request<User>('GET', `/users/${id}`),
  createUser: (u: Record<string, unknown>) => request<User>('POST', '/users', { body: u }),
  updateUser: (id: number, u: Record<string, unknown>) => request<User>('PATCH', `/users/${id}`, { body: u }),
  setUserPassword: (id: number, password: string) =>
    request<void>('POST', `/users/${id}/password`, { body: { password } }),
  importUsers: (agencyId: number, csv: string) =>
    request<ImportResult>('POST', `/agencies/${agencyId}/users/import`, { rawBody: csv, contentType: 'text/csv; charset=utf-8' }),

  roleAssignments: (q: Q) => request<Page<RoleAssignment>>('GET', '/role-assignments', { query: { limit: ALL, ...q } }),
  assignRole: (user_id: number, agency_id: number, role: string) =>
    request<RoleAssignment>('POST', '/role-assignments', { body: { user_id, agency_id, role } }),
  removeRole: (id: number) => request<void>('DELETE', `/role-assignments/${id}`),

  delegations: (q: Q = {}) => request<Page<Delegation>>('GET', '/delegations', { query: { limit: ALL, ...q } }),
  createDelegation: (d: Record<string, unknown>) => request<Delegation>('POST', '/delegations', { body: d }),
  revokeDelegation: (id: number) => request<void>('DELETE', `/delegations/${id}`),

  certificates: (q: Q = {}) => request<Page<Certificate>>('GET', '/certificates', { query: { limit: ALL, ...q } }),
  createCertificate: (c: Record<string, unknown>) => request<Certificate>('POST', '/certificates', { body: c }),
  updateCertificate: (id: number, c: Record<string, unknown>) =>
    request<Certificate>('PATCH', `/certificates/${id}`, { body: c }),
  tokens: (q: Q = {}) => request<Page<Token>>('GET', '/tokens', { query: { limit: ALL, ...q } }),
  createToken: (t: Record<string, unknown>) => request<Token>('POST', '/tokens', { body: t }),
  updateToken: (id: number, t: Record<string, unknown>) => request<Token>('PATCH', `/tokens/${id}`, { body: t }),

  audit: (q: Q) => request<Page<AuditEntry>>('GET', '/audit', { query: q }),
  auditVerify: () => request<AuditVerify>('GET', '/audit/verify'),
};
