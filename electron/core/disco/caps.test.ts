// XEP-0115 entity capabilities, pure: the §5.2 simple and §5.3 complex examples hash to the published
// verification strings whatever order the answer lists its children in (read through parseDiscoInfo, so the
// parser and the sort are both proved); answers that cannot be hashed honestly (duplicates, a form without
// one FORM_TYPE, over 1,000 children) are refused; the cache stores only what really hashes to the advertised
// string, is bounded and evicts the least recently used; our own answer round-trips through the parser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { CapsCache, capsVerification, discoInfoQuery, parseDiscoInfo, type DiscoInfo } from './caps.ts';
import { NS_DATA, NS_DISCO_INFO } from '../xmpp/ns.ts';

const CAPS = 'http://jabber.org/protocol/caps';
const INFO = 'http://jabber.org/protocol/disco#info';
const ITEMS = 'http://jabber.org/protocol/disco#items';
const MUC = 'http://jabber.org/protocol/muc';

/** A random permutation (Fisher-Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function query(children: Element[], node?: string): Element {
  return xml('query', { xmlns: NS_DISCO_INFO, node }, ...children);
}

function feature(v: string): Element {
  return xml('feature', { var: v });
}

function field(name: string, values: string[], type?: string): Element {
  return xml('field', { var: name, type }, ...values.map((v) => xml('value', {}, v)));
}

function form(formType: string | null, ...fields: Element[]): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type: 'result' },
    ...(formType === null ? [] : [field('FORM_TYPE', [formType], 'hidden')]),
    ...fields,
  );
}

/** XEP-0115 §5.2. */
function simpleChildren(): Element[] {
  return [
    xml('identity', { category: 'client', type: 'pc', name: 'Exodus 0.9.1' }),
    feature(CAPS),
    feature(INFO),
    feature(ITEMS),
    feature(MUC),
  ];
}

