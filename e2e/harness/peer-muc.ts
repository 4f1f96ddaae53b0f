// Group chat for the slixmpp peer (peer.ts; the Python side is slixmpp_muc.py): XEP-0045 rooms as occupant,
// moderator and owner, XEP-0249 and mediated invitations, one-page MAM queries (a room's archive), disco.
// Each command resolves once the server has answered it (the self-presence, the IQ result); a refusal
// rejects with the stanza error's condition in the message (e.g. 'RoomError: not-authorized').

/** Events the peer reports for rooms and invitations (beside peer.ts's own). */
export type MucPeerEvent =
  | {
      /** A presence from a room occupant (including our own, with status 110). Not a 'presence' event. */
      type: 'roomPresence';
      /** Bare room JID. */
      room: string;
      nick: string;
      /** 'available' | 'unavailable' | 'error' */
      presenceType: string;
      /** muc#user status codes, ascending (110 self, 201 created, 303 nick change, 307 kicked, ...). */
      statusCodes: number[];
      role: string | null;
      affiliation: string | null;
      /** The occupant's real JID, when the room shows it to us. */
      jid: string | null;
      /** The new nick of a nick change (303). */
      newNick: string | null;
      /** The reason of a kick, ban or role change. */
      reason: string | null;
      /** Who did it (nick or JID), when the room says. */
      actor: string | null;
      show: string | null;
      status: string | null;
      /** XEP-0421 occupant id, when the room adds one (Prosody does; ejabberd 23.01 does not). */
      occupantId: string | null;
      /** The room was destroyed: its reason and alternate venue. */
      destroy: { reason: string | null; jid: string | null } | null;
      /** The stanza error condition of an error presence (join refused, nick conflict). */
      error: string | null;
    }
  | {
      /** A groupchat message with a body (live or history). Not a 'message' event. */
      type: 'groupchat';
      room: string;
      /** The sender's nick; null for a message from the room itself. */
      nick: string | null;
      id: string | null;
      body: string | null;
      /** The XEP-0359 stanza-id stamped by the room (by = room JID); one stamped by anyone else is ignored. */
      stanzaId: string | null;
      occupantId: string | null;
      originId: string | null;
      /** XEP-0203 delay (room history carries one, from = room). */
      delay: { stamp: string | null; from: string | null } | null;
    }
  | {
      /** A subject message (groupchat with a subject and no body), on join and on change. */
      type: 'subject';
      room: string;
      nick: string | null;
      subject: string | null;
      delay: { stamp: string | null; from: string | null } | null;
    }
  | {
      /** An invitation received: XEP-0249 direct (from the inviter) or XEP-0045 mediated (from the room). */
      type: 'invite';
      kind: 'direct' | 'mediated';
      room: string;
      /**
       * The inviter: their JID; in a mediated invitation from a semi-anonymous room, Prosody gives their
       * occupant JID (room/nick) instead.
       */
      from: string | null;
      password: string | null;
      reason: string | null;
    }
  | { type: 'inviteDeclined'; room: string; from: string | null; reason: string | null }
  | {
      /** A message error (e.g. a room refusing a message from a visitor). */
      type: 'messageError';
      from: string;
      id: string | null;
      condition: string | null;
    };

type RoomPresence = Extract<MucPeerEvent, { type: 'roomPresence' }>;

/** The XEP-0045 roles and affiliations a moderator or owner may set. */
export type MucRole = 'none' | 'visitor' | 'participant' | 'moderator';
export type MucAffiliation = 'outcast' | 'none' | 'member' | 'admin' | 'owner';

/** muc#roomconfig fields by var (e.g. 'muc#roomconfig_passwordprotectedroom': true); each must be in the form. */
export type RoomConfig = Record<string, string | string[] | boolean>;

export interface ArchivedMessage {
  /** The archive's id for it (for a room: the room's stanza-id). */
  archiveId: string | null;
  from: string | null;
  msgType: string;
  body: string | null;
  stamp: string | null;
}

export interface ArchivePage {
  messages: ArchivedMessage[];
  complete: boolean;
  first: string | null;
  last: string | null;
}

export interface DiscoItem {
  jid: string;
  node: string | null;
  name: string | null;
}

export interface DiscoInfo {
  identities: Array<{ category: string; type: string; name: string | null }>;
  features: string[];
}

