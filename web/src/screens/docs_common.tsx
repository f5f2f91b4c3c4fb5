// What the workflow screens share: labels of states, urgency and classification; whose turn a
// document is; the agency the user works in.
import type { Classification, Doc, DocState, Urgency } from '../api/docs';
import type { Me, Role } from '../api/types';
import type { I18n, MsgId } from '../i18n/i18n';
import { hasRole } from '../session';

export const stateLabel = (t: I18n['t'], s: DocState): string => t(('doc.state.' + s) as MsgId);
export const urgencyLabel = (t: I18n['t'], u: Urgency): string => t(('doc.urgency.' + u) as MsgId);
export const classLabel = (t: I18n['t'], c: Classification): string => t(('doc.class.' + c) as MsgId);

export const stateTone = (s: DocState): 'ok' | 'warn' | 'bad' | 'neutral' | 'info' =>
  s === 'issued' || s === 'sent' ? 'ok' : s === 'draft' ? 'neutral' : s === 'signed' ? 'info' : 'warn';

export const WORKFLOW_ROLES: Role[] = ['drafter', 'unit_head', 'format_checker', 'signer', 'clerk'];

/* The role whose step the document waits for. */
export function roleFor(s: DocState): Role | null {
  switch (s) {
    case 'draft': return 'drafter';
    case 'review': return 'unit_head';
    case 'format_check': return 'format_checker';
    case 'signing': return 'signer';
    case 'signed': case 'issued': return 'clerk';
    default: return null;
  }
}

/* Whether the document waits for this user (a draft waits for its own drafter only). */
export function waitsFor(me: Me, d: Doc): boolean {
  const role = roleFor(d.state);
  if (!role || !hasRole(me, role, d.agency_id)) return false;
  return d.state !== 'draft' || d.drafter_id === me.user.id;
}

/* The agencies where the user holds a workflow role (their own first). */
export function workAgencies(me: Me): number[] {
  const ids = new Set<number>([me.user.agency_id]);
  for (const r of me.roles) if (WORKFLOW_ROLES.includes(r.role)) ids.add(r.agency_id);
  return [...ids];
}

export function inWorkflow(me: Me): boolean {
  return me.roles.some((r) => WORKFLOW_ROLES.includes(r.role));
}

export { addWorkingDays, recipientsText } from '../docs_logic';
