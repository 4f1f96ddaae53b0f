// Invitations in words, as the prompts, the invite dialog and the toasts say them: who invites (a room that
// hides addresses names only a nick), who declined, and an address typed into the invite dialog.
import type { Invitation } from '../../../shared/invitations.ts';
import { bareJidProblem, normalJid } from '../../../shared/jid.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';

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
  const t = currentIntl().formatMessage;
  if (from === null) return t({ id: 'invitations.someone' });
  if (from.startsWith(`${room}/`))
    return t({ id: 'invitations.nickInRoom' }, { nick: from.slice(room.length + 1) });
  const address = from.split('/')[0]!;
  return fromVerified ? address : t({ id: 'invitations.claimed' }, { address });
}

/** Why a stranger's invitation is marked: the room hid who it is, vouched for nobody, or they are unknown. */
export function strangerNote(invitation: Pick<Invitation, 'from' | 'room' | 'fromVerified'>): string {
  const t = currentIntl().formatMessage;
  if (masked(invitation)) return t({ id: 'invitations.stranger.masked' });
  if (!invitation.fromVerified) return t({ id: 'invitations.stranger.unverified' });
  return t({ id: 'invitations.stranger.unknown' });
}

export function declineText(room: string, from: string | null, reason: string | null): string {
  const t = currentIntl().formatMessage;
  const who =
    from === null
      ? t({ id: 'invitations.someone' })
      : from.startsWith(`${room}/`)
        ? from.slice(room.length + 1)
        : from.split('/')[0];
  return reason
    ? t({ id: 'invitations.declinedBecause' }, { who, room, reason })
    : t({ id: 'invitations.declined' }, { who, room });
}

/** A typed address to invite: a bare JID with a localpart, normalised; else null. */
export function typedAddress(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.includes('@') || bareJidProblem(trimmed) !== null) return null;
  return normalJid(trimmed);
}
