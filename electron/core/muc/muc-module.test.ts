// The muc module on a scripted link (no server): what it writes when. A fresh session rejoins its rooms at
// most REJOIN_AT_ONCE at a time (no storm after a wake); a resumed one rejoins nothing; our presence change
// goes to the rooms we are fully in and never to one still joining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { xml, type Element } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid.ts';
import type { AccountContext, SessionLink } from '../account/module.ts';
import { recordingEvents } from '../account/unit-test-kit.ts';
import { HistoryStore } from '../history/history-store.ts';
import { parseEnvelope } from '../xmpp/envelope.ts';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { NS_DISCO_INFO } from '../xmpp/ns.ts';
import { NS_MUC, NS_MUC_USER } from './muc-user.ts';
import { REJOIN_AT_ONCE, mucModule } from './muc-module.ts';

const ACCOUNT = 'me@example.org';
const FULL = `${ACCOUNT}/desk`;
const OWN = parseJid(ACCOUNT);

/** A link whose writes are recorded; disco#info to a room is answered at once, as a room would. */
function scriptedLink(resumed = false) {
  const sent: Element[] = [];
  const iq: IqTracker = new IqTracker(async (stanza) => {
    sent.push(stanza);
    const query = stanza.getChild('query', NS_DISCO_INFO);
    if (stanza.is('iq') && query) {
      const reply = xml(
        'iq',
        { type: 'result', id: stanza.attrs.id, from: stanza.attrs.to },
        xml(
          'query',
          { xmlns: NS_DISCO_INFO },
          xml('identity', { category: 'conference', type: 'text' }),
          xml('feature', { var: NS_MUC }),
        ),
      );
      queueMicrotask(() => iq.handleReply(reply));
    }
  }, FULL);
  const link = {
    jid: FULL,
    iq,
    features: {} as SessionLink['features'],
    streamManaged: true,
    resumed,
    isOpen: true,
    prefetched: () => null,
    unackedIds: () => new Set<string>(),
    send: async (stanza: Element) => void sent.push(stanza),
    sendMany: async (stanzas: Element[]) => void sent.push(...stanzas),
  } satisfies SessionLink;
  return { link, sent };
}

function harness() {
  let link: SessionLink | null = null;
  const { events } = recordingEvents('muc.rooms');
  const history = HistoryStore.open(':memory:');
  const presence = { presences: { own: { show: 'available', status: null, priority: 0 } } };
  const context = {
    account: ACCOUNT,
    accountJid: OWN,
    events,
    history,
    archivePageSize: 50,
    archiveResults: new EventEmitter(),
    link: () => link,
    online: () => link!,
    ready: () => true,
    module: () => presence,
  } as unknown as AccountContext;
  const module = mucModule.create(context);
  const presenceHandler = module.handlers!.find((h) => h.kind === 'presence')!;
  const selfPresence = (room: string) => {
    const envelope = parseEnvelope(
      xml(
        'presence',
        { from: `${room}/me`, to: FULL },
        xml(
          'x',
          { xmlns: NS_MUC_USER },
          xml('item', { role: 'participant' }),
          xml('status', { code: '110' }),
        ),
      ),
      OWN,
    );
    assert.ok(envelope?.kind === 'presence');
    presenceHandler.handle(envelope);
  };
  return {
    module,
    selfPresence,
    use: (next: SessionLink) => void (link = next),
    dispose: () => history.close(),
  };
}

const joinsIn = (sent: Element[]): string[] =>
  sent.filter((s) => s.is('presence') && s.getChild('x', NS_MUC)).map((s) => s.attrs.to!.split('/')[0]!);
const until = async (pred: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.ok(pred(), 'in time');
};

async function joinRooms(h: ReturnType<typeof harness>, rooms: string[]): Promise<void> {
  const { link, sent } = scriptedLink();
  h.use(link);
  for (const room of rooms) {
    const joining = h.module.commands!['muc.join']!({ account: ACCOUNT, room, nick: 'me' });
    await until(() => joinsIn(sent).includes(room));
    h.selfPresence(room);
    assert.equal((await joining).status, 'joined');
  }
}

test(`a fresh session rejoins its rooms at most ${REJOIN_AT_ONCE} at a time; a resumed one rejoins none`, async () => {
  const h = harness();
  try {
    const rooms = Array.from({ length: 10 }, (_, i) => `r${i}@muc.example.org`);
    await joinRooms(h, rooms);

    const resumed = scriptedLink(true);
    h.use(resumed.link);
    await h.module.onSessionStart!(resumed.link);
    await h.module.onReady!(resumed.link);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(joinsIn(resumed.sent), [], 'the server kept us in every room');

    const fresh = scriptedLink();
    h.use(fresh.link);
    await h.module.onSessionStart!(fresh.link);
    await h.module.onReady!(fresh.link);
    const answered = new Set<string>();
    let most = 0;
    while (answered.size < rooms.length) {
      await until(() => joinsIn(fresh.sent).length > answered.size);
      await new Promise((resolve) => setTimeout(resolve, 5)); // let any more of the group go out
      const waiting = joinsIn(fresh.sent).filter((room) => !answered.has(room));
      most = Math.max(most, waiting.length);
      for (const room of waiting) {
        answered.add(room);
        h.selfPresence(room);
      }
    }
    assert.ok(most <= REJOIN_AT_ONCE, `${most} joins in flight at once`);
    assert.deepEqual([...answered].sort(), [...rooms].sort(), 'each room rejoined once');
    assert.equal(joinsIn(fresh.sent).length, rooms.length);
  } finally {
    h.module.onSessionEnd!();
    h.dispose();
  }
});

test('our presence change goes to the rooms we are fully in, never to one still joining', async () => {
  const h = harness();
  try {
    await joinRooms(h, ['in@muc.example.org']);
    const { link, sent } = scriptedLink();
    h.use(link);
    const joining = h.module.commands!['muc.join']!({
      account: ACCOUNT,
      room: 'half@muc.example.org',
      nick: 'me',
    });
    await until(() => joinsIn(sent).includes('half@muc.example.org'));
    h.module.outgoing!(xml('presence', {}, xml('show', {}, 'away'), xml('status', {}, 'lunch')));
    await new Promise((resolve) => setImmediate(resolve));
    const updates = sent.filter((s) => s.is('presence') && !s.getChild('x', NS_MUC));
    assert.deepEqual(
      updates.map((s) => s.toString()),
      ['<presence to="in@muc.example.org/me"><show>away</show><status>lunch</status></presence>'],
    );
    // A directed presence or an unavailable one is not copied.
    h.module.outgoing!(xml('presence', { to: 'bob@example.org' }));
    h.module.outgoing!(xml('presence', { type: 'unavailable' }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sent.filter((s) => s.is('presence') && !s.getChild('x', NS_MUC)).length, 1);
    h.selfPresence('half@muc.example.org');
    await joining;
  } finally {
    h.module.onSessionEnd!();
    h.dispose();
  }
});
