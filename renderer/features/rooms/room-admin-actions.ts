// What the room view's moderation and owner UI asks the engine: the subject, our nick, an occupant's role,
// an address's affiliation and the affiliation lists, the room's settings (a data form) and destroying the
// room. Each answers the room's refusal in words (null when done); the room is the judge of who may do what.
// And which of those actions our own role and affiliation make worth offering (XEP-0045 §2.2–§2.4).
import type { DataForm, FormValues } from '../../../shared/data-form.ts';
import type { AffiliationItem, MucAffiliation, Occupant, Room } from '../../../shared/muc.ts';
import { getBridge } from '../../transport/bridge.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { useRooms } from './rooms-store.ts';

export type Outcome<T = null> = { ok: true; value: T } | { ok: false; error: string };

/** The room view's answer as an Outcome; a room state in the answer goes to the store at once. */
function settled<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): Outcome<T> {
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error.message };
}

function keep(account: string, room: Room): void {
  useRooms.getState().apply(account, [room]);
}

export async function changeSubject(account: string, room: string, subject: string): Promise<Outcome> {
  const result = await getBridge().invoke('muc.subject', { account, room, subject });
  if (result.ok) keep(account, result.value);
  return result.ok ? { ok: true, value: null } : settled(result);
}

/** Our nick; a taken one comes back with the room's suggestion in the words. */
export async function changeNick(account: string, room: string, nick: string): Promise<Outcome> {
  const result = await getBridge().invoke('muc.nick', { account, room, nick });
  if (result.ok) {
    keep(account, result.value);
    return { ok: true, value: null };
  }
  if (result.error.code === 'nick-conflict') {
    const t = currentIntl().formatMessage;
    const error = result.error.suggestion
      ? t({ id: 'rooms.join.nickTakenTry' }, { suggestion: result.error.suggestion })
      : t({ id: 'rooms.nick.taken' });
    return { ok: false, error };
  }
  return settled(result);
}

export type RoleChange = 'participant' | 'visitor' | 'moderator';

export async function setRole(
  account: string,
  room: string,
  nick: string,
  role: RoleChange | 'none',
  reason: string,
): Promise<Outcome> {
  const why = reason.trim() ? { reason: reason.trim() } : {};
  const result =
    role === 'none'
      ? await getBridge().invoke('muc.kick', { account, room, nick, ...why })
      : await getBridge().invoke('muc.role', { account, room, nick, role, ...why });
  return result.ok ? { ok: true, value: null } : settled(result);
}

export async function setAffiliation(
  account: string,
  room: string,
  jid: string,
  affiliation: MucAffiliation,
  reason: string,
): Promise<Outcome> {
  const why = reason.trim() ? { reason: reason.trim() } : {};
  const result = await getBridge().invoke('muc.affiliation', { account, room, jid, affiliation, ...why });
  return result.ok ? { ok: true, value: null } : settled(result);
}

export type ListedAffiliation = 'owner' | 'admin' | 'member' | 'outcast';

export async function listAffiliation(
  account: string,
  room: string,
  affiliation: ListedAffiliation,
): Promise<Outcome<{ items: AffiliationItem[]; more: boolean }>> {
  return settled(await getBridge().invoke('muc.affiliations', { account, room, affiliation }));
}

export async function loadRoomSettings(account: string, room: string): Promise<Outcome<DataForm>> {
  return settled(await getBridge().invoke('muc.config.get', { account, room }));
}

/** Submits the settings; without values, the room's defaults as they are (an instant room). */
export async function saveRoomSettings(account: string, room: string, values?: FormValues): Promise<Outcome> {
  const plain = values
    ? { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [...v]])) }
    : {};
  const result = await getBridge().invoke('muc.config.submit', { account, room, ...plain });
  if (result.ok) keep(account, result.value);
  return result.ok ? { ok: true, value: null } : settled(result);
}

export async function destroyRoom(
  account: string,
  room: string,
  reason: string,
  alternate: string,
): Promise<Outcome> {
  const result = await getBridge().invoke('muc.destroy', {
    account,
    room,
    ...(reason.trim() ? { reason: reason.trim() } : {}),
    ...(alternate.trim() ? { alternate: alternate.trim() } : {}),
  });
  return result.ok ? { ok: true, value: null } : settled(result);
}

