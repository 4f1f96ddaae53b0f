// Voice requests (XEP-0045 §7.13, §8.6): a visitor asks the room for voice with a small submit form; the
// room passes the request to its moderators as a form of its own (FORM_TYPE muc#request). We approve with
// the role change itself (muc#admin, role participant): unlike the form sent back in a message, it has an
// answer, so a refusal can be said. Pending requests are kept on the room (at most
// MAX_VOICE_REQUESTS, by nick: a repeated request replaces the earlier one) and shown through Room.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/xml';
import { formField, formTypeOf, type DataForm } from '../../../shared/data-form.ts';
import { MAX_NICK_CHARS } from '../../../shared/muc.ts';
import { isValidJid } from '../../../shared/jid.ts';
import { dataFormElement, findDataForm } from '../forms/data-form-xml.ts';
import { ownText, ownTextOrNull } from '../xmpp/own-text.ts';

export const NS_MUC_REQUEST = 'http://jabber.org/protocol/muc#request';
/** Voice requests one room keeps waiting for an answer; past it the oldest goes. */
export const MAX_VOICE_REQUESTS = 20;

export interface VoiceRequest {
  nick: string;
  /** The visitor's real JID, when the room gives it. */
  jid: string | null;
}

/** Our request for voice: a submit form asking for the participant role (§7.13 example 90). */
export function voiceRequestMessage(room: string): Element {
  const form: DataForm = {
    type: 'submit',
    title: null,
    instructions: [],
    fields: [
      formField({ var: 'FORM_TYPE', type: 'hidden', values: [NS_MUC_REQUEST] }),
      formField({ var: 'muc#role', type: 'list-single', values: ['participant'] }),
    ],
    reported: [],
    items: [],
  };
  return xml('message', { to: room }, dataFormElement(form));
}

/**
 * A voice request the room passes to us (a moderator): its form, the visitor's nick and JID. Null for any
 * other message, or a request with no usable nick.
 */
export function parseVoiceRequest(message: Element): VoiceRequest | null {
  const parsed = findDataForm(message);
  if (!parsed.ok || parsed.form.type !== 'form' || formTypeOf(parsed.form) !== NS_MUC_REQUEST) return null;
  const value = (name: string): string | null =>
    parsed.form.fields.find((f) => f.var === name)?.values[0] ?? null;
  const nick = value('muc#roomnick');
  if (!nick || nick.length > MAX_NICK_CHARS) return null;
  const jid = value('muc#jid');
  return {
    nick: ownText(nick),
    jid: jid !== null && jid.length <= 3071 && isValidJid(jid) ? ownTextOrNull(jid) : null,
  };
}

/** Keeps a request on the room's list (bounded, one per nick, newest last). */
export function keepRequest(list: Map<string, VoiceRequest>, request: VoiceRequest): void {
  list.delete(request.nick);
  list.set(request.nick, request);
  while (list.size > MAX_VOICE_REQUESTS) list.delete(list.keys().next().value!);
}
