// XEP-0474 (SASL SCRAM Downgrade Protection, version 0.5.0): the server puts a hash of the mechanisms and
// channel-binding types it advertised into its server-first message ('h='). That message is part of what
// both SCRAM proofs sign, so a man in the middle can neither change it nor the lists it covers without
// the sign-in failing: comparing it with the lists we saw reveals a list trimmed on the way.
import { createHash } from 'node:crypto';

const NODE_HASH = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' } as const;

/** What the server advertised, as we received it. */
export interface AdvertisedLists {
  mechanisms: readonly string[];
  /** The XEP-0440 channel-binding types; null when the server sent no <sasl-channel-binding/>. */
  channelBindings: readonly string[] | null;
}

/** Sorted with the "i;octet" collation (RFC 4790 §9.3): by UTF-8 bytes, not UTF-16 code units. */
function octetSorted(values: readonly string[]): string[] {
  return values
    .map((value) => Buffer.from(value, 'utf8'))
    .sort(Buffer.compare)
    .map((bytes) => bytes.toString('utf8'));
}

/**
 * The downgrade protection hash (XEP-0474 §5.1): the sorted mechanisms joined by U+001E, then, when XEP-0440
 * was used, U+001F and the sorted channel-binding types joined by U+001E; hashed with the SCRAM hash and
 * base64-encoded.
 */
export function downgradeProtectionHash(hash: keyof typeof NODE_HASH, lists: AdvertisedLists): string {
  let text = octetSorted(lists.mechanisms).join('\x1e');
  if (lists.channelBindings !== null) text += `\x1f${octetSorted(lists.channelBindings).join('\x1e')}`;
  return createHash(NODE_HASH[hash]).update(text, 'utf8').digest('base64');
}
