// Whether something that just arrived deserves a desktop notification, and its words. Pure: everything it
// depends on (preferences, the conversation on screen, our presence, names) comes in a PolicyContext, so each
// rule is a unit test. Rate limiting lives in notification-throttle.ts. The words come from the page's
// current catalog (English until the language is known).
import type { ChatMessage, SubscriptionRequest } from '../../../shared/contract.ts';
import { conversationId, type ConversationKind } from '../../../shared/conversation.ts';
import type { Invitation } from '../../../shared/invitations.ts';
import type { ConversationPrefs, Preferences } from '../../../shared/preferences.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';

/** What the page shows (and sends as 'shell.notify' without `silent`). */
export interface Notice {
  account: string;
  kind: ConversationKind;
  peer: string;
  /** One per conversation: the next notice with the same tag replaces the previous one. */
  tag: string;
  title: string;
  body: string;
}

export interface PolicyContext {
  now: number;
  notifications: Preferences['notifications'];
  /** The conversation's own settings (mute, room level), if it has any. */
  conversation: (id: string) => ConversationPrefs | undefined;
  /** Whether this conversation is on screen in a focused, visible window (seenChat), or another window's. */
  onScreen: (id: string) => boolean;
  /** Our own presence on the account ('dnd' silences everything when silentWhenBusy is on). */
  ownShow: (account: string) => string;
  /** A contact's name as shown (roster name, else the address). */
  contactName: (account: string, jid: string) => string;
  /** A room's name as shown. */
  roomName: (account: string, room: string) => string;
}

/** Longest notification body in characters (one line, then an ellipsis). */
export const MAX_BODY_CHARS = 200;
export const MAX_TITLE_CHARS = 120;

/** A notice's text in the current language. */
const say = (message: { id: string }, values?: Record<string, string | number>): string =>
  currentIntl().formatMessage(message, values);

/** The body of a message notice when message text is not shown. */
export const hiddenText = (): string => say({ id: 'notifications.notice.hidden' });

/** The text on one line, runs of white space and control characters as one space, at most `max` chars. */
export function oneLine(text: string, max: number): string {
  let out = '';
  let count = 0;
  let pendingSpace = false;
  // One pass over at most a bounded prefix: a megabyte body costs no more than a short one.
  const limit = Math.min(text.length, max * 4 + 16);
  for (let i = 0; i < limit; i++) {
    const code = text.charCodeAt(i);
    const blank = code <= 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    if (blank) {
      pendingSpace = count > 0;
      continue;
    }
    if (pendingSpace) {
      if (count + 1 >= max) return `${out}…`;
      out += ' ';
      count++;
      pendingSpace = false;
    }
    if (count >= max) return `${out}…`;
    // A surrogate pair stays whole.
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    out += pair ? text.slice(i, i + 2) : text[i];
    if (pair) i++;
    count++;
  }
  return limit < text.length && count > 0 ? `${out}…` : out;
}

/** Muted now: the conversation's mutedUntil (ms since the epoch, or MUTED_FOREVER) is still ahead. */
export function isMuted(prefs: ConversationPrefs | undefined, now: number): boolean {
  const until = prefs?.mutedUntil ?? null;
  return until !== null && until > now;
}

/** The checks every kind of notice passes: notifications on, not busy, not muted, not on screen. */
function allowed(ctx: PolicyContext, account: string, id: string): boolean {
  if (!ctx.notifications.enabled) return false;
  if (ctx.notifications.silentWhenBusy && ctx.ownShow(account) === 'dnd') return false;
  if (isMuted(ctx.conversation(id), ctx.now)) return false;
  return !ctx.onScreen(id);
}

/** The resource of a full JID (a room line's sender nick); '' when there is none. */
function resourceOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? '' : jid.slice(slash + 1);
}

