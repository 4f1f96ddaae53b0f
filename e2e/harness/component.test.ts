// The raw component client against the harness server (PARLEY_SERVER's kind): the handshake, a wrong secret
// refused, stanzas from any JID at its domain delivered to an account, and the account's answers routed back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { connectComponent } from './component.ts';
import { openRawSession } from './raw-session.ts';
import { presenceComponentConfig } from './roster-seed.ts';
import { useServerScenario } from './scenario.ts';

const DOMAIN = 'rogue.parley.test';
const SECRET = 'component-secret';
const config = await presenceComponentConfig(DOMAIN, SECRET);
const scenario = useServerScenario(config.serverOptions);

const connect = (secret = SECRET) =>
  connectComponent({ host: scenario.server.host, port: config.port, domain: DOMAIN, secret });

test('a wrong secret is refused', async () => {
  await assert.rejects(connect('not the secret'), /refused|closed/);
});

test('the component sends from any JID at its domain and receives what is sent back to them', async () => {
  const component = await connect();
  const alice = await scenario.account('alice');
  const raw = await openRawSession(scenario.server, alice, 'desk');
  try {
    const senders = Array.from({ length: 50 }, (_, i) => `stranger-${i}@${DOMAIN}/x`);
    await component.sendAll(
      senders.map(
        (from, i) =>
          `<message from='${from}' to='${alice.jid}/desk' type='chat' id='c${i}'><body>hi ${i}</body></message>`,
      ),
      10,
    );
    for (const [i, from] of senders.entries()) {
      const got = await raw.waitFor((s) => s.is('message') && s.attrs.id === `c${i}`);
      assert.equal(got.attrs.from, from);
    }
    await raw.session.send(
      xml('message', { to: `stranger-7@${DOMAIN}/x`, id: 'back' }, xml('body', {}, 'hello back')),
    );
    const back = await component.waitFor((s) => s.is('message') && s.attrs.id === 'back');
    assert.equal(back.attrs.from, `${alice.jid}/desk`);
    assert.equal(back.getChildText('body'), 'hello back');
    assert.ok((component.counts.message ?? 0) >= 1);
  } finally {
    await raw.session.close();
    await component.close();
  }
});
