// Node side of the scripted slixmpp peer (slixmpp_peer.py): spawns it, turns its JSON-line events
// into a queue tests can wait on, and turns method calls into acknowledged commands.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { forgetTempDir, removeAtExit, terminate, track } from './exec.ts';
import { mucCommands } from './peer-muc.ts';
import type { MucCommands, MucPeerEvent } from './peer-muc.ts';

export type { MucPeerEvent } from './peer-muc.ts';

export interface PeerOptions {
  jid: string;
  password: string;
  host: string;
  port: number;
  /** Trust this PEM (the server's self-signed leaf or its CA). Verification is never disabled. */
  caPem: string;
  resource?: string;
  /** Default 'ignore': a 'subscribe' presence event is emitted and the test decides. */
  onSubscribe?: 'approve' | 'deny' | 'ignore';
  /** Reply to each chat message with the same body, same thread. */
  echo?: boolean;
}

/** What the peer reports; rooms and invitations are MucPeerEvents (peer-muc.ts), not 'message'/'presence'. */
export type PeerEvent =
  | MucPeerEvent
  | { type: 'online' }
  /** The server ended the stream (not our stop()); with its stream error condition when it sent one. */
  | { type: 'disconnected'; streamError: string | null }
  | {
      type: 'message';
      from: string;
      to: string;
      id: string | null;
      msgType: string;
      body: string | null;
      subject: string | null;
      thread: string | null;
      originId: string | null;
      receiptRequested: boolean;
    }
  | {
      /** A XEP-0333 chat marker received (slixmpp's 'message' events only cover messages with a body). */
      type: 'marker';
      from: string;
      kind: 'received' | 'displayed' | 'acknowledged';
      /** The id of the message it marks. */
      id: string | null;
    }
  | {
      type: 'presence';
      from: string;
      /** 'available' | 'unavailable' | 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed' | 'error' */
      presenceType: string;
      show: string | null;
      status: string | null;
      priority: number;
    }
  | {
      type: 'roster';
      items: Array<{ jid: string; subscription: string; name: string | null; ask: string | null }>;
    };

type EventOf<T extends PeerEvent['type']> = Extract<PeerEvent, { type: T }>;
type RosterItems = EventOf<'roster'>['items'];

/** A slixmpp peer: its events, its commands, and (MucCommands) group chat as occupant, moderator and owner. */
export interface SlixmppPeer extends MucCommands {
  jid: string;
  /** Every event received so far, in order. */
  events: PeerEvent[];
  /** First matching event not yet consumed by an earlier waitFor (past or future). Default timeout 10 s. */
  waitFor<T extends PeerEvent['type']>(
    type: T,
    predicate?: (e: EventOf<T>) => boolean,
    timeoutMs?: number,
  ): Promise<EventOf<T>>;
  sendMessage(
    to: string,
    body: string,
    opts?: {
      type?: 'chat' | 'normal' | 'headline';
      subject?: string;
      thread?: string;
      id?: string;
      /** Ask for XEP-0333 chat markers (<markable/>). */
      markable?: boolean;
    },
  ): Promise<void>;
  sendMany(to: string, count: number, prefix: string): Promise<void>;
  sendRaw(xml: string): Promise<void>;
  subscribe(to: string): Promise<void>;
  approve(from: string): Promise<void>;
  deny(from: string): Promise<void>;
  unsubscribe(to: string): Promise<void>;
  /** Sends 'unsubscribed'. */
  cancel(to: string): Promise<void>;
  setPresence(
    show?: 'chat' | 'away' | 'xa' | 'dnd' | null,
    status?: string | null,
    priority?: number,
  ): Promise<void>;
  getRoster(): Promise<RosterItems>;
  stop(): Promise<void>;
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'slixmpp_peer.py');
// Debian's python3-slixmpp is only importable by the system interpreter.
const PYTHON = '/usr/bin/python3';
const START_TIMEOUT_MS = 10_000;
const DEFAULT_WAIT_MS = 10_000;

interface Waiter {
  type: string;
  predicate: (e: PeerEvent) => boolean;
  resolve: (e: PeerEvent) => void;
  reject: (err: Error) => void;
}

