// Tests run in Node (node --test). The page's preferences: defaults until the engine's state arrives; an
// event always applies (it is the latest); an answer asked before an event is older and dropped.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREFERENCES, type Preferences } from '../../../shared/preferences.ts';
import { usePreferences } from './preferences-store.ts';

const withTheme = (theme: Preferences['appearance']['theme']) => ({
  preferences: { ...DEFAULT_PREFERENCES, appearance: { ...DEFAULT_PREFERENCES.appearance, theme } },
  conversations: [],
});
const theme = () => usePreferences.getState().preferences.appearance.theme;

beforeEach(() => usePreferences.getState().reset());

test('the defaults stand until the first state arrives', () => {
  assert.equal(usePreferences.getState().loaded, false);
  assert.deepEqual(usePreferences.getState().preferences, DEFAULT_PREFERENCES);
  usePreferences.getState().applyAnswer(withTheme('dark'), 0);
  assert.equal(usePreferences.getState().loaded, true);
  assert.equal(theme(), 'dark');
});

test('an answer asked before an event is older than it and dropped', () => {
  const store = usePreferences.getState();
  const asked = store.events;
  store.applyEvent(withTheme('light'));
  store.applyAnswer(withTheme('dark'), asked);
  assert.equal(theme(), 'light');
});

test('every event applies, the latest wins', () => {
  const store = usePreferences.getState();
  store.applyEvent(withTheme('dark'));
  store.applyEvent(withTheme('system'));
  assert.equal(theme(), 'system');
  assert.equal(usePreferences.getState().events, 2);
});
