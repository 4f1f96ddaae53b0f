// The unread total and the offline flag the shell gets, from the real stores, and how often they are sent
// (node:test's fake timers).
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountConnection } from '../../../shared/contract.ts';
import { useChats } from '../../stores/chats.ts';
import { useConnection } from '../../stores/connection.ts';
import {
  everyAccountOffline,
  startUnreadSync,
  syncUnread,
  UNREAD_DEBOUNCE_MS,
  unreadTotal,
  type UnreadState,
} from './unread-sync.ts';

const connection = (account: string, status: AccountConnection['status']): [string, AccountConnection] => [
  account,
  { account, status, jid: null, error: null, security: null, mechanism: null, rosterShown: true },
];

describe('unread total and offline', () => {
  test('the total is every conversation unread count added up (the title number)', () => {
    assert.equal(unreadTotal(new Map()), 0);
    const chats = new Map([
      ['a', { unread: 2 }],
      ['b', { unread: 0 }],
      ['room', { unread: 5 }],
    ]);
    assert.equal(unreadTotal(chats), 7);
    // Past the contract's bound the badge stays at it (a larger count would be refused, freezing the badge).
    const flood = new Map([
      ['x', { unread: 900_000 }],
      ['y', { unread: 900_000 }],
    ]);
    assert.equal(unreadTotal(flood), 1_000_000);
  });

  test('offline unless some account is online', () => {
    assert.equal(everyAccountOffline(new Map()), true);
    const states = new Map([connection('a@x', 'reconnecting'), connection('b@y', 'paused')]);
    assert.equal(everyAccountOffline(states), true);
    assert.equal(everyAccountOffline(new Map([...states, connection('c@z', 'online')])), false);
  });
});

describe('syncUnread', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  function setup() {
    const sent: UnreadState[] = [];
    const read = (): UnreadState => ({
      count: unreadTotal(useChats.getState().chats),
      offline: everyAccountOffline(useConnection.getState().connections),
    });
    const stop = syncUnread({
      invoke: (state) => sent.push(state),
      read,
      subscribe: (onChange) => {
        const stops = [useChats.subscribe(onChange), useConnection.subscribe(onChange)];
        return () => stops.forEach((s) => s());
      },
    });
    const setUnread = (unread: number) =>
      useChats.setState({ chats: new Map([['me@x|chat|bob@y', { unread } as never]]) });
    const setOnline = (online: boolean) =>
      useConnection.setState({
        connections: new Map([connection('me@x', online ? 'online' : 'connecting')]),
      });
    return { sent, stop, setUnread, setOnline };
  }

  test('sends the state at once, then a burst of changes as one send of the last value', () => {
    useChats.setState({ chats: new Map() });
    useConnection.setState({ connections: new Map() });
    const { sent, stop, setUnread, setOnline } = setup();
    assert.deepEqual(sent, [{ count: 0, offline: true }]);
    setOnline(true);
    setUnread(1);
    setUnread(2);
    setUnread(3);
    assert.equal(sent.length, 1, 'nothing before the wait is over');
    mock.timers.tick(UNREAD_DEBOUNCE_MS);
    assert.deepEqual(sent.at(-1), { count: 3, offline: false });
    assert.equal(sent.length, 2);
    stop();
  });

  test('a change that comes back to what was sent sends nothing; nothing after stop', () => {
    useChats.setState({ chats: new Map() });
    useConnection.setState({ connections: new Map([connection('me@x', 'online')]) });
    const { sent, stop, setUnread } = setup();
    assert.deepEqual(sent, [{ count: 0, offline: false }]);
    setUnread(4);
    setUnread(0);
    mock.timers.tick(UNREAD_DEBOUNCE_MS);
    assert.equal(sent.length, 1);
    // Reading the chat (unread back to 0) after a send is a change too.
    setUnread(4);
    mock.timers.tick(UNREAD_DEBOUNCE_MS);
    setUnread(0);
    mock.timers.tick(UNREAD_DEBOUNCE_MS);
    assert.deepEqual(sent.slice(1), [
      { count: 4, offline: false },
      { count: 0, offline: false },
    ]);
    stop();
    setUnread(9);
    mock.timers.tick(UNREAD_DEBOUNCE_MS);
    assert.equal(sent.length, 3);
  });
});

describe('startUnreadSync', () => {
  test("sends 'shell.unread' from the desktop app's main window only (not browser mode, not pop-outs)", async () => {
    const calls: [string, unknown][] = [];
    const bridge = {
      invoke: async (command: string, payload: unknown) => {
        calls.push([command, payload]);
        return { ok: true, value: { ok: true } };
      },
    };
    useChats.setState({ chats: new Map([['me@x|chat|bob@y', { unread: 2 } as never]]) });
    useConnection.setState({ connections: new Map([connection('me@x', 'online')]) });
    const had = Object.getOwnPropertyDescriptor(globalThis, 'window');
    try {
      Object.assign(globalThis, { window: {} });
      startUnreadSync(bridge as never, 'main');
      Object.assign(globalThis, { window: { parley: bridge } });
      startUnreadSync(bridge as never, 'chat');
      assert.deepEqual(calls, []);
      const stop = startUnreadSync(bridge as never, 'main');
      assert.deepEqual(calls, [['shell.unread', { count: 2, offline: false }]]);
      stop();
    } finally {
      if (had) Object.defineProperty(globalThis, 'window', had);
      else delete (globalThis as { window?: unknown }).window;
    }
  });
});
