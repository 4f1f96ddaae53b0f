// Sending a failed message of ours again ('chat.retry'): it leaves the failed state at once and shows
// "Sending…" until the server (or, in a room, the room's reflection) confirms it.
import type { ChatMessage } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useChats } from '../../stores/chats.ts';
import { conversationId } from '../../stores/conversation.ts';
import { useUi } from '../../stores/ui.ts';

export async function retryMessage(message: ChatMessage): Promise<void> {
  const result = await getBridge().invoke('chat.retry', { account: message.account, seq: message.seq });
  if (result.ok) useChats.getState().clearFailure(conversationId(message), message.id);
  else useUi.getState().addToast(`Could not send it again: ${result.error.message}`);
}
