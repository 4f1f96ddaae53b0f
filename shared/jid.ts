// JIDs (XMPP addresses) per RFC 7622, pragmatically. Pure TypeScript: no Node, no dependencies.
//
// Shape: [ localpart "@" ] domainpart [ "/" resourcepart ]. The resource is everything after the
// first '/', and the localpart is everything before the first '@' that precedes that '/', so
// 'a.example.com/b@example.net' is a domain with a resource and 'juliet@example.com/foo@bar' keeps
// the '@' in its resource.
//
// Normalization approximates the PRECIS profiles without their full tables:
//  - localpart: lowercase + NFC (≈ UsernameCaseMapped);
//  - domainpart: IDNA label separators mapped to '.', lowercase + NFC, one trailing '.' removed
//    (≈ UTS #46 mapping; no punycode conversion);
//  - resourcepart: NFC only, case kept (≈ OpaqueString).
// Nothing else is trimmed or repaired: stray whitespace is an error, not silently dropped.

export interface Jid {
  local: string | null;
  domain: string;
  resource: string | null;
}

/** Thrown when a string (or Jid object) is not a valid XMPP address. The message is user-facing. */
export class JidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JidError';
  }
}

/** RFC 7622 §3.1: each part is 1..1023 octets of UTF-8. */
const MAX_PART_BYTES = 1023;
/** RFC 1035 / RFC 5890: a DNS label is at most 63 octets. */
const MAX_LABEL_BYTES = 63;

const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;
const WHITESPACE = /\s/u;
/** RFC 7622 §3.3.1: characters a localpart may not contain. ('@' and '/' cannot survive splitting.) */
const LOCAL_FORBIDDEN = ['"', '&', "'", '/', ':', '<', '>', '@'];
/** Characters that cannot appear in a hostname-style domainpart (':', '[' and ']' only in an IPv6 literal). */
const DOMAIN_FORBIDDEN = ['@', '/', ':', '[', ']', '\\'];
/** IDNA2003 label separators that RFC 7622 §3.2 says to map to U+002E FULL STOP. */
const LABEL_SEPARATORS = /[\u3002\uFF0E\uFF61]/gu;

/**
 * The common case, checked with one linear regex each instead of per-character Unicode tests: parts made of
 * printable ASCII only (no space or control), where NFC changes nothing and bytes equal characters. Anything
 * else, or anything these do not accept, takes the full path below (which also words the error).
 */