interface Ack {
  ack: number;
  error?: string;
  result?: unknown;
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export async function startSlixmppPeer(options: PeerOptions): Promise<SlixmppPeer> {
  const fullJid = options.resource ? `${options.jid}/${options.resource}` : options.jid;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'parley-peer-'));
  removeAtExit(tmp);
  const caFile = path.join(tmp, 'ca.pem');
  await writeFile(caFile, options.caPem);

  const args = [
    SCRIPT,
    '--jid',
    fullJid,
    '--host',
    options.host,
    '--port',
    String(options.port),
    '--ca-file',
    caFile,
    '--on-subscribe',
    options.onSubscribe ?? 'ignore',
  ];
  if (options.echo) args.push('--echo');
  const child: ChildProcess = spawn(PYTHON, args, {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PEER_PASSWORD: options.password, PYTHONUNBUFFERED: '1' },
  });
  track(child);
  // A peer that has already gone (its exit is on its way) makes a command's write fail with EPIPE; the exit
  // reports it, so the write error must not become an unhandled 'error' that kills this process (the demo's
  // Ctrl+C stopped its peers this way).
  child.stdin?.on('error', () => undefined);

  const events: PeerEvent[] = [];
  const consumed = new Set<PeerEvent>(); // events already handed to a waitFor
  const waiters = new Set<Waiter>();
  const acks = new Map<number, { resolve: (a: Ack) => void; reject: (e: Error) => void }>();
  let stderr = '';
  let exitInfo: string | null = null;
  let nextCommand = 1;

  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });

  const describe = (): string => {
    const recent = events
      .slice(-15)
      .map((e) => JSON.stringify(e))
      .join('\n  ');
    return `peer ${fullJid}; last events:\n  ${recent || '(none)'}\nstderr tail:\n${tail(stderr, 20) || '(empty)'}`;
  };

  const deliver = (event: PeerEvent): void => {
    events.push(event);
    for (const w of waiters) {
      if (w.type === event.type && w.predicate(event)) {
        waiters.delete(w);
        consumed.add(event);
        w.resolve(event);
        return;
      }
    }
  };

  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      stderr += `[unparsable stdout] ${line}\n`;
      return;
    }
    const obj = parsed as Partial<Ack> & { type?: string };
    if (typeof obj.ack === 'number') {
      acks.get(obj.ack)?.resolve(obj as Ack);
      acks.delete(obj.ack);
    } else if (typeof obj.type === 'string') {
      deliver(obj as PeerEvent);
    }
  });

  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = `exited with code ${code ?? 'none'}${signal ? ` (signal ${signal})` : ''}`;
      // Nothing more will arrive: fail pending commands and waits now rather than at their timeouts.
      const err = new Error(`slixmpp peer ${exitInfo}\n${describe()}`);
      for (const { reject } of acks.values()) reject(err);
      acks.clear();
      for (const w of waiters) w.reject(err);
      waiters.clear();
      resolve();
    });
  });

  const command = async (cmd: string, fields: Record<string, unknown> = {}): Promise<unknown> => {
    if (exitInfo !== null) throw new Error(`slixmpp peer ${exitInfo}; cannot run ${cmd}\n${describe()}`);
    const n = nextCommand++;
    const ack = await new Promise<Ack>((resolve, reject) => {
      acks.set(n, { resolve, reject });
      child.stdin?.write(`${JSON.stringify({ n, cmd, ...fields })}\n`);
    });
    if (ack.error) throw new Error(`slixmpp peer command ${cmd} failed: ${ack.error}`);
    return ack.result;
  };

  const waitFor = <T extends PeerEvent['type']>(
    type: T,
    predicate: (e: EventOf<T>) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<EventOf<T>> => {
    const matches = (e: PeerEvent): boolean => e.type === type && predicate(e as EventOf<T>);
    const earlier = events.find((e) => !consumed.has(e) && matches(e));
    if (earlier) {
      consumed.add(earlier);
      return Promise.resolve(earlier as EventOf<T>);
    }
    if (exitInfo !== null) return Promise.reject(new Error(`slixmpp peer ${exitInfo}\n${describe()}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        predicate: matches,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as EventOf<T>);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a '${type}' event from ${describe()}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const stop = async (): Promise<void> => {
    if (exitInfo === null) {
      // Ask politely; the process exits once slixmpp has closed the stream. Kill after 3 s regardless.
      child.stdin?.write(`${JSON.stringify({ n: 0, cmd: 'stop' })}\n`);
      const timer = setTimeout(() => void terminate(child, 500), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(tmp, { recursive: true, force: true });
    forgetTempDir(tmp);
  };

  try {
    // Rejects early (with stderr) if the process dies first, e.g. on bad credentials or TLS.
    await waitFor('online', undefined, START_TIMEOUT_MS);
  } catch (err) {
    await terminate(child, 500);
    await rm(tmp, { recursive: true, force: true });
    forgetTempDir(tmp);
    throw new Error(`slixmpp peer ${fullJid} did not come online: ${(err as Error).message}`, { cause: err });
  }

  const none = async (): Promise<void> => undefined;
  return {
    jid: options.jid,
    events,
    waitFor,
    sendMessage: (to, body, opts = {}) => command('sendMessage', { to, body, ...opts }).then(none),
    sendMany: (to, count, prefix) => command('sendMany', { to, count, prefix }).then(none),
    sendRaw: (xml) => command('sendRaw', { xml }).then(none),
    subscribe: (to) => command('subscribe', { to }).then(none),
    approve: (from) => command('approve', { to: from }).then(none),
    deny: (from) => command('deny', { to: from }).then(none),
    unsubscribe: (to) => command('unsubscribe', { to }).then(none),
    cancel: (to) => command('cancel', { to }).then(none),
    setPresence: (show = null, status = null, priority = 0) =>
      command('setPresence', { show, status, priority }).then(none),
    getRoster: async () => (await command('getRoster')) as RosterItems,
    ...mucCommands(command),
    stop,
  };
}
