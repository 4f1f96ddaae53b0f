// XEP-0092 against a real server: a raw session of the same account asks the engine's full JID. With the
// privacy switch on (the default) the answer is Parley and its version, and disco#info lists the feature;
// switched off, the next request is service-unavailable and disco lists it no more at once (and after the
// next sign-in).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { NS_DISCO_INFO, NS_STANZAS } from '../xmpp/ns.ts';
import type { XmppSession } from '../xmpp/session.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { NS_VERSION } from './version-module.ts';

const WAIT_MS = 10_000;

/** Sends an iq get and resolves with its answer (raw-session hands results to trackers, not to its inbox). */
function ask(raw: RawSession, to: string, child: Element): Promise<Element> {
  const id = randomUUID();
  return new Promise<Element>((resolve, reject) => {
    const onStanza = (stanza: Element): void => {
      if (!stanza.is('iq') || stanza.attrs.id !== id) return;
      clearTimeout(timer);
      raw.session.off('stanza', onStanza);
      resolve(stanza);
    };
    const timer = setTimeout(() => {
      raw.session.off('stanza', onStanza);
      reject(new Error(`no answer to iq ${id}`));
    }, WAIT_MS);
    raw.session.on('stanza', onStanza);
    raw.session.send(xml('iq', { type: 'get', to, id }, child)).catch(reject);
  });
}

const condition = (iq: Element): string | undefined =>
  iq
    .getChild('error')
    ?.getChildElements()
    .find((c) => c.getNS() === NS_STANZAS)?.name;

async function features(raw: RawSession, to: string): Promise<string[]> {
  const reply = await ask(raw, to, xml('query', { xmlns: NS_DISCO_INFO }));
  return (reply.getChild('query', NS_DISCO_INFO)?.getChildren('feature') ?? []).map((f) => f.attrs.var ?? '');
}

describe(`software version (XEP-0092) against ${serverKind()}`, () => {
  const sessions: XmppSession[] = [];
  after(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
  });
  const scenario = useServerScenario();

  async function signedInWithProbe(client: EngineClient, raw: RawSession): Promise<string> {
    const jid = client.jid;
    assert.ok(jid);
    await raw.waitFor((s) => s.is('presence') && s.attrs.from === jid && s.attrs.type === undefined, WAIT_MS);
    return jid;
  }

  test('answered with name and version while on; refused and not advertised when off', async () => {
    const acc = await scenario.account('version');
    const raw = await openRawSession(scenario.server, acc, 'probe');
    sessions.push(raw.session);
    await raw.session.send(xml('presence'));
    const client = await scenario.engine(acc);
    const jid = await signedInWithProbe(client, raw);

    const answer = await ask(raw, jid, xml('query', { xmlns: NS_VERSION }));
    assert.equal(answer.attrs.type, 'result', answer.toString());
    const query = answer.getChild('query', NS_VERSION);
    assert.equal(query?.getChildText('name'), 'Parley');
    assert.ok(query?.getChildText('version'), 'a version');
    assert.equal(query?.getChild('os'), undefined, 'the OS is never told');
    assert.ok((await features(raw, jid)).includes(NS_VERSION), 'advertised while on');

    const set = await client.engine.invoke('prefs.set', { patch: { privacy: { softwareVersion: false } } });
    assert.ok(set.ok, JSON.stringify(set));
    const refused = await ask(raw, jid, xml('query', { xmlns: NS_VERSION }));
    assert.equal(refused.attrs.type, 'error', refused.toString());
    assert.equal(condition(refused), 'service-unavailable');
    assert.ok(!(await features(raw, jid)).includes(NS_VERSION), 'not advertised from the switch on');

    await client.signOut();
    await client.signIn();
    const again = await signedInWithProbe(client, raw);
    assert.ok(!(await features(raw, again)).includes(NS_VERSION), 'not advertised after the next sign-in');
  });
});
