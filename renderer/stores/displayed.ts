// XEP-0333 displayed markers, renderer side: which incoming message of each chat this window already told the
// engine it displayed ('chat.markDisplayed'), so the command goes out once per new incoming message and only
// for the chat the user is looking at. The engine decides what goes on the wire (the newest markable message,
// once); this bookkeeping only keeps the renderer from asking more than needed.

export class DisplayedMarks {
  /** Per peer: the newest incoming seq already reported as displayed. */
  readonly #marked = new Map<string, number>();

  /**
   * True (and recorded) when chat `peer` has an incoming message newer than the last one reported: the caller
   * sends 'chat.markDisplayed' now. False when there is nothing new.
   */
  take(peer: string, newestIn: number | null): boolean {
    if (newestIn === null) return false;
    const marked = this.#marked.get(peer);
    if (marked !== undefined && marked >= newestIn) return false;
    this.#marked.set(peer, newestIn);
    return true;
  }

  /** The report of `seq` failed: allow it again (unless something newer was reported since). */
  forget(peer: string, seq: number): void {
    if (this.#marked.get(peer) === seq) this.#marked.delete(peer);
  }

  clear(): void {
    this.#marked.clear();
  }
}

/** The conditions under which a chat counts as displayed: shown here, in a visible and focused window. */
export function chatVisible(
  seen: string | null,
  doc: Pick<Document, 'visibilityState' | 'hasFocus'>,
): boolean {
  return seen !== null && doc.visibilityState === 'visible' && doc.hasFocus();
}
