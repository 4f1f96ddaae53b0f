import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContextMenuParams } from 'electron';
import { attachTextMenu, textMenuTemplate } from './context-menu.ts';

const flags = {
  canUndo: true,
  canRedo: true,
  canCut: true,
  canCopy: true,
  canPaste: true,
  canDelete: true,
  canSelectAll: true,
  canEditRichly: false,
};
function params(over: Partial<ContextMenuParams>): ContextMenuParams {
  return {
    isEditable: false,
    selectionText: '',
    misspelledWord: '',
    dictionarySuggestions: [],
    editFlags: flags,
    ...over,
  } as ContextMenuParams;
}
const roles = (template: ReturnType<typeof textMenuTemplate>) =>
  template.map((item) => item.role ?? item.label ?? item.type);

test('a text field gets cut, copy, paste and select all; selected text elsewhere gets copy; else no menu', () => {
  assert.deepEqual(roles(textMenuTemplate(params({ isEditable: true }), () => {})), [
    'cut',
    'copy',
    'paste',
    'separator',
    'selectAll',
  ]);
  assert.deepEqual(roles(textMenuTemplate(params({ selectionText: 'hello' }), () => {})), ['copy']);
  assert.deepEqual(
    textMenuTemplate(params({ selectionText: '  ' }), () => {}),
    [],
  );
  assert.deepEqual(
    textMenuTemplate(params({}), () => {}),
    [],
  );
  const noPaste = textMenuTemplate(
    params({ isEditable: true, editFlags: { ...flags, canPaste: false } }),
    () => {},
  );
  assert.equal(noPaste.find((item) => item.role === 'paste')?.enabled, false);
});

test('a misspelled word offers at most five suggestions first, and one replaces the word', () => {
  const replaced: string[] = [];
  const template = textMenuTemplate(
    params({
      isEditable: true,
      misspelledWord: 'helo',
      dictionarySuggestions: ['hello', 'help', 'hero', 'helm', 'halo', 'hell'],
    }),
    (word) => replaced.push(word),
  );
  assert.deepEqual(roles(template).slice(0, 6), ['hello', 'help', 'hero', 'helm', 'halo', 'separator']);
  template[0]!.click!({} as never, undefined, {} as never);
  assert.deepEqual(replaced, ['hello']);
});

test('right-click in a window pops the menu up, and nothing when there is nothing to offer', () => {
  let listener: ((event: unknown, p: ContextMenuParams) => void) | null = null;
  const shown: unknown[] = [];
  const contents = {
    on: (name: string, handler: (event: unknown, p: ContextMenuParams) => void) => {
      assert.equal(name, 'context-menu');
      listener = handler;
      return contents;
    },
    replaceMisspelling: () => {},
  };
  attachTextMenu(contents as never, (template) => shown.push(template));
  listener!({}, params({}));
  assert.equal(shown.length, 0);
  listener!({}, params({ isEditable: true }));
  assert.equal(shown.length, 1);
});
