// Auto-away from idle time, and XEP-0352 client state from window visibility, for every account at once.
// The shell reports idle time every ~15 s (Electron: the system's; browser mode: the page's) and visibility
// on change; each account's presence module and client-state module act on it. Cheap per report: a few
// comparisons per account, a stanza only when something changes.
import { defineService } from '../engine-service.ts';
import type { AccountRuntime } from '../account/account-runtime.ts';
import type { ProtocolModule } from '../account/module.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import type { ClientStateModule } from './client-state-module.ts';

const OK = { ok: true } as const;

/** The module, or undefined for an engine built without it (some tests run a subset). */
function moduleOf<T extends ProtocolModule>(runtime: AccountRuntime, id: string): T | undefined {
  return runtime.modules.find((module) => module.id === id) as T | undefined;
}

export const idleService = defineService({
  id: 'idle',
  commands: ['presence.activity', 'client.visibility'],
  create(context) {
    let active = true;
    return {
      commands: {
        'presence.activity': async ({ idleSeconds }) => {
          const now = Date.now();
          for (const runtime of context.runtimes()) {
            moduleOf<PresenceModule>(runtime, 'presence')?.applyIdle(idleSeconds, now);
            // An account signed in since the last change learns the window state here (a no-op otherwise).
            moduleOf<ClientStateModule>(runtime, 'client-state')?.setActive(active);
          }
          return OK;
        },
        'client.visibility': async ({ active: visible }) => {
          active = visible;
          for (const runtime of context.runtimes()) {
            moduleOf<ClientStateModule>(runtime, 'client-state')?.setActive(active);
          }
          return OK;
        },
      },
    };
  },
});
