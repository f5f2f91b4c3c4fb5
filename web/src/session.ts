// Who is signed in and what they may do: derived from GET /api/v1/me's role assignments, with
// the same rules as the API's x-kyso-access levels (docs/api.md). The UI hides what a role cannot
// use; the server enforces it.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Agency, Me, Role } from './api/types';

export interface Session {
  me: Me;
  agencies: Agency[];
  reloadAgencies: () => Promise<void>;
  notify: (text: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

export function rootAgencyId(agencies: Agency[]): number | null {
  return agencies.find((a) => a.parent_id === null)?.id ?? null;
}

export function hasRole(me: Me, role: Role, agencyId?: number): boolean {
  return me.roles.some((r) => r.role === role && (agencyId === undefined || r.agency_id === agencyId));
}

export function isCityAdmin(me: Me): boolean { return hasRole(me, 'city_admin'); }

export function isCityAuditor(me: Me, agencies: Agency[]): boolean {
  const root = rootAgencyId(agencies);
  return root !== null && hasRole(me, 'auditor', root);
}

/* Agencies whose staff this user administers (agency_admin there; city_admin: all). */
export function adminAgencies(me: Me, agencies: Agency[]): Agency[] {
  if (isCityAdmin(me)) return agencies;
  const ids = new Set(me.roles.filter((r) => r.role === 'agency_admin').map((r) => r.agency_id));
  return agencies.filter((a) => ids.has(a.id));
}

const CERT_READERS: Role[] = ['agency_admin', 'it_support', 'clerk', 'signer', 'auditor', 'registration_officer', 'city_admin'];
const CERT_MANAGERS: Role[] = ['it_support', 'agency_admin', 'registration_officer', 'city_admin'];
const EVERYWHERE: Role[] = ['registration_officer', 'city_admin'];

export function certAgencies(me: Me, agencies: Agency[], manage: boolean): Agency[] {
  const roles = manage ? CERT_MANAGERS : CERT_READERS;
  if (me.roles.some((r) => EVERYWHERE.includes(r.role)) || (!manage && isCityAuditor(me, agencies))) return agencies;
  const ids = new Set(me.roles.filter((r) => roles.includes(r.role)).map((r) => r.agency_id));
  return agencies.filter((a) => ids.has(a.id));
}

export function auditAgencies(me: Me, agencies: Agency[]): Agency[] | 'all' {
  if (isCityAdmin(me) || isCityAuditor(me, agencies)) return 'all';
  const ids = new Set(me.roles.filter((r) => r.role === 'auditor' || r.role === 'agency_admin').map((r) => r.agency_id));
  return agencies.filter((a) => ids.has(a.id));
}

export type Screen = 'home' | 'org' | 'users' | 'delegations' | 'certificates' | 'audit' | 'account'
  | 'sign-batch' | 'sign-token' | 'documents' | 'incoming' | 'registers';

const WORKFLOW: Role[] = ['drafter', 'unit_head', 'format_checker', 'signer', 'clerk'];

export function canSee(me: Me, agencies: Agency[], screen: Screen): boolean {
  switch (screen) {
    case 'home': case 'org': case 'account': return true;
    case 'sign-batch': case 'sign-token': return hasRole(me, 'signer');
    case 'documents': case 'registers': return me.roles.some((r) => WORKFLOW.includes(r.role));
    case 'incoming': return hasRole(me, 'clerk', me.user.agency_id) || hasRole(me, 'unit_head', me.user.agency_id);
    case 'users': case 'delegations': return adminAgencies(me, agencies).length > 0;
    case 'certificates': return certAgencies(me, agencies, false).length > 0;
    case 'audit': { const a = auditAgencies(me, agencies); return a === 'all' || a.length > 0; }
  }
}

/* The session's end as the UI can know it. GET /me's session_expires_at is the sooner of the
 * idle end (each request pushes it back) and the absolute end, so it is the absolute end only
 * when it comes before the idle end as it stood when /me answered (`fetchedAt`). */
export function absoluteEnd(me: Me, fetchedAt: number): number | null {
  const idle = (me.idle_timeout_s ?? 0) * 1000;
  const reported = me.session_expires_at ? Date.parse(me.session_expires_at) : NaN;
  if (Number.isNaN(reported) || idle <= 0) return Number.isNaN(reported) ? null : reported;
  return reported < fetchedAt + idle - 60_000 ? reported : null;
}

/* Whether the session is over at `now`, the server having last answered at `lastActivity`. */
export function sessionOver(me: Me, fetchedAt: number, lastActivity: number, now: number): boolean {
  const idle = (me.idle_timeout_s ?? 0) * 1000;
  const abs = absoluteEnd(me, fetchedAt);
  return (abs !== null && now >= abs) || (idle > 0 && now - lastActivity >= idle);
}
