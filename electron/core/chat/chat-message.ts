// A stored message as the UI sees it (the contract's ChatMessage), and a stored failure as an error payload.
import type { ChatMessage, EngineErrorPayload } from '../../../shared/contract.ts';
import type { StoredMessage } from '../history/history-store.ts';
import { messageTime } from '../history/history-store.ts';
import { addressOf } from './private-peer.ts';

/** A failure as the history stores it (JSON of its message and condition) back into an error payload. */
export function failurePayload(stored: string | null): EngineErrorPayload {
  let parsed: { message?: unknown; condition?: unknown } = {};
  try {
    parsed = JSON.parse(stored ?? '{}') as typeof parsed;
  } catch {
    parsed = { message: stored };
  }
  return {
    code: 'server-error',
    message: typeof parsed.message === 'string' ? parsed.message : 'The message was not delivered.',
    condition: typeof parsed.condition === 'string' ? parsed.condition : null,
    certificate: null,
  };
}

/** A stored message as the UI sees it; `fromRoster`: its peer is in the account's roster. */
export function chatMessageOf(m: StoredMessage, fromRoster: boolean, request = false): ChatMessage {
  return {
    account: m.account,
    kind: m.kind,
    seq: m.rowId,
    id: m.messageId ?? m.originId ?? `seq-${m.rowId}`,
    originId: m.originId,
    direction: m.direction,
    peer: m.peer,
    peerFull: addressOf(m.kind, m.peer, m.peerResource),
    type: m.type,
    body: m.body,
    subject: m.subject,
    thread: m.thread,
    timestamp: messageTime(m),
    // Held by a server before it reached us: a XEP-0203 delay stamp, or fetched from the archive.
    delayed: m.direction === 'in' && (m.sentAt !== null || m.serverAt !== null),
    fromRoster,
    ...(request ? { request } : {}),
    ...(m.mentionsMe ? { mention: true as const } : {}),
    ...(m.occupantId ? { occupantId: m.occupantId } : {}),
    state: m.state,
  };
}
