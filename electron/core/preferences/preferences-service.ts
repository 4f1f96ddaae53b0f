// Preferences as contract commands: read, change (all or nothing), one conversation's own settings, and the
// app's version and data folder. Every change reaches every window as 'prefs.changed'.
import path from 'node:path';
import { defineService } from '../engine-service.ts';

export const preferencesService = defineService({
  id: 'preferences',
  commands: ['prefs.get', 'prefs.set', 'prefs.conversation', 'app.info'],
  create(context) {
    const store = context.preferences;
    const stopListening = store.onChange((state) => context.emit('prefs.changed', state));
    return {
      commands: {
        'prefs.get': async () => store.state(),
        'prefs.set': async ({ patch }) => store.set(patch),
        'prefs.conversation': async (request) => store.setConversation(request),
        'app.info': async () => ({
          version: context.appVersion,
          dataDir: context.dataDir,
          diagnosticsLogPath: path.join(context.dataDir, 'diagnostics.log'),
        }),
      },
      dispose: async () => {
        stopListening();
        await store.flush();
      },
    };
  },
});
