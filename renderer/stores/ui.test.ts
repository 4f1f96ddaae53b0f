// Tests run in Node (node --test). The panes of a narrow window and the pop-out layout: which chat is shown,
// which one is being looked at, and the tabs after a chat pops out and is docked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutTabs, seenChat, useUi } from './ui.ts';

test('a narrow window shows the chat once one is chosen, the roster after "← Contacts" or the last tab closing', () => {
  const ui = useUi.getState();
  assert.equal(useUi.getState().pane, 'roster');
  ui.openTab('a@x', false);
  assert.equal(useUi.getState().pane, 'roster', 'a message opening a tab does not take the window');
  ui.openTab('b@x', true);
  assert.deepEqual([useUi.getState().pane, useUi.getState().activeId], ['chat', 'b@x']);
  ui.showRoster();
  assert.equal(useUi.getState().pane, 'roster');
  ui.activate('a@x');
  assert.equal(useUi.getState().pane, 'chat', 'choosing a tab shows it');
  ui.closeTab('a@x');
  assert.equal(useUi.getState().pane, 'chat', 'another tab is left to show');
  ui.closeTab('b@x');
  assert.deepEqual([useUi.getState().pane, useUi.getState().activeId], ['roster', null]);
});

test('seenChat: in a narrow window showing the roster, no chat is being looked at', () => {
  const base = {
    view: 'main' as const,
    activeId: 'a@x',
    poppedOut: new Set<string>(),
    focused: true,
    visible: true,
    popId: null,
  };
  assert.equal(seenChat({ ...base, narrow: true, pane: 'chat' }), 'a@x');
  assert.equal(seenChat({ ...base, narrow: true, pane: 'roster' }), null);
  assert.equal(seenChat({ ...base, narrow: false, pane: 'roster' }), 'a@x', 'a wide window shows both');
});

test('layout: a popped-out chat leaves the tabs, and comes back as the shown tab when docked', () => {
  const before = {
    view: 'main' as const,
    tabs: ['a@x', 'b@x'],
    activeId: 'b@x',
    poppedOut: new Set<string>(),
  };
  const out = layoutTabs(before, new Set(['b@x']));
  assert.deepEqual(out, { tabs: ['a@x'], active: 'a@x' });
  const docked = layoutTabs(
    { ...before, tabs: out.tabs, activeId: out.active, poppedOut: new Set(['b@x']) },
    new Set(),
  );
  assert.deepEqual(docked, { tabs: ['a@x', 'b@x'], active: 'b@x' });
});
