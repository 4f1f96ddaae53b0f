// One room of one account, as a state machine fed by the room's presence (XEP-0045 §7.1-§7.2, §9, §10):
// occupants collected without being shown until our self-presence (status 110) says the list is complete,
// then kept current; our own nick, role and affiliation; and every way out of a room (left, kicked 307,
// banned 301, removed 321/322/332, destroyed). Pure: no I/O, so every status code is unit-tested.
//
// Trust. Only the room's service can send stanzas from room@service/nick (servers stamp `from`), so the room
// module hands this class presence from this room only. Within it, a status 110 is believed only for our
// own nick, or for the nick the service gave us while joining (210), or the one we are changing to (303):
// an occupant whose presence carries a forged 110 stays an occupant.
import type { Occupant, Room, RoomStatus } from '../../../shared/muc.ts';
import { MAX_OCCUPANTS } from '../../../shared/muc.ts';
import { MAX_STATUS_CHARS } from '../../../shared/limits.ts';
import type { PresenceEnvelope } from '../xmpp/envelope.ts';
import type { MucUser } from './muc-user.ts';
import { ownText, ownTextOrNull } from '../xmpp/own-text.ts';
import type { VoiceRequest } from './voice-requests.ts';

export const STATUS = {
  nonAnonymous: 100,
  self: 110,
  logging: 170,
  created: 201,
  nickAssigned: 210,
  banned: 301,
  nickChange: 303,
  kicked: 307,
  affiliationChange: 321,
  membersOnly: 322,
  shutdown: 332,
} as const;

export type PresenceOutcome =
  | { kind: 'ignored' }
  /** An occupant came, changed or went; shown only once joined. */
  | {
      kind: 'occupant';
      upsert: Occupant | null;
      removed: string | null;
      /** Their voice request is gone (they have voice now, or left): the room's view changed. */
      requestsChanged?: true;
    }
  /** Our self-presence arrived while joining: the occupant list is complete. `created`: status 201. */
  | { kind: 'joined'; created: boolean }
  /** Our own nick, role or affiliation changed while joined; `removed`: our old nick after a 303. */
  | { kind: 'self'; upsert: Occupant | null; removed: string | null }
  /** We are out of the room (see `status` and `reason`). */
  | { kind: 'out' }
  /** The service shut down (332) or dropped us unasked: out for now, 'joining' again when it is back. */
  | { kind: 'shutdown' };

/** `text` owned (own-text.ts): `kept` itself when equal, a value already owned, else a copy. */
function ownedOr(text: string | null, kept: string | null | undefined): string | null {
  return text !== null && text === kept ? kept : ownTextOrNull(text);
}

const SHOWS: ReadonlySet<string> = new Set(['chat', 'away', 'xa', 'dnd']);

function showOf(envelope: PresenceEnvelope): Occupant['show'] {
  const show = envelope.stanza.getChildText('show')?.trim() ?? '';
  return SHOWS.has(show) ? (show as Occupant['show']) : 'available';
}

export class RoomState {
  readonly room: string;
  nick: string;
  /** Held in memory only, for rejoining; never logged or emitted. */
  password: string | null;
  status: RoomStatus = 'joining';
  reason: string | null = null;
  alternate: string | null = null;
  role: Room['role'] = 'none';
  affiliation: Room['affiliation'] = 'none';
  subject: string | null = null;
  features: readonly string[] = [];
  nonAnonymous = false;
  logging = false;
  mentions = 0;
  /** The join asked to configure the room if it creates it (muc.join `configure`). */
  configure = false;
  /** We created the room with `configure` and it waits for its configuration (locked to others). */
  unconfigured = false;
  /** Occupants by nick, us included; at most MAX_OCCUPANTS, the rest only counted in `overflow`. */
  readonly occupants = new Map<string, Occupant>();
  overflow = 0;
  /** Visitors' voice requests waiting for our answer (as moderator), by nick; bounded by voice-requests.ts. */
  readonly voiceRequests = new Map<string, VoiceRequest>();
  /** The nick a 303 announced for us: the next self-presence comes from it. */
  #renamingTo: string | null = null;

  constructor(room: string, nick: string, password: string | null) {
    this.room = room;
    this.nick = nick;
    this.password = password;
  }

