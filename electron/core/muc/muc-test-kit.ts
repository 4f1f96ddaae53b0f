// Test-only helpers for the group-chat suites: fresh room addresses on the harness server's MUC service,
// joining through the contract, waiting for room, occupant and message events, and a raw owner session that
// creates a room with a configuration (password, members only) the engine has no command for yet.
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import type { ChatMessage, CommandResult, EngineEvent } from '../../../shared/contract.ts';
import type { Occupant, Room } from '../../../shared/muc.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { uid, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import type { XmppServer } from '../../../e2e/harness/server.ts';
import { NS_DATA } from '../xmpp/ns.ts';
import { NS_MUC, NS_MUC_OWNER, NS_MUC_USER } from './muc-user.ts';

export function newRoom(server: XmppServer, prefix = 'room'): string {
  assert.ok(server.mucDomain, 'the harness server runs a MUC service');
  return `${prefix}-${uid()}@${server.mucDomain}`;
}

export function join(
  client: EngineClient,
  room: string,
  nick: string,
  password?: string,
): Promise<CommandResult<'muc.join'>> {
  return client.engine.invoke('muc.join', {
    account: client.account,
    room,
    nick,
    ...(password === undefined ? {} : { password }),
  });
}

export async function joined(client: EngineClient, room: string, nick: string): Promise<Room> {
  const result = await join(client, room, nick);
  assert.ok(result.ok, result.ok ? '' : `join failed: ${result.error.code} ${result.error.message}`);
  assert.equal(result.value.status, 'joined');
  return result.value;
}

/** The first 'muc.rooms' state of `room` at or after `since` that satisfies `pred`. */
export async function roomState(
  client: EngineClient,
  room: string,
  pred: (r: Room) => boolean,
  since = 0,
): Promise<Room> {
  const event = await client.waitForEvent(
    (e, i) =>
      i >= since && e.event === 'muc.rooms' && e.payload.rooms.some((r) => r.room === room && pred(r)),
    20_000,
  );
  assert.equal(event.event, 'muc.rooms');
  return event.payload.rooms.find((r) => r.room === room && pred(r))!;
}

/** The room's occupant list as the events since `since` built it (a reset starts it again). */
export function occupantsSeen(client: EngineClient, room: string, since = 0): Map<string, Occupant> {
  const list = new Map<string, Occupant>();
  client.events.forEach((e, i) => {
    if (i < since || e.event !== 'muc.occupants' || e.payload.room !== room) return;
    if (e.payload.reset) list.clear();
    for (const o of e.payload.upserts) list.set(o.nick, o);
    for (const nick of e.payload.removed) list.delete(nick);
  });
  return list;
}

export async function waitOccupants(
  client: EngineClient,
  room: string,
  pred: (list: Map<string, Occupant>) => boolean,
): Promise<Map<string, Occupant>> {
  await client.waitForEvent(
    (e) => e.event === 'muc.occupants' && e.payload.room === room && pred(occupantsSeen(client, room)),
    20_000,
  );
  return occupantsSeen(client, room);
}

/** Every room line `client` was shown for `room`. */
export function roomLines(client: EngineClient, room: string): ChatMessage[] {
  return client.events.flatMap((e: EngineEvent) =>
    e.event === 'chat.messages'
      ? e.payload.messages.filter((m) => m.kind === 'groupchat' && m.peer === room)
      : [],
  );
}

export async function waitLine(client: EngineClient, room: string, body: string): Promise<ChatMessage> {
  const event = await client.waitForEvent(
    (e) =>
      e.event === 'chat.messages' &&
      e.payload.messages.some((m) => m.kind === 'groupchat' && m.peer === room && m.body === body),
    20_000,
  );
  assert.equal(event.event, 'chat.messages');
  return event.payload.messages.find((m) => m.body === body)!;
}

/**
 * A room created by a raw session of `owner` with this muc#roomconfig (e.g. a password), then left open:
 * the session stays in the room as its owner. Close it with `raw.session.close()`.
 */
export async function createConfiguredRoom(
  server: XmppServer,
  owner: ScenarioAccount,
  room: string,
  config: Record<string, string>,
): Promise<RawSession> {
  const raw = await openRawSession(server, owner, `owner-${uid()}`);
  const self = raw.waitFor(
    (s) =>
      s.is('presence') &&
      s.attrs.from === `${room}/owner` &&
      Boolean(
        s
          .getChild('x', NS_MUC_USER)
          ?.getChildren('status')
          .some((c) => c.attrs.code === '110'),
      ),
  );
  await raw.session.send(xml('presence', { to: `${room}/owner` }, xml('x', { xmlns: NS_MUC })));
  await self;
  const fields = Object.entries({ FORM_TYPE: 'http://jabber.org/protocol/muc#roomconfig', ...config }).map(
    ([name, value]) => xml('field', { var: name }, xml('value', {}, value)),
  );
  await raw.iq.request(
    'set',
    room,
    xml('query', { xmlns: NS_MUC_OWNER }, xml('x', { xmlns: NS_DATA, type: 'submit' }, ...fields)),
  );
  return raw;
}
