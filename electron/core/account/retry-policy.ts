// Which failures the account runtime tries again after (its backoff), and which leave the account offline
// until the user does something.
import type { EngineError } from '../errors.ts';

/** Failures a later try can fix (the network, the server restarting); not ones only the user can. */
export function isWorthRetrying(error: EngineError): boolean {
  if (error.code === 'stream-error' && NOT_RETRIED_STREAM_ERRORS.has(error.condition ?? '')) return false;
  return ['unreachable', 'timeout', 'dns-failed', 'stream-error', 'tls-failed', 'internal'].includes(
    error.code,
  );
}

/**
 * Stream errors (RFC 6120 §4.9.3) that say trying again is pointless until something changes: the account is
 * not authorised, the server no longer or never hosted the domain, or it does not speak our version.
 */
const NOT_RETRIED_STREAM_ERRORS = new Set([
  'not-authorized',
  'host-gone',
  'host-unknown',
  'unsupported-version',
]);
