// Pages of a room for the room view ('muc.history'): from the local history, and when it runs out, one
// page further back in the room's archive (when the room has one and we are in it), stored before what is
// held and read again. Which rooms were walked back to their archive's start is kept per session.
import { MAX_ROOMS } from '../../../shared/muc.ts';
import type { ChatMessage } from '../../../shared/contract.ts';
import { messageTime } from '../history/history-store.ts';
import type { SessionLink } from '../account/module.ts';
import type { StanzaSource } from '../mam/mam.ts';
import { ROOM_FEATURES } from './join.ts';
import { olderRoomPage } from './room-archive.ts';
import type { RoomMessages } from './room-messages.ts';
import type { RoomState } from './room.ts';

export class RoomHistory {
  readonly #messages: RoomMessages;
  readonly #archiveResults: StanzaSource;
  readonly #pageSize: number;
  /** Rooms whose archive was walked back to its start (never more than MAX_ROOMS: rooms come and go). */
  readonly #walkedBack = new Set<string>();

  constructor(messages: RoomMessages, archiveResults: StanzaSource, pageSize: number) {
    this.#messages = messages;
    this.#archiveResults = archiveResults;
    this.#pageSize = pageSize;
  }

  async page(
    room: string,
    state: RoomState | undefined,
    link: SessionLink | null,
    beforeSeq: number | undefined,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; complete: boolean }> {
    let page = this.#messages.page(room, beforeSeq, limit);
    const archived = state?.features.includes(ROOM_FEATURES.mam) === true;
    if (page.complete && archived && state?.joined && !this.#walkedBack.has(room) && link?.isOpen) {
      const oldest = this.#messages.oldestHeld(room, beforeSeq);
      const older = await olderRoomPage(link.iq, this.#archiveResults, room, {
        beforeId: oldest?.stanzaId ?? null,
        endAt: oldest ? messageTime(oldest) : null,
        max: Math.min(limit, this.#pageSize),
      });
      this.#messages.storeOlder(state, older.results);
      if (older.complete || older.results.length === 0) {
        if (this.#walkedBack.size >= MAX_ROOMS) this.#walkedBack.clear();
        this.#walkedBack.add(room);
      }
      page = this.#messages.page(room, beforeSeq, limit);
    }
    return { messages: page.messages, complete: page.complete && (!archived || this.#walkedBack.has(room)) };
  }

  clear(): void {
    this.#walkedBack.clear();
  }
}
