// XEP-0352 per account, with recording links standing in for sessions (the server's side is in
// idle.test.ts): what is sent on change, after a fresh session (the server starts it active) and after a
// resumed one (the server kept what we said), and nothing where the stream does not offer CSI.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { AccountContext, SessionLink } from '../account/module.ts';
import { NS_CSI } from '../xmpp/ns.ts';
import { clientStateModule, type ClientStateModule } from './client-state-module.ts';

function fakeLink(resumed: boolean, csi = true): SessionLink & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    resumed,
    features: { clientStateIndication: csi } as SessionLink['features'],
    send: async (el: Element) => {
      assert.equal(el.attrs.xmlns, NS_CSI);
      sent.push(el.name);
    },
  } as unknown as SessionLink & { sent: string[] };
}

function setup() {
  let link: SessionLink | null = null;
  const context = { link: () => link } as unknown as AccountContext;
  const module = clientStateModule.create(context) as ClientStateModule;
  const start = (next: SessionLink) => {
    link = next;
    return module.onSessionStart?.(next);
  };
  const drop = () => {
    link = null;
    module.onSessionEnd?.();
  };
  return { module, start, drop };
}

describe('client state module', () => {
  test('active by default: a fresh session sends nothing; changes are sent once each', async () => {
    const { module, start } = setup();
    const link = fakeLink(false);
    await start(link);
    assert.deepEqual(link.sent, []);
    module.setActive(false);
    module.setActive(false);
    module.setActive(true);
    module.setActive(true);
    assert.deepEqual(link.sent, ['inactive', 'active']);
  });

  test('inactive when a fresh session starts: said again, since the server starts it active', async () => {
    const { module, start, drop } = setup();
    module.setActive(false); // no session yet
    const first = fakeLink(false);
    await start(first);
    assert.deepEqual(first.sent, ['inactive']);
    drop();
    const second = fakeLink(false);
    await start(second);
    assert.deepEqual(second.sent, ['inactive']);
  });

  test('a resumed session: nothing when the server already knows; the change when it happened meanwhile', async () => {
    const { module, start, drop } = setup();
    await start(fakeLink(false));
    module.setActive(false);
    drop();
    const resumed = fakeLink(true);
    await start(resumed);
    assert.deepEqual(resumed.sent, [], 'the server kept inactive');
    drop();
    module.setActive(true); // while the link was down
    const again = fakeLink(true);
    await start(again);
    assert.deepEqual(again.sent, ['active']);
  });

  test('a stream without urn:xmpp:csi:0 gets nothing', async () => {
    const { module, start } = setup();
    const link = fakeLink(false, false);
    await start(link);
    module.setActive(false);
    module.setActive(true);
    assert.deepEqual(link.sent, []);
  });
});