/** XEP-0115 §5.3, with the fields and values of the form also in a random order. */
function complexChildren(): Element[] {
  const fields = shuffled([
    field('ip_version', shuffled(['ipv4', 'ipv6'])),
    field('os', ['Mac']),
    field('os_version', ['10.5.1']),
    field('software', ['Psi']),
    field('software_version', ['0.11']),
  ]);
  return [
    xml('identity', { 'xml:lang': 'en', category: 'client', name: 'Psi 0.11', type: 'pc' }),
    xml('identity', { 'xml:lang': 'el', category: 'client', name: 'Ψ 0.11', type: 'pc' }),
    feature(CAPS),
    feature(INFO),
    feature(ITEMS),
    feature(MUC),
    xml(
      'x',
      { xmlns: NS_DATA, type: 'result' },
      ...shuffled([field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo'], 'hidden'), ...fields]),
    ),
  ];
}

function parsed(children: Element[]): DiscoInfo {
  const info = parseDiscoInfo(query(children));
  assert.ok(info, 'the answer parses');
  return info;
}

describe('capsVerification (XEP-0115 §5 examples)', () => {
  test('§5.2 simple example hashes to QgayPKawpkPSDYmwT/WM94uAlu0=, in any order', () => {
    assert.equal(capsVerification(parsed(simpleChildren())), 'QgayPKawpkPSDYmwT/WM94uAlu0=');
    assert.equal(capsVerification(parsed(simpleChildren().reverse())), 'QgayPKawpkPSDYmwT/WM94uAlu0=');
    for (let i = 0; i < 20; i++) {
      assert.equal(capsVerification(parsed(shuffled(simpleChildren()))), 'QgayPKawpkPSDYmwT/WM94uAlu0=');
    }
  });

  test('§5.3 complex example (two languages, an extended form) hashes to q07IKJEyjvHSyhy//CH0CxmKi8w=', () => {
    const info = parsed(complexChildren());
    assert.equal(info.identities.length, 2);
    assert.deepEqual(
      info.forms.map((f) => f.formType),
      ['urn:xmpp:dataforms:softwareinfo'],
    );
    assert.equal(capsVerification(info), 'q07IKJEyjvHSyhy//CH0CxmKi8w=');
    assert.equal(capsVerification(parsed(complexChildren().reverse())), 'q07IKJEyjvHSyhy//CH0CxmKi8w=');
    for (let i = 0; i < 20; i++) {
      assert.equal(capsVerification(parsed(shuffled(complexChildren()))), 'q07IKJEyjvHSyhy//CH0CxmKi8w=');
    }
  });

  test('a different feature set gives a different string', () => {
    const fewer = simpleChildren().slice(0, -1);
    assert.notEqual(capsVerification(parsed(fewer)), 'QgayPKawpkPSDYmwT/WM94uAlu0=');
  });
});

describe('parseDiscoInfo', () => {
  test('reads identities (with language), features and forms; ignores unknown children', () => {
    const info = parsed([
      xml('identity', { category: 'client', type: 'pc', name: 'P', 'xml:lang': 'en' }),
      feature('urn:a'),
      xml('unknown', { xmlns: 'urn:x' }),
      form('urn:form', field('f', ['1', '2'])),
    ]);
    assert.deepEqual(info.identities, [{ category: 'client', type: 'pc', name: 'P', lang: 'en' }]);
    assert.deepEqual(info.features, ['urn:a']);
    assert.deepEqual(info.forms, [{ formType: 'urn:form', fields: [{ var: 'f', values: ['1', '2'] }] }]);
  });

  test('refuses duplicate identities', () => {
    const identity = (): Element => xml('identity', { category: 'client', type: 'pc', name: 'X' });
    assert.equal(parseDiscoInfo(query([identity(), identity(), feature(INFO)])), null);
    // The same category/type under another language or name is no duplicate.
    assert.ok(
      parseDiscoInfo(
        query([identity(), xml('identity', { category: 'client', type: 'pc', name: 'X', 'xml:lang': 'de' })]),
      ),
    );
  });

  test('refuses duplicate features', () => {
    assert.equal(parseDiscoInfo(query([feature(INFO), feature(CAPS), feature(INFO)])), null);
  });

  test('refuses an identity without category or type', () => {
    assert.equal(parseDiscoInfo(query([xml('identity', { type: 'pc' })])), null);
    assert.equal(parseDiscoInfo(query([xml('identity', { category: 'client' })])), null);
  });

  test('refuses a form without exactly one FORM_TYPE (none, two, or one with two values)', () => {
    assert.equal(parseDiscoInfo(query([feature(INFO), form(null, field('os', ['Mac']))])), null);
    assert.equal(
      parseDiscoInfo(query([feature(INFO), form('urn:a', field('FORM_TYPE', ['urn:b'], 'hidden'))])),
      null,
    );
    assert.equal(
      parseDiscoInfo(
        query([
          feature(INFO),
          xml('x', { xmlns: NS_DATA, type: 'result' }, field('FORM_TYPE', ['urn:a', 'urn:b'])),
        ]),
      ),
      null,
    );
  });

  test('refuses two forms with the same FORM_TYPE', () => {
    assert.equal(
      parseDiscoInfo(query([form('urn:a', field('x', ['1'])), form('urn:a', field('y', ['2']))])),
      null,
    );
  });

  test('refuses more than 1,000 children; 1,000 is accepted', () => {
    const features = (n: number): Element[] => Array.from({ length: n }, (_, i) => feature(`urn:f:${i}`));
    assert.equal(parseDiscoInfo(query(features(1_001))), null);
    assert.equal(parseDiscoInfo(query(features(1_000)))?.features.length, 1_000);
  });
});

describe('CapsCache', () => {
  const variant = (n: number): DiscoInfo => ({
    identities: [{ category: 'client', type: 'pc', name: `Client ${n}` }],
    features: [INFO, `urn:feature:${n}`],
    forms: [],
  });

  test('verifyAndStore stores only when the answer hashes to the advertised string; get() gives the features', () => {
    const cache = new CapsCache();
    const info = parsed(simpleChildren());
    assert.equal(cache.verifyAndStore('QgayPKawpkPSDYmwT/WM94uAlu0=', info), true);
    assert.deepEqual([...(cache.get('QgayPKawpkPSDYmwT/WM94uAlu0=') ?? [])].sort(), [CAPS, INFO, ITEMS, MUC]);
    assert.equal(cache.size, 1);
  });

  test("a lying contact's string is not stored", () => {
    const cache = new CapsCache();
    // Claims the Exodus string but answers with more features than Exodus has.
    const lie = parsed([...simpleChildren(), feature('urn:xmpp:jingle:1')]);
    assert.equal(cache.verifyAndStore('QgayPKawpkPSDYmwT/WM94uAlu0=', lie), false);
    assert.equal(cache.get('QgayPKawpkPSDYmwT/WM94uAlu0='), undefined);
    assert.equal(cache.verifyAndStore('made-up', variant(1)), false);
    assert.equal(cache.size, 0);
  });

  test('a lie does not overwrite a verified entry', () => {
    const cache = new CapsCache();
    const ver = capsVerification(variant(1));
    assert.equal(cache.verifyAndStore(ver, variant(1)), true);
    assert.equal(cache.verifyAndStore(ver, variant(2)), false);
    assert.ok(cache.get(ver)?.has('urn:feature:1'));
    assert.equal(cache.get(ver)?.has('urn:feature:2'), false);
  });

  test('bounded: past the limit the least recently used string goes first', () => {
    const cache = new CapsCache(3);
    const vers = [1, 2, 3, 4, 5].map((n) => capsVerification(variant(n)));
    for (const n of [1, 2, 3, 4]) assert.equal(cache.verifyAndStore(vers[n - 1]!, variant(n)), true);
    assert.equal(cache.size, 3);
    assert.equal(cache.get(vers[0]!), undefined, 'the oldest went');
    assert.ok(cache.get(vers[1]!));
    assert.ok(cache.get(vers[3]!));
  });

  test('get() refreshes recency, so a string in use survives newer ones', () => {
    const cache = new CapsCache(2);
    const [a, b, c] = [1, 2, 3].map((n) => capsVerification(variant(n))) as [string, string, string];
    cache.verifyAndStore(a, variant(1));
    cache.verifyAndStore(b, variant(2));
    assert.ok(cache.get(a)); // a is now the most recent
    cache.verifyAndStore(c, variant(3));
    assert.equal(cache.size, 2);
    assert.ok(cache.get(a), 'a was used, so it stayed');
    assert.equal(cache.get(b), undefined, 'b was the least recently used');
    assert.ok(cache.get(c));
  });

  test('a thousand distinct strings never grow a small cache beyond its limit', () => {
    const cache = new CapsCache(10);
    for (let n = 0; n < 1_000; n++) cache.verifyAndStore(capsVerification(variant(n)), variant(n));
    assert.equal(cache.size, 10);
    assert.ok(cache.get(capsVerification(variant(999))));
  });
});

describe('discoInfoQuery', () => {
  test('round-trips through parseDiscoInfo with the same verification string', () => {
    for (const children of [simpleChildren(), complexChildren().filter((c) => c.name !== 'x')]) {
      const info = parsed(children);
      const element = discoInfoQuery(info);
      assert.equal(element.name, 'query');
      assert.equal(element.attrs.xmlns, NS_DISCO_INFO);
      assert.equal(element.attrs.node, undefined);
      const back = parseDiscoInfo(element);
      assert.ok(back);
      assert.equal(capsVerification(back), capsVerification(info));
      assert.deepEqual(
        back.identities.map((i) => [i.category, i.type, i.lang, i.name]),
        info.identities.map((i) => [i.category, i.type, i.lang, i.name]),
      );
      assert.deepEqual(back.features, info.features);
    }
  });

  test('answers for a caps node carry that node', () => {
    const info = parsed(simpleChildren());
    const node = `urn:parley:caps#${capsVerification(info)}`;
    assert.equal(discoInfoQuery(info, node).attrs.node, node);
  });

  test('the Psi languages survive the round trip (xml:lang kept)', () => {
    const info = parsed(complexChildren().filter((c) => c.name !== 'x'));
    const back = parseDiscoInfo(discoInfoQuery(info));
    assert.deepEqual(back?.identities.map((i) => i.lang).sort(), ['el', 'en']);
  });
});
