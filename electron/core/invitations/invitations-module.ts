// Room invitations for one account, both ways. Inbound (XEP-0249 direct, XEP-0045 mediated): read before the
// chat module (a mediated invitation would otherwise be a stranger's message), dropped when the inviter or
// the room is blocked or we are in the room already, and kept as a prompt once the room's disco#info says it
// is a room (so a "mediated invitation" from a person's address is ignored). Strangers' invitations are kept
// too, marked as such (as strangers' messages wait as requests), but cost no disco#info: a stranger's direct
// one waits unchecked until Join (which reads the room's disco#info first), and one the full list would
// refuse is refused before it is checked. A mediated invitation is a contact's only from a room on our own
// server (own-room-services.ts): a room elsewhere may name anyone as the inviter. Accept joins through the muc module with the
// password the invitation carried; decline tells a mediated inviter through the room. Outbound: direct when
// one of the invitee's devices understands XEP-0249, else through the room. A room's decline of our
// invitation becomes a notice, and so does a room's refusal to pass ours on. The list lives in memory for the
// session (a sign-out clears it).
import { randomUUID } from 'node:crypto';
import { MAX_NICK_CHARS } from '../../../shared/muc.ts';
import type { Invitation, InviteMode } from '../../../shared/invitations.ts';
import { parseJid } from '../../../shared/jid.ts';
import { EngineError, describeStanzaError } from '../errors.ts';
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import type { BlockingModule } from '../blocking/blocking-module.ts';
import type { DiscoModule } from '../disco/disco-module.ts';
import type { MucModule } from '../muc/muc-module.ts';
import { discoInfoRequest, parseRoomInfo } from '../muc/join.ts';
import { NS_CONFERENCE } from '../muc/muc-user.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import { parseRoomInfo as readRoomInfo } from '../room-directory/room-directory-xml.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import type { MessageEnvelope } from '../xmpp/envelope.ts';
import { stanzaError } from '../xmpp/iq-tracker.ts';
import { NS_DISCO_INFO } from '../xmpp/ns.ts';
import { ownTextOrNull } from '../xmpp/own-text.ts';
import { inviteEach } from './invite-each.ts';
import { answerWithin } from '../xmpp/answer-within.ts';
import { ownRoomServices } from './own-room-services.ts';
import {
  directInvitation,
  mediatedDecline,
  mediatedInvitation,
  parseDecline,
  parseInvitation,
  type InboundInvitation,
} from './invitation-wire.ts';
import { PendingInvitations } from './pending-invitations.ts';

/** Rooms whose disco#info we wait for at once; invitations past it are refused (a flood of made-up rooms). */
export const MAX_VERIFYING = 16;
/** Rooms we invited people to this session: only their declines are believed. */
const MAX_INVITED_ROOMS = 100;
/** Our mediated invitations whose refusal by the room we still recognise (by id), the newest. */
const MAX_SENT_REMEMBERED = 200;
/** How long an invitee's device may take to say whether it understands direct invitations. */
const FEATURE_QUERY_MS = 5_000;
/** Devices of one invitee asked at most. */
const DEVICES_ASKED = 3;

const OK = { ok: true } as const;

export interface InvitationsModule extends ProtocolModule {
  readonly pending: PendingInvitations;
}

