// An Engine signed in to a rogue server (trusting its CA, as a user's engine trusts a real CA), its events,
// and a barrier that proves the engine has handled everything sent before it. No node:test here, so the
// benchmark can use it too; kit.ts adds the suites' automatic clean-up and crash watch.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine, type EngineOptions } from '../../electron/core/engine.ts';
import type {
  AccountConnection,
  AccountSnapshot,
  CommandResult,
  EngineEvent,
  SignInRequest,
} from '../../shared/contract.ts';
import { ROGUE_PASSWORD, type RogueConnection, type RogueServer } from '../harness/rogue-server.ts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RogueClient {
  engine: Engine;
  /** Bare JID of the account ('alice@rogue.test'). */
  account: string;
  /** Every event, in order (tests only: the generator counts instead). */
  events: EngineEvent[];
  waitForEvent(predicate: (event: EngineEvent) => boolean, timeoutMs?: number): Promise<EngineEvent>;
  signIn(extra?: Partial<SignInRequest>): Promise<CommandResult<'account.signIn'>>;
  /** Signs in (it must succeed) and returns the rogue server's side of the session, bound. */
  online(extra?: Partial<SignInRequest>): Promise<RogueConnection>;
  /** The connection states seen so far. */
  states(): AccountConnection[];
  snapshot(): Promise<AccountSnapshot>;
  dispose(): Promise<void>;
}

export interface RogueClientOptions extends Partial<Omit<EngineOptions, 'dataDir'>> {
  user?: string;
  password?: string;
  /** Default true: keep every event in `events` (the generator only counts them). */
  keepEvents?: boolean;
}

/** A fresh engine for the rogue server's account (its own temp data dir); the caller disposes it. */
export async function createRogueClient(
  rogue: RogueServer,
  options: RogueClientOptions = {},
): Promise<RogueClient> {
  const { user = 'alice', password = ROGUE_PASSWORD, keepEvents = true, ...engineOptions } = options;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-hostile-'));
  const engine = await Engine.create({
    batchIntervalMs: 5,
    timeoutMs: 5_000,
    ...engineOptions,
    extraCertificates: [rogue.caPem],
    dataDir,
  });
  const events: EngineEvent[] = [];
  const waiters = new Set<{ predicate: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }>();
  engine.subscribe((batch) => {
    for (const event of batch) {
      if (keepEvents) events.push(event);
      for (const waiter of waiters) {
        if (waiter.predicate(event)) {
          waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    }
  });
  const account = `${user}@${rogue.domain}`;
  let disposed = false;
  const client: RogueClient = {
    engine,
    account,
    events,
    waitForEvent(predicate, timeoutMs = 10_000) {
      engine.flushEvents();
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (event: EngineEvent) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const recent = events.slice(-12).map((e) => e.event);
          reject(new Error(`no matching event within ${timeoutMs} ms; last: ${recent.join(', ') || 'none'}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    signIn: (extra = {}) =>
      engine.invoke('account.signIn', {
        jid: account,
        password,
        host: rogue.host,
        port: rogue.port,
        directTls: rogue.directTls,
        ...extra,
      }),
    async online(extra) {
      const index = rogue.connections.length;
      const result = await client.signIn(extra);
      assert.ok(result.ok, `sign-in failed: ${JSON.stringify(!result.ok && result.error)}`);
      const connection = await rogue.connection(index);
      await connection.reached('bound');
      return connection;
    },
    states: () =>
      events.flatMap((e) =>
        e.event === 'connection.state' && e.payload.account === account ? [e.payload] : [],
      ),
    async snapshot() {
      const snap = await engine.invoke('state.snapshot', {});
      assert.ok(snap.ok);
      const mine = snap.value.accounts.find((a) => a.account === account);
      assert.ok(mine, `the snapshot lists ${account}`);
      return mine;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await engine.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return client;
}

let barriers = 0;
/**
 * Proves the engine has handled everything sent on `connection` before this call: a ping from the server,
 * answered only once every earlier stanza went through the (synchronous) receive path. Events emitted on the
 * way are flushed.
 */
export async function barrier(
  client: RogueClient,
  connection: RogueConnection,
  timeoutMs = 10_000,
): Promise<void> {
  const id = `barrier-${++barriers}`;
  connection.send(`<iq type='get' id='${id}' from='${connection.jid?.split('@')[1]?.split('/')[0]}'>
    <ping xmlns='urn:xmpp:ping'/></iq>`);
  await connection.waitFor((e) => e.is('iq') && e.attrs.id === id && e.attrs.type === 'result', timeoutMs);
  client.engine.flushEvents();
}

/** Messages of 'chat.messages' events from index `since` on, as [peer, body] pairs. */
export function bodiesSince(client: RogueClient, since = 0): Array<[string, string | null]> {
  return client.events
    .slice(since)
    .flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages.map((m) => [m.peer, m.body]) : []))
    .map(([peer, body]) => [peer as string, body as string | null]);
}
