// The xmpp: link being acted on in this window (the latest one wins: a program opening many links at once
// gets one dialog, not a stack), and the account chosen for it once the user picked one.
import { create } from 'zustand';
import type { XmppUri } from '../../../shared/xmpp-uri.ts';

interface LinksStore {
  /** `seq` tells two openings of the same link apart (each opens its dialog anew). */
  link: { uri: XmppUri; seq: number; account: string | null } | null;
  show: (uri: XmppUri) => void;
  choose: (account: string) => void;
  done: () => void;
}

let seq = 0;

export const useLinks = create<LinksStore>()((set) => ({
  link: null,
  show: (uri) => set({ link: { uri, seq: ++seq, account: null } }),
  choose: (account) => set((s) => (s.link ? { link: { ...s.link, account } } : s)),
  done: () => set({ link: null }),
}));
