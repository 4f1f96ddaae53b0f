// Where bookmarks are written, against a scripted server: #compat alone is not enough for native bookmarks
// (XEP-0402 also needs pubsub#publish-options, or the node's access model is not ours to set, and a
// password could be shown to contacts): such a server gets private storage. And a native write the server
// refuses leaves no echo expected: another device's later push of that room with autojoin is joined.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { BookmarkList } from '../../../shared/bookmarks.ts';
import type { EngineEvent } from '../../../shared/contract.ts';
import { rogueClient, rogueServer, watchCrashes, type RogueClient } from '../../../e2e/hostile/kit.ts';
import { NS_DISCO_INFO } from '../xmpp/ns.ts';
import {
  NS_BOOKMARKS,
  NS_BOOKMARKS_COMPAT,
  NS_PRIVATE,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  NS_PUBSUB_PUBLISH_OPTIONS,
} from './bookmark-xml.ts';

const ACCOUNT = 'alice@rogue.test';
const ROOM = 'den@rooms.rogue.test';

/** A scripted server with these account features; `onOther` answers what the test cares about. */
async function serverWith(features: string[], onOther: (iq: Element) => string | undefined) {
  const rogue = await rogueServer({
    onIq: (iq) => {
      const { id } = iq.attrs;
      if (iq.attrs.type === 'get' && iq.attrs.to === ACCOUNT && iq.getChild('query', NS_DISCO_INFO)) {
        return (
          `<iq type='result' id='${id}' from='${ACCOUNT}'><query xmlns='${NS_DISCO_INFO}'>` +
          `<identity category='account' type='registered'/>` +
          features.map((f) => `<feature var='${f}'/>`).join('') +
          `</query></iq>`
        );
      }
      return onOther(iq);
    },
  });
  return rogueClient(rogue);
}

const changed = async (client: RogueClient, since: number, pred: (l: BookmarkList) => boolean) => {
  const event = await client.waitForEvent(
    (e: EngineEvent) =>
      client.events.indexOf(e) >= since && e.event === 'bookmarks.changed' && pred(e.payload),
  );
  return (event as Extract<EngineEvent, { event: 'bookmarks.changed' }>).payload;
};

describe('bookmarks: where they are written (scripted server)', () => {
  watchCrashes();

  test('#compat without pubsub#publish-options: private storage, nothing published', async () => {
    const published: Element[] = [];
    const stored: Element[] = [];
    const client = await serverWith([NS_BOOKMARKS_COMPAT], (iq) => {
      const pubsub = iq.getChild('pubsub', NS_PUBSUB);
      if (pubsub) published.push(pubsub);
      if (iq.attrs.type === 'set' && iq.getChild('query', NS_PRIVATE)) stored.push(iq);
      return undefined;
    });
    await client.online();
    const first = await changed(client, 0, (l) => l.storage !== 'not-loaded');
    assert.equal(first.storage, 'private');
    const set = await client.engine.invoke('bookmarks.set', {
      account: ACCOUNT,
      room: ROOM,
      password: 'pw-for-members',
      autojoin: false,
    });
    assert.ok(set.ok, JSON.stringify(set));
    assert.equal(published.length, 0, 'no PEP node read or written');
    assert.equal(stored.length, 1, 'written to private storage');
  });

  test("a refused native write expects no echo: another device's later autojoin push is joined", async () => {
    let refuse = true;
    const client = await serverWith([NS_BOOKMARKS_COMPAT, NS_PUBSUB_PUBLISH_OPTIONS], (iq) => {
      const { id } = iq.attrs;
      if (iq.getChild('pubsub', NS_PUBSUB)?.getChild('publish') && refuse) {
        return (
          `<iq type='error' id='${id}'><error type='wait'>` +
          `<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`
        );
      }
      return undefined;
    });
    const connection = await client.online();
    await changed(client, 0, (l) => l.storage === 'pep');
    const set = await client.engine.invoke('bookmarks.set', {
      account: ACCOUNT,
      room: ROOM,
      autojoin: false,
    });
    assert.equal(set.ok, false, 'the server refused the publish');
    refuse = false;

    // Another device bookmarks the room with autojoin: its push is not our echo, so the room is joined.
    const since = client.events.length;
    connection.send(
      `<message from='${ACCOUNT}' to='${connection.jid}' type='headline'><event xmlns='${NS_PUBSUB_EVENT}'>` +
        `<items node='${NS_BOOKMARKS}'><item id='${ROOM}'><conference xmlns='${NS_BOOKMARKS}' autojoin='true'/>` +
        `</item></items></event></message>`,
    );
    await changed(client, since, (l) => l.bookmarks.some((b) => b.room === ROOM && b.autojoin));
    // The join asks the room's disco#info first.
    await connection.waitFor(
      (s) => s.is('iq') && s.attrs.to === ROOM && !!s.getChild('query', NS_DISCO_INFO),
    );
  });
});
