// Whether the suites that use the real OS keychain can run here: the reason to skip them, or false.
import { keytarBackend } from '../../electron/core/credentials.ts';

export async function keychainSkipReason(): Promise<string | false> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    return 'no Secret Service reachable: DBUS_SESSION_BUS_ADDRESS is unset (run `node scripts/run-tests.ts`, which starts a throwaway unlocked gnome-keyring)';
  }
  const reason = await keytarBackend().probe();
  if (reason === null) return false;
  // The runner set up a keyring for us: a failing probe is then a failure to report, not a skip.
  if (process.env.PARLEY_TEST_KEYRING === 'ready') return false;
  return `no usable Secret Service: ${reason}`;
}
