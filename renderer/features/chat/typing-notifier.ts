// When the composer tells a contact we type (XEP-0085): 'composing' once when typing starts, 'paused' after
// PAUSE_MS without a key or when the text is cleared or the chat left; nothing after a send (the message
// itself says 'active'). One state per change, never one per key.
export const PAUSE_MS = 5_000;

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export class TypingNotifier {
  readonly #say: (state: 'composing' | 'paused') => void;
  readonly #timers: Timers;
  #composing = false;
  #pause: unknown = null;

  constructor(say: (state: 'composing' | 'paused') => void, timers: Timers) {
    this.#say = say;
    this.#timers = timers;
  }

  /** The text changed; `hasText`: something is left in the box. */
  edited(hasText: boolean): void {
    if (!hasText) {
      this.left();
      return;
    }
    if (!this.#composing) {
      this.#composing = true;
      this.#say('composing');
    }
    this.#stopTimer();
    this.#pause = this.#timers.set(() => {
      this.#pause = null;
      this.left();
    }, PAUSE_MS);
  }

  /** The message went out: its <active/> ends composing. */
  sent(): void {
    this.#stopTimer();
    this.#composing = false;
  }

  /** Typing stopped (pause, cleared text, chat closed): 'paused' if we had said 'composing'. */
  left(): void {
    this.#stopTimer();
    if (!this.#composing) return;
    this.#composing = false;
    this.#say('paused');
  }

  #stopTimer(): void {
    if (this.#pause !== null) this.#timers.clear(this.#pause);
    this.#pause = null;
  }
}
