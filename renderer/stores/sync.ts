// Feeds the stores from the contract: 'state.snapshot' (every account the engine knows) at start and after a
// browser-mode socket came back, then events, each naming its account. Events that the snapshot covers and
// that arrived before its answer are dropped (the snapshot is newer); message, failure, notice and layout
// events are never in a snapshot and always apply. A large roster in the snapshot is applied in parts of
// SNAPSHOT_PART contacts, one task each (as the engine splits a large 'roster.changed'), so a page reload
// with 10,000 contacts never holds the main thread for long; the events the snapshot covers that arrive
// meanwhile wait and then apply in their order. One account's session ending clears only that account's
// session-bound state (its presence and requests); chats, their history and the names in them stay.
import type {
  AccountConnection,
  Contact,
  CommandResponse,
  EventName,
  EventPayload,
  SavedAccount,
} from '../../shared/contract.ts';
import { getBridge, onBridgeRefused, onBridgeReopen } from '../transport/bridge.ts';
import { useConnection, visibleAccounts } from './connection.ts';
import { contactCount, resetParts, useRoster, type AccountRoster } from './roster.ts';
import { usePresence } from './presence.ts';
import { useMessageRequests } from './message-requests.ts';
import { useRequests } from './requests.ts';
import { useChats } from './chats.ts';
import type { ReadContext } from './chats.ts';
import { chatId, conversationId, parseConversationId } from './conversation.ts';
import { DisplayedMarks, chatVisible } from './displayed.ts';
import { NARROW_QUERY, seenChat, useUi } from './ui.ts';
import { applyRoomSnapshot, registerRoomEvents } from '../features/rooms/rooms-sync.ts';
import { useRooms } from '../features/rooms/rooms-store.ts';
import { registerInvitationEvents } from '../features/invitations/invitations-sync.ts';
import { startActivitySync } from '../features/idle/activity-sync.ts';
import { registerPreferenceEvents } from '../features/settings/preferences-sync.ts';
import { registerNotifications } from '../features/notifications/notifications-sync.ts';
import { registerLinkEvents } from '../features/links/link-actions.ts';
import { startUnreadSync } from '../features/shell/unread-sync.ts';

export function readContext(): ReadContext {
  const ui = useUi.getState();
  return { seen: seenChat(ui), ignored: ui.view === 'main' ? ui.poppedOut : new Set() };
}

/** More than one account is shown: chats, rows and notices then say which account they are on. */
export function severalAccounts(): boolean {
  const { connections, saved } = useConnection.getState();
  return visibleAccounts(connections, saved).length > 1;
}

export function noticeText(
  jid: string,
  kind: 'subscribed' | 'unsubscribed' | 'unsubscribe',
  account: string | null = null,
): string {
  const on = account ? ` (${account})` : '';
  switch (kind) {
    case 'subscribed':
      return `${jid} approved your request${on}: you can now see their presence.`;
    case 'unsubscribed':
      return `${jid} denied or cancelled your subscription to their presence${on}.`;
    case 'unsubscribe':
      return `${jid} no longer receives your presence${on}.`;
  }
}

/** An account's connection changed; when its session ended, its session-bound state goes (not its chats). */
export function applyConnection(state: AccountConnection): void {
  const previous = useConnection.getState().connections.get(state.account)?.status ?? 'offline';
  useConnection.getState().setConnection(state);
  if (state.status === 'offline' && previous !== 'offline') endSession(state.account);
}

function endSession(account: string): void {
  // The roster stays (names in the account's chats; the roster view shows signed-in accounts only) until the
  // next sign-in replaces it; presence goes offline.
  usePresence.getState().drop(account);
  useRequests.getState().setRequests(account, []);
  useMessageRequests.getState().setRequests(account, [], 0);
  // The engine forgets the rooms at the end of a session (it says nothing of each): so does the room list.
  useRooms.getState().reset(account, []);
}

/** The saved accounts changed: an account that was saved and no longer is (removed) takes its chats along. */
export function applySaved(accounts: readonly SavedAccount[], lastUsed: string | null): void {
  const before = useConnection.getState().saved;
  useConnection.getState().setSaved(accounts, lastUsed);
  const now = new Set(accounts.map((a) => a.jid));
  for (const { jid } of before) {
    if (now.has(jid)) continue;
    const status = useConnection.getState().connections.get(jid)?.status ?? 'offline';
    if (status === 'offline') forgetAccountState(jid);
  }
}

/** The account was removed: its session-bound state, its chats and their tabs leave the UI. */
export function forgetAccountState(account: string): void {
  endSession(account);
  useRoster.getState().drop(account);
  useConnection.getState().removeConnection(account);
  useChats.getState().dropAccount(account);
  useUi.getState().closeAccount(account);
}

/** Contacts per task when a snapshot's roster is applied (the engine splits 'roster.changed' the same way). */
export const SNAPSHOT_PART = 1000;

export type AccountSnapshot = CommandResponse<'state.snapshot'>['accounts'][number];