export interface MucCommands {
  /** Joins as `nick`; resolves with our self-presence (status 110), rejects with the error presence's condition. */
  joinRoom(
    room: string,
    nick: string,
    opts?: { password?: string; maxHistory?: number },
  ): Promise<RoomPresence>;
  /** Leaves; resolves when the room confirms (our unavailable self-presence). */
  leaveRoom(room: string, opts?: { status?: string }): Promise<void>;
  /** Resolves with the new self-presence; rejects on a conflict. */
  changeNick(room: string, nick: string): Promise<RoomPresence>;
  /** Sends a groupchat message; resolves with its id (given or generated). */
  sendGroupchat(room: string, body: string, opts?: { id?: string }): Promise<string>;
  /** A private message to `occupant` (room JID/nick); resolves with its id. */
  sendPrivate(occupant: string, body: string, opts?: { id?: string }): Promise<string>;
  setSubject(room: string, subject: string): Promise<void>;
  /** Role 'none' for the occupant with `nick` (status 307 to them). */
  kick(room: string, nick: string, reason?: string): Promise<void>;
  /** Affiliation 'outcast' for `jid` (status 301 to them if present). */
  ban(room: string, jid: string, reason?: string): Promise<void>;
  setRole(room: string, nick: string, role: MucRole, reason?: string): Promise<void>;
  setAffiliation(room: string, jid: string, affiliation: MucAffiliation, reason?: string): Promise<void>;
  /** XEP-0249: an invitation sent straight to `jid`. */
  inviteDirect(room: string, jid: string, opts?: { password?: string; reason?: string }): Promise<void>;
  /** XEP-0045 §7.8.2: an invitation sent through the room. */
  inviteMediated(room: string, jid: string, reason?: string): Promise<void>;
  /** Declines a mediated invitation from `inviter`, through the room. */
  declineInvitation(room: string, inviter: string, reason?: string): Promise<void>;
  /**
   * Creates `room` as its owner: joins, then accepts the default configuration (instant) or submits
   * `config`. `created` is false when the room already existed (then an instant room is left as it was).
   */
  createRoom(
    room: string,
    nick: string,
    how: { instant: true } | { config: RoomConfig },
  ): Promise<{ created: boolean; statusCodes: number[] }>;
  /** Submits these fields of the room's configuration form (owner). */
  configureRoom(room: string, config: RoomConfig): Promise<void>;
  destroyRoom(room: string, opts?: { reason?: string; alternate?: string }): Promise<void>;
  /**
   * One page of a MAM archive (XEP-0313): `jid`'s (a room JID), or our own with jid null. `before: true`
   * asks for the last page; `before`/`after` an archive id for the page before/after it.
   */
  queryArchive(
    jid: string | null,
    opts?: { max?: number; before?: string | true; after?: string },
  ): Promise<ArchivePage>;
  discoItems(jid: string, node?: string): Promise<DiscoItem[]>;
  discoInfo(jid: string, node?: string): Promise<DiscoInfo>;
}

type Command = (cmd: string, fields?: Record<string, unknown>) => Promise<unknown>;

/** The MucCommands over peer.ts's acknowledged command channel. */
export function mucCommands(command: Command): MucCommands {
  const none = async (): Promise<void> => undefined;
  return {
    joinRoom: async (room, nick, opts = {}) =>
      (await command('joinRoom', { room, nick, ...opts })) as RoomPresence,
    leaveRoom: (room, opts = {}) => command('leaveRoom', { room, ...opts }).then(none),
    changeNick: async (room, nick) => (await command('changeNick', { room, nick })) as RoomPresence,
    sendGroupchat: async (room, body, opts = {}) =>
      (await command('sendGroupchat', { room, body, ...opts })) as string,
    sendPrivate: async (to, body, opts = {}) =>
      (await command('sendPrivate', { to, body, ...opts })) as string,
    setSubject: (room, subject) => command('setSubject', { room, subject }).then(none),
    kick: (room, nick, reason) => command('setRole', { room, nick, role: 'none', reason }).then(none),
    ban: (room, jid, reason) =>
      command('setAffiliation', { room, jid, affiliation: 'outcast', reason }).then(none),
    setRole: (room, nick, role, reason) => command('setRole', { room, nick, role, reason }).then(none),
    setAffiliation: (room, jid, affiliation, reason) =>
      command('setAffiliation', { room, jid, affiliation, reason }).then(none),
    inviteDirect: (room, to, opts = {}) => command('inviteDirect', { room, to, ...opts }).then(none),
    inviteMediated: (room, to, reason) => command('inviteMediated', { room, to, reason }).then(none),
    declineInvitation: (room, to, reason) => command('declineInvitation', { room, to, reason }).then(none),
    createRoom: async (room, nick, how) =>
      (await command('createRoom', {
        room,
        nick,
        config: 'config' in how ? how.config : null,
      })) as { created: boolean; statusCodes: number[] },
    configureRoom: (room, config) => command('configureRoom', { room, config }).then(none),
    destroyRoom: (room, opts = {}) => command('destroyRoom', { room, ...opts }).then(none),
    queryArchive: async (jid, opts = {}) => (await command('queryArchive', { jid, ...opts })) as ArchivePage,
    discoItems: async (jid, node) => (await command('discoItems', { jid, node })) as DiscoItem[],
    discoInfo: async (jid, node) => (await command('discoInfo', { jid, node })) as DiscoInfo,
  };
}
