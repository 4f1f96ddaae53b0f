// SASL SCRAM client (RFC 5802; SCRAM-SHA-256 per RFC 7677; SCRAM-SHA-512 by the same construction), with
// channel binding for the -PLUS variants (the GS2 header, RFC 5802 §6/§7) and the XEP-0474 downgrade check,
// plus the PLAIN (RFC 4616) initial response. Built on node:crypto. Which mechanism and binding: choose.ts.

import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { downgradeProtectionHash, type AdvertisedLists } from './downgrade-protection.ts';

export type ScramHash = 'SHA-1' | 'SHA-256' | 'SHA-512';

export const SCRAM_MECHANISMS: Readonly<Record<`SCRAM-${ScramHash}`, ScramHash>> = Object.freeze({
  'SCRAM-SHA-1': 'SHA-1',
  'SCRAM-SHA-256': 'SHA-256',
  'SCRAM-SHA-512': 'SHA-512',
});

export class ScramError extends Error {
  /** The server's 'e=' error value (RFC 5802 §7 server-error-value), when the server sent one. */
  readonly serverError: string | null;

  constructor(message: string, serverError: string | null = null) {
    super(message);
    this.name = 'ScramError';
    this.serverError = serverError;
  }
}

const NODE_HASH: Record<ScramHash, { name: string; bytes: number }> = {
  'SHA-1': { name: 'sha1', bytes: 20 },
  'SHA-256': { name: 'sha256', bytes: 32 },
  'SHA-512': { name: 'sha512', bytes: 64 },
};

/** RFC 7677 §4 / RFC 5802 §5.1: servers should use at least 4096 iterations; fewer is a downgrade. */
const MIN_ITERATIONS = 4096;
/** Guards against a hostile server pinning the CPU (and stays within pbkdf2's 32-bit limit). */
const MAX_ITERATIONS = 10_000_000;
/**
 * The GS2 channel-binding flag (RFC 5802 §6; never an authzid): 'n' = no binding on this link, 'y' = we would
 * bind but the server offered no -PLUS (a server that did offer it then knows the list was trimmed), 'p' =
 * bound to `data` of `type`.
 */
export type Gs2Binding = { flag: 'n' } | { flag: 'y' } | { flag: 'p'; type: string; data: Buffer };

export interface ScramOptions {
  /** Fixed client nonce (tests); random otherwise. */
  nonce?: string;
  binding?: Gs2Binding;
  /** XEP-0474: what the server advertised; its 'h=' must match these lists. */
  advertised?: AdvertisedLists;
  /** Fail unless the server proves its lists with 'h=' (its XEP-0440 list held no type we can do). */
  requireDowngradeProof?: boolean;
}

/** RFC 5802 §7 cb-name: 1*(ALPHA / DIGIT / "." / "-"). */
const CB_NAME = /^[A-Za-z0-9.-]+$/;

// --- SASLprep (RFC 4013), approximated ---------------------------------------------------------
// Implemented: the two mapping steps (RFC 3454 C.1.2 non-ASCII spaces → U+0020; B.1 "commonly
// mapped to nothing" → removed), NFKC normalization, and the prohibited-output check (C.1.2 after
// mapping is moot; C.2 controls, C.3 private use, C.4 non-characters, C.5 surrogates, C.6, C.7,
// C.8, C.9). Not implemented: the bidirectional-text checks (RFC 3454 §6) and the unassigned
// code point check (A.1, which is against Unicode 3.2 and only applies to stored strings).
// U+200B ZERO WIDTH SPACE is listed in both B.1 and C.1.2; it is treated as B.1 (removed), as it is
// invisible and a user cannot knowingly type a space there.

type Ranges = readonly (readonly [number, number])[];

/** RFC 3454 B.1. */
const MAPPED_TO_NOTHING: Ranges = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];
/** RFC 3454 C.1.2, minus U+200B (see above). */
const NON_ASCII_SPACE: Ranges = [
  [0x00a0, 0x00a0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
/**
 * RFC 3454 C.2.2 (the non-Cc members), C.6, C.7, C.8 and C.9. C.2.1/C.2.2 controls, C.3 private
 * use, C.4 non-characters and C.5 surrogates are matched by Unicode property in PROHIBITED_CLASS.
 */
const PROHIBITED_LISTED: Ranges = [
  [0x0340, 0x0341],
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x180e, 0x180e],
  [0x200c, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x2063],
  [0x206a, 0x206f],
  [0x2ff0, 0x2ffb],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffd],
  [0x1d173, 0x1d17a],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
];
const PROHIBITED_CLASS = /[\p{Cc}\p{Co}\p{Cs}\p{Noncharacter_Code_Point}]/u;

