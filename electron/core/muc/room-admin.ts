// What an occupant, moderator or admin changes in a room (XEP-0045 §7.6, §8, §9): the subject, our own nick,
// an occupant's role (voice, moderator, kick), an address's affiliation (member, admin, owner, ban) and the
// affiliation lists, and voice requests (voice-requests.ts). muc-module.ts spreads `commands` into its table and calls the hooks below from its
// stanza handlers: a subject or nick change answers when the room shows it, or with the room's refusal.
//
// The room is the judge of who may do what: we send what the person asked and put a refusal into words.
import { xml, type Element } from '@xmpp/xml';
import { randomUUID } from 'node:crypto';
import type { AffiliationItem, MucAffiliation, Room } from '../../../shared/muc.ts';
import { MAX_AFFILIATION_ITEMS, MAX_NICK_CHARS } from '../../../shared/muc.ts';
import { MAX_STATUS_CHARS } from '../../../shared/limits.ts';
import { isValidJid } from '../../../shared/jid.ts';
import type { AccountContext, CommandTable } from '../account/module.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import { EngineError, describeStanzaError, toEngineError } from '../errors.ts';
import type { MessageEnvelope, PresenceEnvelope } from '../xmpp/envelope.ts';
import { stanzaError } from '../xmpp/iq-tracker.ts';
import { ownText, ownTextOrNull } from '../xmpp/own-text.ts';
import { NS_MUC_ADMIN } from './muc-user.ts';
import { nickConflict, roomPresence } from './join.ts';
import type { RoomState } from './room.ts';
import { keepRequest, parseVoiceRequest, voiceRequestMessage } from './voice-requests.ts';

/** A subject or nick change the room has not shown within this is given up. */
export const CHANGE_TIMEOUT_MS = 20_000;

export const ADMIN_COMMANDS = [
  'muc.kick',
  'muc.ban',
  'muc.subject',
  'muc.nick',
  'muc.role',
  'muc.affiliation',
  'muc.affiliations',
  'muc.voice.request',
  'muc.voice.answer',
] as const;
type AdminCommand = (typeof ADMIN_COMMANDS)[number];

/** The refusal of a moderation request in words; `what` completes "You are not allowed to …". */
export function refusal(error: unknown, what: string): EngineError {
  const failure = toEngineError(error);
  const condition = failure.condition;
  const extra = { condition };
  switch (condition) {
    // XEP-0045 says forbidden; Prosody 0.12 answers a participant's kick with not-allowed.
    case 'forbidden':
    case 'not-authorized':
    case 'not-allowed':
      return new EngineError('not-allowed', `You are not allowed to ${what} in this room.`, extra);
    case 'item-not-found':
      return new EngineError('not-found', `The room does not know that occupant or address.`, extra);
    case 'conflict':
      return new EngineError(
        'conflict',
        'The room refused: it would leave the room without an owner, or the change conflicts with another.',
        extra,
      );
    case 'not-acceptable':
    case 'bad-request':
    case 'jid-malformed':
      return new EngineError(
        'invalid-request',
        `The room did not accept that request (${condition}).`,
        extra,
      );
    default:
      return failure;
  }
}

interface Waiting {
  resolve(room: Room): void;
  reject(error: EngineError): void;
  timer: NodeJS.Timeout;
  /** A nick change: our nick before it; a subject change: the id of our message. */
  key: string;
}

/** One change in flight per room and kind; settled by the room's answer, or given up after a while. */
class Changes {
  readonly #waiting = new Map<string, Waiting>();

  get(room: string): Waiting | undefined {
    return this.#waiting.get(room);
  }

