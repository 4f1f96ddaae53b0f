// XEP-0313 for one account: the catch-up after every fresh sign-in (and again after a resumption that cut
// one short), and scroll-back when a chat's local history runs out. Results come from the account's archive
// source, whatever session they arrive on.
import type { StoredMessage } from '../history/history-store.ts';
import { messageTime } from '../history/history-store.ts';
import {
  defineModule,
  type AccountContext,
  type ProtocolModule,
  type SessionLink,
} from '../account/module.ts';
import type { ChatModule } from '../chat/chat-module.ts';
import type { ReceiptsModule } from '../receipts/receipts-module.ts';
import { catchUp, fetchOlder } from './mam.ts';

export interface MamModule extends ProtocolModule {
  /** One page further back in a chat's archive, into the history (pages of nothing worth keeping skipped). */
  scrollBack(link: SessionLink, peer: string, oldest: StoredMessage | null, limit: number): Promise<void>;
  /** The chat's archive was walked back to its start (this sign-in): nothing more to fetch. */
  exhausted(peer: string): boolean;
  markExhausted(peer: string): void;
}

function create(context: AccountContext): MamModule {
  const { account, history } = context;
  const exhausted = new Set<string>();
  const chats = () => context.module<ChatModule>('chat').chats;

  /**
   * Everything archived since the newest archive id the history holds, page by page until complete; with no
   * id to continue from, from the start of the last complete catch-up. A new install fetches nothing here:
   * what arrives from now on comes live, older history when the user scrolls back. Each page is stored before
   * the next is asked for, so a catch-up cut short resumes after the last page stored.
   */
  const catchUpNow = async (link: SessionLink): Promise<void> => {
    const startedAt = Date.now();
    const afterId = history.lastStanzaId(account);
    const syncedAt = history.archiveSyncedAt(account);
    if (afterId === null && syncedAt === null) {
      history.setArchiveSyncedAt(account, startedAt);
      return;
    }
    const markers = context.module<ReceiptsModule>('receipts').markers;
    const result = await catchUp(link.iq, context.archiveResults, {
      ownBareJid: account,
      afterId,
      // Five minutes' margin for clocks that disagree with the server's; copies are recognised anyway.
      startAt: syncedAt === null ? null : syncedAt - 5 * 60_000,
      pageSize: context.archivePageSize,
      maxPages: Number.MAX_SAFE_INTEGER,
      onPage: (messages) => {
        chats().storeArchived(messages, { announce: true });
        for (const m of messages) if (m.direction === 'in') markers.noteReceived(m.peer, m.stanza);
      },
    });
    if (result.complete) history.setArchiveSyncedAt(account, startedAt);
  };

  return {
    id: 'mam',
    catchUp: catchUpNow,
    exhausted: (peer) => exhausted.has(peer),
    markExhausted: (peer) => void exhausted.add(peer),
    async scrollBack(link, peer, oldest, limit) {
      let beforeId = oldest?.stanzaId ?? null;
      for (let pages = 0; pages < 5; pages++) {
        const older = await fetchOlder(link.iq, context.archiveResults, {
          ownBareJid: account,
          peer,
          beforeId,
          endAt: oldest ? messageTime(oldest) : null,
          max: Math.min(limit, context.archivePageSize),
        });
        const fresh = chats().storeArchived(older.messages, { announce: false, older: true });
        if (older.complete) exhausted.add(peer);
        if (older.complete || fresh.length > 0 || older.firstId === null || older.firstId === beforeId)
          return;
        beforeId = older.firstId;
      }
    },
    onSessionEnd: () => exhausted.clear(),
  };
}

export const mamModule = defineModule({ id: 'mam', commands: [], create });
