// One account's XEP-0191 blocklist as the engine holds it: replaced by the server's answer at a session start,
// changed by its pushes. Bounded: MAX_BLOCKED addresses are kept; those past it are only counted (the server
// still blocks them), and a block pushed while the list is full is counted too. The count is exact again at
// the next session start. Every change is emitted as a 'blocking.changed' with a new version.
import type { Element } from '@xmpp/xml';
import {
  MAX_BLOCKED,
  type Blocklist,
  type BlocklistChange,
  type BlocklistStatus,
} from '../../../shared/blocking.ts';
import { normalJid } from '../../../shared/jid.ts';

/** The normalised JIDs of a block, unblock or blocklist element's items (invalid ones left out). */
export function itemJids(element: Element): string[] {
  const jids: string[] = [];
  for (const item of element.getChildren('item')) {
    const jid = normalJid(String(item.attrs.jid ?? ''));
    if (jid !== null) jids.push(jid);
  }
  return jids;
}

export class BlocklistState {
  readonly #account: string;
  readonly #emit: (change: BlocklistChange) => void;
  readonly #limit: number;
  /** Insertion-ordered: the server's order, then the order of the pushes. */
  #blocked = new Set<string>();
  #more = 0;
  #status: BlocklistStatus = 'not-loaded';
  #version = 0;

  constructor(account: string, emit: (change: BlocklistChange) => void, limit = MAX_BLOCKED) {
    this.#account = account;
    this.#emit = emit;
    this.#limit = limit;
  }

  get status(): BlocklistStatus {
    return this.#status;
  }

  has(jid: string): boolean {
    return this.#blocked.has(jid);
  }

  snapshot(): Blocklist {
    return { ...this.#head(), blocked: [...this.#blocked] };
  }

  /** The server's whole list (a session start), or a status without one (not supported, not read). */
  reset(status: BlocklistStatus, jids: readonly string[] = []): void {
    this.#blocked = new Set();
    this.#more = 0;
    for (const jid of jids) this.#add(jid);
    this.#status = status;
    this.#version++;
    this.#emit({ ...this.#head(), reset: true, blocked: [...this.#blocked], unblocked: [] });
  }

  block(jids: readonly string[]): void {
    const more = this.#more;
    const added = jids.filter((jid) => this.#add(jid));
    if (added.length > 0 || this.#more !== more) this.#changed(added, []);
  }

  unblock(jids: readonly string[]): void {
    const removed = jids.filter((jid) => this.#blocked.delete(jid));
    if (removed.length > 0) this.#changed([], removed);
  }

  /** An unblock without items: the server unblocked everyone (XEP-0191 §3.3). */
  unblockAll(): void {
    const everyone = [...this.#blocked];
    if (everyone.length === 0 && this.#more === 0) return;
    this.#blocked.clear();
    this.#more = 0;
    this.#changed([], everyone);
  }

  /** The account signed out: nothing is known until the next session reads the list again. */
  clear(): void {
    if (this.#status === 'not-loaded' && this.#blocked.size === 0) return;
    this.reset('not-loaded');
  }

  /** True when the address is new to the list (or counted past the limit). */
  #add(jid: string): boolean {
    if (this.#blocked.has(jid)) return false;
    if (this.#blocked.size >= this.#limit) {
      this.#more++;
      return false;
    }
    this.#blocked.add(jid);
    return true;
  }

  #changed(blocked: string[], unblocked: string[]): void {
    this.#version++;
    this.#emit({ ...this.#head(), reset: false, blocked, unblocked });
  }

  #head() {
    return { account: this.#account, version: this.#version, status: this.#status, more: this.#more };
  }
}
