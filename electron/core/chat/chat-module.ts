// 1:1 chat of one account (RFC 6121 §5): messages in (live and carbons, through the same path) and out (the
// durable outbox: stored 'pending' before the wire), their states, and pages of the history, continued
// into the server archive when the local history runs out.
import type { Element } from '@xmpp/xml';
import { bareJid, parseJid } from '../../../shared/jid.ts';
import { EngineError, toEngineError } from '../errors.ts';
import {
  defineModule,
  type AccountContext,
  type ProtocolModule,
  type SessionLink,
} from '../account/module.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import type { MamModule } from '../mam/mam-module.ts';
import type { MucModule } from '../muc/muc-module.ts';
import { NS_DELAY, NS_SID } from '../xmpp/ns.ts';
import { overServerLimit } from '../xmpp/stream-limits.ts';
import { Chats, type StateUpdate } from './chat.ts';
import { hasMucUserMarker } from './private-peer.ts';
import { roomLineStanza } from '../muc/room-messages.ts';
import { StrangerInbox } from './strangers.ts';
import { rememberDismissal, requestsFromHistory } from './request-memory.ts';

/** The 'sent' update for a message stanza we wrote, or none for anything else (room lines: the room's). */
function sentUpdate(stanza: Element): StateUpdate[] {
  const { id, to, type } = stanza.attrs;
  if (stanza.name !== 'message' || !id || !to || type === 'error' || type === 'groupchat') return [];
  // A private message (marked as one when we wrote it) belongs to the occupant's full JID.
  if (hasMucUserMarker(stanza)) return [{ id, peer: to, kind: 'private', state: 'sent' }];
  return [{ id, peer: bareJid(to), state: 'sent' }];
}

export interface ChatModule extends ProtocolModule {
  readonly chats: Chats;
  /** Strangers' chats waiting for an answer (message requests). */
  readonly strangers: StrangerInbox;
  /** Ends a message request (dismissed, blocked): the UI hears the new list. */
  dismiss(peer: string): void;
}

const OK = { ok: true } as const;

const tooLarge = (maxBytes: number | null): EngineError =>
  new EngineError(
    'too-large',
    `This message is larger than your server accepts (${maxBytes} bytes). Shorten it and send it again.`,
  );

