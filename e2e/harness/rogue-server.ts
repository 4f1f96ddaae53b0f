// A scriptable fake XMPP server on loopback for hostile-input tests. It negotiates like a real one (STARTTLS or
// direct TLS with a throwaway CA-signed certificate the engine trusts through that CA, SASL SCRAM-SHA-256 or
// PLAIN, resource binding, a roster answer) and hands each connection to the test, which can send anything at
// any point and read what the client sent. Nothing it does is checked against a real server: it is the
// attacker, so it only does what the test scripts.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import { Parser, type Element } from '@xmpp/xml';
import { caSigned } from './certs.ts';
import { removeAtExit } from './exec.ts';

/**
 * Where a connection is: its first stream header over plain TCP ('connected'), a header over TLS before
 * SASL ('secured'), the header after SASL ('authenticated'), its resource bound ('bound').
 */
export type RogueStage = 'connected' | 'secured' | 'authenticated' | 'bound';
const STAGES: readonly RogueStage[] = ['connected', 'secured', 'authenticated', 'bound'];

export interface RogueServerOptions {
  /** The domain it claims to serve (the certificate names it). Default 'rogue.test'. */
  domain?: string;
  /** STARTTLS on a plain port (default), direct TLS (XEP-0368), or no TLS at all (loopback allowInsecure). */
  tls?: 'starttls' | 'direct' | 'none';
  /** SASL mechanisms offered. Default ['SCRAM-SHA-256']. */
  mechanisms?: ReadonlyArray<'SCRAM-SHA-256' | 'PLAIN'>;
  /** Accounts it accepts: user -> password. Default { alice: ROGUE_PASSWORD }. */
  accounts?: Readonly<Record<string, string>>;
  /** <item/> elements answered to every roster get. Default none. */
  roster?: string;
  /**
   * Called as a connection reaches a stage, before the server answers it (for 'bound': after the bind result).
   * Return 'stop' and the server sends nothing more on that connection by itself: the test is in charge.
   */
  onStage?: (stage: RogueStage, connection: RogueConnection) => void | 'stop';
  /**
   * Answers an iq get/set the client sent once bound: a reply (XML), 'ignore' for none, or undefined for the
   * default (the roster for a roster get, else an empty result from whom it was sent to).
   */
  onIq?: (iq: Element, connection: RogueConnection) => string | 'ignore' | undefined;
  /** How many received elements each connection keeps (oldest dropped first). Default 10,000. */
  keep?: number;
  /** More stream features (XML) offered at a stage, after the usual ones (e.g. XEP-0478 limits). */
  extraFeatures?: Partial<Record<RogueStage, string>>;
}

export interface RogueServer {
  readonly domain: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly directTls: boolean;
  /** The throwaway CA that signed its certificate: what the engine trusts (extraCertificates). */
  readonly caPem: string;
  readonly connections: readonly RogueConnection[];
  /** The connection with this index (0: the first), once a client has opened it. */
  connection(index: number, timeoutMs?: number): Promise<RogueConnection>;
  close(): Promise<void>;
}

export const ROGUE_PASSWORD = 'rogue-secret-password';
const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_ROSTER = 'jabber:iq:roster';
const RAW_KEPT = 1024 * 1024;
const SCRAM_ITERATIONS = 4096;