  /** Throws (so that nothing is sent) when a change of this kind waits already. */
  start(room: string, key: string, timeoutMessage: string): Promise<Room> {
    if (this.#waiting.has(room)) {
      throw new EngineError('invalid-request', 'A change of this kind is under way.');
    }
    return new Promise<Room>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(room, new EngineError('timeout', timeoutMessage)),
        CHANGE_TIMEOUT_MS,
      );
      this.#waiting.set(room, { resolve, reject, timer, key });
    });
  }

  /** Settles the change waiting for `room` (only if it is still `only`, when given). */
  settle(room: string, outcome: Room | EngineError, only?: Waiting): void {
    const waiting = this.#waiting.get(room);
    if (!waiting || (only && waiting !== only)) return;
    this.#waiting.delete(room);
    clearTimeout(waiting.timer);
    if (outcome instanceof EngineError) waiting.reject(outcome);
    else waiting.resolve(outcome);
  }

  clear(why: EngineError): void {
    for (const room of [...this.#waiting.keys()]) this.settle(room, why);
  }
}

/** The error a room gave to our nick change (its error presence), in words. */
function nickError(stanza: Element, nick: string): EngineError {
  const { condition, text } = stanzaError(stanza);
  const extra = { condition };
  switch (condition) {
    case 'conflict':
      return nickConflict(nick);
    case 'not-acceptable':
      return new EngineError('invalid-request', `The room does not accept the nickname “${nick}”.`, extra);
    case 'not-allowed':
    case 'forbidden':
      return new EngineError('not-allowed', 'This room does not let you change your nickname.', extra);
    default:
      return new EngineError('server-error', describeStanzaError(condition, text), extra);
  }
}

/**
 * An affiliation list answer (§9.5): each item's address (bare or full, valid), nick and reason; at most
 * MAX_AFFILIATION_ITEMS kept, `more` when there were others. Items of another affiliation are left out.
 */
export function parseAffiliationList(
  reply: Element,
  affiliation: MucAffiliation,
): { items: AffiliationItem[]; more: boolean } {
  const items: AffiliationItem[] = [];
  let more = false;
  const query = reply.getChild('query', NS_MUC_ADMIN);
  for (const child of query?.children ?? []) {
    if (typeof child === 'string' || child.name !== 'item') continue;
    const { jid, nick } = child.attrs;
    if (child.attrs.affiliation !== undefined && child.attrs.affiliation !== affiliation) continue;
    if (typeof jid !== 'string' || jid.length > 3071 || !isValidJid(jid)) continue;
    if (items.length >= MAX_AFFILIATION_ITEMS) {
      more = true;
      break;
    }
    items.push({
      jid: ownText(jid),
      nick: typeof nick === 'string' && nick.length <= MAX_NICK_CHARS ? ownTextOrNull(nick) : null,
      reason: ownTextOrNull(child.getChildText('reason')?.slice(0, MAX_STATUS_CHARS) ?? null),
    });
  }
  return { items, more };
}

export interface RoomAdminDeps {
  context: AccountContext;
  /** The room we are in (joined or joining), or a 'not-found' error. */
  roomOf(room: string): RoomState;
  emitRoom(room: RoomState): void;
}

const OK = { ok: true } as const;
const reasonOf = (reason: string | undefined): Element | null => (reason ? xml('reason', {}, reason) : null);

export function roomAdmin({ context, roomOf, emitRoom }: RoomAdminDeps) {
  const nickChanges = new Changes();
  const subjectChanges = new Changes();

  const joinedRoom = (jid: string): RoomState => {
    const room = roomOf(jid);
    if (!room.joined) throw new EngineError('not-connected', 'Wait until the room has let you in.');
    return room;
  };

  const adminSet = async (jid: string, item: Element, what: string): Promise<typeof OK> => {
    roomOf(jid);
    try {
      await context.online().iq.request('set', jid, xml('query', { xmlns: NS_MUC_ADMIN }, item));
    } catch (error) {
      throw refusal(error, what);
    }
    return OK;
  };

  const commands: CommandTable<AdminCommand> = {
    'muc.kick': ({ room, nick, reason }) =>
      adminSet(room, xml('item', { nick, role: 'none' }, reasonOf(reason)), 'remove occupants'),
    'muc.ban': ({ room, jid, reason }) =>
      adminSet(room, xml('item', { jid, affiliation: 'outcast' }, reasonOf(reason)), 'ban anyone'),
    'muc.role': ({ room, nick, role, reason }) =>
      adminSet(room, xml('item', { nick, role }, reasonOf(reason)), "change occupants' roles"),
    'muc.affiliation': ({ room, jid, affiliation, reason }) =>
      adminSet(room, xml('item', { jid, affiliation }, reasonOf(reason)), 'change affiliations'),
    'muc.affiliations': async ({ room, affiliation }) => {
      roomOf(room);
      const query = xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation }));
      try {
        return parseAffiliationList(await context.online().iq.request('get', room, query), affiliation);
      } catch (error) {
        throw refusal(error, 'see this list');
      }
    },
    'muc.voice.request': async ({ room: jid }) => {
      const room = joinedRoom(jid);
      if (room.role !== 'visitor')
        throw new EngineError('invalid-request', 'You have voice in this room already.');
      await context.online().send(voiceRequestMessage(jid));
      return OK;
    },
    'muc.voice.answer': async ({ room: jid, nick, allow }) => {
      const room = roomOf(jid);
      if (allow) {
        await adminSet(jid, xml('item', { nick, role: 'participant' }), 'give voice');
      }
      // Emitted even when the room's presence of their new role already took the request off.
      room.voiceRequests.delete(nick);
      emitRoom(room);
      return OK;
    },
    'muc.subject': async ({ room: jid, subject }) => {
      const room = joinedRoom(jid);
      const link = context.online();
      const id = randomUUID();
      const done = subjectChanges.start(jid, id, 'The room did not show the new subject in time.');
      done.catch(() => undefined);
      const ours = subjectChanges.get(jid);
      const message = xml('message', { to: jid, type: 'groupchat', id }, xml('subject', {}, subject));
      // Not sent: nothing will answer, so nothing waits (another change may be tried at once).
      await link
        .send(message)
        .catch((error: unknown) => subjectChanges.settle(jid, toEngineError(error), ours));
      return done.then(() => room.view());
    },
    'muc.nick': async ({ room: jid, nick }) => {
      const room = joinedRoom(jid);
      if (room.nick === nick) return room.view();
      const link = context.online();
      const own = context.module<PresenceModule>('presence').presences.own;
      const done = nickChanges.start(jid, room.nick, 'The room did not confirm the new nickname in time.');
      done.catch(() => undefined);
      const ours = nickChanges.get(jid);
      const show = own.show === 'available' || own.show === 'offline' ? null : own.show;
      // No MUC payload: to a room we are in, a presence to another nick is a nick change (§7.6).
      await link
        .send(roomPresence(`${jid}/${nick}`, show, own.status))
        .catch((error: unknown) => nickChanges.settle(jid, toEngineError(error), ours)); // not sent: none waits
      return done;
    },
  };

  return {
    commands,
    /** An error presence from a room we are in (not joining): the answer to our nick change, if one waits. */
    onPresenceError(room: RoomState, envelope: PresenceEnvelope): void {
      const waiting = nickChanges.get(room.room);
      if (!waiting) return;
      nickChanges.settle(room.room, nickError(envelope.stanza, envelope.from?.resource ?? room.nick));
    },
    /** Our self-presence changed: a nick change is done once the room shows us under a new nick. */
    onSelf(room: RoomState, envelope: PresenceEnvelope): void {
      const waiting = nickChanges.get(room.room);
      if (waiting && envelope.type === 'available' && room.nick !== waiting.key) {
        nickChanges.settle(room.room, room.view());
      }
    },
    /** The room showed a subject (ours, or anyone's): a change of ours waiting for it is done. */
    onSubject(room: RoomState, envelope: MessageEnvelope): void {
      const waiting = subjectChanges.get(room.room);
      const byUs = envelope.id === waiting?.key || envelope.from?.resource === room.nick;
      if (waiting && byUs) subjectChanges.settle(room.room, room.view());
    },
    /** A message error from a room: true when it refused our subject change (then it is not a line's). */
    onMessageError(room: RoomState, envelope: MessageEnvelope): boolean {
      const waiting = subjectChanges.get(room.room);
      if (!waiting || envelope.id !== waiting.key) return false;
      subjectChanges.settle(room.room, refusal(errorOf(envelope.message), 'change the subject'));
      return true;
    },
    /**
     * A message from a room that is neither groupchat nor chat: true when it was a voice request for us to
     * answer (we keep it only as a moderator, and only from the room itself).
     */
    onMessage(room: RoomState, envelope: MessageEnvelope): boolean {
      if (envelope.from?.resource || envelope.type !== 'normal') return false;
      const request = parseVoiceRequest(envelope.message);
      if (!request) return false;
      if (room.joined && room.role === 'moderator') {
        keepRequest(room.voiceRequests, request);
        emitRoom(room);
      }
      return true;
    },
    /** The session ended: nothing waiting can be answered now. */
    clear(): void {
      const why = new EngineError('not-connected', 'The connection dropped before the room answered.');
      nickChanges.clear(why);
      subjectChanges.clear(why);
    },
  };
}

function errorOf(stanza: Element): EngineError {
  const { condition, text } = stanzaError(stanza);
  return new EngineError('server-error', describeStanzaError(condition, text), { condition });
}

export type RoomAdmin = ReturnType<typeof roomAdmin>;