function titleOf(m: ChatMessage, ctx: PolicyContext): string {
  switch (m.kind) {
    case 'groupchat': {
      const nick = resourceOf(m.peerFull);
      const room = ctx.roomName(m.account, m.peer);
      return nick ? say({ id: 'notifications.notice.inRoom' }, { nick, room }) : room;
    }
    case 'private': {
      const slash = m.peer.indexOf('/');
      const room = slash > 0 ? ctx.roomName(m.account, m.peer.slice(0, slash)) : m.peer;
      return say({ id: 'notifications.notice.private' }, { nick: resourceOf(m.peer), room });
    }
    default:
      return ctx.contactName(m.account, m.peer);
  }
}

/**
 * A live incoming message: not ours, not from the archive or offline storage (delayed), not empty. Rooms
 * notify by their level: their own, else the default; 'mentions' means a line naming our nick.
 */
export function messageNotice(m: ChatMessage, ctx: PolicyContext): Notice | null {
  if (m.direction !== 'in' || m.delayed) return null;
  if (m.body === null || m.body.trim() === '') return null;
  const id = conversationId(m);
  if (!allowed(ctx, m.account, id)) return null;
  if (m.kind === 'groupchat') {
    const level = ctx.conversation(id)?.roomNotify ?? ctx.notifications.rooms;
    if (level === 'none' || (level === 'mentions' && m.mention !== true)) return null;
  }
  return {
    account: m.account,
    kind: m.kind,
    peer: m.peer,
    tag: id,
    title: oneLine(titleOf(m, ctx), MAX_TITLE_CHARS) || m.peer,
    body: ctx.notifications.showText ? oneLine(m.body, MAX_BODY_CHARS) : hiddenText(),
  };
}

/** Someone asks to see our presence (a subscription request that was not there before). */
export function requestNotice(
  account: string,
  request: SubscriptionRequest,
  ctx: PolicyContext,
): Notice | null {
  if (!ctx.notifications.subscriptionRequests) return null;
  const id = conversationId({ account, kind: 'chat', peer: request.jid });
  if (!allowed(ctx, account, id)) return null;
  const nick = request.nick ? oneLine(request.nick, MAX_TITLE_CHARS) : '';
  const who = nick ? `${nick} (${request.jid})` : request.jid;
  return {
    account,
    kind: 'chat',
    peer: request.jid,
    // Its own tag: a request does not replace the notice of a message in the same chat.
    tag: `request ${id}`,
    title: oneLine(say({ id: 'notifications.notice.request' }, { who }), MAX_TITLE_CHARS),
    body:
      ctx.notifications.showText && request.status
        ? oneLine(request.status, MAX_BODY_CHARS)
        : say({ id: 'notifications.notice.requestBody' }),
  };
}

/** An invitation to a room (one that was not waiting before). Clicking it opens the room's conversation. */
export function invitationNotice(account: string, invitation: Invitation, ctx: PolicyContext): Notice | null {
  if (!ctx.notifications.invitations) return null;
  const id = conversationId({ account, kind: 'groupchat', peer: invitation.room });
  if (!allowed(ctx, account, id)) return null;
  const room = invitation.roomName ? oneLine(invitation.roomName, MAX_TITLE_CHARS) : invitation.room;
  const from = invitation.from
    ? invitation.stranger
      ? invitation.from
      : ctx.contactName(account, invitation.from)
    : null;
  const reason = ctx.notifications.showText && invitation.reason ? invitation.reason : null;
  return {
    account,
    kind: 'groupchat',
    peer: invitation.room,
    tag: `invitation ${id}`,
    title: oneLine(say({ id: 'notifications.notice.invitation' }, { room }), MAX_TITLE_CHARS),
    body: oneLine(invitationBody(from, reason), MAX_BODY_CHARS),
  };
}

/** "From Ann: reason", "From Ann", "You are invited: reason" or "You are invited". */
function invitationBody(from: string | null, reason: string | null): string {
  if (from !== null) {
    return reason !== null
      ? say({ id: 'notifications.notice.invitedByWithReason' }, { from, reason })
      : say({ id: 'notifications.notice.invitedBy' }, { from });
  }
  return reason !== null
    ? say({ id: 'notifications.notice.invitedWithReason' }, { reason })
    : say({ id: 'notifications.notice.invited' });
}
