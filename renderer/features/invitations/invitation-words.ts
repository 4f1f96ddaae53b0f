// Invitations in words, as the prompts, the invite dialog and the toasts say them: who invites (a room that
// hides addresses names only a nick), who declined, and an address typed into the invite dialog.
import type { Invitation } from '../../../shared/invitations.ts';
import { bareJidProblem, normalJid } from '../../../shared/jid.ts';

/** The room named the inviter by their nick in it (room/nick), or not at all, rather than by address. */
export function masked({ from, room }: Pick<Invitation, 'from' | 'room'>): boolean {
  return from === null || from.startsWith(`${room}/`);
}

/**
 * The inviter: their address (which device sent it says nothing here), or their nick in the room; an
 * address only a room on another server vouches for is said to be its claim.
 */
export function inviterText({
  from,
  room,
  fromVerified,
}: Pick<Invitation, 'from' | 'room' | 'fromVerified'>): string {
  if (from === null) return 'Someone';
  if (from.startsWith(`${room}/`)) return `${from.slice(room.length + 1)} (in the room)`;
  const address = from.split('/')[0]!;
  return fromVerified ? address : `Someone the room says is ${address}`;
}

/** Why a stranger's invitation is marked: the room hid who it is, vouched for nobody, or they are unknown. */
export function strangerNote(invitation: Pick<Invitation, 'from' | 'room' | 'fromVerified'>): string {
  if (masked(invitation)) return 'The room hides who this is';
  if (!invitation.fromVerified) return 'A room on another server names them: it may not be true';
  return 'Not in your contacts';
}

export function declineText(room: string, from: string | null, reason: string | null): string {
  const who =
    from === null
      ? 'Someone'
      : from.startsWith(`${room}/`)
        ? from.slice(room.length + 1)
        : from.split('/')[0];
  return `${who} declined your invitation to ${room}${reason ? `: “${reason}”` : '.'}`;
}

/** A typed address to invite: a bare JID with a localpart, normalised; else null. */
export function typedAddress(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.includes('@') || bareJidProblem(trimmed) !== null) return null;
  return normalJid(trimmed);
}