/** @xmpp/xml's Parser as used here (the shared declaration only names write()). */
interface StreamParser {
  write(data: string): void;
  on(event: 'start' | 'element' | 'end', listener: (element: Element) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

const certificates = new Map<string, ReturnType<typeof caSigned>>();
/** One CA and leaf per domain per process: openssl takes ~100 ms, tests start many servers. */
function certificateFor(domain: string): ReturnType<typeof caSigned> {
  let issued = certificates.get(domain);
  if (!issued) {
    issued = mkdtemp(path.join(os.tmpdir(), 'parley-rogue-')).then((dir) => {
      removeAtExit(dir);
      return caSigned(dir, 'rogue', domain);
    });
    certificates.set(domain, issued);
  }
  return issued;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The first defined `check()`, tried now and at every wake; rejects after timeoutMs. */
function until<T>(wakers: Set<() => void>, check: () => T | undefined, timeoutMs: number, what: string) {
  return new Promise<T>((resolve, reject) => {
    const wake = () => {
      const found = check();
      if (found === undefined) return;
      wakers.delete(wake);
      clearTimeout(timer);
      resolve(found);
    };
    const timer = setTimeout(() => {
      wakers.delete(wake);
      reject(new Error(`${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    wakers.add(wake);
    wake();
  });
}

const escapeAttr = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((byte, i) => byte ^ (b[i] ?? 0)));
const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** Server side of SCRAM-SHA-256 (RFC 5802/7677) for one exchange, on node:crypto. */
class ScramServer {
  #gs2 = '';
  #clientFirstBare = '';
  #serverFirst = '';
  #nonce = '';
  user = '';

  first(message: string): string | null {
    // 'y,,': the client could bind the channel but we offer no -PLUS (RFC 5802 §6).
    const match = /^([ny],,)(n=([^,]*),r=([^,]+))$/.exec(message);
    if (!match) return null;
    this.#gs2 = match[1]!;
    this.#clientFirstBare = match[2]!;
    this.user = match[3]!.replace(/=2C/g, ',').replace(/=3D/g, '=');
    this.#nonce = match[4]! + randomBytes(12).toString('base64');
    const salt = randomBytes(16).toString('base64');
    this.#serverFirst = `r=${this.#nonce},s=${salt},i=${SCRAM_ITERATIONS}`;
    return this.#serverFirst;
  }

  /** The server-final message for a right proof, null for a wrong one. */
  final(message: string, password: string | undefined): string | null {
    const match = /^(c=([^,]+),r=([^,]+)),p=([^,]+)$/.exec(message);
    if (!match || password === undefined) return null;
    if (match[2] !== Buffer.from(this.#gs2).toString('base64') || match[3] !== this.#nonce) return null;
    const salt = Buffer.from(/s=([^,]+)/.exec(this.#serverFirst)![1]!, 'base64');
    const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${match[1]}`;
    const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
    const clientKey = xor(Buffer.from(match[4]!, 'base64'), hmac(storedKey, authMessage));
    const check = createHash('sha256').update(clientKey).digest();
    if (check.length !== storedKey.length || !timingSafeEqual(check, storedKey)) return null;
    return `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`;
  }
}

type Settings = RogueServerOptions &
  Required<Pick<RogueServerOptions, 'mechanisms' | 'accounts' | 'roster' | 'keep'>>;

/** One client connection: what it sent, and a way to send it anything. */
export class RogueConnection {
  readonly index: number;
  stage: RogueStage = 'connected';
  /** The full JID bound on this connection, once 'bound'. */
  jid: string | null = null;
  /** Top-level elements the client sent (stanzas and nonzas), newest last, at most `keep`. */
  readonly received: Element[] = [];
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  readonly #options: Settings;
  readonly #domain: string;
  readonly #context: tls.SecureContext;
  #socket: net.Socket;
  #raw: string[] = [];
  #rawLength = 0;
  #stopped = false;
  #user: string | null = null;
  #scram: ScramServer | null = null;
  readonly #reached = new Map(STAGES.map((stage) => [stage, deferred()]));
  /** Woken at every element received (the newest is #latest). */
  readonly #wakers = new Set<() => void>();
  #latest: Element | null = null;

  constructor(
    index: number,
    socket: net.Socket,
    secure: boolean,
    options: Settings,
    context: tls.SecureContext,
  ) {
    this.index = index;
    this.#socket = socket;
    this.#options = options;
    this.#domain = options.domain ?? 'rogue.test';
    this.#context = context;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    if (secure) this.stage = 'secured';
    this.#read(socket);
  }

  /** What the client wrote (after TLS), decoded, at most its last MiB. */
  raw(): string {
    return this.#raw.join('');
  }

  /** Writes to the client as is (bytes too); false when the socket's buffer is full (await flushed()). */
  send(data: string | Uint8Array | Element): boolean {
    if (this.#socket.destroyed || !this.#socket.writable) return false;
    return this.#socket.write(
      typeof data === 'string' || data instanceof Uint8Array ? data : data.toString(),
    );
  }

  /** Resolves once everything sent has been handed to the kernel. */
  flushed(): Promise<void> {
    if (!this.#socket.writableNeedDrain || this.#socket.destroyed) return Promise.resolve();
    const drained = once(this.#socket, 'drain').then(
      () => undefined,
      () => undefined,
    );
    return Promise.race([drained, this.closed]);
  }

  /** Our stream header (to send yourself after returning 'stop'). */
  header(): string {
    return (
      `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'` +
      ` id='${randomBytes(6).toString('hex')}' from='${escapeAttr(this.#domain)}' version='1.0' xml:lang='en'>`
    );
  }

  /** The stream features the server offers at `stage`. */
  features(stage: RogueStage = this.stage): string {
    let inner = '';
    if (stage === 'connected' && this.#options.tls !== 'none') {
      inner = `<starttls xmlns='${NS_TLS}'><required/></starttls>`;
    } else if (stage === 'connected' || stage === 'secured') {
      const offered = this.#options.mechanisms.map((m) => `<mechanism>${m}</mechanism>`).join('');
      inner = `<mechanisms xmlns='${NS_SASL}'>${offered}</mechanisms>`;
    } else if (stage === 'authenticated') {
      inner = `<bind xmlns='${NS_BIND}'/>`;
    }
    return `<stream:features>${inner}${this.#options.extraFeatures?.[stage] ?? ''}</stream:features>`;
  }

  reached(stage: RogueStage): Promise<void> {
    return this.#reached.get(stage)!.promise;
  }

  /** The first element (already received or arriving later) matching `pred`. */
  waitFor(pred: (element: Element) => boolean, timeoutMs = 10_000): Promise<Element> {
    const earlier = this.received.find(pred);
    if (earlier) return Promise.resolve(earlier);
    const latest = () => (this.#latest && pred(this.#latest) ? this.#latest : undefined);
    return until(this.#wakers, latest, timeoutMs, `rogue connection ${this.index}: nothing matching`);
  }

  /** Destroys the socket at once (a reset, from the client's point of view). */
  destroy(): void {
    this.#socket.destroy();
  }

  /** Parses what the client writes on `socket`; a new parser for every stream (re)start. */
  #read(socket: net.Socket): void {
    const decoder = new StringDecoder('utf8');
    let parser = this.#parser();
    const onData = (data: Buffer) => {
      const text = decoder.write(data);
      this.#raw.push(text);
      this.#rawLength += text.length;
      while (this.#rawLength - this.#raw[0]!.length > RAW_KEPT) this.#rawLength -= this.#raw.shift()!.length;
      try {
        parser.write(text);
      } catch {
        // The client is the engine under test; its XML is its own business (raw() still shows it).
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    this.#restart = (next?: net.Socket) => {
      parser = this.#parser();
      if (next) {
        socket.off('data', onData);
        this.#socket = next;
        this.#read(next);
      }
    };
  }

  #restart: (next?: net.Socket) => void = () => undefined;

  #parser(): StreamParser {
    const parser = new Parser() as unknown as StreamParser;
    let root: Element | null = null;
    parser.on('start', (element) => {
      root = element;
      this.#onHeader();
    });
    parser.on('element', (element) => {
      if (root) root.children.length = 0; // whitespace keepalives would pile up on the root
      this.#onElement(element);
    });
    parser.on('end', () => {
      this.send('</stream:stream>');
      this.#socket.end();
    });
    parser.on('error', () => undefined);
    return parser;
  }

  #enter(stage: RogueStage): boolean {
    this.stage = stage;
    this.#reached.get(stage)!.resolve();
    if (!this.#stopped && this.#options.onStage?.(stage, this) === 'stop') this.#stopped = true;
    return !this.#stopped;
  }

  #onHeader(): void {
    // A header arrives first on plain TCP, again over TLS, and again after SASL: the stage says which.
    const stage =
      this.stage === 'connected' && this.#socket instanceof tls.TLSSocket ? 'secured' : this.stage;
    if (!this.#enter(stage)) return;
    this.send(this.header() + this.features(stage));
  }

  #onElement(element: Element): void {
    this.received.push(element);
    if (this.received.length > this.#options.keep) this.received.shift();
    this.#latest = element;
    for (const wake of this.#wakers) wake();
    if (this.#stopped) return;
    if (element.is('starttls', NS_TLS) && this.stage === 'connected') this.#startTls();
    else if (element.getNS() === NS_SASL) this.#sasl(element);
    else if (element.is('iq') && this.stage === 'authenticated') this.#bind(element);
    else if (element.is('iq') && this.stage === 'bound') this.#answerIq(element);
  }

  #startTls(): void {
    this.send(`<proceed xmlns='${NS_TLS}'/>`);
    const secure = new tls.TLSSocket(this.#socket, { isServer: true, secureContext: this.#context });
    secure.on('error', () => undefined);
    this.#restart(secure);
  }

  #sasl(element: Element): void {
    const payload = Buffer.from(element.text().trim(), 'base64').toString('utf8');
    const fail = () => this.send(`<failure xmlns='${NS_SASL}'><not-authorized/></failure>`);
    const succeed = (user: string, final?: string) => {
      this.#user = user;
      this.stage = 'authenticated';
      const text = final === undefined ? '' : Buffer.from(final).toString('base64');
      this.#restart();
      this.send(`<success xmlns='${NS_SASL}'>${text}</success>`);
    };
    const mechanism = element.attrs.mechanism;
    if (element.name === 'auth' && mechanism === 'PLAIN' && this.#options.mechanisms.includes('PLAIN')) {
      const [, user = '', password] = payload.split('\0');
      if (this.#options.accounts[user] === password) succeed(user);
      else fail();
    } else if (element.name === 'auth' && mechanism === 'SCRAM-SHA-256') {
      this.#scram = new ScramServer();
      const first = this.#scram.first(payload);
      if (first)
        this.send(`<challenge xmlns='${NS_SASL}'>${Buffer.from(first).toString('base64')}</challenge>`);
      else fail();
    } else if (element.name === 'response' && this.#scram) {
      const scram = this.#scram;
      this.#scram = null;
      const final = scram.final(payload, this.#options.accounts[scram.user]);
      if (final) succeed(scram.user, final);
      else fail();
    } else fail();
  }

  #bind(iq: Element): void {
    const bind = iq.getChild('bind', NS_BIND);
    if (!bind) {
      this.send(`<iq type='result' id='${escapeAttr(iq.attrs.id ?? '')}'/>`); // a legacy session iq
      return;
    }
    const resource = bind.getChildText('resource') || randomBytes(4).toString('hex');
    this.jid = `${this.#user}@${this.#domain}/${resource}`;
    const jid = this.jid.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    this.send(
      `<iq type='result' id='${escapeAttr(iq.attrs.id ?? '')}'><bind xmlns='${NS_BIND}'><jid>${jid}</jid></bind></iq>`,
    );
    this.#enter('bound');
  }

  #answerIq(iq: Element): void {
    if (iq.attrs.type !== 'get' && iq.attrs.type !== 'set') return;
    const answer = this.#options.onIq?.(iq, this);
    if (answer === 'ignore') return;
    const id = escapeAttr(iq.attrs.id ?? '');
    const from = iq.attrs.to === undefined ? '' : ` from='${escapeAttr(iq.attrs.to)}'`;
    if (answer !== undefined) this.send(answer);
    else if (iq.attrs.type === 'get' && iq.getChild('query', NS_ROSTER)) {
      this.send(
        `<iq type='result' id='${id}'><query xmlns='${NS_ROSTER}'>${this.#options.roster}</query></iq>`,
      );
    } else this.send(`<iq type='result' id='${id}'${from}/>`);
  }
}

export async function startRogueServer(options: RogueServerOptions = {}): Promise<RogueServer> {
  const domain = options.domain ?? 'rogue.test';
  const { ca, leaf } = await certificateFor(domain);
  const context = tls.createSecureContext({ key: leaf.keyPem, cert: leaf.certPem });
  const settings = {
    ...options,
    mechanisms: options.mechanisms ?? ['SCRAM-SHA-256'],
    accounts: options.accounts ?? { alice: ROGUE_PASSWORD },
    roster: options.roster ?? '',
    keep: options.keep ?? 10_000,
  };
  const connections: RogueConnection[] = [];
  const sockets = new Set<net.Socket>();
  const waiting = new Set<() => void>();
  const accept = (socket: net.Socket, secure: boolean) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    connections.push(new RogueConnection(connections.length, socket, secure, settings, context));
    for (const wake of waiting) wake();
  };
  const direct = options.tls === 'direct';
  const server = direct
    ? tls.createServer({ key: leaf.keyPem, cert: leaf.certPem, ALPNProtocols: ['xmpp-client'] }, (s) =>
        accept(s, true),
      )
    : net.createServer((socket) => accept(socket, false));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    domain,
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    directTls: direct,
    caPem: ca.certPem,
    connections,
    connection: (index, timeoutMs = 10_000) =>
      until(waiting, () => connections[index], timeoutMs, `no rogue connection #${index}`),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
