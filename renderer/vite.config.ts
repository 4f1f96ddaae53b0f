// Standalone build of the renderer (browser mode, or anything without electron-vite):
//   npx vite build --config renderer/vite.config.ts   ->  out/renderer (relative asset paths)
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { emojiFontWoffOnly } from './emoji-font.ts';
import { precompileMessages } from '../scripts/vite-precompile-messages.ts';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), emojiFontWoffOnly(), precompileMessages()],
  build: {
    // Relative to root: <repo>/out/renderer.
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2023',
    // Nothing inlined as data: URLs (CSP: script-src/style-src 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
