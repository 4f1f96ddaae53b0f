// The content fields of a 1:1 <message/> as the history keeps them, read the same way whether it came live,
// as a carbon or from the archive: ids that are unusable (empty, or longer than any real one) are dropped, not
// truncated; text is bounded so a hostile sender cannot fill memory or the screen.
import type { Element } from '@xmpp/xml';
import { MAX_BODY_CHARS, MAX_STATUS_CHARS } from '../../../shared/contract.ts';
import { NS_SID } from '../xmpp/ns.ts';
export { NS_SID };

/** Longest id (stanza id, origin-id, archive id) we act on; Prosody's are UUIDs. */
export const MAX_ID_CHARS = 256;
const MAX_THREAD_CHARS = 256;

export function usableId(id: string | undefined | null): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_CHARS;
}

export interface MessageFields {
  /** The stanza's `id` attribute. */
  messageId: string | null;
  /** XEP-0359 origin-id. */
  originId: string | null;
  body: string | null;
  subject: string | null;
  thread: string | null;
}

export function messageFields(message: Element): MessageFields {
  const originId = message.getChild('origin-id', NS_SID)?.attrs.id;
  return {
    messageId: usableId(message.attrs.id) ? message.attrs.id : null,
    originId: usableId(originId) ? originId : null,
    body: message.getChildText('body')?.slice(0, MAX_BODY_CHARS) ?? null,
    subject: message.getChildText('subject')?.slice(0, MAX_STATUS_CHARS) ?? null,
    thread: message.getChildText('thread')?.slice(0, MAX_THREAD_CHARS) ?? null,
  };
}