  get joined(): boolean {
    return this.status === 'joined';
  }

  /** Out of the room for good (a final status): nothing more is accepted from it. */
  get out(): boolean {
    return this.status !== 'joining' && this.status !== 'joined';
  }

  /** The room as the contract shows it. */
  view(): Room {
    return {
      room: this.room,
      status: this.status,
      reason: this.reason,
      alternate: this.alternate,
      nick: this.nick,
      role: this.role,
      affiliation: this.affiliation,
      subject: this.subject,
      features: [...this.features],
      nonAnonymous: this.nonAnonymous,
      logging: this.logging,
      occupants: this.occupants.size + this.overflow,
      mentions: this.mentions,
      unconfigured: this.unconfigured,
      voiceRequests: [...this.voiceRequests.values()].map(({ nick, jid }) => ({ nick, jid })),
    };
  }

  /** A rejoin starts (after a fresh session, or a self-ping that found us gone): the list is collected anew. */
  rejoin(): void {
    this.status = 'joining';
    this.reason = null;
    this.occupants.clear();
    this.overflow = 0;
    this.voiceRequests.clear();
    this.#renamingTo = null;
  }

  /** Presence from this room (from = room@service/nick; the caller checked the bare JID). */
  handlePresence(envelope: PresenceEnvelope, nick: string): PresenceOutcome {
    if (this.out) return { kind: 'ignored' };
    const muc = envelope.muc;
    const statuses = muc?.statuses ?? new Set<number>();
    // ejabberd 23.01 sends a destroy to our nick without 110: from our own nick, only the room can send it.
    const isSelf =
      (statuses.has(STATUS.self) && this.#mayBeSelf(nick, statuses)) ||
      (muc?.destroy !== null && muc?.destroy !== undefined && nick === this.nick);
    if (envelope.type === 'unavailable') {
      return isSelf ? this.#selfGone(muc) : this.#occupantGone(nick, muc);
    }
    if (envelope.type !== 'available') return { kind: 'ignored' };
    const occupant = this.#occupantOf(envelope, nick, muc);
    if (!isSelf) return this.#upsert(occupant);
    this.#renamingTo = null;
    this.nick = nick;
    this.role = occupant.role;
    this.affiliation = occupant.affiliation;
    if (statuses.has(STATUS.nonAnonymous)) this.nonAnonymous = true;
    if (statuses.has(STATUS.logging)) this.logging = true;
    this.#upsert(occupant, true);
    if (this.status === 'joining') {
      this.status = 'joined';
      const created = statuses.has(STATUS.created);
      // Asked to configure a room this join creates: it waits for its settings (muc.config.submit).
      if (created && this.configure) this.unconfigured = true;
      return { kind: 'joined', created };
    }
    return { kind: 'self', upsert: occupant, removed: null };
  }

  /** Ours: our nick; while joining, any nick the service assigned (210); while renaming, the new one. */
  #mayBeSelf(nick: string, statuses: ReadonlySet<number>): boolean {
    if (nick === this.nick || nick === this.#renamingTo) return true;
    return this.status === 'joining' && statuses.has(STATUS.nickAssigned);
  }

  #occupantOf(envelope: PresenceEnvelope, nick: string, muc: MucUser | null): Occupant {
    const item = muc?.item ?? null;
    const previous = this.occupants.get(nick);
    const status = envelope.stanza.getChildText('status')?.slice(0, MAX_STATUS_CHARS) ?? null;
    return {
      // The map's key is the nick, so a known occupant's own copy serves (a storm re-sends every nick).
      nick: previous?.nick ?? ownText(nick),
      role: item?.role ?? previous?.role ?? 'participant',
      affiliation: item?.affiliation ?? previous?.affiliation ?? 'none',
      jid: ownedOr(item?.jid ?? previous?.jid ?? null, previous?.jid),
      show: showOf(envelope),
      status: ownedOr(status, previous?.status),
      occupantId: ownedOr(envelope.occupantId ?? previous?.occupantId ?? null, previous?.occupantId),
    };
  }

