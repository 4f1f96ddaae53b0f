// A real Engine signed in to a harness server (Prosody or ejabberd), with every event it emits recorded in
// order so tests can wait for (and assert on) what the UI would have seen.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.ts';
import type { AccountConnection, EngineEvent } from '../../shared/contract.ts';
import type { XmppServer } from './server.ts';

export interface StartEngineOptions {
  /** Reuse this data dir (settings, resource, roster cache). It is never deleted by dispose(). */
  dataDir?: string;
  /** Default true: sign in before returning. */
  signIn?: boolean;
  /** Event batching interval (ms) passed to the engine. */
  batchIntervalMs?: number;
  /** Sign-in budget (ms) passed to the engine. */
  timeoutMs?: number;
}

export interface EngineClient {
  engine: Engine;
  /** Every event payload received, flattened from batches, in order. */
  events: EngineEvent[];
  /**
   * Resolves with the first event (already received or arriving later) matching the predicate; rejects
   * after timeoutMs with the names of the last events. The predicate also gets the event's index in `events`.
   */
  waitForEvent(
    predicate: (event: EngineEvent, index: number) => boolean,
    timeoutMs?: number,
  ): Promise<EngineEvent>;
  /** Signs out (account.signOut); throws if the engine answers with an error. */
  signOut(): Promise<void>;
  /** Disposes the engine and removes the data dir if this helper created it. */
  dispose(): Promise<void>;
  // --- additions beyond the minimal API ---
  /** Bare JID of the account. */
  account: string;
  /** Full JID of the last successful sign-in (null before). */
  jid: string | null;
  dataDir: string;
  /** Signs in again (account.signIn with the same credentials); throws on error; returns the state. */
  signIn(): Promise<AccountConnection>;
}

interface Waiter {
  predicate: (event: EngineEvent, index: number) => boolean;
  resolve: (event: EngineEvent) => void;
}

export async function startEngine(
  server: XmppServer,
  user: string,
  password: string,
  opts: StartEngineOptions = {},
): Promise<EngineClient> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'parley-engine-')));
  const engine = await Engine.create({
    dataDir,
    extraCertificates: [server.certificate.certPem],
    ...(opts.batchIntervalMs !== undefined ? { batchIntervalMs: opts.batchIntervalMs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const events: EngineEvent[] = [];
  const waiters = new Set<Waiter>();
  engine.subscribe((batch) => {
    for (const event of batch) {
      events.push(event);
      const index = events.length - 1;
      for (const w of waiters) {
        if (w.predicate(event, index)) {
          waiters.delete(w);
          w.resolve(event);
        }
      }
    }
  });

  const account = `${user}@${server.domain}`;
  let disposed = false;

  const client: EngineClient = {
    engine,
    events,
    account,
    jid: null,
    dataDir,
    waitForEvent(predicate, timeoutMs = 10_000) {
      const found = events.findIndex((e, i) => predicate(e, i));
      if (found >= 0) return Promise.resolve(events[found]!);
      return new Promise<EngineEvent>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const recent = events
            .slice(-20)
            .map((e) => e.event)
            .join(', ');
          reject(
            new Error(
              `${account}: timed out after ${timeoutMs} ms waiting for an event; last events: ${recent || '(none)'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
        engine.flushEvents();
      });
    },
    async signIn() {
      const result = await engine.invoke('account.signIn', {
        jid: account,
        password,
        host: server.host,
        port: server.c2sPort,
      });
      if (!result.ok)
        throw new Error(`${account}: sign-in failed: ${result.error.code}: ${result.error.message}`);
      client.jid = result.value.jid;
      return result.value;
    },
    async signOut() {
      const result = await engine.invoke('account.signOut', { account });
      if (!result.ok)
        throw new Error(`${account}: sign-out failed: ${result.error.code}: ${result.error.message}`);
      engine.flushEvents();
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await engine.dispose();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };

  if (opts.signIn !== false) {
    try {
      await client.signIn();
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw error;
    }
  }
  return client;
}
