// Typed, human errors. Every failure the engine reports is an EngineError with a contract error code, so the
// UI can react to the code and show the message as is.
import type { CertificateInfo, EngineErrorPayload, ErrorCode } from '../../shared/contract.ts';

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly condition: string | null;
  readonly certificate: CertificateInfo | null;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { condition?: string | null; certificate?: CertificateInfo | null; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'EngineError';
    this.code = code;
    this.condition = extra.condition ?? null;
    this.certificate = extra.certificate ?? null;
  }

  toPayload(): EngineErrorPayload {
    return {
      code: this.code,
      message: this.message,
      condition: this.condition,
      certificate: this.certificate,
    };
  }
}

/** Any thrown value as a contract error; unknown failures become 'internal' without leaking internals. */
export function toEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('internal', `Something went wrong: ${message}`, { cause: error });
}

/** Human text for the XMPP stanza error conditions users actually meet (RFC 6120 §8.3.3). */
export function describeStanzaError(condition: string, text: string | null): string {
  const known: Record<string, string> = {
    'service-unavailable': 'The recipient is not available or does not accept this.',
    'item-not-found': 'That address does not exist.',
    'remote-server-not-found': "The contact's server could not be found.",
    'remote-server-timeout': "The contact's server did not answer in time.",
    'recipient-unavailable': 'The recipient is not available.',
    'not-allowed': 'The server does not allow this.',
    forbidden: 'You are not allowed to do this.',
    'not-authorized': 'You are not authorized to do this.',
    'policy-violation': 'The server refused this under its policy.',
    'resource-constraint': 'The server is too busy right now.',
    'bad-request': 'The server rejected the request as malformed.',
    'feature-not-implemented': 'The server does not support this.',
    'internal-server-error': 'The server had an internal error.',
    'jid-malformed': 'That address is not valid.',
  };
  const base = known[condition] ?? `The server answered with an error (${condition}).`;
  return text ? `${base} (${text})` : base;
}
