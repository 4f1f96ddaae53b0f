// Auto-away from idle time, and XEP-0352 client state from window visibility, for every account at once.
// The shell reports idle time every ~15 s (Electron: the system's; browser mode: the page's) and visibility
// on change; each account's presence module and client-state module act on it. Cheap per report: a few
// comparisons per account, a stanza only when something changes.
import { defineService } from '../engine-service.ts';
import type { AccountRuntime } from '../account/account-runtime.ts';
import type { ProtocolModule } from '../account/module.ts';
import type { Preferences } from '../../../shared/preferences.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import type { ClientStateModule } from './client-state-module.ts';

const OK = { ok: true } as const;

/** The module, or undefined for an engine built without it (some tests run a subset). */
function moduleOf<T extends ProtocolModule>(runtime: AccountRuntime, id: string): T | undefined {
  return runtime.modules.find((module) => module.id === id) as T | undefined;
}

function sameIdlePrefs(a: Preferences['idle'], b: Preferences['idle']): boolean {
  return (
    a.autoAway === b.autoAway &&
    a.awayMinutes === b.awayMinutes &&
    a.extendedAwayMinutes === b.extendedAwayMinutes
  );
}

export const idleService = defineService({
  id: 'idle',
  commands: ['presence.activity', 'client.visibility'],
  create(context) {
    let active = true;
    /** The last report: idle seconds then, and when (ms). */
    let last: { idleSeconds: number; at: number } | null = null;

    const applyIdle = (idleSeconds: number, now: number): void => {
      for (const runtime of context.runtimes()) {
        moduleOf<PresenceModule>(runtime, 'presence')?.applyIdle(idleSeconds, now);
        // An account signed in since the last change learns the window state here (a no-op otherwise).
        moduleOf<ClientStateModule>(runtime, 'client-state')?.setActive(active);
      }
    };

    // Auto-away turned off, or a threshold changed: applied now, not at the next report.
    let idlePrefs = context.preferences.get().idle;
    const stopWatching = context.preferences.onChange(({ preferences }) => {
      if (sameIdlePrefs(preferences.idle, idlePrefs)) return;
      idlePrefs = preferences.idle;
      if (!last) return;
      const now = Date.now();
      applyIdle(last.idleSeconds + Math.floor((now - last.at) / 1000), now);
    });

    return {
      commands: {
        'presence.activity': async ({ idleSeconds }) => {
          const now = Date.now();
          last = { idleSeconds, at: now };
          applyIdle(idleSeconds, now);
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
      dispose: () => void stopWatching(),
    };
  },
});
