// xmpp: URIs (RFC 5122) and their XEP-0147 actions, as the contract carries them once parsed. The parser
// (strict: percent-decoding, IRI, length limits; the URI comes from another program) lives here too.
import { formatJid, isBareJid, JidError, parseJid } from './jid.ts';
import { MAX_BODY_CHARS } from './limits.ts';

export const MAX_URI_CHARS = 8_192;
/** key=value pairs past this make a link refused: no honest link carries that many. */
export const MAX_URI_PARAMS = 32;

/** What a link asks for; anything else (or nothing) opens a chat. */
export const URI_ACTIONS = [
  'message',
  'roster',
  'subscribe',
  'join',
  'invite',
  'remove',
  'unsubscribe',
] as const;

export interface XmppUri {
  /** The account named by xmpp://account@host/… ; null: the user (or the only account) decides. */
  account: string | null;
  /** The address the link is about (a contact, a room). */
  jid: string;
  action: (typeof URI_ACTIONS)[number];
  /** The action's key=value pairs, decoded (body, subject, name, group, password, jid …). */
  params: Record<string, string>;
}
export type XmppUriAction = XmppUri['action'];

export type ParsedXmppUri = { ok: true; uri: XmppUri } | { ok: false; error: string };

/** The keys each action takes (XEP-0147's registry; subscribe takes roster's to pre-fill the same dialog). */
const ACTION_KEYS: Record<XmppUriAction, readonly string[]> = {
  message: ['body', 'subject', 'thread', 'type'],
  roster: ['name', 'group'],
  subscribe: ['name', 'group'],
  join: ['password'],
  invite: ['jid', 'password'],
  remove: [],
  unsubscribe: [],
};

/** ASCII that RFC 3987 never allows raw in an IRI: a program that sends it is not sending a URI. */
const FORBIDDEN_ASCII = new Set([' ', '"', '<', '>', '\\', '^', '`', '{', '|', '}']);

class UriError extends Error {}

/** Bidi formatting characters (RFC 3987 §4.1 forbids them in IRIs: they make a link read as another). */
function isBidiControl(cp: number): boolean {
  return cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/** One pass over the raw text: no controls, spaces, lone surrogates, bidi controls or forbidden ASCII. */
function checkRawCharacters(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new UriError('The link contains an invalid character.');
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) throw new UriError('The link contains an invalid character.');
    if (unit <= 0x20 || (unit >= 0x7f && unit <= 0x9f))
      throw new UriError('The link contains a space or a control character.');
    if (isBidiControl(unit)) throw new UriError('The link contains a text-direction control character.');
    if (unit < 0x80 && FORBIDDEN_ASCII.has(text[i]!))
      throw new UriError(`The link contains a character links may not hold (${text[i]}).`);
  }
}

/** Percent-decodes UTF-8; a broken escape or bytes that are not UTF-8 refuse the link. */
function decode(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new UriError('The link has a broken %-escape (not UTF-8).');
  }
}

/**
 * Decoded text holds what the raw text may not: a %-escape can carry a control or a bidi control (U+202E
 * makes 'moc.elpmaxe@evil.com' read as another address). Controls (C0, DEL, C1) and bidi controls are
 * refused (the reason, or null); a value's text may keep tabs and line breaks.
 */
function decodedProblem(text: string, lineBreaksAllowed: boolean): string | null {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const lineBreak = unit === 0x09 || unit === 0x0a || unit === 0x0d;
    if ((unit < 0x20 && !(lineBreaksAllowed && lineBreak)) || (unit >= 0x7f && unit <= 0x9f))
      return 'a control character';
    if (isBidiControl(unit)) return 'a text-direction control character';
  }
  return null;
}

/** A decoded value: text, so controls other than tab and line breaks are refused. */
function decodeValue(raw: string): string {
  const value = decode(raw);
  const problem = decodedProblem(value, true);
  if (problem !== null) throw new UriError(`The link contains ${problem}.`);
  if (value.length > MAX_BODY_CHARS) throw new UriError('A value in the link is too long.');
  return value;
}

