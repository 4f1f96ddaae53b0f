// The dispatcher, pure, with fake modules: message and presence handlers run in priority order across
// modules whatever the registration order, 'consumed' stops the walk and 'continue' goes on, a throwing
// handler is contained; iq get/set are routed by the (namespace, child) of their first child, anything not
// handled is answered service-unavailable to the sender with the same id, an IqError answers its condition,
// sync and async results come back as result iqs, 'handled' sends nothing, results/errors are ignored, and
// two modules claiming the same iq is a wiring error at construction.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid.ts';
import type { HandlerResult, IqHandler, ProtocolModule, StanzaHandler } from '../account/module.ts';
import { Dispatcher, IqError, iqErrorReply } from './dispatcher.ts';
import { parseEnvelope, type IqEnvelope, type MessageEnvelope, type PresenceEnvelope } from './envelope.ts';
import { NS_STANZAS } from './ns.ts';

const OWN = parseJid('me@example.org');
const BOB = 'bob@example.net/phone';
const NS_TEST = 'urn:example:test';

function messageEnvelope(id = 'm1'): MessageEnvelope {
  const envelope = parseEnvelope(
    xml('message', { from: BOB, to: 'me@example.org/desk', type: 'chat', id }, xml('body', {}, 'hi')),
    OWN,
  );
  assert.equal(envelope?.kind, 'message');
  return envelope as MessageEnvelope;
}

function presenceEnvelope(): PresenceEnvelope {
  const envelope = parseEnvelope(xml('presence', { from: BOB }), OWN);
  assert.equal(envelope?.kind, 'presence');
  return envelope as PresenceEnvelope;
}

function iqEnvelope(type: string, ...children: Element[]): IqEnvelope {
  const envelope = parseEnvelope(xml('iq', { type, id: `iq-${type}`, from: BOB }, ...children), OWN);
  assert.equal(envelope?.kind, 'iq');
  return envelope as IqEnvelope;
}

/** A module whose message/presence handlers record their names in `log` and answer `result`. */
function recorder(
  id: string,
  log: string[],
  handlers: Array<{
    kind: 'message' | 'presence';
    priority: number;
    result?: HandlerResult;
    throws?: boolean;
  }>,
): ProtocolModule {
  return {
    id,
    handlers: handlers.map((h): StanzaHandler => {
      const handle = (): HandlerResult => {
        log.push(`${id}:${h.kind}:${h.priority}`);
        if (h.throws) throw new Error(`${id} broke`);
        return h.result ?? 'continue';
      };
      return h.kind === 'message'
        ? { kind: 'message', priority: h.priority, handle }
        : { kind: 'presence', priority: h.priority, handle };
    }),
  };
}

function iqModule(id: string, ...iq: IqHandler[]): ProtocolModule {
  return { id, iq };
}

function collector(): { sent: Element[]; reply: (stanza: Element) => void } {
  const sent: Element[] = [];
  return { sent, reply: (stanza) => sent.push(stanza) };
}

