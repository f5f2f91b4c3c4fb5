// The bridge to the person's own token: the kyso extension's page API (agent/extension/page/
// kyso-agent.js, served by kysod as /kyso-agent.js) is loaded only when the extension announced
// itself on this page (its content script marks <html data-kyso-extension>). Hash in, signature
// out: the PIN is typed only in the agent's own dialog, never in this page.
import type { MsgId } from './i18n/i18n';

export interface AgentCert {
  id: string;            // SHA-256 (hex) of the certificate's DER: the agent's name for it
  certificate: string;   // base64 DER
  subject: string;
  keyType: string;
  label: string;
  token: { label: string; manufacturer: string; model: string; serial: string; module: string };
  pinState: 'ok' | 'count-low' | 'final-try' | 'locked';
  pinStateText?: string;
  protectedPath: boolean;
}

export interface AuthToken {
  unverifiedCertificate: string; algorithm: string; signature: string; format: string; appVersion: string;
}

interface PageApi {
  present: () => boolean;
  list: (o?: object) => Promise<{ certificates: AgentCert[] }>;
  sign: (o: object) => Promise<{ signatures: string[] }>;
  authenticate: (o: object) => Promise<{ authToken: AuthToken }>;
}

declare global { interface Window { kysoAgent?: PageApi } }

/* An agent refusal: `code` is the agent's or the extension's error code. */
export class AgentError extends Error {
  readonly code: string;
  constructor(code: string, message: string) { super(message); this.code = code; }
}

export function extensionPresent(): boolean {
  return document.documentElement.dataset['kysoExtension'] !== undefined;
}

let loading: Promise<PageApi> | null = null;

function pageApi(): Promise<PageApi> {
  if (!extensionPresent()) return Promise.reject(new AgentError('no-extension', ''));
  if (window.kysoAgent) return Promise.resolve(window.kysoAgent);
  if (!loading) {
    loading = new Promise<PageApi>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'kyso-agent.js';
      s.onload = () => (window.kysoAgent ? resolve(window.kysoAgent) : reject(new AgentError('no-extension', '')));
      s.onerror = () => { loading = null; reject(new AgentError('no-extension', '')); };
      document.head.appendChild(s);
    });
  }
  return loading;
}

async function call<T>(fn: (a: PageApi) => Promise<T>, lang: string): Promise<T> {
  const a = await pageApi();
  void lang;
  try {
    return await fn(a);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    throw new AgentError(err.code ?? 'error', err.message ?? '');
  }
}

export const agent = {
  list: (lang: string) => call((a) => a.list({ lang }), lang).then((r) => r.certificates ?? []),
  authenticate: (cert: string, challenge: string, lang: string) =>
    call((a) => a.authenticate({ cert, challenge, lang }), lang).then((r) => r.authToken),
  sign: (cert: string, hashAlgorithm: string, signatureAlgorithm: string,
    documents: { title: string; hash: string }[], lang: string) =>
    call((a) => a.sign({ cert, hashAlgorithm, signatureAlgorithm, documents, lang }), lang).then((r) => r.signatures),
};

/* What a person reads for an agent or server refusal of this flow: the catalogue's words for
 * the cases where they must act (install, Đ12 recovery, the right certificate), else null. */
export function agentErrorId(code: string): MsgId | null {
  switch (code) {
    case 'no-extension': case 'extension': return 'token.err.no_extension';
    case 'agent-unavailable': case 'no-module': case 'config': return 'token.err.no_agent';
    case 'origin-not-allowed': case 'bad-origin': return 'token.err.origin';
    case 'user-cancelled': return 'token.err.cancelled';
    case 'pin-locked': return 'token.err.pin_locked';
    case 'pin-incorrect': return 'token.err.pin_incorrect';
    case 'no-certificate': case 'no-key': return 'token.err.no_certificate';
    case 'wrong_certificate': case 'certificate_unknown': return 'token.err.wrong_certificate';
    case 'certificate_untrusted': return 'token.err.untrusted';
    case 'challenge_expired': case 'expired': return 'token.err.expired';
    default: return null;
  }
}
