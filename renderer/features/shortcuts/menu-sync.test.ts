// App-menu items ('shell.menu') do what their keys do, and a menu item echoing the key press that just ran
// the same action (an accelerator seen by both) does not run it twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useUi } from '../../stores/ui.ts';
import { useAboutView } from '../about/about-view.ts';
import { useSettingsView } from '../settings/settings-view.ts';
import { ECHO_MS, handleKeyAction, handleMenuAction } from './menu-sync.ts';
import { runShortcut } from './shortcut-actions.ts';
import { useShortcutsView } from './shortcuts-view.ts';

test('settings, about, shortcuts, new chat and the quick switcher open what their keys open', () => {
  handleMenuAction('settings', 0);
  assert.equal(useSettingsView.getState().open, true);
  handleMenuAction('about', 0);
  assert.equal(useAboutView.getState().open, true);
  useAboutView.getState().hide();
  handleMenuAction('shortcuts', 0);
  assert.equal(useShortcutsView.getState().overlay, 'help');
  handleMenuAction('new-chat', 0);
  assert.equal(useShortcutsView.getState().overlay, 'new-chat');
  handleMenuAction('quick-switcher', 0);
  assert.equal(useShortcutsView.getState().overlay, 'switcher');
  useShortcutsView.getState().hide();
});

test('close-chat closes the active tab once, even when the key and the menu both report it', () => {
  const ui = useUi.getState();
  for (const id of ['me@x chat a@x', 'me@x chat b@x', 'me@x chat c@x']) ui.openTab(id, true);
  assert.equal(useUi.getState().activeId, 'me@x chat c@x');
  // Ctrl+W in the page, then the menu accelerator's echo.
  handleKeyAction('close-chat', 1000);
  handleMenuAction('close-chat', 1000 + ECHO_MS - 1);
  assert.deepEqual(useUi.getState().tabs, ['me@x chat a@x', 'me@x chat b@x']);
  // The menu first, then the page's key (the other order): once too.
  handleMenuAction('close-chat', 5000);
  handleKeyAction('close-chat', 5010);
  assert.deepEqual(useUi.getState().tabs, ['me@x chat a@x']);
  // Two presses of the key are two closings, however quick; so are two menu clicks.
  for (const id of ['me@x chat b@x', 'me@x chat c@x', 'me@x chat d@x']) ui.openTab(id, true);
  handleKeyAction('close-chat', 9000);
  handleKeyAction('close-chat', 9050);
  assert.deepEqual(useUi.getState().tabs, ['me@x chat a@x', 'me@x chat b@x']);
  handleMenuAction('close-chat', 9100 + ECHO_MS);
  handleMenuAction('close-chat', 9100 + ECHO_MS + 10);
  assert.deepEqual(useUi.getState().tabs, []);
});

test('Ctrl+Tab from the last tab comes back to the first', () => {
  const ui = useUi.getState();
  for (const id of ['me@x chat a@x', 'me@x chat b@x']) ui.openTab(id, true);
  runShortcut('next-tab');
  assert.equal(useUi.getState().activeId, 'me@x chat a@x');
  runShortcut('previous-tab');
  assert.equal(useUi.getState().activeId, 'me@x chat b@x');
});
