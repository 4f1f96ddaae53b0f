// Commands the UI sends that also update stores with their results.
import type { EngineErrorPayload } from '../../shared/contract.ts';
import { getBridge } from '../transport/bridge.ts';
import { popOutUrl } from '../transport/hash.ts';
import { useChats } from './chats.ts';
import { readContext } from './sync.ts';
import { useUi } from './ui.ts';

const HISTORY_PAGE = 100;

export function openChat(peer: string): void {
  const ui = useUi.getState();
  if (ui.view === 'main' && ui.poppedOut.has(peer)) {
    // Already in its own window: ask the shell to bring it forward by popping it out again.
    void getBridge().invoke('window.popOut', { peer });
    return;
  }
  ui.openTab(peer, true);
  ui.requestComposerFocus();
  const chat = useChats.getState().chats.get(peer);
  if (!chat || chat.history === 'idle' || chat.history === 'failed') void loadHistory(peer);
}

export async function loadHistory(peer: string, older = false): Promise<void> {
  const chats = useChats.getState();
  const chat = chats.chats.get(peer);
  if (chat?.history === 'loading') return;
  const before = older ? chat?.messages[0]?.timestamp : undefined;
  chats.setHistory(peer, { history: 'loading', historyError: null });
  const result = await getBridge().invoke('chat.history', {
    peer,
    limit: HISTORY_PAGE,
    ...(before !== undefined ? { before } : {}),
  });
  if (!result.ok) {
    useChats.getState().setHistory(peer, { history: 'failed', historyError: result.error.message });
    return;
  }
  const { messages, failures, complete } = result.value;
  // History is old news: it never raises the unread count.
  useChats.getState().addMessages(messages, { seenPeer: peer, ignored: new Set() });
  useChats.getState().addFailures(failures.map((f) => ({ ...f, peer })));
  useChats.getState().setHistory(peer, { history: 'loaded', complete });
}

/** Sends a message; answers the error when it could not be sent (the composer keeps the text then). */
export async function sendMessage(peer: string, body: string): Promise<EngineErrorPayload | null> {
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
