// The xmpp: link being acted on in this window, the links waiting for its dialog to close, and the account
// chosen for it once the user picked one. An open dialog is never replaced by a newer link: a program could
// open a harmless link and then ?remove a moment later, so that a click meant for the first lands on the
// second's Remove. Later links wait their turn; past a few they are dropped (and counted, for a toast).
import { create } from 'zustand';
import type { XmppUri } from '../../../shared/xmpp-uri.ts';

/** Links waiting behind the open one; more than this are dropped. */
export const MAX_QUEUED_LINKS = 3;

interface OpenLink {
  uri: XmppUri;
  /** Tells two openings of the same link apart (each opens its dialog anew). */
  seq: number;
  account: string | null;
}

interface LinksStore {
  link: OpenLink | null;
  queued: readonly XmppUri[];
  /** Links dropped (the queue was full) since takeDropped() last asked. */
  dropped: number;
  /** Opens the link's dialog, or queues it behind the open one; false when it was dropped. */
  show: (uri: XmppUri) => boolean;
  choose: (account: string) => void;
  /** The open link is finished with: the next queued one (if any) opens. */
  done: () => void;
  /** How many were dropped since the last call, and starts counting anew. */
  takeDropped: () => number;
}

let seq = 0;
const opened = (uri: XmppUri): OpenLink => ({ uri, seq: ++seq, account: null });

export const useLinks = create<LinksStore>()((set, get) => ({
  link: null,
  queued: [],
  dropped: 0,
  show: (uri) => {
    const { link, queued, dropped } = get();
    if (link === null) set({ link: opened(uri) });
    else if (queued.length < MAX_QUEUED_LINKS) set({ queued: [...queued, uri] });
    else {
      set({ dropped: dropped + 1 });
      return false;
    }
    return true;
  },
  choose: (account) => set((s) => (s.link ? { link: { ...s.link, account } } : s)),
  done: () =>
    set((s) => {
      const [next, ...rest] = s.queued;
      return { link: next ? opened(next) : null, queued: rest };
    }),
  takeDropped: () => {
    const dropped = get().dropped;
    if (dropped > 0) set({ dropped: 0 });
    return dropped;
  },
}));
