// Test-only helpers for a module's state class without a server: an AccountEvents that records what it is
// given, and a presence stanza parsed into its envelope as the account runtime would.
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import type { EventName } from '../../../shared/contract.ts';
import type { Jid } from '../../../shared/jid.ts';
import { parseEnvelope, type PresenceEnvelope } from '../xmpp/envelope.ts';
import type { AccountEvents } from './module.ts';

/** Every emitted payload of `event`, in order, behind an AccountEvents to hand to the class under test. */
export function recordingEvents<P>(event: EventName): { events: AccountEvents; emitted: P[] } {
  const emitted: P[] = [];
  return {
    emitted,
    events: {
      emit: (name, payload) => {
        if (name === event) emitted.push(payload as P);
      },
      hurry: () => undefined,
    },
  };
}

/** A <presence/> with these attributes, to `own`, as its envelope. */
export function presenceEnvelope(own: Jid, attrs: { from: string; type?: string }): PresenceEnvelope {
  const envelope = parseEnvelope(xml('presence', { to: `${own.local}@${own.domain}`, ...attrs }), own);
  assert.ok(envelope?.kind === 'presence');
  return envelope;
}
