// Labels of the API's enumerations, from the catalogue.
import type { AgencyKind, CertStatus, DelegationKind, DelegationStatus, Role, TokenStatus, UserStatus } from './api/types';
import type { I18n, MsgId } from './i18n/i18n';

export const roleLabel = (t: I18n['t'], r: Role): string => t(('role.' + r) as MsgId);
export const kindLabel = (t: I18n['t'], k: AgencyKind): string => t(('agency.kind.' + k) as MsgId);
export const userStatusLabel = (t: I18n['t'], s: UserStatus): string => t(('user.status.' + s) as MsgId);
export const delegationKindLabel = (t: I18n['t'], k: DelegationKind): string => t(('delegation.kind.' + k) as MsgId);
export const delegationKindPrefix = (t: I18n['t'], k: DelegationKind): string => t(('delegation.prefix.' + k) as MsgId);
export const delegationStatusLabel = (t: I18n['t'], s: DelegationStatus): string => t(('delegation.status.' + s) as MsgId);
export const certStatusLabel = (t: I18n['t'], s: CertStatus): string => t(('cert.status.' + s) as MsgId);
export const tokenStatusLabel = (t: I18n['t'], s: TokenStatus): string => t(('token.status.' + s) as MsgId);

export const statusTone = (s: string): 'ok' | 'warn' | 'bad' | 'neutral' | 'info' =>
  s === 'active' || s === 'in_use' ? 'ok'
    : s === 'pending' || s === 'suspended' || s === 'in_stock' ? 'info'
      : s === 'locked' || s === 'lost' || s === 'revoked' ? 'bad'
        : s === 'expired' || s === 'disabled' ? 'warn' : 'neutral';
