// The API of sign-in and signing with one's own token (src/server/api_token*.c).
import { request } from './client';
import type { Me } from './types';
import type { AuthToken } from '../agent';

export interface SignItem {
  document_id: number; sign_id: string; title: string; hash: string;
  hashAlgorithm: string; signatureAlgorithm: string;
}
export interface WaitingDoc { id: number; agency_id: number; doc_type: string; summary: string; urgency: string }
export interface DocBrief { id: number; doc_type: string; summary: string; state: string }

export const tokenApi = {
  challenge: () => request<{ nonce: string; expires_at: string }>('POST', '/auth/token/challenge', { expectUnauthorized: true }),
  signIn: (authToken: AuthToken) =>
    request<Me>('POST', '/auth/token/sign-in', { body: { authToken }, expectUnauthorized: true }),
  waiting: () => request<{ items: WaitingDoc[] }>('GET', '/sign-batch/waiting'),
  document: (id: number) => request<DocBrief>('GET', `/documents/${id}`),
  batchBegin: (document_ids: number[], certificate: string) =>
    request<{ items: SignItem[]; expires_at: string }>('POST', '/sign-batch/begin', { body: { document_ids, certificate } }),
  batchFinish: (items: { sign_id: string; signature: string }[]) =>
    request<{ signed: number[] }>('POST', '/sign-batch/finish', { body: { items } }),
};
