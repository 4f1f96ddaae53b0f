// Group chat (XEP-0045) for one account: joining (disco#info first, then the join presence; the occupant list
// is collected until our self-presence and shown complete), leaving, the room's messages and our own
// reflected ones, a room archive catch-up after joining, rejoining after a fresh session (a resumed one keeps
// its rooms), a XEP-0410 self-ping of each joined room, and our presence changes passed on to joined rooms.
//
// Bounds: at most MAX_ROOMS rooms per account and MAX_OCCUPANTS listed per room; each stanza costs a map
// lookup or two. Presence from a room we are not in goes on to the other modules (the room is not a contact,
// so they keep nothing of it); messages from such a room are dropped.
import { xml } from '@xmpp/xml';
import type { Occupant, Room } from '../../../shared/muc.ts';
import { MAX_ROOMS } from '../../../shared/muc.ts';
import { EngineError, toEngineError } from '../errors.ts';
import {
  defineModule,
  type AccountContext,
  type ProtocolModule,
  type SessionLink,
} from '../account/module.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import type { MessageEnvelope, PresenceEnvelope } from '../xmpp/envelope.ts';
import { RoomState } from './room.ts';
import { ADMIN_COMMANDS, roomAdmin } from './room-admin.ts';
import { OWNER_COMMANDS, roomOwner } from './room-owner.ts';
import { RoomMessages } from './room-messages.ts';
import { catchUpRoom } from './room-archive.ts';
import { RoomHistory } from './room-history.ts';
import {
  ROOM_FEATURES,
  discoInfoRequest,
  instantRoomConfig,
  joinError,
  joinPresence,
  parseRoomInfo,
  roomPresence,
} from './join.ts';
import { SELF_PING, pingVerdict, selfPingRequest } from './self-ping.ts';
import { JitteredTimer } from './jittered-timer.ts';

/** A join the room has not answered within this is given up (and the room left). */
export const JOIN_TIMEOUT_MS = 30_000;
/** Rooms rejoined at once after a fresh session, and the pause between groups (no storm after a wake). */
export const REJOIN_AT_ONCE = 4;
export const REJOIN_SPACING_MS = 250;
/** After a room service announced its shutdown (332), when to try its rooms again if our link stayed up. */
export const REJOIN_AFTER_SHUTDOWN_MS = 15_000;

interface PendingJoin {
  resolve(room: Room): void;
  reject(error: EngineError): void;
  timer: NodeJS.Timeout;
}

export interface MucModule extends ProtocolModule {
  readonly rooms: ReadonlyMap<string, RoomState>;
  /** Pings every joined room now (XEP-0410) and rejoins those that lost us. */
  selfPing(): Promise<void>;
}

const OK = { ok: true } as const;

