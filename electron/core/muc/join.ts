// The stanzas of joining a room and what its answers mean (XEP-0045 §6.4, §7.2, §10.1.2): the room's
// disco#info read before joining (a password, members only, an archive), the join presence, the typed error
// a refused join becomes, and the empty submit form that accepts a new room's default configuration.
import { xml, type Element } from '@xmpp/xml';
import { EngineError, describeStanzaError } from '../errors.ts';
import { stanzaError } from '../xmpp/iq-tracker.ts';
import { ownText } from '../xmpp/own-text.ts';
import { NS_DATA, NS_DISCO_INFO, NS_MAM } from '../xmpp/ns.ts';
import { NS_MUC, NS_MUC_OWNER, NS_OCCUPANT_ID } from './muc-user.ts';

/** Features kept from a room's disco#info, at most, and their length. */
const MAX_FEATURES = 64;
const MAX_FEATURE_CHARS = 200;

export const ROOM_FEATURES = {
  passwordProtected: 'muc_passwordprotected',
  membersOnly: 'muc_membersonly',
  nonAnonymous: 'muc_nonanonymous',
  mam: NS_MAM,
  occupantId: NS_OCCUPANT_ID,
} as const;

export interface RoomInfo {
  /** The room does not exist (yet): joining creates it, if the service allows. */
  exists: boolean;
  features: string[];
}

export function discoInfoRequest(): Element {
  return xml('query', { xmlns: NS_DISCO_INFO });
}

/**
 * The room's features from its disco#info answer. Refuses an address that is not a room (no 'conference'
 * identity, or no MUC feature): joining it would send presence to a contact or a server.
 */
export function parseRoomInfo(reply: Element): RoomInfo {
  const query = reply.getChild('query', NS_DISCO_INFO);
  const children = query?.getChildElements() ?? [];
  const isRoom = children.some((c) => c.name === 'identity' && c.attrs.category === 'conference');
  const features: string[] = [];
  let muc = false;
  for (const child of children) {
    if (child.name !== 'feature') continue;
    const name = child.attrs.var;
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_FEATURE_CHARS) continue;
    if (name === NS_MUC) muc = true;
    else if (features.length < MAX_FEATURES && !features.includes(name)) features.push(ownText(name));
  }
  if (!isRoom || !muc) throw new EngineError('not-found', 'That address is not a group chat room.');
  return { exists: true, features };
}

export function joinPresence(
  to: string,
  opts: { password: string | null; withoutHistory: boolean; show: string | null; status: string | null },
): Element {
  return xml(
    'presence',
    { to },
    xml(
      'x',
      { xmlns: NS_MUC },
      opts.password === null ? null : xml('password', {}, opts.password),
      // The room's archive gives what we missed, deduped: the room's own replay would repeat it.
      opts.withoutHistory ? xml('history', { maxstanzas: '0' }) : null,
    ),
    opts.show === null ? null : xml('show', {}, opts.show),
    opts.status === null ? null : xml('status', {}, opts.status),
  );
}

/** Our presence change (show, status) for a room we are in: no MUC payload, that would be a join. */
export function roomPresence(to: string, show: string | null, status: string | null): Element {
  return xml(
    'presence',
    { to },
    show ? xml('show', {}, show) : null,
    status ? xml('status', {}, status) : null,
  );
}

/** A nick to offer after a conflict: the same with an underscore (what people pick by hand). */
export function suggestNick(nick: string): string {
  return `${nick}_`;
}

/** An EngineError that carries a suggestion to the contract (e.g. another nick). */
export class SuggestingError extends EngineError {
  readonly suggestion: string;
  constructor(code: EngineError['code'], message: string, suggestion: string, condition: string) {
    super(code, message, { condition });
    this.suggestion = suggestion;
  }
  override toPayload(): ReturnType<EngineError['toPayload']> {
    return { ...super.toPayload(), suggestion: this.suggestion };
  }
}

/** The room says `nick` is taken (a join's or a nick change's conflict): the error, with another to try. */
export function nickConflict(nick: string): SuggestingError {
  return new SuggestingError(
    'nick-conflict',
    `The nickname “${nick}” is taken in this room. Choose another one.`,
    suggestNick(nick),
    'conflict',
  );
}

/** The typed error for a join the room refused (its error presence). */
export function joinError(stanza: Element, nick: string): EngineError {
  const { condition, text } = stanzaError(stanza);
  const extra = { condition };
  const says = text ? ` (${text.slice(0, 200)})` : '';
  switch (condition) {
    case 'conflict':
      return nickConflict(nick);
    case 'not-authorized':
      return new EngineError(
        'password-required',
        `This room needs a password, and it was missing or wrong.${says}`,
        extra,
      );
    case 'registration-required':
      return new EngineError('members-only', `Only members can join this room.${says}`, extra);
    case 'forbidden':
      return new EngineError('banned', `You are banned from this room.${says}`, extra);
    case 'not-allowed':
      return new EngineError('not-allowed', `The service does not let you create this room.${says}`, extra);
    case 'service-unavailable':
      return new EngineError('room-full', `The room is full.${says}`, extra);
    case 'item-not-found':
      return new EngineError('not-found', `This room does not exist or is locked.${says}`, extra);
    case 'jid-malformed':
      return new EngineError('invalid-request', 'The room needs a nickname.', extra);
    default:
      return new EngineError('server-error', describeStanzaError(condition, text), extra);
  }
}

/** XEP-0045 §10.1.2: accept the default configuration of a room we just created (an instant room). */
export function instantRoomConfig(): Element {
  return xml('query', { xmlns: NS_MUC_OWNER }, xml('x', { xmlns: NS_DATA, type: 'submit' }));
}
