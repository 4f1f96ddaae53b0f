// Desktop notifications for this page: live messages ('chat.messages'), new subscription requests and new
// invitations (as they enter their stores) go through the policy and the rate limits, then out (shell or Web
// Notification) with the sound; a click ('shell.activate' from the shell, or the Web notification's own
// onclick) opens that conversation. Each conversation is decided by exactly one window: a popped-out chat by
// its own window, everything else by the main window. The preferences are the page's preferences store's.
import type { EventName, EventPayload } from '../../../shared/contract.ts';
import { conversationId } from '../../../shared/conversation.ts';
import { openChat } from '../../stores/actions.ts';
import { useInvitations } from '../invitations/invitations-store.ts';
import { useRooms } from '../rooms/rooms-store.ts';
import { usePresence } from '../../stores/presence.ts';
import { useRequests } from '../../stores/requests.ts';
import { displayName, useRoster } from '../../stores/roster.ts';
import { seenChat, useUi } from '../../stores/ui.ts';
import { roomName } from '../rooms/room-words.ts';
import { askPermissionOnGesture, playSound, showNotice } from './notification-display.ts';
import { NotificationThrottle } from './notification-throttle.ts';
import {
  invitationNotice,
  messageNotice,
  requestNotice,
  type Notice,
  type PolicyContext,
} from './notify-policy.ts';
import { usePreferences } from '../settings/preferences-store.ts';
import { conversationPrefs } from './conversation-prefs.ts';

type On = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;

/** Requests and invitations older than the page (already waiting when it loaded) are not news. */
const STARTED_AT = Date.now();
const OLD_SLACK_MS = 2_000;

/** Whether this window decides for the conversation, and it is on screen here (or decided elsewhere). */
function onScreenOrElsewhere(id: string): boolean {
  const ui = useUi.getState();
  if (ui.view === 'chat' ? id !== ui.popId : ui.poppedOut.has(id)) return true;
  return seenChat(ui) === id;
}

export function policyContext(now = Date.now()): PolicyContext {
  const { preferences } = usePreferences.getState();
  const conversations = conversationPrefs();
  return {
    now,
    notifications: preferences.notifications,
    conversation: (id) => conversations.get(id),
    onScreen: onScreenOrElsewhere,
    ownShow: (account) => usePresence.getState().own.get(account)?.show ?? 'available',
    contactName: (account, jid) =>
      displayName(useRoster.getState().byAccount.get(account)?.contacts.get(jid), jid),
    roomName: (_account, room) => roomName(room),
  };
}

/** Opens the conversation a notification was about (in the main window: pop-outs are brought forward). */
function activate(target: { account: string; kind: Notice['kind']; peer: string }): void {
  window.focus();
  // An invitation's room is not ours yet: the window shows its prompt (Join, Decline) instead.
  if (target.kind === 'groupchat' && !useRooms.getState().byAccount.get(target.account)?.has(target.peer))
    return;
  openChat(conversationId(target));
}

export function registerNotifications(on: On): void {
  const throttle = new NotificationThrottle();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const display = (notice: Notice): void => {
    void showNotice(notice, activate).then((shown) => {
      if (shown && usePreferences.getState().preferences.notifications.sound) playSound();
    });
  };
  const flushLater = (): void => {
    const next = throttle.nextDue();
    if (next === null || timer !== null) return;
    timer = setTimeout(
      () => {
        timer = null;
        // A folded notice whose conversation came on screen (or was muted) meanwhile is dropped.
        for (const notice of throttle.due(Date.now())) {
          const message = notice.tag === conversationId(notice);
          if (!message || !onScreenOrElsewhere(notice.tag)) display(notice);
        }
        flushLater();
      },
      Math.max(50, next - Date.now()),
    );
  };
  const offer = (notice: Notice | null): void => {
    if (!notice) return;
    const now = Date.now();
    const shown = throttle.offer(notice, now);
    if (shown) display(shown);
    else flushLater();
  };

  on('chat.messages', ({ messages }) => {
    const ctx = policyContext();
    for (const m of messages) offer(messageNotice(m, ctx));
  });
  on('shell.activate', activate);

  // Requests and invitations: only the main window tells (a pop-out shows neither).
  if (useUi.getState().view !== 'main') return;
  askPermissionOnGesture();
  const fresh = (at: number): boolean => at >= STARTED_AT - OLD_SLACK_MS;
  useRequests.subscribe((now, before) => {
    if (now.byAccount === before.byAccount) return;
    const ctx = policyContext();
    for (const [account, requests] of now.byAccount) {
      const old = before.byAccount.get(account);
      if (old === requests) continue;
      const known = new Set(old?.map((r) => r.jid));
      for (const r of requests)
        if (!known.has(r.jid) && fresh(r.receivedAt)) offer(requestNotice(account, r, ctx));
    }
  });
  useInvitations.subscribe((now, before) => {
    if (now.byAccount === before.byAccount) return;
    const ctx = policyContext();
    for (const [account, invitations] of now.byAccount) {
      const old = before.byAccount.get(account);
      if (old === invitations) continue;
      const known = new Set(old?.map((i) => i.id));
      for (const i of invitations)
        if (!known.has(i.id) && fresh(i.at)) offer(invitationNotice(account, i, ctx));
    }
  });
}