/** The (error type, condition) of an error iq. */
function errorOf(stanza: Element): { type: string | undefined; condition: string | undefined } {
  const error = stanza.getChild('error');
  return {
    type: error?.attrs.type,
    condition: error?.getChildElements().find((c) => c.getNS() === NS_STANZAS)?.name,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Dispatcher: messages and presence', () => {
  test('handlers run in priority order across modules, whatever order the modules were registered in', () => {
    const log: string[] = [];
    const modules = [
      recorder('late', log, [{ kind: 'message', priority: 30 }]),
      recorder('mixed', log, [
        { kind: 'message', priority: 20 },
        { kind: 'message', priority: -5 },
      ]),
      recorder('early', log, [{ kind: 'message', priority: 10 }]),
    ];
    const { reply } = collector();
    new Dispatcher(modules, reply).message(messageEnvelope());
    assert.deepEqual(log, ['mixed:message:-5', 'early:message:10', 'mixed:message:20', 'late:message:30']);
    log.length = 0;
    new Dispatcher([...modules].reverse(), reply).message(messageEnvelope());
    assert.deepEqual(log, ['mixed:message:-5', 'early:message:10', 'mixed:message:20', 'late:message:30']);
  });

  test("'consumed' stops the walk; 'continue' goes on", () => {
    const log: string[] = [];
    const dispatcher = new Dispatcher(
      [
        recorder('a', log, [{ kind: 'message', priority: 1, result: 'continue' }]),
        recorder('b', log, [{ kind: 'message', priority: 2, result: 'consumed' }]),
        recorder('c', log, [{ kind: 'message', priority: 3 }]),
      ],
      collector().reply,
    );
    dispatcher.message(messageEnvelope());
    assert.deepEqual(log, ['a:message:1', 'b:message:2']);
  });

  test('message handlers see only messages and presence handlers only presence, each in priority order', () => {
    const log: string[] = [];
    const dispatcher = new Dispatcher(
      [
        recorder('x', log, [
          { kind: 'presence', priority: 5, result: 'consumed' },
          { kind: 'message', priority: 1 },
        ]),
        recorder('y', log, [
          { kind: 'presence', priority: 0 },
          { kind: 'presence', priority: 9 },
        ]),
      ],
      collector().reply,
    );
    dispatcher.presence(presenceEnvelope());
    assert.deepEqual(log, ['y:presence:0', 'x:presence:5']);
    log.length = 0;
    dispatcher.message(messageEnvelope());
    assert.deepEqual(log, ['x:message:1']);
  });

  test('a handler that throws is contained: nothing escapes and later stanzas are still handled', (t) => {
    const logged = t.mock.method(console, 'error', () => undefined);
    const log: string[] = [];
    let calls = 0;
    const flaky: ProtocolModule = {
      id: 'flaky',
      handlers: [
        {
          kind: 'message',
          priority: 0,
          handle: () => {
            calls++;
            if (calls === 1) throw new Error('boom');
            return 'continue';
          },
        },
        {
          kind: 'presence',
          priority: 0,
          handle: () => {
            throw new TypeError('presence boom');
          },
        },
      ],
    };
    const dispatcher = new Dispatcher(
      [flaky, recorder('after', log, [{ kind: 'message', priority: 1 }])],
      collector().reply,
    );
    assert.doesNotThrow(() => dispatcher.message(messageEnvelope('first')));
    assert.doesNotThrow(() => dispatcher.presence(presenceEnvelope()));
    assert.doesNotThrow(() => dispatcher.message(messageEnvelope('second')));
    assert.equal(calls, 2);
    assert.deepEqual(log, ['after:message:1'], 'the second stanza went through the whole walk');
    assert.ok(logged.mock.callCount() >= 2, 'the failures were logged');
  });

  test('no modules, or modules without handlers: nothing happens', () => {
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher([{ id: 'empty' }], reply);
    dispatcher.message(messageEnvelope());
    dispatcher.presence(presenceEnvelope());
    assert.deepEqual(sent, []);
  });
});