const PLAIN_LOCAL = /^[!#-%(-.0-9;=?A-~]{1,1023}$/; // printable ASCII less " & ' / : < > @
const PLAIN_DOMAIN = /^(?:[!--0-9;-?A-Z^-~]{1,63}\.)*[!--0-9;-?A-Z^-~]{1,63}$/; // labels of printable ASCII less . @ / : [ ] \
const PLAIN_RESOURCE = /^[ -~]{1,1023}$/; // printable ASCII and space

/** Byte length of a string encoded as UTF-8 (lone surrogates are rejected before this matters). */
function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Names a character for an error message: printable ones quoted, others as U+XXXX. */
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (WHITESPACE.test(ch)) return 'whitespace';
  if (CONTROL.test(ch) || LONE_SURROGATE.test(ch)) {
    return `an invalid character (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return `'${ch}'`;
}

function checkCommon(part: string, what: string): void {
  for (const ch of part) {
    if (CONTROL.test(ch) || LONE_SURROGATE.test(ch))
      throw new JidError(`${what} contains ${describeChar(ch)}`);
  }
  if (utf8Length(part) > MAX_PART_BYTES) {
    throw new JidError(`${what} is too long (at most ${MAX_PART_BYTES} bytes)`);
  }
}

/** Validates and normalizes a localpart (without the '@'). */
function prepLocal(raw: string): string {
  if (PLAIN_LOCAL.test(raw)) return raw.toLowerCase();
  const what = 'The username part';
  if (raw === '') throw new JidError(`${what} is empty`);
  for (const ch of raw) {
    if (WHITESPACE.test(ch) || LOCAL_FORBIDDEN.includes(ch))
      throw new JidError(`${what} contains ${describeChar(ch)}`);
  }
  checkCommon(raw, what);
  const local = raw.normalize('NFC').toLowerCase().normalize('NFC');
  checkCommon(local, what);
  return local;
}

/** True for a valid IPv6 address (without brackets, without a zone id), e.g. '::1', '2001:db8::8:800:200c:417a'. */
function isIpv6(s: string): boolean {
  let groups = s;
  let ipv4Groups = 0;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.includes('.', lastColon)) {
    // Embedded IPv4 in the last 32 bits, e.g. ::ffff:192.0.2.1
    if (!isIpv4(s.slice(lastColon + 1))) return false;
    groups = s.slice(0, lastColon + 1) + '0';
    ipv4Groups = 1; // the IPv4 part counts as two groups; '0' stands in for one of them
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parse = (h: string): string[] | null => {
    if (h === '') return [];
    const parts = h.split(':');
    return parts.every((p) => /^[0-9a-f]{1,4}$/i.test(p)) ? parts : null;
  };
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === null || tail === null) return false;
  const count = head.length + tail.length + ipv4Groups;
  return halves.length === 2 ? count < 8 : count === 8;
}

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** Validates and normalizes a domainpart. */
function prepDomain(raw: string): string {
  if (raw.length <= MAX_PART_BYTES && PLAIN_DOMAIN.test(raw)) return raw.toLowerCase();
  const what = 'The domain';
  let domain = raw.replace(LABEL_SEPARATORS, '.');
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (domain === '') throw new JidError('The address is missing a domain');
  checkCommon(domain, what);
  for (const ch of domain) {
    if (WHITESPACE.test(ch)) throw new JidError(`${what} contains whitespace`);
  }

  if (domain.startsWith('[')) {
    if (!domain.endsWith(']') || !isIpv6(domain.slice(1, -1))) {
      throw new JidError(`${what} '${raw}' is not a valid IPv6 address`);
    }
    return domain.toLowerCase();
  }

  for (const ch of domain) {
    if (DOMAIN_FORBIDDEN.includes(ch)) throw new JidError(`${what} contains ${describeChar(ch)}`);
  }
  domain = domain.normalize('NFC').toLowerCase().normalize('NFC');
  checkCommon(domain, what);
  for (const label of domain.split('.')) {
    if (label === '') throw new JidError(`${what} has an empty label (two dots in a row, or a leading dot)`);
    if (utf8Length(label) > MAX_LABEL_BYTES) {
      throw new JidError(`${what} has a label longer than ${MAX_LABEL_BYTES} bytes`);
    }
  }
  return domain;
}

/** Validates and normalizes a resourcepart (without the '/'). */
function prepResource(raw: string): string {
  if (PLAIN_RESOURCE.test(raw)) return raw;
  const what = 'The resource part';
  if (raw === '') throw new JidError(`${what} is empty`);
  checkCommon(raw, what);
  const resource = raw.normalize('NFC');
  checkCommon(resource, what);
  return resource;
}

/** Parses and normalizes a JID. Throws JidError with a user-facing message if it is invalid. */
export function parseJid(input: string): Jid {
  if (input === '') throw new JidError('The address is empty');
  const slash = input.indexOf('/');
  const front = slash >= 0 ? input.slice(0, slash) : input;
  const at = front.indexOf('@');
  return {
    local: at >= 0 ? prepLocal(front.slice(0, at)) : null,
    domain: prepDomain(at >= 0 ? front.slice(at + 1) : front),
    resource: slash >= 0 ? prepResource(input.slice(slash + 1)) : null,
  };
}

/** Like parseJid, but returns null instead of throwing. */
export function tryParseJid(input: string): Jid | null {
  try {
    return parseJid(input);
  } catch (err) {
    if (err instanceof JidError) return null;
    throw err;
  }
}

/** Validates and normalizes each part of a Jid object, then joins them. Throws JidError. */
export function formatJid(jid: Jid): string {
  const local = jid.local === null ? null : prepLocal(jid.local);
  const domain = prepDomain(jid.domain);
  const resource = jid.resource === null ? null : prepResource(jid.resource);
  return (local === null ? '' : `${local}@`) + domain + (resource === null ? '' : `/${resource}`);
}

/** The normalized bare JID ('local@domain' or 'domain'). Throws JidError if the input is invalid. */
export function bareJid(input: string | Jid): string {
  const jid = typeof input === 'string' ? parseJid(input) : input;
  return formatJid({ local: jid.local, domain: jid.domain, resource: null });
}

/**
 * The JID in its normal form, or null when it is invalid: each part by its own rule (RFC 7622), so
 * 'Alice@Example.COM/Desk' and 'alice@example.com/Desk' are one JID but '…/desk' is another resource.
 * The one way to compare full JIDs (never lowercase a whole JID: resourceparts are case-sensitive).
 */
export function normalJid(input: string): string | null {
  const jid = tryParseJid(input);
  return jid === null ? null : formatJid(jid);
}

export function isValidJid(input: string): boolean {
  return tryParseJid(input) !== null;
}

/** True when the input is a valid JID without a resource. */
export function isBareJid(input: string): boolean {
  const jid = tryParseJid(input);
  return jid !== null && jid.resource === null;
}

/** What a form says about an address with a part over the limit (RFC 7622 §3.1). */
export const ADDRESS_TOO_LONG =
  'That address is too long: the name before the @ and the domain after it may each be at most 1,023 bytes.';

/** What is wrong with an address a person typed, for a form to say: a part too long, or anything else. */
export type JidProblem = 'too-long' | 'invalid';

/**
 * Why `input` is not a valid bare JID, or null when it is one. 'too-long' when any part is over 1023 bytes
 * (RFC 7622 §3.1), checked first: for a 3,000-character paste that is the thing to say, whatever else is
 * wrong with it. One linear pass per part.
 */
export function bareJidProblem(input: string): JidProblem | null {
  const slash = input.indexOf('/');
  const front = slash >= 0 ? input.slice(0, slash) : input;
  const at = front.indexOf('@');
  const parts = [
    at >= 0 ? front.slice(0, at) : '',
    front.slice(at + 1),
    slash >= 0 ? input.slice(slash + 1) : '',
  ];
  if (parts.some((part) => utf8Length(part) > MAX_PART_BYTES)) return 'too-long';
  return isBareJid(input) ? null : 'invalid';
}

/** True when both are valid and name the same bare JID after normalization. */
export function sameBareJid(a: string, b: string): boolean {
  const ja = tryParseJid(a);
  const jb = tryParseJid(b);
  return ja !== null && jb !== null && ja.local === jb.local && ja.domain === jb.domain;
}

/** Whether `jid` is the same account (local@domain, any resource) as `own`; false for null. */
export function sameAccount(jid: Jid | null, own: Jid): boolean {
  return jid !== null && jid.local === own.local && jid.domain === own.domain;
}

/**
 * A push our own account may send (RFC 6121 §2.1.6 for the roster; XEP-0191 blocking the same way): one with
 * no 'from', or from our bare JID. Anything else, an invalid address included, is not ours to accept.
 */
export function fromOwnAccount(from: string | undefined, account: string): boolean {
  if (from === undefined) return true;
  const sender = tryParseJid(from);
  return sender !== null && sender.resource === null && formatJid(sender) === account;
}
