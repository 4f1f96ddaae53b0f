// What the quick switcher lists, in which order: open chats, contacts in roster order, rooms, bookmarks
// not joined, accounts; each once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Contact } from '../../../shared/contract.ts';
import type { Room } from '../../../shared/muc.ts';
import type { BookmarkList } from '../../../shared/bookmarks.ts';
import { applyAccountRoster, type RosterByAccount } from '../../stores/roster.ts';
import { applyRooms } from '../rooms/rooms-store.ts';
import { chatId } from '../../stores/conversation.ts';
import { roomId } from '../rooms/rooms-sync.ts';
import { filterItems } from './matcher.ts';
import { switcherItems } from './switcher-items.ts';

const contact = (jid: string, name: string | null): Contact => ({
  jid,
  name,
  groups: [],
  subscription: 'both',
  pendingOut: false,
  pendingIn: false,
  preApproved: false,
});
const room = (jid: string): Room =>
  ({
    room: jid,
    status: 'joined',
    reason: null,
    alternate: null,
    nick: 'me',
    role: 'participant',
    affiliation: 'none',
    subject: null,
    features: [],
    nonAnonymous: false,
    logging: false,
    occupants: 1,
  }) as unknown as Room;

function sources() {
  let roster: RosterByAccount = new Map();
  roster = applyAccountRoster(roster, 'me@x', {
    reset: true,
    upserts: [contact('zoe@x', 'Zoë'), contact('bob@x', 'Bob'), contact('ann@x', null)],
    removed: [],
  });
  const rooms = applyRooms(new Map(), 'me@x', [room('den@rooms.x')]);
  const bookmarks = new Map<string, BookmarkList>([
    [
      'me@x',
      {
        account: 'me@x',
        storage: 'pep',
        more: 0,
        bookmarks: [
          {
            room: 'den@rooms.x',
            name: 'The Den',
            nick: null,
            autojoin: true,
            hasPassword: false,
            joinError: null,
          },
          {
            room: 'cafe@rooms.x',
            name: 'Café',
            nick: null,
            autojoin: false,
            hasPassword: false,
            joinError: null,
          },
        ],
      },
    ],
  ]);
  return { tabs: [chatId('me@x', 'bob@x')], accounts: ['me@x'], roster, rooms, bookmarks };
}

test('open chats first, then contacts by name, joined rooms, bookmarks not joined, accounts; no duplicates', () => {
  const items = switcherItems(sources());
  assert.deepEqual(
    items.map((i) => [i.kind, i.label]),
    [
      ['chat', 'Bob'],
      ['contact', 'ann@x'],
      ['contact', 'Zoë'],
      ['room', 'den'],
      ['bookmark', 'Café'],
      ['account', 'me@x'],
    ],
  );
  assert.equal(items[0]!.key, chatId('me@x', 'bob@x'));
  assert.equal(items[3]!.key, roomId('me@x', 'den@rooms.x'));
  assert.equal(items[0]!.open, true);
  assert.equal(items[1]!.open, false);
});

test('found by name with diacritics folded, or by address', () => {
  const items = switcherItems(sources());
  assert.deepEqual(
    filterItems(items, 'zoe').map((i) => i.label),
    ['Zoë'],
  );
  assert.deepEqual(
    filterItems(items, 'cafe').map((i) => i.kind),
    ['bookmark'],
  );
  assert.deepEqual(
    filterItems(items, 'rooms.x').map((i) => i.label),
    ['den', 'Café'],
  );
  assert.deepEqual(
    filterItems(items, 'bob').map((i) => i.kind),
    ['chat'],
    'the open chat, not the contact again',
  );
});
