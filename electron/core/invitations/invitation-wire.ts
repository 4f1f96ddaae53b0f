// Room invitations on the wire, read once and bounded, and written: XEP-0249 direct invitations
// (<x xmlns='jabber:x:conference' jid password reason/> from the inviter) and XEP-0045 §7.8 mediated ones
// (the room relays <x muc#user><invite from><reason/></invite><password/></x> from its bare JID), and the
// decline a room relays back. Remote text is cut to its bound before it is copied; the room must be a valid
// bare JID with a localpart. Whether a mediated invitation's sender really is a room is checked later (its disco#info).
import { xml, type Element } from '@xmpp/xml';
import { MAX_INVITE_REASON_CHARS, type InviteMode } from '../../../shared/invitations.ts';
import { formatJid, tryParseJid } from '../../../shared/jid.ts';
import { ownTextOrNull } from '../xmpp/own-text.ts';
import type { MessageEnvelope } from '../xmpp/envelope.ts';
import { NS_CONFERENCE, NS_MUC_USER } from '../muc/muc-user.ts';

/** Longest password kept (the join sends it back; XEP-0045 gives no bound). */
export const MAX_INVITE_PASSWORD_CHARS = 1024;

export interface InboundInvitation {
  kind: InviteMode;
  /** The room's bare JID (normalised). */
  room: string;
  /** The inviter as the stanza names them (a JID or a room occupant JID), normalised; null if not given. */
  from: string | null;
  reason: string | null;
  password: string | null;
  /** The sender's time (delay), else null. */
  at: number | null;
}

export interface InboundDecline {
  room: string;
  from: string | null;
  reason: string | null;
}

function text(value: string | null | undefined, max: number): string | null {
  if (typeof value !== 'string') return null;
  const cut = value.slice(0, max).trim();
  return cut === '' ? null : ownTextOrNull(cut);
}

/** The normal form of a JID of bounded length, or null. */
function jidOf(value: unknown, bare: boolean): string | null {
  if (typeof value !== 'string' || value.length > 3071) return null;
  const jid = tryParseJid(value);
  if (!jid || (bare && jid.resource !== null)) return null;
  return ownTextOrNull(formatJid(jid));
}

/** A room's address: bare, with a localpart (a MUC service's own address answers disco#info too). */
function roomOf(value: unknown): string | null {
  const room = jidOf(value, true);
  return room !== null && room.includes('@') ? room : null;
}

/** XEP-0249: the inviter is the sender (a full or bare JID), the room the `jid` attribute. */
function direct(envelope: MessageEnvelope): InboundInvitation | null {
  const x = envelope.message.getChild('x', NS_CONFERENCE);
  const room = x ? roomOf(x.attrs.jid) : null;
  if (!x || !room || !envelope.fromBare) return null;
  return {
    kind: 'direct',
    room,
    from: ownTextOrNull(envelope.fromBare),
    reason: text(x.attrs.reason, MAX_INVITE_REASON_CHARS),
    password: text(x.attrs.password, MAX_INVITE_PASSWORD_CHARS),
    at: envelope.delay,
  };
}

/**
 * The invitation a message carries, or null: mediated (an <invite/>, only from a bare JID: the room itself),
 * else direct. An error or groupchat message carries none.
 */
export function parseInvitation(envelope: MessageEnvelope): InboundInvitation | null {
  if (envelope.type === 'error' || envelope.type === 'groupchat' || !envelope.from) return null;
  const at = envelope.delay;
  // First: a room adds a jabber:x:conference element to its mediated invitation for older clients (Prosody).
  const invite = envelope.muc?.invite;
  if (invite) {
    if (envelope.from.resource !== null || envelope.from.local === null || !envelope.fromBare) return null;
    return {
      kind: 'mediated',
      room: ownTextOrNull(envelope.fromBare)!,
      from: invite.from === null ? null : jidOf(invite.from, false),
      reason: text(invite.reason, MAX_INVITE_REASON_CHARS),
      password: text(invite.password, MAX_INVITE_PASSWORD_CHARS),
      at,
    };
  }
  return direct(envelope);
}

/** A decline of one of our mediated invitations, relayed by the room from its bare JID; else null. */
export function parseDecline(envelope: MessageEnvelope): InboundDecline | null {
  if (envelope.type === 'error' || !envelope.from || envelope.from.resource !== null || !envelope.fromBare)
    return null;
  const decline = envelope.message.getChild('x', NS_MUC_USER)?.getChild('decline');
  if (!decline) return null;
  return {
    room: ownTextOrNull(envelope.fromBare)!,
    from: jidOf(decline.attrs.from, false),
    reason: text(decline.getChildText('reason'), MAX_INVITE_REASON_CHARS),
  };
}

/**
 * The message is an invitation or a decline (either kind): for the archive catch-up, which must not store
 * one as a stranger's message (a room's mediated invitation has a body, and servers archive it).
 */
export function carriesInvitation(message: Element): boolean {
  if (message.getChild('x', NS_CONFERENCE)) return true;
  const x = message.getChild('x', NS_MUC_USER);
  return Boolean(x && (x.getChild('invite') || x.getChild('decline')));
}

/** XEP-0249 §2: sent straight to the invitee; a password room's password goes along. */
export function directInvitation(
  to: string,
  room: string,
  opts: { reason?: string; password?: string | null },
): Element {
  return xml(
    'message',
    { to },
    xml('x', {
      xmlns: NS_CONFERENCE,
      jid: room,
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.password ? { password: opts.password } : {}),
    }),
  );
}

/**
 * XEP-0045 §7.8.2: sent to the room, which relays it (and may add the invitee as a member). The id finds the
 * room's error if it refuses.
 */
export function mediatedInvitation(room: string, to: string, id: string, reason?: string): Element {
  return xml(
    'message',
    { to: room, id },
    xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to }, reason ? xml('reason', {}, reason) : null)),
  );
}

/** XEP-0045 §7.8.2: our decline, through the room to the inviter (the room resolves an occupant JID). */
export function mediatedDecline(room: string, inviter: string | null, reason?: string): Element {
  return xml(
    'message',
    { to: room },
    xml(
      'x',
      { xmlns: NS_MUC_USER },
      xml('decline', inviter ? { to: inviter } : {}, reason ? xml('reason', {}, reason) : null),
    ),
  );
}
