// Message requests across restarts. The waiting list itself is not stored: it is read back from the history
// (one-to-one chats we never wrote in) at each start, less the ones the user dismissed, which the settings
// remember (a newer message from that stranger is a request again). Without this, a stranger's messages from
// an earlier run were in the history but in no list: there was no way to find them but search.
import type { MessageRequest } from '../../../shared/contract.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { SettingsStore } from '../settings-store.ts';
import { STRANGER_LIMITS } from './strangers.ts';

/** Dismissals remembered per account, the newest kept (remote addresses: bounded). */
export const MAX_REMEMBERED_DISMISSALS = 1_000;

/**
 * The requests waiting for `account` when it last ran: unanswered chats, newest first, not with `skip`
 * (contacts, our server, ourselves) and not dismissed since their newest message. Chats read: a few times
 * the cap, so that contacts we never answered do not crowd strangers out.
 */
export function requestsFromHistory(
  history: HistoryStore,
  settings: SettingsStore,
  account: string,
  skip: (peer: string) => boolean,
): MessageRequest[] {
  const dismissed = settings.account(account).dismissedRequests;
  const requests: MessageRequest[] = [];
  for (const chat of history.unansweredChats(account, STRANGER_LIMITS.requests * 5)) {
    if (requests.length >= STRANGER_LIMITS.requests) break;
    if (skip(chat.peer)) continue;
    const dismissedAt = Object.hasOwn(dismissed, chat.peer) ? dismissed[chat.peer]! : null;
    if (dismissedAt !== null && chat.at <= dismissedAt) continue;
    const count = dismissedAt === null ? chat.count : history.inboundSince(account, chat.peer, dismissedAt);
    requests.push({ jid: chat.peer, count, preview: chat.preview, at: chat.at });
  }
  return requests;
}

/** Remembers that the user dismissed (or blocked) `peer`'s request at `at`. */
export async function rememberDismissal(
  settings: SettingsStore,
  account: string,
  peer: string,
  at: number,
): Promise<void> {
  const entries = Object.entries(settings.account(account).dismissedRequests).filter(([jid]) => jid !== peer);
  entries.push([peer, at]);
  entries.sort((a, b) => a[1] - b[1]);
  await settings.updateAccount(account, {
    dismissedRequests: Object.fromEntries(entries.slice(-MAX_REMEMBERED_DISMISSALS)),
  });
}