/**
 * Lets the page run between two parts of a snapshot (paint, input, WebSocket messages): a macrotask through a
 * MessageChannel, which (unlike setTimeout) is neither clamped to 4 ms when nested nor throttled in a hidden
 * window, and (unlike requestAnimationFrame) still runs in one.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Applies a snapshot's accounts: connections, presence, requests and the first part of every roster at once,
 * then (when `yieldTask` is given and a roster is larger than `part`) the rest of each roster one part per
 * task. Resolves when everything is applied, or as soon as `current()` says a newer snapshot took over.
 * `firstPartApplied` runs once everything but the remaining roster parts is in the stores (the UI can show).
 * A roster something else replaced or dropped meanwhile (the account was removed) keeps what it became.
 */
export async function applySnapshot(
  accounts: readonly AccountSnapshot[],
  options: {
    part?: number;
    yieldTask?: () => Promise<void>;
    current?: () => boolean;
    firstPartApplied?: () => void;
  } = {},
): Promise<void> {
  const part = options.part ?? SNAPSHOT_PART;
  const current = options.current ?? (() => true);
  const known = new Set(accounts.map((a) => a.account));
  useConnection.getState().resetConnections(accounts.map((a) => ({ ...a.connection, account: a.account })));
  useRoster.getState().retain(known);
  usePresence.getState().retain(known);
  useRequests.getState().retain(known);
  useMessageRequests.getState().retain(known);
  applyRoomSnapshot(accounts);
  const rest: Array<{ account: string; parts: Contact[][]; applied: AccountRoster | undefined }> = [];
  for (const snap of accounts) {
    const [first = [], ...more] = resetParts(snap.roster, options.yieldTask ? part : Infinity);
    useRoster.getState().reset(snap.account, first);
    if (more.length > 0)
      rest.push({
        account: snap.account,
        parts: more,
        applied: useRoster.getState().byAccount.get(snap.account),
      });
    usePresence.getState().reset(snap.account, snap.presence);
    usePresence.getState().setOwn(snap.account, snap.ownPresence);
    useRequests.getState().setRequests(snap.account, snap.requests, snap.moreRequests ?? 0);
    useMessageRequests
      .getState()
      .setRequests(snap.account, snap.messageRequests ?? [], snap.moreMessages ?? 0);
  }
  options.firstPartApplied?.();
  for (const roster of rest) {
    for (const upserts of roster.parts) {
      await options.yieldTask!();
      if (!current()) return;
      if (useRoster.getState().byAccount.get(roster.account) !== roster.applied) break;
      useRoster.getState().apply({ account: roster.account, reset: false, upserts, removed: [] });
      roster.applied = useRoster.getState().byAccount.get(roster.account);
    }
  }
}

let started = false;
let restored = false;

/**
 * `remoteTextReady`: resolves once remote text may be laid out (the emoji font is in: emoji-font-ready.ts). A
 * first start (no account at all) has none to show, so its sign-in form appears without waiting for it.
 */