function create(context: AccountContext) {
  const { account, events } = context;
  const rooms = new Map<string, RoomState>();
  const joins = new Map<string, PendingJoin>();
  const messages = new RoomMessages(account, events, context.history);
  const history = new RoomHistory(messages, context.archiveResults, context.archivePageSize);

  const emitRoom = (room: RoomState): void => events.emit('muc.rooms', { account, rooms: [room.view()] });
  const emitOccupants = (
    room: RoomState,
    change: { reset: boolean; upserts: Occupant[]; removed: string[] },
  ): void => events.emit('muc.occupants', { account, room: room.room, ...change });

  /** One occupant's change as the event carries it. */
  const changeOf = (change: { upsert: Occupant | null; removed: string | null }) => ({
    reset: false,
    upserts: change.upsert ? [change.upsert] : [],
    removed: change.removed ? [change.removed] : [],
  });

  const settleJoin = (room: string, outcome: Room | EngineError): void => {
    const pending = joins.get(room);
    if (!pending) return;
    joins.delete(room);
    clearTimeout(pending.timer);
    if (outcome instanceof EngineError) pending.reject(outcome);
    else pending.resolve(outcome);
  };

  /** Sends the join presence and waits for the self-presence (or the room's error). */
  const sendJoin = async (link: SessionLink, room: RoomState): Promise<Room> => {
    const own = context.module<PresenceModule>('presence').presences.own;
    const done = new Promise<Room>((resolve, reject) => {
      const timer = setTimeout(() => {
        settleJoin(room.room, new EngineError('timeout', 'The room did not answer in time.'));
      }, JOIN_TIMEOUT_MS);
      joins.set(room.room, { resolve, reject, timer });
    });
    done.catch(() => undefined); // the caller awaits it; a rejection with nobody waiting is not a crash
    await link.send(
      joinPresence(`${room.room}/${room.nick}`, {
        password: room.password,
        withoutHistory: room.features.includes(ROOM_FEATURES.mam),
        show: own.show === 'available' || own.show === 'offline' ? null : own.show,
        status: own.status,
      }),
    );
    return done;
  };

  /** Reads the room's disco#info, then joins. Item-not-found: a room that does not exist yet (we create it). */
  const join = async (link: SessionLink, room: RoomState): Promise<Room> => {
    try {
      room.features = parseRoomInfo(await link.iq.request('get', room.room, discoInfoRequest())).features;
    } catch (error) {
      const failure = toEngineError(error);
      // A room always answers disco#info; a refusal means a contact or a server that is no room.
      if (failure.code === 'server-error') {
        throw new EngineError('not-found', 'That address is not a group chat room.', {
          condition: failure.condition,
        });
      }
      if (failure.condition !== 'item-not-found') throw failure;
    }
    return sendJoin(link, room);
  };

  /**
   * After our self-presence: a new room accepts its defaults (the join answers then); a room with an archive
   * tells what we missed.
   */
  const afterJoined = async (room: RoomState, created: boolean): Promise<void> => {
    const link = context.link();
    // A room we created is locked until configured: its defaults are accepted, unless asked to configure
    // (muc.config.submit reads the features then). It had no disco#info before it existed: read it now, so
    // its features (occupant ids, archive...) are known before the join answers.
    if (created && !room.configure && link) {
      await link.iq.request('set', room.room, instantRoomConfig()).catch(() => undefined);
      await link.iq
        .request('get', room.room, discoInfoRequest())
        .then((reply) => (room.features = parseRoomInfo(reply).features))
        .catch(() => undefined);
    }
    settleJoin(room.room, room.view());
    if (!link || !room.features.includes(ROOM_FEATURES.mam)) return;
    await catchUpRoom(link.iq, context.archiveResults, room.room, {
      afterId: messages.lastArchiveId(room.room),
      pageSize: context.archivePageSize,
      onPage: (results) => {
        for (const result of results) {
          if (result.type !== 'groupchat' || result.fromBare !== room.room) continue;
          messages.handleGroupchat(room, result, { archiveId: result.archiveId, serverAt: result.serverAt });
        }
        messages.flush();
      },
    }).catch(() => undefined); // no archive after all: live messages still come
  };

  const onPresence = (envelope: PresenceEnvelope): 'consumed' | 'continue' => {
    const room = envelope.fromBare ? rooms.get(envelope.fromBare) : undefined;
    if (!room) return 'continue';
    const nick = envelope.from?.resource ?? null;
    if (envelope.type === 'error') {
      if (room.status === 'joining' && joins.has(room.room)) {
        rooms.delete(room.room);
        settleJoin(room.room, joinError(envelope.stanza, room.nick));
      } else if (room.joined) admin.onPresenceError(room, envelope);
      return 'consumed';
    }
    if (nick === null) return 'consumed';
    const outcome = room.handlePresence(envelope, nick);
    switch (outcome.kind) {
      case 'occupant':
        if (room.joined) emitOccupants(room, changeOf(outcome));
        if (outcome.requestsChanged) emitRoom(room);
        break;
      case 'joined':
        // The room first: the page keeps occupants only for a room it knows (else it asks for them again).
        emitRoom(room);
        emitOccupants(room, { reset: true, upserts: [...room.occupants.values()], removed: [] });
        void afterJoined(room, outcome.created);
        break;
      case 'self':
        emitOccupants(room, changeOf(outcome));
        emitRoom(room);
        admin.onSelf(room, envelope);
        break;
      case 'out':
        rooms.delete(room.room);
        emitOccupants(room, { reset: true, upserts: [], removed: [] });
        emitRoom(room);
        settleJoin(room.room, new EngineError('not-found', room.reason ?? 'The room did not let you in.'));
        break;
      case 'shutdown':
        emitOccupants(room, { reset: true, upserts: [], removed: [] });
        emitRoom(room);
        scheduleRejoin();
        break;
      case 'ignored':
        break;
    }
    return 'consumed';
  };

  const onMessage = (envelope: MessageEnvelope): 'consumed' | 'continue' => {
    if (envelope.via !== 'live') return 'continue'; // carbons of room traffic are not the room's word
    const room = envelope.fromBare ? rooms.get(envelope.fromBare) : undefined;
    if (!room) return envelope.type === 'groupchat' ? 'consumed' : 'continue';
    switch (envelope.type) {
      case 'groupchat': {
        if (room.out) return 'consumed';
        const { subject, mentions } = room;
        const kind = messages.handleGroupchat(room, envelope);
        if (room.subject !== subject || room.mentions !== mentions) emitRoom(room);
        if (kind === 'subject') admin.onSubject(room, envelope);
        owner.onMessage(room, envelope);
        return 'consumed';
      }
      case 'error':
        if (!admin.onMessageError(room, envelope)) messages.handleError(room, envelope);
        return 'consumed';
      case 'chat':
        // A private message from an occupant; from the room's bare JID it is not one (another module's).
        return envelope.from?.resource && messages.handlePrivate(envelope, room) ? 'consumed' : 'continue';
      default: // a voice request is ours; invitations are another module's
        return admin.onMessage(room, envelope) ? 'consumed' : 'continue';
    }
  };

  /** Rejoins the rooms waiting for it, a few at a time. */
  const rejoinAll = async (link: SessionLink): Promise<void> => {
    const waiting = [...rooms.values()].filter((r) => r.status === 'joining' && !joins.has(r.room));
    for (let i = 0; i < waiting.length; i += REJOIN_AT_ONCE) {
      if (!link.isOpen || context.link() !== link) return;
      await Promise.all(
        waiting.slice(i, i + REJOIN_AT_ONCE).map((room) =>
          join(link, room).catch((error: unknown) => {
            // Refused now (banned meanwhile, destroyed): the room is gone from the list, and says why. A
            // dropped link or a silent room leave it waiting for the next session.
            const failure = toEngineError(error);
            if (failure.code === 'not-connected' || failure.code === 'timeout') return;
            if (rooms.get(room.room) !== room || joins.has(room.room)) return;
            room.left();
            room.reason = failure.message;
            rooms.delete(room.room);
            emitRoom(room);
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, REJOIN_SPACING_MS * Math.random()));
    }
  };

  /**
   * A room service that shut down while our link stays up (a MUC component restarted): try again after a
   * while. When the whole server restarts, the link drops and the fresh session rejoins anyway.
   */
  const rejoinTimer = new JitteredTimer(() => {
    const link = context.link();
    if (link?.isOpen && context.ready()) void rejoinAll(link);
  });
  const scheduleRejoin = (): void => rejoinTimer.schedule(REJOIN_AFTER_SHUTDOWN_MS, 0.5, 1.5);

  const selfPing = async (): Promise<void> => {
    const link = context.link();
    if (!link || !context.ready()) return;
    for (const room of [...rooms.values()].filter((r) => r.joined)) {
      const outcome = await link.iq
        .request('get', `${room.room}/${room.nick}`, selfPingRequest())
        .catch((error: unknown) => error);
      if (pingVerdict(outcome) !== 'gone' || rooms.get(room.room) !== room || !room.joined) continue;
      room.rejoin();
      emitRoom(room);
      void join(link, room).catch(() => undefined);
    }
  };

  const pingTimer: JitteredTimer = new JitteredTimer(() => void selfPing().finally(schedulePing));
  const schedulePing = (): void => pingTimer.schedule(SELF_PING.intervalMs, 0.9, 1.1);

  const stopTimers = (): void => {
    pingTimer.stop();
    rejoinTimer.stop();
  };

  const roomOf = (jid: string): RoomState => {
    const room = rooms.get(jid);
    if (!room || room.out) throw new EngineError('not-found', 'You are not in that room.');
    return room;
  };

  const admin = roomAdmin({ context, roomOf, emitRoom });
  const owner = roomOwner({ context, roomOf, emitRoom });

  return {
    id: 'muc',
    rooms,
    selfPing,
    handlers: [
      // Before presence (20) and chat (50): a room's presence and private messages are not a contact's.
      { kind: 'presence', priority: 10, handle: onPresence },
      { kind: 'message', priority: 40, handle: onMessage },
    ],
    onSessionStart: (link) => {
      if (link.resumed) return; // the server kept us in every room
      for (const room of [...joins.keys()]) {
        settleJoin(room, new EngineError('not-connected', 'The connection dropped while joining.'));
      }
      // A fresh session: the rooms no longer have us; what waited for a reflection cannot get one now.
      for (const room of rooms.values()) {
        if (room.out) continue;
        room.rejoin();
        emitRoom(room);
      }
      for (const pending of messages.pending()) {
        messages.failSent(
          pending.peer,
          pending.messageId ?? '',
          new EngineError('not-connected', 'The connection dropped before the room confirmed this message.'),
        );
      }
    },
    onReady: (link) => {
      schedulePing();
      void rejoinAll(link);
    },
    onSessionEnd: () => {
      stopTimers();
      for (const room of joins.keys()) settleJoin(room, new EngineError('not-connected', 'Signed out.'));
      rooms.clear();
      history.clear();
      admin.clear();
    },
    dispose: () => {
      stopTimers();
      messages.flush();
    },
    // Our presence changes (away, back...) go to every room we are fully in; never to one still joining.
    outgoing: (stanza) => {
      if (stanza.name !== 'presence' || stanza.attrs.to !== undefined || stanza.attrs.type !== undefined)
        return;
      const joined = [...rooms.values()].filter((r) => r.joined);
      if (joined.length === 0) return;
      const link = context.link();
      const show = stanza.getChildText('show');
      const status = stanza.getChildText('status');
      // After this write, not inside it (the copies pass through these hooks too).
      setImmediate(() => {
        for (const room of joined) {
          void link?.send(roomPresence(`${room.room}/${room.nick}`, show, status)).catch(() => undefined);
        }
      });
    },
    commands: {
      'muc.join': async ({ room: jid, nick, password, configure }) => {
        const link = context.online();
        const existing = rooms.get(jid);
        if (existing?.joined && existing.nick === nick) return existing.view();
        // A join presence with another nick while in the room is a nick change (§7.6): not offered yet.
        if (existing?.joined) throw new EngineError('invalid-request', 'You are in that room already.');
        if (joins.has(jid)) throw new EngineError('invalid-request', 'Already joining that room.');
        if (!existing && rooms.size >= MAX_ROOMS) {
          throw new EngineError('invalid-request', `You are in ${MAX_ROOMS} rooms already: leave one first.`);
        }
        const room = new RoomState(jid, nick, password ?? null);
        room.configure = configure === true;
        rooms.set(jid, room);
        try {
          return await join(link, room);
        } catch (error) {
          if (rooms.get(jid) === room && !room.joined) rooms.delete(jid);
          throw toEngineError(error);
        }
      },
      'muc.leave': async ({ room: jid }) => {
        const room = rooms.get(jid);
        if (!room) return OK;
        rooms.delete(jid);
        settleJoin(jid, new EngineError('not-connected', 'You left the room.'));
        room.left();
        emitOccupants(room, { reset: true, upserts: [], removed: [] });
        emitRoom(room);
        await context
          .link()
          ?.send(xml('presence', { to: `${jid}/${room.nick}`, type: 'unavailable' }))
          .catch(() => undefined);
        return OK;
      },
      'muc.send': async ({ room: jid, body }) => {
        const room = roomOf(jid);
        if (!room.joined) throw new EngineError('not-connected', 'Wait until the room has let you in.');
        const link = context.online();
        const { stanza, record } = messages.compose(room, body);
        events.emit('chat.messages', { messages: [record] });
        await link.send(stanza).catch(() => undefined);
        return record;
      },
      'muc.history': ({ room, beforeSeq, limit = 100 }) =>
        history.page(room, rooms.get(room), context.link(), beforeSeq, limit),
      'muc.rooms': async () => ({ rooms: [...rooms.values()].map((r) => r.view()) }),
      'muc.occupants': async ({ room }) => ({ occupants: [...roomOf(room).occupants.values()] }),
      ...admin.commands,
      ...owner.commands,
    },
  } satisfies MucModule;
}

export const mucModule = defineModule({
  id: 'muc',
  commands: [
    'muc.join',
    'muc.leave',
    'muc.send',
    'muc.history',
    'muc.rooms',
    'muc.occupants',
    ...ADMIN_COMMANDS,
    ...OWNER_COMMANDS,
  ],
  create,
});
