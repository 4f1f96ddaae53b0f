// The one "offline, nothing known" connection state, for the engine and the page alike (zod-free).
import type { ConnectionState } from './schemas.ts';

export const OFFLINE: Readonly<ConnectionState> = {
  status: 'offline',
  jid: null,
  error: null,
  security: null,
  mechanism: null,
  rosterShown: false,
};
