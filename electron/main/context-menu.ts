// The desktop app's context menu for text (Electron shows none by default): in a text field, the spelling
// suggestions for a misspelled word (spell check is a preference), then Cut, Copy, Paste, Select all; on
// selected text elsewhere, Copy. The items are Electron roles, so their labels follow the OS language.
import type { ContextMenuParams, MenuItemConstructorOptions, WebContents } from 'electron';

/** Spelling suggestions offered at most (Chromium may give more). */
const MAX_SUGGESTIONS = 5;

type Params = Pick<
  ContextMenuParams,
  'isEditable' | 'selectionText' | 'misspelledWord' | 'dictionarySuggestions' | 'editFlags'
>;

/** What the menu offers for these params; empty: no menu. */
export function textMenuTemplate(
  params: Params,
  replaceMisspelling: (word: string) => void,
): MenuItemConstructorOptions[] {
  if (!params.isEditable) {
    return params.selectionText.trim() !== '' ? [{ role: 'copy', enabled: params.editFlags.canCopy }] : [];
  }
  const suggestions: MenuItemConstructorOptions[] =
    params.misspelledWord !== ''
      ? params.dictionarySuggestions
          .slice(0, MAX_SUGGESTIONS)
          .map((word) => ({ label: word, click: () => replaceMisspelling(word) }))
      : [];
  return [
    ...suggestions,
    ...(suggestions.length > 0 ? [{ type: 'separator' as const }] : []),
    { role: 'cut', enabled: params.editFlags.canCut },
    { role: 'copy', enabled: params.editFlags.canCopy },
    { role: 'paste', enabled: params.editFlags.canPaste },
    { type: 'separator' },
    { role: 'selectAll', enabled: params.editFlags.canSelectAll },
  ];
}

/** Shows the text menu on right-click in these contents; `popup` builds and shows an Electron Menu. */
export function attachTextMenu(
  contents: Pick<WebContents, 'on' | 'replaceMisspelling'>,
  popup: (template: MenuItemConstructorOptions[]) => void,
): void {
  contents.on('context-menu', (_event, params) => {
    const template = textMenuTemplate(params, (word) => contents.replaceMisspelling(word));
    if (template.length > 0) popup(template);
  });
}