function create(context: AccountContext) {
  const { account } = context;
  const ownDomain = parseJid(account).domain;
  const isContact = (jid: string): boolean => context.module<RosterModule>('roster').roster.contacts.has(jid);
  const strangers = new StrangerInbox(isContact, (peer) => context.history.hasOutgoing(account, peer));
  const notStranger = (peer: string): boolean => peer === account || peer === ownDomain || isContact(peer);

  /** The list goes out once per turn of the event loop however many messages a flood brings. */
  let announced = strangers.version;
  let announcing = false;
  const announceRequests = (): void => {
    if (announcing || strangers.version === announced) return;
    announcing = true;
    setImmediate(() => {
      announcing = false;
      announced = strangers.version;
      context.events.emit('chat.requests', { requests: strangers.list(), more: strangers.more });
    });
  };

  // Our own server (announcements) and our own address are never strangers.
  const admit = (peer: string, text: string | null, at: number): boolean => {
    if (notStranger(peer)) return true;
    const kept = strangers.admit(peer, text, at);
    announceRequests();
    return kept;
  };
  /** A room we are in, or whose lines the history holds: its occupants' messages are private ones. */
  const isRoom = (bare: string): boolean =>
    context.module<MucModule>('muc').rooms.has(bare) ||
    context.history.hasConversation(account, 'groupchat', bare);
  const chats = new Chats(
    account,
    context.events,
    context.history,
    isContact,
    { admit, waiting: (peer) => strangers.waiting(peer) },
    isRoom,
  );
  /** The last dismissal's settings write: the command answers once it is on disk. */
  let remembering: Promise<void> = Promise.resolve();
  const dismiss = (peer: string): void => {
    strangers.forget(peer);
    announceRequests();
    remembering = rememberDismissal(context.settings, account, peer, Date.now()).catch(() => undefined);
  };

  /**
   * Puts messages on the wire. Without stream management there is no ack: written counts as sent. A message
   * larger than the server accepts (XEP-0478) fails on its own instead of ending the stream at every try.
   */
  const transmit = async (link: SessionLink, outgoing: Element[]): Promise<void> => {
    const limits = link.features.limits;
    const stanzas = outgoing.filter((stanza) => {
      if (!overServerLimit(stanza, limits)) return true;
      const [update] = sentUpdate(stanza);
      if (update) chats.fail(update.id, update.peer, tooLarge(limits.maxBytes), update.kind);
      return false;
    });
    if (stanzas.length === 0) return;
    try {
      await link.sendMany(stanzas);
    } catch {
      // The link dropped: with stream management they are queued for resumption, and they are still
      // 'pending' in the outbox either way, so the next session sends them.
      return;
    }
    if (!link.streamManaged) chats.setStates(stanzas.flatMap((s) => sentUpdate(s)));
  };

  return {
    id: 'chat',
    chats,
    strangers,
    dismiss,
    features: [NS_SID, NS_DELAY],
    // The requests left waiting at the last run (the cached roster is being shown meanwhile: contacts among
    // them leave the list as soon as it is).
    beforeConnect: () => {
      strangers.restore(requestsFromHistory(context.history, context.settings, account, notStranger));
      announceRequests();
    },
    handlers: [
      {
        kind: 'message',
        priority: 50,
        handle: (envelope) => {
          if (envelope.via === 'archive') return 'continue';
          const handled =
            envelope.via === 'carbon-sent' ? chats.handleOwnSent(envelope) : chats.handle(envelope);
          return handled ? 'consumed' : 'continue';
        },
      },
    ],
    // Caught up: the outbox goes out, less what a resumed stream will deliver itself.
    onReady: (link) => {
      const inQueue = link.unackedIds();
      const outbox = chats.pending().filter((m) => !inQueue.has(m.messageId ?? ''));
      return transmit(
        link,
        outbox.map((m) => chats.stanzaFor(m)),
      );
    },
    onAcked: (stanzas) => chats.setStates(stanzas.flatMap((s) => sentUpdate(s))),
    dispose: () => chats.flushIncoming(),
    commands: {
      'chat.send': async ({ account: _account, ...message }) => {
        // Stored as 'pending' first: from here on it survives a dropped link, a crash or a restart.
        const { stanza, record } = chats.compose(message);
        // Every window shows it live, not only the one that sent it (a pop-out and the main window).
        context.events.emit('chat.messages', { messages: [record] });
        // Writing back answers a message request: the chat is the user's now.
        strangers.answer(record.peer);
        announceRequests();
        const link = context.link();
        // Not caught up yet (or reconnecting): it waits in the outbox and goes out after older pending ones.
        if (context.ready() && link?.isOpen) await transmit(link, [stanza]);
        return record;
      },
      'chat.history': async ({ peer, kind: asked, beforeSeq, afterSeq, aroundSeq, limit = 100 }) => {
        const mam = context.module<MamModule>('mam');
        // Without a kind (the contract allows it): a full JID is an occupant's; a jump goes to its message's
        // conversation; anything else is a 1:1 chat (a room's lines are never mixed into one with its JID).
        const kind = asked ?? (peer.includes('/') ? 'private' : undefined);
        const opts = { kind, beforeSeq, afterSeq, aroundSeq, limit };
        let page = chats.history(peer, opts);
        const scrollingBack = afterSeq === undefined && aroundSeq === undefined;
        const link = context.link();
        // Our own archive is walked back for 1:1 chats (a room's is the muc module's; private ones are caught up).
        const oneToOne = (kind ?? 'chat') === 'chat';
        const archived = oneToOne && scrollingBack && !mam.exhausted(peer);
        if (page.olderExhausted && archived && context.ready() && link?.isOpen) {
          // Local history ran out: the next older page comes from the server archive, then from the store.
          try {
            await mam.scrollBack(link, peer, page.oldest, limit);
          } catch (error) {
            // A server without an archive has nothing older; a failure (timeout) may be retried later.
            const failure = toEngineError(error);
            if (failure.code === 'not-supported' || failure.code === 'server-error') mam.markExhausted(peer);
          }
          page = chats.history(peer, opts);
        }
        return {
          messages: page.messages,
          failures: page.failures,
          complete: page.olderExhausted && (!oneToOne || mam.exhausted(peer)),
          atNewest: page.atNewest,
        };
      },
      'chat.dismissRequest': async ({ peer }) => {
        dismiss(peer);
        await remembering;
        return OK;
      },
      'chat.retry': async ({ seq }) => {
        chats.flushIncoming();
        const failed = context.history.message(account, seq);
        if (failed?.direction !== 'out' || failed.state !== 'failed') {
          throw new EngineError('not-found', 'There is no failed message of yours to send again.');
        }
        if (failed.kind === 'groupchat') {
          // Resent only into a room that has us again: its reflection then makes the line 'sent'.
          if (!context.module<MucModule>('muc').rooms.get(failed.peer)?.joined) {
            throw new EngineError('not-connected', 'Wait until the room has let you in again.');
          }
          const link = context.online();
          const row = context.history.reopen(account, seq, 'pending')!;
          await link.send(roomLineStanza(row)).catch(() => undefined);
          return chats.toChatMessage(row);
        }
        const row = context.history.reopen(account, seq, 'pending')!;
        const link = context.link();
        // Offline: back in the outbox, it goes out with the next session.
        if (context.ready() && link?.isOpen) await transmit(link, [chats.stanzaFor(row)]);
        return chats.toChatMessage(row);
      },
    },
  } satisfies ChatModule;
}

export const chatModule = defineModule({
  id: 'chat',
  commands: ['chat.send', 'chat.history', 'chat.dismissRequest', 'chat.retry'],
  create,
});
