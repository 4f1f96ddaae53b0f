// The key mapping: each shortcut's chord, Cmd as well as Ctrl, browser alternatives, and typing left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortcutFor, shortcutRows, type KeyChord } from './key-map.ts';

const press = (key: string, mods: Partial<Omit<KeyChord, 'key'>> = {}) =>
  shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

test('Ctrl or Cmd chords', () => {
  for (const mod of [{ ctrlKey: true }, { metaKey: true }]) {
    assert.equal(press('k', mod), 'quick-switcher');
    assert.equal(press('K', mod), 'quick-switcher', 'Caps Lock on');
    assert.equal(press('w', mod), 'close-chat');
    assert.equal(press('n', mod), 'new-chat');
    assert.equal(press(',', mod), 'settings');
    assert.equal(press('/', mod), 'shortcuts');
  }
  assert.equal(press('?', { ctrlKey: true, shiftKey: true }), 'shortcuts');
});

test('Ctrl+Tab and Ctrl+Shift+Tab go through the tabs; Cmd+Tab is the OS own', () => {
  assert.equal(press('Tab', { ctrlKey: true }), 'next-tab');
  assert.equal(press('Tab', { ctrlKey: true, shiftKey: true }), 'previous-tab');
  assert.equal(press('Tab', { metaKey: true }), null);
});

test('Alt+Up and Alt+Down: unread chats; Alt chords stand in for what a browser keeps', () => {
  assert.equal(press('ArrowUp', { altKey: true }), 'previous-unread');
  assert.equal(press('ArrowDown', { altKey: true }), 'next-unread');
  assert.equal(press('PageDown', { altKey: true }), 'next-tab');
  assert.equal(press('PageUp', { altKey: true }), 'previous-tab');
  assert.equal(press('W', { altKey: true, shiftKey: true }), 'close-chat');
  assert.equal(press('N', { altKey: true, shiftKey: true }), 'new-chat');
  assert.equal(
    press('„', { altKey: true, shiftKey: true, code: 'KeyW' }),
    'close-chat',
    'Option+Shift+W on a Mac',
  );
  assert.equal(press('ˆ', { altKey: true, shiftKey: true, code: 'KeyN' }), 'new-chat');
  assert.equal(press('Z', { altKey: true, shiftKey: true, code: 'KeyW' }), null, 'AZERTY: that key is Z');
  assert.equal(press('F1'), 'shortcuts');
});

test('typing and plain navigation keys are never shortcuts', () => {
  for (const key of [
    'k',
    'w',
    'n',
    ',',
    '/',
    'Tab',
    'ArrowUp',
    'ArrowDown',
    'Escape',
    'Enter',
    ' ',
    'PageDown',
  ]) {
    assert.equal(press(key), null, key);
    assert.equal(press(key, { shiftKey: true }), null, `Shift+${key}`);
  }
  assert.equal(press('k', { ctrlKey: true, altKey: true }), null, 'AltGr (Ctrl+Alt) types characters');
  assert.equal(press('w', { ctrlKey: true, shiftKey: true }), null);
  assert.equal(press('ArrowDown', { altKey: true, ctrlKey: true }), null);
});

test('the help table names the command key of the platform and every mapped action', () => {
  const mac = shortcutRows(true);
  const pc = shortcutRows(false);
  assert.equal(mac.find((r) => r.action === 'quick-switcher')!.keys[0], 'Cmd+K');
  assert.equal(pc.find((r) => r.action === 'quick-switcher')!.keys[0], 'Ctrl+K');
  assert.equal(pc.find((r) => r.action === 'next-tab')!.keys[0], 'Ctrl+Tab', 'Ctrl on a Mac too');
  const actions = new Set(pc.map((r) => r.action));
  for (const a of [
    'quick-switcher',
    'next-tab',
    'previous-tab',
    'close-chat',
    'new-chat',
    'settings',
    'previous-unread',
    'next-unread',
    'shortcuts',
  ])
    assert.ok(actions.has(a as never), a);
  // Each row whose first chord a browser keeps offers a second one.
  for (const row of pc) if (row.browserTakesFirst) assert.ok(row.keys.length > 1, row.action);
});
