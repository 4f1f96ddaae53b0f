// Inbound subscription requests waiting for an answer ('subscription.requests' is always the full list).
import { create } from 'zustand';
import type { SubscriptionRequest } from '../../shared/contract.ts';

interface RequestsStore {
  requests: SubscriptionRequest[];
  /** Requests answered here, hidden until the engine's next list confirms it. */
  answering: ReadonlySet<string>;
  setRequests: (requests: SubscriptionRequest[]) => void;
  markAnswering: (jid: string, on: boolean) => void;
}

export const useRequests = create<RequestsStore>()((set) => ({
  requests: [],
  answering: new Set(),
  setRequests: (requests) => set({ requests, answering: new Set() }),
  markAnswering: (jid, on) =>
    set((s) => {
      const answering = new Set(s.answering);
      if (on) answering.add(jid);
      else answering.delete(jid);
      return { answering };
    }),
}));
