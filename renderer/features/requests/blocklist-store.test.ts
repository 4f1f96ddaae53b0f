// Tests run in Node (node --test). The page's blocklist store: whichever of the engine's list and its changes
// is newer wins, whatever order they arrive in; a change before any list waits for it.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Blocklist, BlocklistChange } from '../../../shared/blocking.ts';
import { useBlocklist } from './blocklist-store.ts';

const ACCOUNT = 'me@example.com';
const list = (version: number, blocked: string[]): Blocklist => ({
  account: ACCOUNT,
  version,
  status: 'loaded',
  more: 0,
  blocked,
});
const change = (version: number, blocked: string[], unblocked: string[] = []): BlocklistChange => ({
  account: ACCOUNT,
  version,
  status: 'loaded',
  more: 0,
  reset: false,
  blocked,
  unblocked,
});
const blocked = () => useBlocklist.getState().byAccount.get(ACCOUNT)?.blocked;

beforeEach(() => useBlocklist.getState().clear());

test('changes after the list apply in order; older ones are ignored', () => {
  const store = useBlocklist.getState();
  store.applyList(list(3, ['a@x', 'b@x']));
  store.applyChange(change(2, ['old@x'])); // already in the list it answered
  store.applyChange(change(4, ['c@x'], ['a@x']));
  assert.deepEqual(blocked(), ['b@x', 'c@x']);
});

test('a list older than a change already applied does not undo it', () => {
  const store = useBlocklist.getState();
  store.applyChange({ ...change(5, ['a@x', 'b@x']), reset: true });
  store.applyList(list(4, ['a@x']));
  assert.deepEqual(blocked(), ['a@x', 'b@x']);
});

test('a change that comes before any list waits for it and applies when newer', () => {
  const store = useBlocklist.getState();
  store.applyChange(change(2, ['early@x']));
  store.applyChange(change(4, [], ['a@x']));
  assert.equal(blocked(), undefined, 'no list yet: nothing to show');
  store.applyList(list(3, ['a@x', 'early@x']));
  assert.deepEqual(blocked(), ['early@x'], 'v2 was in the answer; v4 applied after it');
  assert.equal(useBlocklist.getState().waiting.size, 0);
});

test('an address blocked again moves to the end, once', () => {
  const store = useBlocklist.getState();
  store.applyList(list(1, ['a@x', 'b@x']));
  store.applyChange(change(2, ['a@x']));
  assert.deepEqual(blocked(), ['b@x', 'a@x']);
});
