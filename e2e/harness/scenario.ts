// Shared set-up for end-to-end tests against a harness server (PARLEY_SERVER: Prosody by default, or
// ejabberd): one server per suite, fresh accounts with unique names (so tests need no order), engines and
// slixmpp peers that are always cleaned up, and the small waits and reads most of those tests make.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AccountSnapshot, Contact } from '../../shared/contract.ts';
import { startEngine } from './engine-client.ts';
import type { EngineClient, StartEngineOptions } from './engine-client.ts';
import { startSlixmppPeer } from './peer.ts';
import type { PeerOptions, SlixmppPeer } from './peer.ts';
import { serverKind, startServer } from './server.ts';
import type { ServerOptions, XmppServer } from './server.ts';

export interface ScenarioAccount {
  user: string;
  password: string;
  /** Bare JID. */
  jid: string;
}

/** What a peer may choose; the server, address and trust come from the scenario. */
export type ScenarioPeerOptions = Pick<PeerOptions, 'resource' | 'onSubscribe' | 'echo'>;

export interface ServerScenario {
  /** The running server; only valid inside tests and hooks (it starts in `before`). */
  readonly server: XmppServer;
  /** Registers a fresh account whose name starts with `prefix`. */
  account(prefix: string): Promise<ScenarioAccount>;
  /**
   * An engine (signed in unless opts.signIn is false) for `who`: an existing account, or a fresh one
   * registered with that prefix. Disposed after the suite.
   */
  engine(who: string | ScenarioAccount, opts?: StartEngineOptions): Promise<EngineClient>;
  /** A slixmpp peer online as `who` (an existing account or a fresh one with that prefix). Stopped after the suite. */
  peer(who: string | ScenarioAccount, opts?: ScenarioPeerOptions): Promise<SlixmppPeer>;
  /** A fresh room JID (`<prefix>-<uid>@<mucDomain>`) on the server's MUC service; the room is not made. */
  room(prefix?: string): string;
}

/** 8 random hex digits: unique enough for account and contact names within a run. */
export const uid = (): string => randomBytes(4).toString('hex');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Registers node:test before/after hooks in the calling scope (a describe, or the file): before starts one
 * server of the kind PARLEY_SERVER names (serverKind()), after stops every engine and peer made through the scenario (newest first, failures ignored so
 * one bad teardown does not hide the rest) and then the server.
 */
export function useServerScenario(options: ServerOptions = {}): ServerScenario {
  let server: XmppServer | undefined;
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    server = await startServer(serverKind(), options);
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await server?.stop();
  });

  const running = (): XmppServer => {
    if (!server) throw new Error('the scenario server is not running (use it inside tests and hooks)');
    return server;
  };

  const account = async (prefix: string): Promise<ScenarioAccount> => {
    const s = running();
    const user = `${prefix}-${uid()}`;
    const password = `pw-${uid()}`;
    await s.register(user, password);
    return { user, password, jid: `${user}@${s.domain}` };
  };

  const resolve = (who: string | ScenarioAccount): Promise<ScenarioAccount> =>
    typeof who === 'string' ? account(who) : Promise.resolve(who);

  return {
    get server() {
      return running();
    },
    account,
    async engine(who, opts = {}) {
      const acc = await resolve(who);
      const client = await startEngine(running(), acc.user, acc.password, opts);
      cleanups.push(() => client.dispose());
      return client;
    },
    async peer(who, opts = {}) {
      const acc = await resolve(who);
      const s = running();
      const p = await startSlixmppPeer({
        jid: acc.jid,
        password: acc.password,
        host: s.host,
        port: s.c2sPort,
        caPem: s.certificate.certPem,
        ...opts,
      });
      cleanups.push(() => p.stop());
      return p;
    },
    room(prefix = 'room') {
      const muc = running().mucDomain;
      if (!muc) throw new Error('the scenario server has no MUC service (started with muc: false)');
      return `${prefix}-${uid()}@${muc}`;
    },
  };
}

/** `jid` as given by the first roster.changed at or after index `since` in which it matches `pred`. */
export async function waitContact(
  client: EngineClient,
  since: number,
  jid: string,
  pred: (c: Contact) => boolean = () => true,
): Promise<Contact> {
  const event = await client.waitForEvent(
    (e, i) =>
      i >= since && e.event === 'roster.changed' && e.payload.upserts.some((c) => c.jid === jid && pred(c)),
  );
  assert.equal(event.event, 'roster.changed');
  return event.payload.upserts.find((c) => c.jid === jid && pred(c))!;
}

/** This client's account in a state.snapshot, which must succeed and list it. */
export async function snapshot(client: Pick<EngineClient, 'engine' | 'account'>): Promise<AccountSnapshot> {
  const snap = await client.engine.invoke('state.snapshot', {});
  assert.ok(snap.ok);
  const mine = snap.value.accounts.find((a) => a.account === client.account);
  assert.ok(mine, `the snapshot lists ${client.account}`);
  return mine;
}

/** The roster entry for `jid` in a fresh snapshot. */
export async function rosterItem(client: EngineClient, jid: string): Promise<Contact | undefined> {
  return (await snapshot(client)).roster.find((c) => c.jid === jid);
}