function inRanges(cp: number, ranges: Ranges): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/** Prepares a username or password per (approximated) SASLprep. Throws ScramError on prohibited output. */
export function saslPrep(input: string, what = 'string'): string {
  let mapped = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0) ?? 0;
    if (inRanges(cp, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(cp, MAPPED_TO_NOTHING)) mapped += ch;
  }
  const out = mapped.normalize('NFKC');
  for (const ch of out) {
    const cp = ch.codePointAt(0) ?? 0;
    if (PROHIBITED_CLASS.test(ch) || inRanges(cp, PROHIBITED_LISTED)) {
      // Which character is said only for a username: of a password, it would leak part of the secret into
      // the UI and any log the message reaches.
      const which = what === 'password' ? '' : ` (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
      throw new ScramError(`The ${what} contains a character that is not allowed${which}`);
    }
  }
  return out;
}

/** RFC 5802 §5.1 saslname: '=' → '=3D', ',' → '=2C'. */
export function escapeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

// --- crypto primitives ------------------------------------------------------------------------

function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(NODE_HASH[hash].name, key).update(data).digest();
}

function digest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(NODE_HASH[hash].name).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/**
 * SaltedPassword := Hi(Normalize(password), salt, i) — PBKDF2-HMAC with dkLen = hash output size.
 * The one place the expensive derivation happens: a cache of salted passwords (keyed by hash, salt
 * and iteration count) can hook in here, or by overriding ScramClient#deriveSaltedPassword.
 * `password` must already be SASLprep'd.
 */
export function computeSaltedPassword(
  hash: ScramHash,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  const { name, bytes } = NODE_HASH[hash];
  return new Promise((resolve, reject) => {
    pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, bytes, name, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

// --- message parsing --------------------------------------------------------------------------

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 5802 §7 printable: %x21-2B / %x2D-7E (no ','). */
const PRINTABLE = /^[\x21-\x2B\x2D-\x7E]+$/;

function decodeBase64(value: string, what: string): Buffer {
  if (value === '' || !BASE64.test(value)) throw new ScramError(`The server sent an invalid ${what}`);
  return Buffer.from(value, 'base64');
}

/** Splits 'a=x,b=y' into [['a','x'],['b','y']]; values may contain '='. */
function parseAttributes(message: string, what: string): [string, string][] {
  return message.split(',').map((part) => {
    if (!/^[A-Za-z]=/.test(part)) throw new ScramError(`Malformed SCRAM ${what}`);
    return [part[0] ?? '', part.slice(2)];
  });
}

type State = 'initial' | 'awaiting-server-final' | 'done';

export class ScramClient {
  readonly hash: ScramHash;
  readonly #username: string;
  readonly #password: string;
  readonly #clientNonce: string;
  readonly #gs2Header: string;
  /** base64 of the GS2 header and the binding data: the client-final 'c=' value. */
  readonly #channelBinding: string;
  readonly #advertised: AdvertisedLists | null;
  readonly #requireDowngradeProof: boolean;
  #state: State = 'initial';
  #serverSignature: Buffer | null = null;

  constructor(hash: ScramHash, username: string, password: string, options: ScramOptions = {}) {
    if (!Object.hasOwn(NODE_HASH, hash)) throw new ScramError(`Unsupported SCRAM hash: ${String(hash)}`);
    this.hash = hash;
    const user = saslPrep(username, 'username');
    if (user === '') throw new ScramError('The username is empty');
    const pass = saslPrep(password, 'password');
    if (pass === '') throw new ScramError('The password is empty');
    this.#username = escapeSaslName(user);
    this.#password = pass;
    const nonce = options.nonce ?? randomBytes(24).toString('base64');
    if (!PRINTABLE.test(nonce))
      throw new ScramError('The client nonce must be printable ASCII without commas');
    this.#clientNonce = nonce;
    const binding = options.binding ?? { flag: 'n' };
    if (binding.flag === 'p' && (!CB_NAME.test(binding.type) || binding.data.length === 0)) {
      throw new ScramError('Invalid channel binding');
    }
    this.#gs2Header = binding.flag === 'p' ? `p=${binding.type},,` : `${binding.flag},,`;
    const cbData = binding.flag === 'p' ? binding.data : Buffer.alloc(0);
    this.#channelBinding = Buffer.concat([Buffer.from(this.#gs2Header), cbData]).toString('base64');
    this.#advertised = options.advertised ?? null;
    this.#requireDowngradeProof = options.requireDowngradeProof ?? false;
  }

  /** client-first-message-bare (RFC 5802 §7): 'n=<saslname>,r=<nonce>'. */
  #clientFirstBare(): string {
    return `n=${this.#username},r=${this.#clientNonce}`;
  }

  /** The initial response: the GS2 header + client-first-message-bare. */
  clientFirstMessage(): string {
    return this.#gs2Header + this.#clientFirstBare();
  }

  /** Hook for a salted-password cache; by default derives it with PBKDF2. */
  protected deriveSaltedPassword(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
    return computeSaltedPassword(this.hash, password, salt, iterations);
  }

  /** Validates the server-first-message and returns the client-final-message (with proof). */
  async clientFinalMessage(serverFirst: string): Promise<string> {
    if (this.#state !== 'initial') throw new ScramError('SCRAM client-final message already computed');
    this.#state = 'awaiting-server-final';

    const attrs = parseAttributes(serverFirst, 'server-first message');
    if (attrs[0]?.[0] === 'm')
      throw new ScramError('The server requires an unsupported SCRAM extension (m=)');
    const [r, s, i, ...extensions] = attrs;
    if (r?.[0] !== 'r' || s?.[0] !== 's' || i?.[0] !== 'i')
      throw new ScramError('Malformed SCRAM server-first message');
    this.#checkDowngradeProof(extensions.find(([name]) => name === 'h')?.[1] ?? null);

    const serverNonce = r[1];
    if (!PRINTABLE.test(serverNonce)) throw new ScramError('The server sent an invalid nonce');
    if (!serverNonce.startsWith(this.#clientNonce) || serverNonce.length <= this.#clientNonce.length) {
      throw new ScramError('The server nonce does not extend the client nonce');
    }
    const salt = decodeBase64(s[1], 'salt');
    if (!/^[1-9][0-9]*$/.test(i[1])) throw new ScramError('The server sent an invalid iteration count');
    const iterations = Number(i[1]);
    if (iterations < MIN_ITERATIONS) {
      throw new ScramError(
        `SCRAM iteration count too low (${iterations}; at least ${MIN_ITERATIONS} required)`,
      );
    }
    if (iterations > MAX_ITERATIONS) throw new ScramError(`SCRAM iteration count too high (${i[1]})`);

    const clientFinalWithoutProof = `c=${this.#channelBinding},r=${serverNonce}`;
    const authMessage = `${this.#clientFirstBare()},${serverFirst},${clientFinalWithoutProof}`;

    const saltedPassword = await this.deriveSaltedPassword(this.#password, salt, iterations);
    const clientKey = hmac(this.hash, saltedPassword, 'Client Key');
    const storedKey = digest(this.hash, clientKey);
    const clientSignature = hmac(this.hash, storedKey, authMessage);
    const clientProof = xor(clientKey, clientSignature);
    const serverKey = hmac(this.hash, saltedPassword, 'Server Key');
    this.#serverSignature = hmac(this.hash, serverKey, authMessage);

    return `${clientFinalWithoutProof},p=${clientProof.toString('base64')}`;
  }

  /** XEP-0474: the server's hash of what it advertised must match what reached us. */
  #checkDowngradeProof(serverHash: string | null): void {
    if (serverHash === null) {
      if (this.#requireDowngradeProof) {
        throw new ScramError(
          'The server offered channel binding only of types Parley cannot use and did not prove that list is its own (XEP-0474); it may have been changed on the way',
        );
      }
      return;
    }
    if (!this.#advertised) return;
    if (serverHash !== downgradeProtectionHash(this.hash, this.#advertised)) {
      throw new ScramError(
        'The sign-in methods the server offered were changed on the way (XEP-0474 downgrade protection): someone may be intercepting the connection',
      );
    }
  }

  /** Checks the server-final-message; returns only if the server proved it knows the password. */
  verifyServerFinal(serverFinal: string): void {
    const expected = this.#serverSignature;
    if (this.#state !== 'awaiting-server-final' || expected === null) {
      throw new ScramError('Unexpected SCRAM server-final message');
    }
    this.#state = 'done';
    this.#serverSignature = null;

    if (serverFinal.startsWith('e=')) {
      const text = serverFinal.slice(2).split(',')[0] ?? '';
      throw new ScramError(`The server rejected authentication: ${text}`, text);
    }
    if (!serverFinal.startsWith('v=')) throw new ScramError('Malformed SCRAM server-final message');
    const value = serverFinal.slice(2).split(',')[0] ?? '';
    const actual = decodeBase64(value, 'server signature');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new ScramError('The server signature is wrong: the server could not prove it knows the password');
    }
  }
}

/** RFC 4616 PLAIN message with an empty authzid: '\0' + authcid + '\0' + passwd (SASLprep'd). */
export function plainInitialResponse(username: string, password: string): string {
  return `\0${saslPrep(username, 'username')}\0${saslPrep(password, 'password')}`;
}
