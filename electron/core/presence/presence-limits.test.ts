// What a remote sender can make the presence store hold (issue 9): resources per JID and JIDs outside the
// roster are bounded, the oldest going first, and each stanza's work stays bounded with them (the event it
// emits carries at most the capped resource list). Before, 20,000 resources of one non-contact were all
// kept and each stanza rebuilt the whole list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContactPresence } from '../../../shared/contract.ts';
import { parseJid } from '../../../shared/jid.ts';
import { presenceEnvelope, recordingEvents } from '../account/unit-test-kit.ts';
import { PRESENCE_LIMITS, Presences } from './presence.ts';

const OWN = parseJid('me@example.org/desk');

function store(contacts: readonly string[]) {
  const { events, emitted } = recordingEvents<{ contacts: ContactPresence[] }>('presence.changed');
  const roster = new Set(contacts);
  return { presences: new Presences(events, (jid) => roster.has(jid)), emitted, roster };
}

const presence = (from: string, type?: string) => presenceEnvelope(OWN, { from, type });

const jidsOf = (presences: Presences) => new Set(presences.snapshot().map((p) => p.jid));

test('20,000 resources of one JID: the newest 32 are kept, and no event carries more', () => {
  const { presences, emitted } = store([]);
  for (let i = 0; i < 20_000; i++) presences.handle(presence(`flood@evil.example/r${i}`));
  const [flood] = presences.snapshot();
  assert.equal(flood?.resources.length, PRESENCE_LIMITS.resourcesPerJid);
  assert.deepEqual(
    flood?.resources.map((r) => r.resource).slice(-2),
    ['r19998', 'r19999'],
    'the oldest went first',
  );
  assert.ok(
    emitted.every(({ contacts }) =>
      contacts.every((p) => p.resources.length <= PRESENCE_LIMITS.resourcesPerJid),
    ),
  );
  // A resource that updates moves to the newest end and survives the next newcomer.
  presences.handle(presence(`flood@evil.example/r${20_000 - PRESENCE_LIMITS.resourcesPerJid}`));
  presences.handle(presence('flood@evil.example/newcomer'));
  const kept = presences.snapshot()[0]!.resources.map((r) => r.resource);
  assert.ok(kept.includes(`r${20_000 - PRESENCE_LIMITS.resourcesPerJid}`));
  assert.ok(kept.includes('newcomer'));
});

test('presence from 5,000 strangers: 1,000 are kept, the oldest dropped (and said so); contacts never', () => {
  const { presences, emitted } = store(['friend@example.net']);
  presences.handle(presence('friend@example.net/phone'));
  for (let i = 0; i < 5_000; i++) presences.handle(presence(`stranger${i}@evil.example/x`));
  const kept = jidsOf(presences);
  assert.equal(kept.size, PRESENCE_LIMITS.strangers + 1);
  assert.ok(kept.has('friend@example.net'), 'a contact is never evicted for strangers');
  assert.ok(kept.has('stranger4999@evil.example'));
  assert.ok(!kept.has('stranger0@evil.example'));
  assert.ok(
    emitted.some(({ contacts: batch }) =>
      batch.some((p) => p.jid === 'stranger0@evil.example' && p.best === null),
    ),
    'the UI is told the evicted presence is gone',
  );
  // Presence errors from strangers are bounded the same way.
  for (let i = 0; i < 3_000; i++) presences.handle(presence(`bouncer${i}@evil.example`, 'error'));
  assert.equal(jidsOf(presences).size, PRESENCE_LIMITS.strangers + 1);
});

test('a stranger added to the roster since is not evicted as a stranger', () => {
  const { presences, roster } = store([]);
  presences.handle(presence('new-friend@example.net/pc'));
  roster.add('new-friend@example.net');
  for (let i = 0; i < PRESENCE_LIMITS.strangers + 10; i++) presences.handle(presence(`s${i}@evil.example/x`));
  assert.ok(jidsOf(presences).has('new-friend@example.net'));
});
