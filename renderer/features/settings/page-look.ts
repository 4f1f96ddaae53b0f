// Settings › Appearance applied to the page: attributes on <html> that the styles read (theme.css: the
// theme, overriding the OS's unless 'system', and the root font size; roster.css: compact rows).
import type { Preferences } from '../../../shared/preferences.ts';

/** The attributes <html> carries for these preferences; null: the attribute is removed. */
export function pageLook(appearance: Preferences['appearance']): Record<string, string | null> {
  return {
    // No attribute for 'system': prefers-color-scheme decides.
    'data-theme': appearance.theme === 'system' ? null : appearance.theme,
    'data-font-size': appearance.fontSize === 'normal' ? null : appearance.fontSize,
    'data-compact-roster': appearance.compactRoster ? 'true' : null,
  };
}

export function applyPageLook(root: Element, appearance: Preferences['appearance']): void {
  for (const [name, value] of Object.entries(pageLook(appearance))) {
    if (value === null) root.removeAttribute(name);
    else root.setAttribute(name, value);
  }
}
