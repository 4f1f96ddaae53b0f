// The blocklist's bound (addresses past the limit are counted, not kept) and how its changes merge in the
// event batcher (a reset replaces, the latest of block/unblock per address wins, the newest version goes out).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import type { BlocklistChange } from '../../../shared/blocking.ts';
import { EventBatcher } from '../event-batcher.ts';
import { BlocklistState, itemJids } from './blocklist.ts';

const ACCOUNT = 'me@example.com';

describe('BlocklistState', () => {
  test('past the limit addresses are counted, not kept; a block pushed while full is counted too', () => {
    const emitted: BlocklistChange[] = [];
    const list = new BlocklistState(ACCOUNT, (c) => emitted.push(c), 3);
    list.reset('loaded', ['a@x', 'b@x', 'c@x', 'd@x', 'e@x']);
    assert.deepEqual(list.snapshot(), {
      account: ACCOUNT,
      version: 1,
      status: 'loaded',
      more: 2,
      blocked: ['a@x', 'b@x', 'c@x'],
    });
    list.block(['f@x']);
    assert.equal(list.snapshot().more, 3);
    list.unblock(['b@x']);
    list.block(['g@x']);
    assert.deepEqual(list.snapshot().blocked, ['a@x', 'c@x', 'g@x'], 'room again after an unblock');
    // Unblock-all clears the count too: the server holds nothing now.
    list.unblock([]);
    assert.equal(list.snapshot().blocked.length, 3, 'an unblock naming nobody valid changes nothing');
    list.unblockAll();
    assert.deepEqual([list.snapshot().blocked, list.snapshot().more], [[], 0]);
    assert.deepEqual(
      emitted.map((c) => c.version),
      [1, 2, 3, 4, 5],
      'one version per change',
    );
  });

  test('a block of an address already listed, or an unblock of one not listed, emits nothing', () => {
    const emitted: BlocklistChange[] = [];
    const list = new BlocklistState(ACCOUNT, (c) => emitted.push(c));
    list.reset('loaded', ['a@x']);
    list.block(['a@x']);
    list.unblock(['z@x']);
    assert.equal(emitted.length, 1);
  });

  test('items are read in their normal form; invalid ones are left out', () => {
    const element = xml(
      'blocklist',
      {},
      xml('item', { jid: 'Eve@Example.COM' }),
      xml('item', { jid: 'bad@@' }),
      xml('item', {}),
      xml('item', { jid: 'example.net' }),
    );
    assert.deepEqual(itemJids(element), ['eve@example.com', 'example.net']);
  });
});

describe("the batcher's merge of 'blocking.changed'", () => {
  const collect = (batcher: EventBatcher): BlocklistChange[] => {
    const out: BlocklistChange[] = [];
    batcher.subscribe((batch) => {
      for (const e of batch) if (e.event === 'blocking.changed') out.push(e.payload);
    });
    return out;
  };

  test('the latest per address wins; the newest version, status and count go out once', () => {
    const batcher = new EventBatcher(1000);
    const out = collect(batcher);
    const list = new BlocklistState(ACCOUNT, (c) => batcher.emit('blocking.changed', c));
    list.block(['a@x', 'b@x']);
    list.unblock(['a@x']);
    list.block(['c@x']);
    list.unblock(['c@x']);
    batcher.flush();
    assert.deepEqual(out, [
      {
        account: ACCOUNT,
        version: 4,
        status: 'not-loaded',
        more: 0,
        reset: false,
        blocked: ['b@x'],
        unblocked: ['a@x', 'c@x'],
      },
    ]);
  });

  test('a reset replaces what came before it; unblocks after it need no mention', () => {
    const batcher = new EventBatcher(1000);
    const out = collect(batcher);
    const list = new BlocklistState(ACCOUNT, (c) => batcher.emit('blocking.changed', c));
    list.block(['old@x']);
    list.reset('loaded', ['a@x', 'b@x']);
    list.unblock(['a@x']);
    batcher.flush();
    assert.equal(out.length, 1);
    assert.deepEqual(
      [out[0]!.reset, out[0]!.blocked, out[0]!.unblocked, out[0]!.version, out[0]!.status],
      [true, ['b@x'], [], 3, 'loaded'],
    );
  });
});
