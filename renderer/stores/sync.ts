// Feeds the stores from the contract: 'state.snapshot' at start (and after a browser-mode socket came back),
// then events. Events that the snapshot covers and that arrived before its answer are dropped (the snapshot
// is newer); message, failure, notice and layout events are never in a snapshot and always apply.
import type { EventName, EventPayload } from '../../shared/contract.ts';
import { getBridge, onBridgeReopen } from '../transport/bridge.ts';
import { useConnection } from './connection.ts';
import { useRoster } from './roster.ts';
import { usePresence } from './presence.ts';
import { useRequests } from './requests.ts';
import { useChats } from './chats.ts';
import type { ReadContext } from './chats.ts';
import { DisplayedMarks, chatVisible } from './displayed.ts';
import { seenPeer, useUi } from './ui.ts';

export function readContext(): ReadContext {
  const ui = useUi.getState();
  return { seenPeer: seenPeer(ui), ignored: ui.view === 'main' ? ui.poppedOut : new Set() };
}

export function noticeText(jid: string, kind: 'subscribed' | 'unsubscribed' | 'unsubscribe'): string {
  switch (kind) {
    case 'subscribed':
      return `${jid} approved your request: you can now see their presence.`;
    case 'unsubscribed':
      return `${jid} denied or cancelled your subscription to their presence.`;
    case 'unsubscribe':
      return `${jid} no longer receives your presence.`;
  }
}

let started = false;

export function startSync(): void {
  if (started) return;
  started = true;
  const bridge = getBridge();
  let snapshotGeneration = 0;
  let snapshotApplied = false;

  const covered = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): void => {
    bridge.on(event, (payload) => {
      if (snapshotApplied) handler(payload);
    });
  };

  covered('connection.state', (state) => applyConnection(state));
  covered('roster.changed', (change) => useRoster.getState().apply(change));
  covered('presence.changed', ({ contacts }) => usePresence.getState().apply(contacts));
  covered('presence.own', (own) => usePresence.getState().setOwn(own));
  covered('subscription.requests', ({ requests }) => useRequests.getState().setRequests(requests));

  bridge.on('chat.messages', ({ messages }) => {
    useChats.getState().addMessages(messages, readContext());
    const ui = useUi.getState();
    if (ui.view !== 'main') return;
    for (const m of messages) {
      if (m.direction === 'in' && !ui.poppedOut.has(m.peer)) useUi.getState().openTab(m.peer, false);
    }
  });
  bridge.on('chat.failed', ({ failures }) => useChats.getState().addFailures(failures));
  bridge.on('chat.states', ({ updates }) => useChats.getState().addStates(updates));
  bridge.on('subscription.notice', ({ notices }) => {
    for (const n of notices) useUi.getState().addToast(noticeText(n.jid, n.kind));
  });
  bridge.on('window.layout', ({ poppedOut }) => useUi.getState().setPoppedOut(poppedOut));

  const loadSnapshot = async (): Promise<void> => {
    const generation = ++snapshotGeneration;
    snapshotApplied = false;
    const result = await bridge.invoke('state.snapshot', {});
    if (generation !== snapshotGeneration) return;
    if (result.ok) {
      const snap = result.value;
      applyConnection(snap.connection);
      useRoster.getState().reset(snap.roster);
      usePresence.getState().reset(snap.presence);
      usePresence.getState().setOwn(snap.ownPresence);
      useRequests.getState().setRequests(snap.requests);
    } else {
      console.error('state.snapshot failed', result.error.message);
    }
    snapshotApplied = true;
    useConnection.getState().setReady();
  };

  void loadSnapshot();
  onBridgeReopen(() => void loadSnapshot());
  trackWindow();
  trackNetwork();
  publishStats();
}

/** The OS says the network is back: reconnect now instead of waiting for the backoff (main window only). */
function trackNetwork(): void {
  if (useUi.getState().view !== 'main') return;
  window.addEventListener('online', () => {
    void getBridge()
      .invoke('connection.retryNow', {})
      .then((r) => {
        if (!r.ok) console.warn('connection.retryNow failed', r.error.message);
      });
  });
}

declare global {
  interface Window {
    /** Roster size and contacts online as the stores hold them: benchmarks read it (scripts/bench/roster.ts). */
    __parleyStats?: { contacts: number; online: number };
  }
}

/** Keeps window.__parleyStats current: set after every roster or presence store update. */
function publishStats(): void {
  const update = (): void => {
    window.__parleyStats = {
      contacts: useRoster.getState().contacts.size,
      online: usePresence.getState().online,
    };
  };
  useRoster.subscribe(update);
  usePresence.subscribe(update);
  update();
}

function applyConnection(state: EventPayload<'connection.state'>): void {
  const previous = useConnection.getState().state.status;
  useConnection.getState().setState(state);
  if (state.status === 'offline' && previous !== 'offline' && previous !== 'connecting') {
    // The session ended: its chats and prompts go with it.
    useChats.getState().reset();
    useRequests.getState().setRequests([]);
    useUi.getState().resetSession();
  }
}

/** Window focus and visibility decide whether an arriving message is unread; a chat being looked at is read. */
function trackWindow(): void {
  const update = (): void =>
    useUi
      .getState()
      .setWindowState({ focused: document.hasFocus(), visible: document.visibilityState === 'visible' });
  window.addEventListener('focus', update);
  window.addEventListener('blur', update);
  document.addEventListener('visibilitychange', update);
  update();

  let lastActive = useUi.getState().activePeer;
  const onUi = (): void => {
    const ui = useUi.getState();
    const seen = seenPeer(ui);
    if (seen !== null) useChats.getState().markRead(seen);
    if (ui.activePeer !== lastActive) {
      if (lastActive !== null) useChats.getState().clearMarker(lastActive);
      lastActive = ui.activePeer;
    }
    markDisplayed();
  };
  useUi.subscribe(onUi);
  // A message arriving in (or history loaded into) the chat being looked at.
  useChats.subscribe(markDisplayed);
  onUi();
}

const displayed = new DisplayedMarks();

/**
 * Tells the contact of the chat being looked at (shown here, window visible and focused) that we displayed
 * their newest message: once per new incoming message, never for a hidden chat.
 */
function markDisplayed(): void {
  const peer = seenPeer(useUi.getState());
  if (peer === null || !chatVisible(peer, document)) return;
  const newestIn = useChats.getState().chats.get(peer)?.newestIn ?? null;
  if (newestIn === null || !displayed.take(peer, newestIn)) return;
  void getBridge()
    .invoke('chat.markDisplayed', { peer })
    .then((r) => {
      if (!r.ok) displayed.forget(peer, newestIn);
    });
}
