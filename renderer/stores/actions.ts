// Commands the UI sends that also update stores with their results.
import type { EngineErrorPayload } from '../../shared/contract.ts';
import { getBridge } from '../transport/bridge.ts';
import { popOutUrl } from '../transport/hash.ts';
import { useChats } from './chats.ts';
import type { PageKind } from './chats.ts';
import { readContext } from './sync.ts';
import { useUi } from './ui.ts';

/** Messages per page when opening a chat and scrolling; around a jumped-to message, this many on each side. */
export const HISTORY_PAGE = 50;
export const AROUND_RADIUS = 25;

export function openChat(peer: string): void {
  if (!showChat(peer)) return;
  useUi.getState().requestComposerFocus();
  const chat = useChats.getState().chats.get(peer);
  if (!chat || chat.history === 'idle' || chat.history === 'failed') void loadHistory(peer);
}

/** Shows the chat's tab here; false when it lives in its own window (which is brought forward instead). */
function showChat(peer: string): boolean {
  const ui = useUi.getState();
  if (ui.view === 'main' && ui.poppedOut.has(peer)) {
    // Already in its own window: ask the shell to bring it forward by popping it out again.
    void getBridge().invoke('window.popOut', { peer });
    return false;
  }
  if (ui.view === 'main') ui.openTab(peer, true);
  return true;
}

type Anchor = { beforeSeq: number } | { afterSeq: number } | { aroundSeq: number } | Record<string, never>;

/**
 * Asks for one page of a chat's history and puts it in the store (see applyPage). One request at a time per
 * chat, except that a 'replace' always goes ahead and makes the answers of earlier ones stale.
 */
async function fetchPage(
  peer: string,
  kind: PageKind,
  anchor: Anchor,
  limit: number,
  highlightSeq?: number,
): Promise<void> {
  const chat = useChats.getState().chats.get(peer);
  if (kind !== 'replace' && chat?.history === 'loading') return;
  const epoch = useChats.getState().beginLoad(peer, kind);
  const result = await getBridge().invoke('chat.history', { peer, limit, ...anchor });
  const now = useChats.getState().chats.get(peer);
  // The session ended (the chats were reset) or a jump replaced the list meanwhile.
  if (!now || now.epoch !== epoch || now.loading !== kind) return;
  if (!result.ok) {
    useChats
      .getState()
      .setHistory(peer, { history: 'failed', historyError: result.error.message, loading: null });
    return;
  }
  useChats.getState().applyPage(peer, result.value, kind, highlightSeq);
}

/** The newest page of a chat (first opened), or with `older` the page before the oldest message shown. */
export async function loadHistory(peer: string, older = false): Promise<void> {
  const chat = useChats.getState().chats.get(peer);
  const oldest = chat?.messages[0];
  if (older && oldest) return fetchPage(peer, 'older', { beforeSeq: oldest.seq }, HISTORY_PAGE);
  // Away from the newest message (after a jump): the newest page replaces the list rather than leave a gap.
  if (chat && !chat.atNewest) return jumpToLatest(peer);
  return fetchPage(peer, 'initial', {}, HISTORY_PAGE);
}

/** The page after the newest message shown (the list is away from the newest message after a jump). */
export async function loadNewer(peer: string): Promise<void> {
  const newest = useChats.getState().chats.get(peer)?.messages.at(-1);
  if (!newest) return jumpToLatest(peer);
  return fetchPage(peer, 'newer', { afterSeq: newest.seq }, HISTORY_PAGE);
}

/** Replaces the list with the newest page: back to following live messages. */
export async function jumpToLatest(peer: string): Promise<void> {
  return fetchPage(peer, 'replace', {}, HISTORY_PAGE);
}

/** Shows the chat and replaces its list with the messages around `seq`, which is scrolled to and highlighted. */
export async function jumpToMessage(peer: string, seq: number): Promise<void> {
  if (!showChat(peer)) return;
  return fetchPage(peer, 'replace', { aroundSeq: seq }, AROUND_RADIUS, seq);
}

/** Sends a message; answers the error when it could not be sent (the composer keeps the text then). */
export async function sendMessage(peer: string, body: string): Promise<EngineErrorPayload | null> {
  // Writing while reading old messages: show the newest ones first, so the new message is seen in place.
  if (useChats.getState().chats.get(peer)?.atNewest === false) await jumpToLatest(peer);
  const result = await getBridge().invoke('chat.send', { to: peer, body });
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

export async function popOut(peer: string): Promise<void> {
  const result = await getBridge().invoke('window.popOut', { peer });
  if (result.ok) return;
  if (result.error.code === 'not-supported') {
    // Browser mode: a plain window showing only this chat; this window leaves it out of its tabs.
    window.open(popOutUrl(location.href, peer), '_blank');
    useUi.getState().closeTab(peer);
  } else {
    useUi.getState().addToast(`Could not pop out the chat: ${result.error.message}`);
  }
}

export async function dock(peer: string): Promise<void> {
  const result = await getBridge().invoke('window.dock', { peer });
  if (!result.ok && result.error.code === 'not-supported') window.close();
  else if (!result.ok) useUi.getState().addToast(`Could not dock the chat: ${result.error.message}`);
}
