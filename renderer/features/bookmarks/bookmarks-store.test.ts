// Tests run in Node (node --test). The page's bookmarks store: 'bookmarks.changed' always carries the whole
// list and wins; a 'bookmarks.list' answer applies unless an event came after it was asked (it is older).
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookmarkList } from '../../../shared/bookmarks.ts';
import { useBookmarks } from './bookmarks-store.ts';

const ACCOUNT = 'me@example.com';
const list = (...rooms: string[]): BookmarkList => ({
  account: ACCOUNT,
  storage: 'pep',
  more: 0,
  bookmarks: rooms.map((room) => ({
    room,
    name: null,
    nick: null,
    autojoin: true,
    hasPassword: false,
    joinError: null,
  })),
});
const rooms = () =>
  useBookmarks
    .getState()
    .byAccount.get(ACCOUNT)
    ?.bookmarks.map((b) => b.room);

beforeEach(() => useBookmarks.getState().clear());

test('an answer asked before an event is older than it and dropped', () => {
  const store = useBookmarks.getState();
  const asked = store.events.get(ACCOUNT) ?? 0;
  store.applyEvent(list('a@rooms.example', 'b@rooms.example'));
  store.applyAnswer(list('a@rooms.example'), asked);
  assert.deepEqual(rooms(), ['a@rooms.example', 'b@rooms.example']);
});

test('an answer with no event since it was asked applies; later events replace it', () => {
  const store = useBookmarks.getState();
  store.applyAnswer(list('a@rooms.example'), 0);
  assert.deepEqual(rooms(), ['a@rooms.example']);
  store.applyEvent(list());
  assert.deepEqual(rooms(), []);
  // Other accounts are left alone.
  store.applyEvent({ ...list('x@rooms.example'), account: 'other@example.com' });
  assert.deepEqual(rooms(), []);
});