describe('Dispatcher: iq', () => {
  test('get and set are routed by the (namespace, child name) of the first child', () => {
    const seen: string[] = [];
    const handler = (type: 'get' | 'set', ns: string, child: string): IqHandler => ({
      type,
      ns,
      child,
      handle: (envelope) => {
        seen.push(`${type} ${ns} ${child} <- ${envelope.id}`);
        return null;
      },
    });
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher(
      [
        iqModule('one', handler('get', NS_TEST, 'query'), handler('set', NS_TEST, 'query')),
        iqModule('two', handler('get', NS_TEST, 'other'), handler('get', 'urn:example:else', 'query')),
      ],
      reply,
    );
    dispatcher.iq(iqEnvelope('get', xml('query', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('set', xml('query', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('get', xml('other', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('get', xml('query', { xmlns: 'urn:example:else' })));
    assert.deepEqual(seen, [
      `get ${NS_TEST} query <- iq-get`,
      `set ${NS_TEST} query <- iq-set`,
      `get ${NS_TEST} other <- iq-get`,
      'get urn:example:else query <- iq-get',
    ]);
    assert.equal(sent.length, 4);
    for (const stanza of sent) assert.equal(stanza.attrs.type, 'result');
  });

  test('only the FIRST child routes: a known child after an unknown one is not answered by its handler', () => {
    let called = false;
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher(
      [
        iqModule('m', {
          type: 'get',
          ns: NS_TEST,
          child: 'query',
          handle: () => {
            called = true;
            return null;
          },
        }),
      ],
      reply,
    );
    dispatcher.iq(iqEnvelope('get', xml('unknown', { xmlns: 'urn:x' }), xml('query', { xmlns: NS_TEST })));
    assert.equal(called, false);
    assert.equal(errorOf(sent[0]!).condition, 'service-unavailable');
  });

  test('an unhandled get or set is answered service-unavailable (cancel) to the sender, with the same id', () => {
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher(
      [iqModule('m', { type: 'get', ns: NS_TEST, child: 'query', handle: () => null })],
      reply,
    );
    dispatcher.iq(iqEnvelope('get', xml('query', { xmlns: 'jabber:iq:version' })));
    dispatcher.iq(iqEnvelope('set', xml('query', { xmlns: NS_TEST }))); // get is handled, set is not
    dispatcher.iq(iqEnvelope('get', xml('wrong-name', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('get')); // no child at all
    assert.equal(sent.length, 4);
    for (const [i, stanza] of sent.entries()) {
      assert.equal(stanza.name, 'iq');
      assert.equal(stanza.attrs.type, 'error');
      assert.equal(stanza.attrs.to, BOB);
      assert.equal(stanza.attrs.id, i === 1 ? 'iq-set' : 'iq-get');
      assert.deepEqual(errorOf(stanza), { type: 'cancel', condition: 'service-unavailable' });
      assert.equal(stanza.getChild('error')?.getChild('service-unavailable')?.attrs.xmlns, NS_STANZAS);
    }
  });

  test('an IqError answers its condition and type', async () => {
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher(
      [
        iqModule(
          'm',
          {
            type: 'get',
            ns: NS_TEST,
            child: 'query',
            handle: () => {
              throw new IqError('item-not-found');
            },
          },
          {
            type: 'set',
            ns: NS_TEST,
            child: 'query',
            handle: () => Promise.reject(new IqError('not-allowed', 'auth')),
          },
        ),
      ],
      reply,
    );
    dispatcher.iq(iqEnvelope('get', xml('query', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('set', xml('query', { xmlns: NS_TEST })));
    await tick();
    assert.equal(sent.length, 2);
    assert.deepEqual(errorOf(sent[0]!), { type: 'cancel', condition: 'item-not-found' });
    assert.equal(sent[0]!.attrs.id, 'iq-get');
    assert.equal(sent[0]!.attrs.to, BOB);
    assert.deepEqual(errorOf(sent[1]!), { type: 'auth', condition: 'not-allowed' });
    assert.equal(sent[1]!.attrs.id, 'iq-set');
  });

  test('a handler failing with anything else answers internal-server-error, and is logged, not thrown', async (t) => {
    t.mock.method(console, 'error', () => undefined);
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher(
      [
        iqModule(
          'm',
          {
            type: 'get',
            ns: NS_TEST,
            child: 'query',
            handle: () => {
              throw new Error('bug');
            },
          },
          { type: 'set', ns: NS_TEST, child: 'query', handle: () => Promise.reject(new Error('async bug')) },
        ),
      ],
      reply,
    );
    assert.doesNotThrow(() => dispatcher.iq(iqEnvelope('get', xml('query', { xmlns: NS_TEST }))));
    assert.doesNotThrow(() => dispatcher.iq(iqEnvelope('set', xml('query', { xmlns: NS_TEST }))));
    await tick();
    assert.equal(sent.length, 2);
    for (const stanza of sent) assert.equal(errorOf(stanza).condition, 'internal-server-error');
  });

  test("a sync or async handler's result is sent as a result iq holding the returned child", async () => {
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher(
      [
        iqModule(
          'm',
          {
            type: 'get',
            ns: NS_TEST,
            child: 'query',
            handle: () => xml('query', { xmlns: NS_TEST }, xml('item', { name: 'sync' })),
          },
          {
            type: 'set',
            ns: NS_TEST,
            child: 'query',
            handle: async () => {
              await tick();
              return xml('query', { xmlns: NS_TEST }, xml('item', { name: 'async' }));
            },
          },
        ),
      ],
      reply,
    );
    dispatcher.iq(iqEnvelope('set', xml('query', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('get', xml('query', { xmlns: NS_TEST })));
    assert.equal(sent.length, 1, 'the sync answer goes at once, the async one when it resolves');
    await tick();
    await tick();
    assert.equal(sent.length, 2);
    const [syncReply, asyncReply] = sent as [Element, Element];
    assert.deepEqual(
      { type: syncReply.attrs.type, id: syncReply.attrs.id, to: syncReply.attrs.to },
      { type: 'result', id: 'iq-get', to: BOB },
    );
    assert.equal(syncReply.getChild('query', NS_TEST)?.getChild('item')?.attrs.name, 'sync');
    assert.deepEqual(
      { type: asyncReply.attrs.type, id: asyncReply.attrs.id, to: asyncReply.attrs.to },
      { type: 'result', id: 'iq-set', to: BOB },
    );
    assert.equal(asyncReply.getChild('query', NS_TEST)?.getChild('item')?.attrs.name, 'async');
  });

  test('a null result is an empty result iq', () => {
    const { sent, reply } = collector();
    new Dispatcher(
      [iqModule('m', { type: 'set', ns: NS_TEST, child: 'query', handle: () => null })],
      reply,
    ).iq(iqEnvelope('set', xml('query', { xmlns: NS_TEST })));
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.attrs.type, 'result');
    assert.equal(sent[0]!.attrs.id, 'iq-set');
    assert.deepEqual(sent[0]!.getChildElements(), []);
  });

  test("'handled' (sync or async) sends nothing", async () => {
    const { sent, reply } = collector();
    const dispatcher = new Dispatcher(
      [
        iqModule(
          'm',
          { type: 'get', ns: NS_TEST, child: 'query', handle: () => 'handled' },
          { type: 'set', ns: NS_TEST, child: 'query', handle: () => Promise.resolve('handled' as const) },
        ),
      ],
      reply,
    );
    dispatcher.iq(iqEnvelope('get', xml('query', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('set', xml('query', { xmlns: NS_TEST })));
    await tick();
    assert.deepEqual(sent, []);
  });

  test('result and error iqs are ignored: no handler runs and nothing is sent', () => {
    let called = 0;
    const { sent, reply } = collector();
    const handle = (): null => {
      called++;
      return null;
    };
    const dispatcher = new Dispatcher(
      [
        iqModule(
          'm',
          { type: 'get', ns: NS_TEST, child: 'query', handle },
          { type: 'set', ns: NS_TEST, child: 'query', handle },
        ),
      ],
      reply,
    );
    dispatcher.iq(iqEnvelope('result', xml('query', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('error', xml('query', { xmlns: NS_TEST })));
    dispatcher.iq(iqEnvelope('result'));
    dispatcher.iq(iqEnvelope('error', xml('error', { type: 'cancel' })));
    dispatcher.iq(iqEnvelope('bogus', xml('query', { xmlns: NS_TEST })));
    assert.equal(called, 0);
    assert.deepEqual(sent, []);
  });

  test('two modules registering the same (type, ns, child) throw at construction', () => {
    const handler: IqHandler = { type: 'get', ns: NS_TEST, child: 'query', handle: () => null };
    assert.throws(
      () => new Dispatcher([iqModule('a', handler), iqModule('b', { ...handler })], () => undefined),
      {
        message: /query/,
      },
    );
    // The same namespace and child under the other type, or another child, is no clash.
    assert.doesNotThrow(
      () =>
        new Dispatcher(
          [
            iqModule('a', handler),
            iqModule(
              'b',
              { ...handler, type: 'set' },
              { ...handler, child: 'other' },
              { ...handler, ns: 'urn:y' },
            ),
          ],
          () => undefined,
        ),
    );
  });
});

describe('iqErrorReply', () => {
  test('answers the sender with the same id, the error type and the condition in the stanzas namespace', () => {
    const request = xml('iq', { type: 'set', id: 'abc', from: BOB }, xml('query', { xmlns: NS_TEST }));
    const reply = iqErrorReply(request, 'bad-request', 'modify');
    assert.equal(reply.attrs.type, 'error');
    assert.equal(reply.attrs.id, 'abc');
    assert.equal(reply.attrs.to, BOB);
    assert.deepEqual(errorOf(reply), { type: 'modify', condition: 'bad-request' });
    assert.deepEqual(errorOf(iqErrorReply(request, 'service-unavailable')), {
      type: 'cancel',
      condition: 'service-unavailable',
    });
  });

  test('a request from our own server (no from) is answered without a to', () => {
    const reply = iqErrorReply(xml('iq', { type: 'get', id: 'srv' }), 'service-unavailable');
    assert.equal(reply.attrs.to, undefined);
    assert.equal(reply.attrs.id, 'srv');
  });
});
