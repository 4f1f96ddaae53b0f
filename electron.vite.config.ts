// electron-vite: main (ESM, Node deps external), preload (CommonJS, everything bundled: a sandboxed
// preload can require only 'electron' and a few Node shims), renderer (React, served via parley://app/).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { emojiFontWoffOnly } from './renderer/emoji-font.ts';
import { precompileMessages } from './scripts/vite-precompile-messages.ts';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: ['keytar'] },
      rollupOptions: {
        input: { index: resolve(root, 'electron/main/index.ts') },
        external: ['keytar'],
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react(), emojiFontWoffOnly(), precompileMessages()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