function create(context: AccountContext) {
  const { account, events } = context;
  const ownDomain = parseJid(account).domain;
  const pending = new PendingInvitations();
  /** Rooms being checked, with the latest invitation to each (a second one while checking replaces it). */
  const verifying = new Map<string, InboundInvitation>();
  const invitedRooms = new Set<string>();
  /** Our mediated invitations by stanza id: a room's error with that id is its refusal. */
  const sentThroughRooms = new Map<string, { room: string; to: string }>();
  const muc = () => context.module<MucModule>('muc');
  const ownRooms = ownRoomServices(context);

  const isBlocked = (jid: string | null): boolean => {
    if (jid === null) return false;
    const list = context.module<BlockingModule>('blocking').blocklist;
    const bare = jid.split('/')[0]!;
    return list.has(jid) || list.has(bare) || list.has(bare.slice(bare.indexOf('@') + 1));
  };
  /** Whether `from` (as the invitation names them) is not us or a contact; see `verify` for who is believed. */
  const isStranger = (from: string | null): boolean => {
    if (from === null) return true; // the room did not say who: nobody we know vouches for it
    const bare = from.split('/')[0]!;
    if (bare === account || bare === ownDomain) return false;
    return !context.module<RosterModule>('roster').roster.contacts.has(bare);
  };
  const inRoom = (room: string): boolean => {
    const state = muc().rooms.get(room);
    return state !== undefined && !state.out;
  };
  /**
   * The waiting list, less rooms joined meanwhile by other ways (the join dialog, a bookmark); one still
   * joining stays (the join may be this invitation's, and may fail).
   */
  const current = (): Invitation[] => {
    for (const { room } of pending.list()) if (muc().rooms.get(room)?.joined) pending.remove(room);
    return pending.list();
  };
  const announce = (): void =>
    events.emit('invitations.changed', { account, invitations: current(), more: pending.more });
  const unwanted = (inbound: InboundInvitation): boolean =>
    isBlocked(inbound.room) || isBlocked(inbound.from) || inRoom(inbound.room);

  /** Kept or refused: either way the list or its count of the refused changed. */
  const keep = (inbound: InboundInvitation, fromVerified: boolean, roomName: string | null): void => {
    const stranger = !fromVerified || isStranger(inbound.from);
    pending.add(inbound, { stranger, fromVerified, roomName, now: Date.now() });
    announce();
  };

  /**
   * Asks the room's disco#info; keeps the invitation only if it is a room. Who invites is believed from a
   * direct invitation's sender (our server saw it), and from a mediated one only when the room is on our own
   * server: a room elsewhere may claim to relay anyone (a contact's name, a contact's rank in the list).
   */
  const verify = async (room: string): Promise<void> => {
    const link = context.link();
    let name: string | null = null;
    let isRoom = false;
    try {
      if (link) {
        const reply = await link.iq.request('get', room, discoInfoRequest());
        parseRoomInfo(reply); // throws for anything that is not a room
        name = ownTextOrNull(readRoomInfo(room, reply).name ?? '');
        isRoom = true;
      }
    } catch {
      isRoom = false;
    }
    const onOwnServer = isRoom && (await ownRooms.hosts(room));
    const inbound = verifying.get(room);
    verifying.delete(room);
    if (!inbound || !isRoom || unwanted(inbound)) return;
    keep(inbound, inbound.kind === 'direct' || onOwnServer, name);
  };

  const receive = (inbound: InboundInvitation): void => {
    if (unwanted(inbound)) return;
    // The best rank it can have: refused even so, it costs no disco#info (to a room a stranger names).
    const atBest = isStranger(inbound.from);
    if (!pending.wouldKeep(inbound.room, atBest)) {
      pending.countRefused();
      announce();
      return;
    }
    // A stranger's direct invitation names a room we would ask: not before Join does (the join reads the
    // room's disco#info first), so a stranger cannot make us query addresses of their choosing.
    if (inbound.kind === 'direct' && atBest) {
      keep(inbound, true, null);
      return;
    }
    if (verifying.has(inbound.room)) {
      verifying.set(inbound.room, inbound);
      return;
    }
    if (verifying.size >= MAX_VERIFYING) {
      pending.countRefused();
      announce();
      return;
    }
    verifying.set(inbound.room, inbound);
    void verify(inbound.room);
  };

  const onMessage = (envelope: MessageEnvelope): 'consumed' | 'continue' => {
    if (envelope.via !== 'live' && envelope.via !== 'carbon-received') return 'continue';
    const decline = parseDecline(envelope);
    if (decline) {
      // Only a room we invited someone to relays their decline to us; any other is noise.
      if (envelope.via === 'live' && invitedRooms.has(decline.room) && !isBlocked(decline.from)) {
        events.emit('invitations.declined', { account, declines: [decline] });
      }
      return 'consumed';
    }
    const inbound = parseInvitation(envelope);
    if (!inbound) return 'continue';
    if (inbound.kind === 'direct' || envelope.via === 'live') receive(inbound);
    return 'consumed';
  };

  /** Before the muc module (40), which takes every error from a room we are in as about a room line. */
  const onRefusal = (envelope: MessageEnvelope): 'consumed' | 'continue' => {
    if (envelope.type !== 'error' || envelope.via !== 'live' || !envelope.id) return 'continue';
    const sent = sentThroughRooms.get(envelope.id);
    if (!sent || envelope.fromBare !== sent.room) return 'continue';
    sentThroughRooms.delete(envelope.id);
    const { condition, text } = stanzaError(envelope.message);
    const reason = describeStanzaError(condition, text === null ? null : text.slice(0, 1024));
    events.emit('invitations.refused', { account, refusals: [{ ...sent, reason }] });
    return 'consumed';
  };

  const held = (id: string): { invitation: Invitation; password: string | null } => {
    const found = pending.byId(id);
    if (!found) throw new EngineError('not-found', 'That invitation is no longer waiting.');
    return found;
  };

  /** Whether one of `to`'s online devices understands XEP-0249: by its caps, else by asking it. */
  const understandsDirect = async (to: string, online: readonly string[]): Promise<boolean> => {
    const disco = context.module<DiscoModule>('disco');
    const devices = online.map((resource) => `${to}/${resource}`);
    if (devices.some((full) => disco.featuresOf(full)?.has(NS_CONFERENCE))) return true;
    const link = context.link();
    if (!link) return false;
    const answers = await Promise.all(
      devices
        .filter((full) => disco.featuresOf(full) === undefined)
        .slice(0, DEVICES_ASKED)
        .map((full) =>
          answerWithin(link.iq.request('get', full, discoInfoRequest()), FEATURE_QUERY_MS).then((reply) =>
            Boolean(
              reply
                ?.getChild('query', NS_DISCO_INFO)
                ?.getChildren('feature')
                .some((f) => f.attrs.var === NS_CONFERENCE),
            ),
          ),
        ),
    );
    return answers.includes(true);
  };

  return {
    id: 'invitations',
    pending,
    // We take XEP-0249 invitations: a contact's client may send them straight to us.
    features: [NS_CONFERENCE],
    handlers: [
      // After the muc module (40: our rooms' own traffic), before chat (50).
      { kind: 'message', priority: 35, handle: onRefusal },
      { kind: 'message', priority: 45, handle: onMessage },
    ],
    onSessionEnd: () => {
      ownRooms.forget();
      pending.clear();
      verifying.clear();
      invitedRooms.clear();
      sentThroughRooms.clear();
      announce();
    },
    commands: {
      'invitations.list': async () => ({ invitations: current(), more: pending.more }),
      'invitations.accept': async ({ id, nick }) => {
        const { invitation, password } = held(id);
        const join = muc().commands?.['muc.join'];
        if (!join) throw new EngineError('internal', 'Group chat is not available.');
        const localpart = account.slice(0, Math.max(0, account.indexOf('@'))) || account;
        const room = await join({
          account,
          room: invitation.room,
          nick: (nick ?? localpart).slice(0, MAX_NICK_CHARS),
          ...(password === null ? {} : { password }),
        });
        if (pending.byId(id)) {
          pending.remove(invitation.room);
          announce();
        }
        return room;
      },
      'invitations.decline': async ({ id, reason }) => {
        const { invitation } = held(id);
        if (invitation.kind === 'mediated') {
          await context.online().send(mediatedDecline(invitation.room, invitation.from, reason));
        }
        pending.remove(invitation.room);
        announce();
        return OK;
      },
      'invitations.send': async ({ room, to, reason, mode }) => {
        const state = muc().rooms.get(room);
        if (!state?.joined) throw new EngineError('not-found', 'Join the room first: only occupants invite.');
        const link = context.online();
        const wanted = new Set(to);
        const online = new Map<string, string[]>();
        if (!mode) {
          for (const contact of context.module<PresenceModule>('presence').presences.snapshot()) {
            if (wanted.has(contact.jid))
              online.set(
                contact.jid,
                contact.resources.map((r) => r.resource),
              );
          }
        }
        return inviteEach(wanted, async (invitee) => {
          const how: InviteMode =
            mode ?? ((await understandsDirect(invitee, online.get(invitee) ?? [])) ? 'direct' : 'mediated');
          if (how === 'direct') {
            await link.send(directInvitation(invitee, room, { reason, password: state.password }));
          } else {
            invitedRooms.delete(room);
            if (invitedRooms.size >= MAX_INVITED_ROOMS)
              invitedRooms.delete(invitedRooms.values().next().value!);
            invitedRooms.add(room);
            const id = randomUUID();
            if (sentThroughRooms.size >= MAX_SENT_REMEMBERED)
              sentThroughRooms.delete(sentThroughRooms.keys().next().value!);
            sentThroughRooms.set(id, { room, to: invitee });
            await link.send(mediatedInvitation(room, invitee, id, reason));
          }
          return how;
        });
      },
    },
  } satisfies InvitationsModule;
}

export const invitationsModule = defineModule({
  id: 'invitations',
  commands: ['invitations.list', 'invitations.accept', 'invitations.decline', 'invitations.send'],
  create,
});
