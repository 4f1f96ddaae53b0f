// The colour emoji font the renderer ships (@fontsource/noto-color-emoji) for systems without one, where
// emoji would show as empty boxes. Its CSS offers each piece as woff2 first, then woff. Measured in
// Chromium 156 (browser mode's, close to Electron 45's): the woff2 pieces load (FontFace status 'loaded')
// but draw no glyph at all, while the same pieces as woff draw in colour. So the build keeps only the woff
// sources (and the 9 MB of woff2 files stay out of the app). e2e/browser/emoji.test.ts checks the pixels.
import type { Plugin } from 'vite';

const PACKAGE = '@fontsource/noto-color-emoji';
/** One `url(…woff2) format('woff2'),` alternative in an @font-face src list (bounded by ')', no nesting). */
const WOFF2_SOURCE = /url\([^)]*\.woff2\)\s*format\(['"]woff2['"]\)\s*,\s*/g;

export function emojiFontWoffOnly(): Plugin {
  return {
    name: 'parley:emoji-font-woff-only',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes(PACKAGE) || !id.split('?')[0]!.endsWith('.css')) return null;
      return { code: code.replace(WOFF2_SOURCE, ''), map: null };
    },
  };
}