  /** `self`: we are always listed, one past the bound if need be. */
  #upsert(occupant: Occupant, self = false): PresenceOutcome {
    const known = this.occupants.has(occupant.nick);
    if (!known && !self && this.occupants.size >= MAX_OCCUPANTS) {
      this.overflow++;
      return { kind: 'ignored' };
    }
    // Re-inserted last: the map stays in order of last change. Voice given: their request is answered.
    const answered = occupant.role !== 'visitor' && this.voiceRequests.delete(occupant.nick);
    this.occupants.delete(occupant.nick);
    this.occupants.set(occupant.nick, occupant);
    return { kind: 'occupant', upsert: occupant, removed: null, ...(answered && { requestsChanged: true }) };
  }

  #occupantGone(nick: string, muc: MucUser | null): PresenceOutcome {
    const occupant = this.occupants.get(nick);
    if (!occupant) {
      if (this.overflow > 0) this.overflow--;
      return { kind: 'ignored' };
    }
    this.occupants.delete(nick);
    const answered = this.voiceRequests.delete(nick) && { requestsChanged: true as const };
    const newNick = muc?.statuses.has(STATUS.nickChange) ? muc.item?.nick : null;
    // A nick change: the same person under a new name; their next presence (from the new nick) confirms it.
    if (newNick && !this.occupants.has(newNick) && this.occupants.size < MAX_OCCUPANTS) {
      const renamed = { ...occupant, nick: ownText(newNick) };
      this.occupants.set(renamed.nick, renamed);
      return { kind: 'occupant', upsert: renamed, removed: nick, ...answered };
    }
    return { kind: 'occupant', upsert: null, removed: nick, ...answered };
  }

  #selfGone(muc: MucUser | null): PresenceOutcome {
    const statuses = muc?.statuses ?? new Set<number>();
    const item = muc?.item ?? null;
    if (statuses.has(STATUS.nickChange) && item?.nick) {
      const old = this.nick;
      this.occupants.delete(old);
      this.#renamingTo = item.nick;
      this.nick = ownText(item.nick);
      return { kind: 'self', upsert: null, removed: old };
    }
    const reason = item?.reason ?? null;
    if (muc?.destroy) {
      this.#leave('destroyed', muc.destroy.reason);
      this.alternate = muc.destroy.jid;
    } else if (statuses.has(STATUS.banned)) this.#leave('banned', reason);
    else if (statuses.has(STATUS.kicked)) this.#leave('kicked', reason);
    else if (statuses.has(STATUS.affiliationChange))
      this.#leave('removed', reason ?? 'Your membership changed.');
    else if (statuses.has(STATUS.membersOnly))
      this.#leave('removed', reason ?? 'The room is members-only now.');
    else if (statuses.has(STATUS.shutdown)) {
      // The service is going down (a restart, most often): not our choice, so the room is joined again.
      this.rejoin();
      this.reason = ownTextOrNull(reason) ?? 'The room service shut down.';
      return { kind: 'shutdown' };
    } else {
      // A plain self-unavailable we did not ask for (muc.leave forgets the room before the room answers):
      // the service dropped us (Prosody says nothing more when it restarts). Joined again when possible.
      this.rejoin();
      this.reason = ownTextOrNull(reason) ?? 'The room service dropped you.';
      return { kind: 'shutdown' };
    }
    return { kind: 'out' };
  }

  #leave(status: RoomStatus, reason: string | null): void {
    this.status = status;
    this.reason = ownTextOrNull(reason);
    this.role = 'none';
    this.occupants.clear();
    this.overflow = 0;
    this.voiceRequests.clear();
  }

  /** We left of our own accord (muc.leave): final, whatever the room answers. */
  left(): void {
    this.#leave('left', null);
  }
}

/**
 * Whether `body` names `nick` as a word (not inside a longer one): a mention. Case-insensitive, as people
 * type nicks; an indexOf walk (the nick is at most MAX_NICK_CHARS), no regular expression over the body.
 */
export function mentionsNick(body: string, nick: string): boolean {
  if (nick.length === 0 || body.length < nick.length) return false;
  const haystack = body.toLowerCase();
  const needle = nick.toLowerCase();
  const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (!isWordChar(haystack[at - 1]) && !isWordChar(haystack[at + needle.length])) return true;
  }
  return false;
}
