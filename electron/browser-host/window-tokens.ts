// Browser mode's window tokens: the printed URL's token lets in one page (the main window), and each pop-out
// window gets its own token, minted for it by a page already let in. A token is held by one socket at a time
// (the same URL opened in a second tab, or a copied link, waits until the first is gone), stays valid for that
// window's reloads and reconnects, and there are at most MAX_WINDOWS of them. Tokens are looked up by their
// SHA-256, so a lookup's timing says nothing about the token itself. A pop-out's token remembers which chat
// its window shows: the chats of the windows open now are the layout the other windows follow.
import { createHash, randomBytes } from 'node:crypto';

/** The chat a pop-out window shows. */
export interface WindowChat {
  account: string;
  peer: string;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export type Claim = 'ok' | 'unknown' | 'in-use';

export class WindowTokens<S> {
  readonly #max: number;
  readonly #main: string;
  /** Digest -> the socket holding it, or null while its window is away (reloading, closed). */
  readonly #holders = new Map<string, S | null>();
  /** Digest -> the chat its pop-out window shows. */
  readonly #chats = new Map<string, WindowChat>();

  constructor(mainToken: string, max: number) {
    this.#max = max;
    this.#main = digest(mainToken);
    this.#holders.set(this.#main, null);
  }

  get size(): number {
    return this.#holders.size;
  }

  /**
   * A token for a new window, or null when MAX_WINDOWS windows are open. Tokens of windows that are away
   * make room first (the oldest first); the main window's never does.
   */
  mint(chat?: WindowChat): string | null {
    if (this.#holders.size >= this.#max) {
      for (const [key, holder] of this.#holders) {
        if (holder === null && key !== this.#main) {
          this.#holders.delete(key);
          this.#chats.delete(key);
          break;
        }
      }
    }
    if (this.#holders.size >= this.#max) return null;
    const token = randomBytes(32).toString('base64url');
    const key = digest(token);
    this.#holders.set(key, null);
    if (chat) this.#chats.set(key, { account: chat.account, peer: chat.peer });
    return token;
  }

  /** The chats shown in pop-out windows open now (held tokens), each once, in a stable order. */
  openChats(): WindowChat[] {
    const open = new Map<string, WindowChat>();
    for (const [key, chat] of this.#chats) {
      const holder = this.#holders.get(key);
      if (holder !== null && holder !== undefined) open.set(`${chat.account}\u0000${chat.peer}`, chat);
    }
    return [...open.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, chat]) => chat);
  }

  /** A socket says hello with `token`: it holds it now, unless the token is unknown or held by another. */
  claim(token: string, socket: S): Claim {
    const key = digest(token);
    if (!this.#holders.has(key)) return 'unknown';
    const holder = this.#holders.get(key);
    if (holder !== null && holder !== socket) return 'in-use';
    this.#holders.set(key, socket);
    return 'ok';
  }

  /** The socket closed: its token waits for its window to come back. True if that window showed a chat. */
  release(socket: S): boolean {
    let showedChat = false;
    for (const [key, holder] of this.#holders) {
      if (holder !== socket) continue;
      this.#holders.set(key, null);
      showedChat ||= this.#chats.has(key);
    }
    return showedChat;
  }

  /** The socket's window closes for good (its chat docked): its token goes, and its chat with it. */
  retire(socket: S): void {
    for (const [key, holder] of this.#holders) {
      if (holder !== socket || key === this.#main) continue;
      this.#holders.delete(key);
      this.#chats.delete(key);
    }
  }
}
