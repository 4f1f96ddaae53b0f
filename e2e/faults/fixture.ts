// Shared set-up for the fault-injection suites: one server (PARLEY_SERVER's kind) per file, fresh accounts per test, engines with
// fast reconnect backoff that record every event, slixmpp peers, fault proxies, and the few views of what
// each side saw that the assertions compare ("exactly once, in order").
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serverKind, startServer, type XmppServer } from '../harness/server.ts';
import { startSlixmppPeer, type SlixmppPeer } from '../harness/peer.ts';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.ts';
import { Engine, type EngineOptions } from '../../electron/core/engine.ts';
import type { ChatMessage, ConnectionState, EngineEvent } from '../../shared/contract.ts';

export interface Account {
  user: string;
  password: string;
  jid: string;
}

export interface Client {
  engine: Engine;
  events: EngineEvent[];
  jid: string;
  /** The same bare JID: the account every command of this client names. */
  account: string;
  dataDir: string;
  states(): ConnectionState[];
  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

export interface FaultFixture {
  readonly server: XmppServer;
  account(prefix: string): Promise<Account>;
  /** An engine signed in through `port` (a proxy, or the server itself), in a new data folder unless given one. */
  client(
    acc: Account,
    port: number,
    options?: Partial<EngineOptions> & { dataDir?: string },
  ): Promise<Client>;
  peer(acc: Account): Promise<SlixmppPeer>;
  proxy(): Promise<FaultProxy>;
  /** A data folder removed after the file's tests. */
  tempDir(): Promise<string>;
  /** Runs `cleanup` after the file's tests (newest first). */
  onCleanup(cleanup: () => Promise<unknown>): void;
}

/** Registers the file's before/after hooks and answers the helpers its tests use. */
export function useFaultFixture(): FaultFixture {
  let server: XmppServer | undefined;
  const dirs: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  let counter = 0;

  before(async () => {
    server = await startServer(serverKind());
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await server?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const running = (): XmppServer => {
    if (!server) throw new Error('the server is not running (before() failed?)');
    return server;
  };
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-faults-'));
    dirs.push(dir);
    return dir;
  };

  return {
    get server() {
      return running();
    },
    tempDir,
    onCleanup: (cleanup) => cleanups.push(cleanup),
    account: async (prefix) => {
      const user = `${prefix}-${++counter}-${Date.now().toString(36)}`;
      const password = `pw-${user}`;
      await running().register(user, password);
      return { user, password, jid: `${user}@${running().domain}` };
    },
    client: async (acc, port, { dataDir, ...options } = {}) => {
      const folder = dataDir ?? (await tempDir());
      const engine = await Engine.create({
        dataDir: folder,
        extraCertificates: [running().certificate.certPem],
        batchIntervalMs: 1,
        reconnectDelay: { initialMs: 100, maxMs: 1_000 },
        ...options,
      });
      cleanups.push(() => engine.dispose());
      const events: EngineEvent[] = [];
      engine.subscribe((batch) => events.push(...batch));
      const result = await engine.invoke('account.signIn', {
        jid: acc.jid,
        password: acc.password,
        host: running().host,
        port,
      });
      assert.ok(result.ok, JSON.stringify(result));
      const states = () => events.flatMap((e) => (e.event === 'connection.state' ? [e.payload] : []));
      return {
        engine,
        events,
        jid: acc.jid,
        account: acc.jid,
        dataDir: folder,
        states,
        until: async (predicate, timeoutMs, what) => {
          const deadline = Date.now() + timeoutMs;
          while (!predicate()) {
            if (Date.now() > deadline) {
              throw new Error(
                `timed out after ${timeoutMs} ms waiting for ${what}; states: ${states()
                  .map((s) => s.status)
                  .join(' > ')}`,
              );
            }
            engine.flushEvents();
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        },
      };
    },
    peer: async (acc) => {
      const started = await startSlixmppPeer({
        ...acc,
        host: running().host,
        port: running().c2sPort,
        caPem: running().certificate.certPem,
      });
      cleanups.push(() => started.stop());
      return started;
    },
    proxy: async () => {
      const started = await startFaultProxy({ host: running().host, port: running().c2sPort });
      cleanups.push(() => started.close());
      return started;
    },
  };
}

/** Bodies a slixmpp peer received from `from`, in arrival order: every copy on the wire counts. */
export const bodiesAt = (p: SlixmppPeer, from: string): Array<string | null> =>
  p.events.flatMap((e) =>
    e.type === 'message' && e.from.startsWith(from) && e.body !== null ? [e.body] : [],
  );

/** Bodies of incoming messages from `peerJid` the engine showed (emitted), in order. */
export const shownFrom = (c: Client, peerJid: string): Array<string | null> =>
  c.events.flatMap((e) =>
    e.event === 'chat.messages'
      ? e.payload.messages.filter((m) => m.peer === peerJid && m.direction === 'in').map((m) => m.body)
      : [],
  );

/** Ids that reached `state` in the engine's 'chat.states' events. */
export const idsInState = (c: Client, state: 'sent' | 'delivered' | 'read'): Set<string> =>
  new Set(
    c.events.flatMap((e) =>
      e.event === 'chat.states' ? e.payload.updates.filter((u) => u.state === state).map((u) => u.id) : [],
    ),
  );

export const expected = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** The whole stored conversation with `peer`, oldest first, read back through the contract. */
export async function storedChat(
  { engine, account }: { engine: Engine; account: string },
  peer: string,
): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const page = await engine.invoke('chat.history', {
      account,
      peer,
      limit: 500,
      ...(beforeSeq === undefined ? {} : { beforeSeq }),
    });
    assert.ok(page.ok, JSON.stringify(page));
    all.unshift(...page.value.messages);
    if (page.value.messages.length < 500) return all;
    beforeSeq = page.value.messages[0]!.seq;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
