// Joins bookmarked rooms through the muc module's own join command, a few at a time (a sign-in with 100
// autojoin bookmarks must not fire 100 joins at once; the muc module caps the rooms at MAX_ROOMS anyway).
// A room we are in or joining already is left alone; a refusal is kept as the bookmark's joinError, which
// the room list shows, and never throws.
import type { Room } from '../../../shared/muc.ts';
import { EngineError, toEngineError } from '../errors.ts';
import type { AccountContext } from '../account/module.ts';
import type { MucModule } from '../muc/muc-module.ts';
import type { StoredBookmark } from './bookmark-xml.ts';

export const AUTOJOIN_AT_ONCE = 3;

export class Autojoiner {
  readonly #context: AccountContext;
  readonly #onOutcome: (room: string, error: string | null) => void;
  /** Waiting joins by room, oldest first: a map, so 1,000 bookmarks dedup and dequeue in linear time. */
  readonly #queue = new Map<string, StoredBookmark>();
  #running = 0;

  constructor(context: AccountContext, onOutcome: (room: string, error: string | null) => void) {
    this.#context = context;
    this.#onOutcome = onOutcome;
  }

  /** True when the muc module has the room (joined, joining or waiting to rejoin). */
  inRoom(room: string): boolean {
    const state = this.#context.module<MucModule>('muc').rooms.get(room);
    return state !== undefined && !state.out;
  }

  join(bookmarks: readonly StoredBookmark[]): void {
    for (const bookmark of bookmarks) {
      if (!this.#queue.has(bookmark.room)) this.#queue.set(bookmark.room, bookmark);
    }
    while (this.#running < AUTOJOIN_AT_ONCE && this.#queue.size > 0) void this.#next();
  }

  /** Signed out: what waits is dropped (the next sign-in reads the bookmarks again). */
  clear(): void {
    this.#queue.clear();
  }

  async #next(): Promise<void> {
    const bookmark = this.#queue.values().next().value;
    if (!bookmark) return;
    this.#queue.delete(bookmark.room);
    this.#running++;
    try {
      await this.#joinOne(bookmark);
    } finally {
      this.#running--;
      if (this.#queue.size > 0) void this.#next();
    }
  }

  /** Joins now, with the bookmark's nick (else the account's localpart) and password; the room's refusal throws. */
  async joinNow(bookmark: StoredBookmark): Promise<Room> {
    const join = this.#context.module<MucModule>('muc').commands?.['muc.join'];
    if (!join) throw new EngineError('internal', 'Group chat is not available.');
    const { account, accountJid } = this.#context;
    const room = await join({
      account,
      room: bookmark.room,
      nick: bookmark.nick ?? accountJid.local ?? account,
      ...(bookmark.password ? { password: bookmark.password } : {}),
    });
    this.#onOutcome(bookmark.room, null);
    return room;
  }

  async #joinOne(bookmark: StoredBookmark): Promise<void> {
    if (this.#context.link() === null || this.inRoom(bookmark.room)) return;
    try {
      await this.joinNow(bookmark);
    } catch (error) {
      const failure = toEngineError(error);
      // Joining already (the user was quicker) is no failure; a dropped link is retried at the next sign-in.
      if (failure.code === 'not-connected' || this.inRoom(bookmark.room)) return;
      this.#onOutcome(bookmark.room, failure.message);
    }
  }
}
