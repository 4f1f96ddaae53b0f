// Commands the UI sends that also update stores with their results. Chats are named by conversationId; each
// command goes out on the chat's own account.
import type { EngineErrorPayload } from '../../shared/contract.ts';
import { getBridge, windowClosing, windowToken } from '../transport/bridge.ts';
import { popOutUrl } from '../transport/hash.ts';
import { useChats } from './chats.ts';
import type { PageKind } from './chats.ts';
import { parseConversationId } from './conversation.ts';
import type { ConversationKey } from './conversation.ts';
import { readContext } from './sync.ts';
import { useUi } from './ui.ts';

/** Messages per page when opening a chat and scrolling; around a jumped-to message, this many on each side. */
export const HISTORY_PAGE = 50;
export const AROUND_RADIUS = 25;

function keyOf(id: string): ConversationKey {
  const key = parseConversationId(id);
  if (!key) throw new Error(`not a conversation: ${id}`);
  return key;
}

export function openChat(id: string): void {
  if (!showChat(id)) return;
  useUi.getState().requestComposerFocus();
  const chat = useChats.getState().chats.get(id);
  if (!chat || chat.history === 'idle' || chat.history === 'failed') void loadHistory(id);
}

/** Shows the chat's tab here; false when it lives in its own window (which is brought forward instead). */
function showChat(id: string): boolean {
  const ui = useUi.getState();
  if (ui.view === 'main' && ui.poppedOut.has(id)) {
    // Already in its own window: ask the shell to bring it forward by popping it out again; a browser brings
    // forward a window this page opened.
    const { account, peer } = keyOf(id);
    void getBridge()
      .invoke('window.popOut', { account, peer })
      .then((result) => {
        if (result.ok || result.error.code !== 'not-supported') return;
        const opened = popOutWindows.get(id);
        if (opened && !opened.closed) opened.focus();
        else useUi.getState().addToast('This chat is open in its own window.');
      });
    return false;
  }
  if (ui.view === 'main') ui.openTab(id, true);
  return true;
}

type Anchor = { beforeSeq: number } | { afterSeq: number } | { aroundSeq: number } | Record<string, never>;

/**
 * Asks for one page of a chat's history and puts it in the store (see applyPage). One request at a time per
 * chat, except that a 'replace' always goes ahead and makes the answers of earlier ones stale.
 */
async function fetchPage(
  id: string,
  kind: PageKind,
  anchor: Anchor,
  limit: number,
  highlightSeq?: number,
): Promise<void> {
  const chat = useChats.getState().chats.get(id);
  if (kind !== 'replace' && chat?.history === 'loading') return;
  const epoch = useChats.getState().beginLoad(id, kind);
  const { account, kind: conversation, peer } = keyOf(id);
  const result = await getBridge().invoke('chat.history', {
    account,
    peer,
    kind: conversation,
    limit,
    ...anchor,
  });
  const now = useChats.getState().chats.get(id);
  // The session ended (the chats were reset) or a jump replaced the list meanwhile.
  if (!now || now.epoch !== epoch || now.loading !== kind) return;
  if (!result.ok) {
    useChats
      .getState()
      .setHistory(id, { history: 'failed', historyError: result.error.message, loading: null });
    return;
  }
  useChats.getState().applyPage(id, result.value, kind, highlightSeq);
}

/** The newest page of a chat (first opened), or with `older` the page before the oldest message shown. */
export async function loadHistory(id: string, older = false): Promise<void> {
  const chat = useChats.getState().chats.get(id);
  const oldest = chat?.messages[0];
  if (older && oldest) return fetchPage(id, 'older', { beforeSeq: oldest.seq }, HISTORY_PAGE);
  // Away from the newest message (after a jump): the newest page replaces the list rather than leave a gap.
  if (chat && !chat.atNewest) return jumpToLatest(id);
  return fetchPage(id, 'initial', {}, HISTORY_PAGE);
}

/** The page after the newest message shown (the list is away from the newest message after a jump). */
export async function loadNewer(id: string): Promise<void> {
  const newest = useChats.getState().chats.get(id)?.messages.at(-1);
  if (!newest) return jumpToLatest(id);
  return fetchPage(id, 'newer', { afterSeq: newest.seq }, HISTORY_PAGE);
}

/** Replaces the list with the newest page: back to following live messages. */
export async function jumpToLatest(id: string): Promise<void> {
  return fetchPage(id, 'replace', {}, HISTORY_PAGE);
}

/** Shows the chat and replaces its list with the messages around `seq`, which is scrolled to and highlighted. */
export async function jumpToMessage(id: string, seq: number): Promise<void> {
  if (!showChat(id)) return;
  return fetchPage(id, 'replace', { aroundSeq: seq }, AROUND_RADIUS, seq);
}

/** Sends a message; answers the error when it could not be sent (the composer keeps the text then). */
export async function sendMessage(id: string, body: string): Promise<EngineErrorPayload | null> {
  // Writing while reading old messages: show the newest ones first, so the new message is seen in place.
  if (useChats.getState().chats.get(id)?.atNewest === false) await jumpToLatest(id);
  const { account, peer } = keyOf(id);
  const result = await getBridge().invoke('chat.send', { account, to: peer, body });
  if (!result.ok) return result.error;
  useChats.getState().addMessages([result.value], readContext());
  return null;
}

/** Opens a link through the shell; in browser mode (no shell) in a new tab without an opener. */
export async function openExternal(url: string): Promise<void> {
  const result = await getBridge().invoke('shell.openExternal', { url });
  if (!result.ok && result.error.code === 'not-supported') window.open(url, '_blank', 'noopener,noreferrer');
  else if (!result.ok) useUi.getState().addToast(`Could not open the link: ${result.error.message}`);
}

/** Browser mode: the pop-out windows this page opened, to bring one forward (chat id -> its window). */
const popOutWindows = new Map<string, Window>();

export async function popOut(id: string): Promise<void> {
  const { account, peer } = keyOf(id);
  const result = await getBridge().invoke('window.popOut', { account, peer });
  if (result.ok) return;
  if (result.error.code === 'not-supported') {
    // Browser mode: a plain window showing only this chat, with its own token from the host; this window
    // leaves it out of its tabs.
    const token = await windowToken(account, peer);
    if (token === null) {
      useUi.getState().addToast('Could not pop out the chat: too many Parley windows are open.');
      return;
    }
    const opened = window.open(popOutUrl(location.href, account, peer, token), '_blank');
    for (const [chat, w] of popOutWindows) if (w.closed) popOutWindows.delete(chat);
    if (!opened) {
      // A pop-up blocker: the chat stays here rather than vanish with no window to show it.
      useUi
        .getState()
        .addToast('The browser did not open the window: allow pop-ups for Parley and try again.');
      return;
    }
    popOutWindows.set(id, opened);
    // Left out of the tabs at once; the host's 'window.layout' keeps it out while that window is open.
    useUi.getState().closeTab(id);
  } else {
    useUi.getState().addToast(`Could not pop out the chat: ${result.error.message}`);
  }
}

export async function dock(id: string): Promise<void> {
  const { account, peer } = keyOf(id);
  const result = await getBridge().invoke('window.dock', { account, peer });
  if (!result.ok && result.error.code === 'not-supported') {
    // Browser mode: the host hears first, so the main window takes the chat back without waiting.
    await windowClosing();
    window.close();
  } else if (!result.ok) useUi.getState().addToast(`Could not dock the chat: ${result.error.message}`);
}
