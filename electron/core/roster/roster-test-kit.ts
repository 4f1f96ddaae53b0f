// What the roster suites share: a wire log of every XmppSession in this process, a Prosody scenario with
// fresh contact addresses and data folders, and contact helpers. Test-only.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Element } from '@xmpp/xml';
import type { Contact } from '../../../shared/contract.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { uid, useServerScenario, waitContact, type ServerScenario } from '../../../e2e/harness/scenario.ts';
import { XmppSession } from '../xmpp/session.ts';
import { NS_ROSTER } from './roster.ts';
// ---------------------------------------------------------------------------------------------------------
// Wire log: every stanza any XmppSession in this process sends or receives, tagged with the session's
// full JID. Installed by wrapping the prototype (test-only; the code under test is unchanged).

interface WireEntry {
  dir: 'in' | 'out';
  jid: string;
  stanza: Element;
}
export const wire: WireEntry[] = [];
const originalSend = XmppSession.prototype.send;
const originalEmit = XmppSession.prototype.emit;
const originalOpen = XmppSession.open;
/** Sessions that asked for the roster between binding and stream management (full JIDs). */
export const rosterBeforeSm = new Set<string>();

function installWireTap(): void {
  // What a new session asked right after binding (before stream management): the roster, normally.
  XmppSession.open = async function (options) {
    const session = await originalOpen.call(XmppSession, options);
    for (const { request, reply } of session.prefetched) {
      if (request.getChild('query', NS_ROSTER) && reply) rosterBeforeSm.add(session.jid);
      wire.push({ dir: 'out', jid: session.jid, stanza: request });
      if (reply) wire.push({ dir: 'in', jid: session.jid, stanza: reply });
    }
    return session;
  };
  XmppSession.prototype.send = function (this: XmppSession, stanza: Element) {
    wire.push({ dir: 'out', jid: this.jid, stanza });
    return originalSend.call(this, stanza);
  };
  (XmppSession.prototype as { emit: (name: string, ...args: unknown[]) => boolean }).emit = function (
    this: XmppSession,
    name: string,
    ...args: unknown[]
  ) {
    if (name === 'stanza') wire.push({ dir: 'in', jid: this.jid, stanza: args[0] as Element });
    return (originalEmit as (name: string, ...args: unknown[]) => boolean).call(this, name, ...args);
  };
}

function removeWireTap(): void {
  XmppSession.open = originalOpen;
  XmppSession.prototype.send = originalSend;
  XmppSession.prototype.emit = originalEmit;
}

/** The roster get this session sent after `from` in the wire log, and the server's reply to it. */
export function rosterFetch(jid: string, from: number): { request: Element; reply: Element } {
  const log = wire.slice(from).filter((e) => e.jid === jid);
  const request = log.find(
    (e) =>
      e.dir === 'out' &&
      e.stanza.name === 'iq' &&
      e.stanza.attrs.type === 'get' &&
      e.stanza.getChild('query', NS_ROSTER),
  )?.stanza;
  assert.ok(request, `no roster get sent by ${jid}`);
  const reply = log.find(
    (e) => e.dir === 'in' && e.stanza.name === 'iq' && e.stanza.attrs.id === request.attrs.id,
  )?.stanza;
  assert.ok(reply, `no reply to the roster get of ${jid}`);
  return { request, reply };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

export async function waitRemoved(client: EngineClient, since: number, jid: string): Promise<void> {
  await client.waitForEvent(
    (e, i) => i >= since && e.event === 'roster.changed' && e.payload.removed.includes(jid),
  );
}

/** Sorted by JID, each contact's groups sorted: the server keeps groups as a set, not a list. */
export function sortByJid(contacts: Contact[]): Contact[] {
  return contacts
    .map((c) => ({ ...c, groups: [...c.groups].sort() }))
    .sort((a, b) => a.jid.localeCompare(b.jid));
}

export function contact(
  jid: string,
  name: string | null,
  groups: string[],
  subscription: Contact['subscription'] = 'none',
): Contact {
  return { jid, name, groups, subscription, pendingOut: false, pendingIn: false, preApproved: false };
}

// ---------------------------------------------------------------------------------------------------------

export interface RosterSuite {
  scenario: ServerScenario;
  /** A fresh address on the server; nobody signs in as it, roster items only name it. */
  contactJid(prefix: string): string;
  /** A data folder removed after the suite. */
  tempDir(): Promise<string>;
}

/** Registers the suite's hooks: a Prosody scenario, then the wire tap (so the server is up before it). */
export function useRosterSuite(): RosterSuite {
  const scenario = useServerScenario();
  const dirs: string[] = [];
  before(() => {
    installWireTap();
  });
  after(async () => {
    removeWireTap();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  return {
    scenario,
    contactJid: (prefix) => `${prefix}-${uid()}@${scenario.server.domain}`,
    async tempDir() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-roster-test-'));
      dirs.push(dir);
      return dir;
    },
  };
}

/** Adds a contact through the engine's command and waits until the roster events show it. */
export async function addContact(
  client: EngineClient,
  jid: string,
  fields: { name?: string; groups?: string[] } = {},
): Promise<void> {
  const since = client.events.length;
  const result = await client.engine.invoke('roster.add', { account: client.account, jid, ...fields });
  assert.ok(result.ok, JSON.stringify(result));
  await waitContact(client, since, jid);
}
