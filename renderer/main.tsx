import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { LanguageProvider } from './i18n/LanguageProvider.tsx';
import { startSync } from './stores/sync.ts';
import { emojiFontReady } from './emoji-font-ready.ts';
// A colour emoji font for systems without one (renderer/emoji-font.ts); listed last in styles.css's fonts.
import '@fontsource/noto-color-emoji';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <LanguageProvider>
      <App />
    </LanguageProvider>
  </StrictMode>,
);
// The stores fill at once; remote text shows once the emoji font is in (see emoji-font-ready.ts). A first
// start has none, so its sign-in form does not wait for the font.
startSync(emojiFontReady());
