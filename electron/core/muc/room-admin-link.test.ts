// room-admin.ts on a scripted link (no server: no real server lets a send fail while the session stays on,
// or sends a voice request from a nick with surrounding spaces on cue). A subject or nick change whose
// stanza could not be sent waits for nothing: the command fails with the send's error and the next change
// may go at once. A voice request is answered under the exact nick the room sent, through the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid.ts';
import type { AccountContext, SessionLink } from '../account/module.ts';
import { checkRequest } from '../command-request.ts';
import { EngineError } from '../errors.ts';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { NS_MUC_ADMIN } from './muc-user.ts';
import { roomAdmin } from './room-admin.ts';
import { RoomState } from './room.ts';

const ACCOUNT = 'me@example.org';
const FULL = `${ACCOUNT}/desk`;
const ROOM = 'den@muc.example.org';

/** A joined room (us a moderator) and roomAdmin on a link that records what it sends; `failSends` reject. */
function scripted() {
  const sent: Element[] = [];
  let failSends = 0;
  const iq: IqTracker = new IqTracker(async (stanza) => {
    sent.push(stanza);
    const reply = xml('iq', { type: 'result', id: stanza.attrs.id, from: stanza.attrs.to });
    queueMicrotask(() => iq.handleReply(reply));
  }, FULL);
  const link = {
    jid: FULL,
    iq,
    features: {} as SessionLink['features'],
    streamManaged: true,
    resumed: false,
    isOpen: true,
    prefetched: () => null,
    unackedIds: () => new Set<string>(),
    send: async (stanza: Element) => {
      if (failSends > 0) {
        failSends--;
        throw new EngineError('not-connected', 'You are offline.');
      }
      sent.push(stanza);
    },
    sendMany: async (stanzas: Element[]) => void sent.push(...stanzas),
  } satisfies SessionLink;
  const presence = { presences: { own: { show: 'available', status: null, priority: 0 } } };
  const context = {
    account: ACCOUNT,
    accountJid: parseJid(ACCOUNT),
    link: () => link,
    online: () => link,
    ready: () => true,
    module: () => presence,
  } as unknown as AccountContext;
  const room = new RoomState(ROOM, 'me', null);
  room.status = 'joined';
  room.role = 'moderator';
  const admin = roomAdmin({ context, roomOf: () => room, emitRoom: () => undefined });
  return { admin, room, sent, failNextSend: () => void failSends++ };
}

/** True when `change` has neither answered nor failed once what is queued now has run. */
async function stillWaiting(change: Promise<unknown>): Promise<boolean> {
  let settled = false;
  change.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

test('a subject or nick change that could not be sent fails at once, and the next one may go', async () => {
  const { admin, sent, failNextSend } = scripted();
  failNextSend();
  await assert.rejects(
    admin.commands['muc.subject']!({ account: ACCOUNT, room: ROOM, subject: 'lost' }),
    (error: EngineError) => error.code === 'not-connected',
  );
  // Before, the lost change stayed under way for CHANGE_TIMEOUT_MS and this one was refused.
  assert.equal(
    await stillWaiting(admin.commands['muc.subject']!({ account: ACCOUNT, room: ROOM, subject: 'again' })),
    true,
  );
  assert.deepEqual(
    sent.filter((s) => s.is('message')).map((s) => s.getChildText('subject')),
    ['again'],
  );

  failNextSend();
  await assert.rejects(
    admin.commands['muc.nick']!({ account: ACCOUNT, room: ROOM, nick: 'other' }),
    (error: EngineError) => error.code === 'not-connected',
  );
  assert.equal(
    await stillWaiting(admin.commands['muc.nick']!({ account: ACCOUNT, room: ROOM, nick: 'other' })),
    true,
  );
  assert.deepEqual(
    sent.filter((s) => s.is('presence')).map((s) => s.attrs.to),
    [`${ROOM}/other`],
  );
  // A second change while one waits is refused without sending anything.
  await assert.rejects(
    admin.commands['muc.subject']!({ account: ACCOUNT, room: ROOM, subject: 'third' }),
    /under way/,
  );
  assert.equal(sent.filter((s) => s.is('message')).length, 1);
  admin.clear();
});

test('a voice request from a nick with spaces around it is granted and dismissed under that exact nick', async () => {
  const { admin, room, sent } = scripted();
  room.voiceRequests.set(' spaced ', { nick: ' spaced ', jid: null });
  room.voiceRequests.set('\tdismissed', { nick: '\tdismissed', jid: null });
  const answer = async (nick: string, allow: boolean) => {
    const checked = checkRequest('muc.voice.answer', { account: ACCOUNT, room: ROOM, nick, allow });
    assert.ok(checked.ok, 'the contract takes the nick as the room sent it');
    await admin.commands['muc.voice.answer']!(
      checked.request as { account: string; room: string; nick: string; allow: boolean },
    );
  };
  await answer(' spaced ', true);
  const item = sent
    .find((s) => s.is('iq'))
    ?.getChild('query', NS_MUC_ADMIN)
    ?.getChild('item');
  assert.deepEqual([item?.attrs.nick, item?.attrs.role], [' spaced ', 'participant']);
  await answer('\tdismissed', false);
  assert.deepEqual([...room.voiceRequests.keys()], [], 'both requests answered');
});