export function startSync(remoteTextReady: Promise<void> = Promise.resolve()): void {
  if (started) return;
  started = true;
  const bridge = getBridge();
  let snapshotGeneration = 0;
  // 'drop': no snapshot answer yet (it will cover these events); 'queue': the snapshot is being applied in
  // parts (these events are newer: they wait, in order); 'apply': straight into the stores.
  let covering: 'drop' | 'queue' | 'apply' = 'drop';
  let waiting: Array<() => void> = [];

  const covered = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): void => {
    bridge.on(event, (payload) => {
      if (covering === 'apply') handler(payload);
      else if (covering === 'queue') waiting.push(() => handler(payload));
    });
  };

  covered('connection.state', (state) => applyConnection(state));
  covered('roster.changed', (change) => useRoster.getState().apply(change));
  covered('presence.changed', ({ account, contacts }) => usePresence.getState().apply(account, contacts));
  covered('presence.own', ({ account, ...own }) => usePresence.getState().setOwn(account, own));
  covered('subscription.requests', ({ account, requests, more }) =>
    useRequests.getState().setRequests(account, requests, more ?? 0),
  );
  covered('chat.requests', ({ account, requests, more }) =>
    useMessageRequests.getState().setRequests(account, requests, more),
  );
  registerRoomEvents(covered);
  registerInvitationEvents((event, handler) => bridge.on(event, handler));
  startActivitySync(bridge, useUi.getState().view);
  registerPreferenceEvents((event, handler) => bridge.on(event, handler));
  registerNotifications((event, handler) => bridge.on(event, handler));
  registerLinkEvents((event, handler) => bridge.on(event, handler));
  startUnreadSync(bridge, useUi.getState().view);
  bridge.on('accounts.changed', ({ accounts, lastUsed }) => applySaved(accounts, lastUsed));

  bridge.on('chat.messages', ({ messages }) => {
    useChats.getState().addMessages(messages, readContext());
    const ui = useUi.getState();
    if (ui.view !== 'main') return;
    const opened = new Set<string>(); // a room's flood: one tab check per conversation, not per line
    for (const m of messages) {
      const id = conversationId(m);
      // A stranger's message waits in the message requests instead of opening a tab: the user opens it there.
      if (m.direction !== 'in' || m.request || ui.poppedOut.has(id) || opened.has(id)) continue;
      opened.add(id);
      const { tabs, activeId } = useUi.getState();
      if (activeId === null || !tabs.includes(id)) useUi.getState().openTab(id, false);
    }
  });
  bridge.on('chat.failed', ({ failures }) => useChats.getState().addFailures(failures));
  bridge.on('chat.states', ({ updates }) => useChats.getState().addStates(updates));
  bridge.on('subscription.notice', ({ account, notices }) => {
    const on = severalAccounts() ? account : null;
    for (const n of notices) useUi.getState().addToast(noticeText(n.jid, n.kind, on));
  });
  bridge.on('window.layout', ({ poppedOut }) =>
    useUi.getState().setPoppedOut(poppedOut.map((p) => chatId(p.account, p.peer))),
  );

  const ready = (accounts: number): void => {
    if (useUi.getState().view === 'main') void restoreAccounts();
    if (accounts === 0) useConnection.getState().setReady();
    else void remoteTextReady.then(() => useConnection.getState().setReady());
  };

  const loadSnapshot = async (): Promise<void> => {
    const generation = ++snapshotGeneration;
    covering = 'drop';
    waiting = [];
    const [result, saved] = await Promise.all([
      bridge.invoke('state.snapshot', {}),
      bridge.invoke('account.saved', {}),
    ]);
    if (generation !== snapshotGeneration) return;
    if (saved.ok) applySaved(saved.value.accounts, saved.value.lastUsed);
    if (!result.ok) {
      console.error('state.snapshot failed', result.error.message);
      covering = 'apply';
      ready(saved.ok ? saved.value.accounts.length : 1);
      return;
    }
    covering = 'queue';
    const current = (): boolean => generation === snapshotGeneration;
    // A large answer already cost this task its decoding and JSON.parse: its first part goes in the next one.
    if (result.value.accounts.some((a) => a.roster.length > SNAPSHOT_PART)) {
      await nextTask();
      if (!current()) return;
    }
    const accounts = result.value.accounts.length;
    await applySnapshot(result.value.accounts, {
      yieldTask: nextTask,
      current,
      firstPartApplied: () => ready(accounts),
    });
    if (!current()) return;
    // What arrived while the parts went in, in its order; then events apply as they come.
    for (let i = 0; i < waiting.length; i++) waiting[i]!();
    waiting = [];
    covering = 'apply';
  };

  onBridgeRefused((refusal) => useUi.getState().setRefusal(refusal));
  void loadSnapshot();
  onBridgeReopen(() => void loadSnapshot());
  trackWindow();
  trackNetwork();
  publishStats();
}

/** Once per start, from the main window: sign in again every account that was signed in last time. */
async function restoreAccounts(): Promise<void> {
  if (restored) return;
  restored = true;
  useConnection.getState().setRestoring(true);
  const result = await getBridge().invoke('account.restore', {});
  useConnection.getState().setRestoring(false);
  if (!result.ok) {
    console.warn('account.restore failed', result.error.message);
    return;
  }
  for (const { account, error } of result.value.results) {
    if (error && error.code !== 'already-connected') {
      useUi.getState().addToast(`Could not sign in ${account}: ${error.message}`);
    }
  }
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
      contacts: contactCount(useRoster.getState().byAccount),
      online: usePresence.getState().online,
    };
  };
  useRoster.subscribe(update);
  usePresence.subscribe(update);
  update();
}

/**
 * Window focus, visibility and (narrow windows) the pane shown decide whether an arriving message is unread;
 * a chat being looked at is read.
 */
function trackWindow(): void {
  const update = (): void =>
    useUi
      .getState()
      .setWindowState({ focused: document.hasFocus(), visible: document.visibilityState === 'visible' });
  window.addEventListener('focus', update);
  window.addEventListener('blur', update);
  document.addEventListener('visibilitychange', update);
  update();
  // A narrow window showing the roster shows no chat (no matchMedia outside a page: never narrow).
  if (typeof matchMedia === 'function') {
    const narrow = matchMedia(NARROW_QUERY);
    const updateNarrow = (): void => useUi.getState().setNarrow(narrow.matches);
    narrow.addEventListener('change', updateNarrow);
    updateNarrow();
  }

  let lastActive = useUi.getState().activeId;
  const onUi = (): void => {
    const ui = useUi.getState();
    const seen = seenChat(ui);
    if (seen !== null) useChats.getState().markRead(seen);
    if (ui.activeId !== lastActive) {
      if (lastActive !== null) useChats.getState().clearMarker(lastActive);
      lastActive = ui.activeId;
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
  const id = seenChat(useUi.getState());
  if (id === null || !chatVisible(id, document)) return;
  const key = parseConversationId(id);
  if (!key || key.kind !== 'chat') return;
  const newestIn = useChats.getState().chats.get(id)?.newestIn ?? null;
  if (newestIn === null || !displayed.take(id, newestIn)) return;
  void getBridge()
    .invoke('chat.markDisplayed', { account: key.account, peer: key.peer })
    .then((r) => {
      if (!r.ok) displayed.forget(id, newestIn);
    });
}
