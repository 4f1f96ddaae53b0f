// Tests run in Node (node --test). The composer's chat states: one 'composing' per burst of typing, 'paused'
// after the pause or when the text is cleared or the chat left, nothing after a send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAUSE_MS, TypingNotifier, type Timers } from './typing-notifier.ts';

/** Timers run by hand: `elapse(ms)` runs what is due. */
function manualTimers(): Timers & { elapse(ms: number): void } {
  let now = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  let next = 0;
  return {
    set: (run, ms) => {
      due.set(++next, { at: now + ms, run });
      return next;
    },
    clear: (handle) => void due.delete(handle as number),
    elapse(ms) {
      now += ms;
      for (const [id, t] of [...due]) {
        if (t.at > now) continue;
        due.delete(id);
        t.run();
      }
    },
  };
}

function notifier() {
  const said: string[] = [];
  const timers = manualTimers();
  return { said, timers, typing: new TypingNotifier((s) => said.push(s), timers) };
}

test('one composing for a burst of keys, paused after the pause', () => {
  const { said, timers, typing } = notifier();
  for (let i = 0; i < 50; i++) {
    typing.edited(true);
    timers.elapse(100);
  }
  assert.deepEqual(said, ['composing']);
  timers.elapse(PAUSE_MS);
  assert.deepEqual(said, ['composing', 'paused']);
  typing.edited(true);
  assert.deepEqual(said, ['composing', 'paused', 'composing'], 'typing again');
});

test('a send ends composing without a paused; cleared text and leaving say paused', () => {
  const { said, timers, typing } = notifier();
  typing.edited(true);
  typing.sent();
  timers.elapse(PAUSE_MS * 2);
  assert.deepEqual(said, ['composing']);
  typing.edited(true);
  typing.edited(false);
  assert.deepEqual(said, ['composing', 'composing', 'paused']);
  typing.left();
  assert.deepEqual(said, ['composing', 'composing', 'paused'], 'nothing to take back');
  typing.edited(true);
  typing.left();
  assert.deepEqual(said, ['composing', 'composing', 'paused', 'composing', 'paused']);
});
