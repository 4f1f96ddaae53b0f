// Events for the main page that must not be lost while it loads. A page hears events sent to it only once
// its script runs: one sent to a page still loading (the first window at start, or a new one made because
// the window had been closed) is gone. What main sends on its own (a link from another program, a
// notification's click) is kept here for that page and sent once it has loaded.
import type { EngineEvent } from '../../shared/contract.ts';

export class PendingForPage<Page extends object> {
  readonly #send: (to: Page, batch: EngineEvent[]) => void;
  readonly #max: number;
  readonly #loaded = new WeakSet<Page>();
  /** The loading page the kept events are for, and the events (the latest #max). */
  #page: Page | null = null;
  #kept: EngineEvent[] = [];

  constructor(send: (to: Page, batch: EngineEvent[]) => void, max: number) {
    this.#send = send;
    this.#max = max;
  }

  isLoaded(page: Page): boolean {
    return this.#loaded.has(page);
  }

  /**
   * Keeps an event for a page still loading. Only one page is waited for: events kept for an older one
   * (a window closed before it loaded) are dropped.
   */
  keep(page: Page, event: EngineEvent): void {
    if (page !== this.#page) this.#kept = [];
    this.#page = page;
    this.#kept = [...this.#kept, event].slice(-this.#max);
  }

  /** Sends the event now to a loaded page, or once the page has loaded. */
  deliver(page: Page, event: EngineEvent): void {
    if (this.isLoaded(page)) this.#send(page, [event]);
    else this.keep(page, event);
  }

  /** A page finished loading: the one waited for gets what was kept, in one batch. */
  pageLoaded(page: Page): void {
    this.#loaded.add(page);
    if (page !== this.#page) return;
    const batch = this.#kept;
    this.#page = null;
    this.#kept = [];
    if (batch.length > 0) this.#send(page, batch);
  }
}
