// What the invitations UI asks the engine: join a room through its invitation (then the room is listed and
// its tab opens, as after the join dialog), decline one, and invite people to a room we are in.
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import type { Invitation, InviteMode } from '../../../shared/invitations.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useUi } from '../../stores/ui.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { openRoom } from '../rooms/rooms-actions.ts';
import { useRooms } from '../rooms/rooms-store.ts';
import { useInvitations } from './invitations-store.ts';

/** Joins with the invitation's password (and `nick` when given); answers the join's error otherwise. */
export async function acceptInvitation(
  account: string,
  invitation: Invitation,
  nick?: string,
): Promise<EngineErrorPayload | null> {
  const result = await getBridge().invoke('invitations.accept', {
    account,
    id: invitation.id,
    ...(nick ? { nick } : {}),
  });
  if (!result.ok) return result.error;
  useRooms.getState().apply(account, [result.value]);
  openRoom(account, invitation.room);
  return null;
}

export async function declineInvitation(
  account: string,
  invitation: Invitation,
  reason?: string,
): Promise<void> {
  useInvitations.getState().markAnswering(invitation.id, true);
  const result = await getBridge().invoke('invitations.decline', {
    account,
    id: invitation.id,
    ...(reason ? { reason } : {}),
  });
  useInvitations.getState().markAnswering(invitation.id, false);
  if (!result.ok) {
    const t = currentIntl().formatMessage;
    useUi.getState().addToast(t({ id: 'invitations.declineFailed' }, { reason: result.error.message }));
  }
}

/** Invites `to` (bare JIDs); answers how each went out, or the error. */
export async function sendInvitations(
  account: string,
  room: string,
  to: readonly string[],
  reason: string,
): Promise<
  | { sent: Array<{ to: string; mode: InviteMode }>; failed: Array<{ to: string; reason: string }> }
  | EngineErrorPayload
> {
  const result = await getBridge().invoke('invitations.send', {
    account,
    room,
    to: [...to],
    ...(reason.trim() ? { reason: reason.trim() } : {}),
  });
  return result.ok ? result.value : result.error;
}