/** The address in a path ([node@]host[/resource]), each part decoded on its own and validated. */
function addressOf(path: string, what: string): string {
  if (path === '') throw new UriError(`The link names no ${what}.`);
  const slash = path.indexOf('/');
  const front = slash >= 0 ? path.slice(0, slash) : path;
  const at = front.indexOf('@');
  const part = (raw: string): string => {
    const text = decode(raw);
    const problem = decodedProblem(text, false);
    if (problem !== null)
      throw new UriError(`The ${what} in the link is not valid (it contains ${problem}).`);
    return text;
  };
  try {
    return formatJid({
      local: at >= 0 ? part(front.slice(0, at)) : null,
      domain: part(at >= 0 ? front.slice(at + 1) : front),
      resource: slash >= 0 ? part(path.slice(slash + 1)) : null,
    });
  } catch (error) {
    if (error instanceof JidError) {
      const why = error.message.charAt(0).toLowerCase() + error.message.slice(1);
      throw new UriError(`The ${what} in the link is not valid (${why}).`);
    }
    throw error;
  }
}

function isAction(name: string): name is XmppUriAction {
  return (URI_ACTIONS as readonly string[]).includes(name);
}

/** The query (after '?'): the action, then ;key=value pairs (first of each key wins, unknown keys dropped). */
function queryOf(query: string | null): { action: XmppUriAction; params: Record<string, string> } {
  const params: Record<string, string> = {};
  if (query === null) return { action: 'message', params };
  const parts = query.split(';', MAX_URI_PARAMS + 2);
  if (parts.length > MAX_URI_PARAMS + 1) throw new UriError('The link has too many parameters.');
  const name = decode(parts[0]!).toLowerCase();
  // An action we do not know only opens the chat: nothing of it is carried out.
  if (!isAction(name)) return { action: 'message', params };
  const keys = ACTION_KEYS[name];
  for (const pair of parts.slice(1)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue; // ';;' or a bare key: nothing to take
    const key = decode(pair.slice(0, eq));
    if (!keys.includes(key) || Object.hasOwn(params, key)) continue;
    params[key] = decodeValue(pair.slice(eq + 1));
  }
  if (params.jid !== undefined) {
    // The invitee: an address, or the link is refused (never sent on as typed).
    if (!isBareJid(params.jid)) throw new UriError('The address to invite in the link is not valid.');
    params.jid = formatJid(parseJid(params.jid));
  }
  return { action: name, params };
}

/**
 * Parses an xmpp: URI (RFC 5122: xmpp:node@domain/resource?action;key=value, or xmpp://account@host/target?…)
 * with its XEP-0147 action. Never throws: a refused link says why. Linear in the text.
 */
export function parseXmppUri(text: string): ParsedXmppUri {
  try {
    if (typeof text !== 'string' || text === '') throw new UriError('The link is empty.');
    if (text.length > MAX_URI_CHARS) throw new UriError('The link is too long.');
    if (text.slice(0, 5).toLowerCase() !== 'xmpp:') throw new UriError('This is not an xmpp: link.');
    let rest = text.slice(5);
    checkRawCharacters(rest);
    const hash = rest.indexOf('#');
    if (hash >= 0) rest = rest.slice(0, hash); // a fragment means nothing to us
    const mark = rest.indexOf('?');
    const hier = mark >= 0 ? rest.slice(0, mark) : rest;
    const query = mark >= 0 ? rest.slice(mark + 1) : null;

    let account: string | null = null;
    let target = hier;
    if (hier.startsWith('//')) {
      const slash = hier.indexOf('/', 2);
      const authority = slash >= 0 ? hier.slice(2, slash) : hier.slice(2);
      if (!authority.includes('@')) throw new UriError('The account in the link has no user name.');
      account = addressOf(authority, 'account');
      target = slash >= 0 ? hier.slice(slash + 1) : '';
    }
    const jid = addressOf(target, 'address');
    return { ok: true, uri: { account, jid, ...queryOf(query) } };
  } catch (error) {
    if (error instanceof UriError) return { ok: false, error: error.message };
    throw error;
  }
}