const RANK: Record<MucAffiliation, number> = { outcast: 0, none: 1, member: 2, admin: 3, owner: 4 };

/** What our place in the room lets us try on the room itself. */
export function roomPowers(room: Pick<Room, 'role' | 'affiliation'>) {
  const owner = room.affiliation === 'owner';
  const admin = owner || room.affiliation === 'admin';
  return {
    /** Moderators may; participants only when the room lets them (the room refuses in words if not). */
    subject: room.role === 'moderator' || room.role === 'participant',
    lists: admin,
    settings: owner,
    destroy: owner,
  };
}

export interface OccupantAction {
  /** Which action (its words are the menu's: OccupantMenu's ACTION_WORDS). */
  id: OccupantActionId;
  kind: 'role' | 'affiliation';
  to: RoleChange | 'none' | MucAffiliation;
}

/**
 * The moderator actions our role and affiliation allow on `target` (XEP-0045 §2.2–§2.4): a moderator
 * removes and (un)voices those below admin; an admin bans, and grants membership and moderator to those
 * below admin; an owner names admins and owners. Affiliation changes need the occupant's real JID.
 */
export type OccupantActionId =
  'kick' | 'voice' | 'mute' | 'mod' | 'unmod' | 'member' | 'ban' | 'admin' | 'owner';

export function occupantActions(
  self: Pick<Room, 'role' | 'affiliation'>,
  target: Occupant,
): OccupantAction[] {
  const actions: OccupantAction[] = [];
  const mine = RANK[self.affiliation];
  const theirs = RANK[target.affiliation];
  const moderator = self.role === 'moderator';
  const outranked = theirs < RANK.admin || mine === RANK.owner;
  if (moderator && outranked) {
    actions.push({ id: 'kick', kind: 'role', to: 'none' });
    if (target.role === 'visitor') {
      actions.push({
        id: 'voice',
        kind: 'role',
        to: 'participant',
      });
    } else if (target.role === 'participant') {
      actions.push({ id: 'mute', kind: 'role', to: 'visitor' });
    }
  }
  if (mine >= RANK.admin && outranked) {
    if (target.role !== 'moderator') {
      actions.push({
        id: 'mod',
        kind: 'role',
        to: 'moderator',
      });
    } else if (theirs < RANK.admin) {
      actions.push({
        id: 'unmod',
        kind: 'role',
        to: 'participant',
      });
    }
  }
  if (target.jid === null) return actions;
  if (mine >= RANK.admin && theirs < RANK.admin) {
    if (target.affiliation !== 'member') {
      actions.push({
        id: 'member',
        kind: 'affiliation',
        to: 'member',
      });
    }
    actions.push({ id: 'ban', kind: 'affiliation', to: 'outcast' });
  }
  if (mine === RANK.owner) {
    // An owner takes admin or owner back by making them a member (the room refuses to drop its last owner).
    if (theirs >= RANK.admin) {
      actions.push({
        id: 'member',
        kind: 'affiliation',
        to: 'member',
      });
    }
    if (target.affiliation !== 'admin') {
      actions.push({
        id: 'admin',
        kind: 'affiliation',
        to: 'admin',
      });
    }
    if (target.affiliation !== 'owner') {
      actions.push({
        id: 'owner',
        kind: 'affiliation',
        to: 'owner',
      });
    }
  }
  return actions;
}

/** The bare address of an occupant's real JID (affiliations are set on bare JIDs). */
export function bareOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? jid : jid.slice(0, slash);
}

/** A visitor asks the room's moderators for voice. */
export async function requestVoice(account: string, room: string): Promise<Outcome> {
  const result = await getBridge().invoke('muc.voice.request', { account, room });
  return result.ok ? { ok: true, value: null } : settled(result);
}

/** A moderator grants (allow) or dismisses a visitor's voice request. */
export async function answerVoice(
  account: string,
  room: string,
  nick: string,
  allow: boolean,
): Promise<Outcome> {
  const result = await getBridge().invoke('muc.voice.answer', { account, room, nick, allow });
  return result.ok ? { ok: true, value: null } : settled(result);
}
