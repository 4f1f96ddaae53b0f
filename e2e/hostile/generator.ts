// A deterministic, seeded stream of hostile stanzas for one signed-in account: every kind of the hostile
// suites (floods of presence, subscriptions, messages and iqs from many JIDs, forged roster pushes, carbons,
// archive results and replies, errors for ids never sent, lookalike and invalid JIDs, XSS in every field)
// plus garbage attributes, hundreds of attributes, deep but legal nesting and Unicode edge cases. Every stanza
// is well-formed and within the stream limits, so one session can take all of them: what it tests is the
// work each stanza costs and the state it leaves, not the parser's refusals (malformed.test.ts has those).

export interface GeneratorTarget {
  /** Our bare JID ('alice@rogue.test') and full JID on the session. */
  ownBare: string;
  ownFull: string;
  /** Bare JIDs in our roster (some stanzas come from them). */
  contacts: readonly string[];
}

/** A small seeded PRNG (splitmix32): the same seed gives the same stanzas on every run and machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/'/g, '&apos;').replace(/"/g, '&quot;');

const XSS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  '"><svg onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
  '<a href="javascript:alert(1)">click</a>',
  '<style>*{background:url(http://127.0.0.1:9/x)}</style>',
  '{{constructor.constructor("window.__pwned=1")()}}',
  '${window.__pwned=1}',
];
const UNICODE = [
  '\u202Eevil\u202C txt.exe',
  '\u2067unclosed isolate',
  'z\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030d\u030e',
  '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}\u{1F1F3}\u{1F1F4}',
  '\uFEFFbom at the start',
  '\u200B\u200C\u200D\u2060 zero widths',
  'שלום مرحبا 你好 Привет',
  '\u{10FFFD}\u{E000} private use',
  'ａｌｉｃｅ fullwidth',
];
const NAMESPACES = [
  'urn:evil:0',
  'jabber:iq:roster',
  'urn:xmpp:mam:2',
  'http://jabber.org/protocol/disco#info',
];

type Random = () => number;
type Kind = (r: Random, t: GeneratorTarget, n: number) => string;

const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: Random, max: number) => Math.floor(r() * max);
const domainOf = (jid: string) => jid.slice(jid.indexOf('@') + 1);

/** Text for a field the UI shows: ordinary, XSS, Unicode edge cases, or long. */
function text(r: Random, n: number): string {
  const roll = r();
  if (roll < 0.3) return `${pick(r, XSS)} #${n}`;
  if (roll < 0.55) return `${pick(r, UNICODE)} #${n}`;
  if (roll < 0.6) return `${'w'.repeat(1_000 + int(r, 9_000))} #${n}`; // one unbreakable word
  return `message ${n} ${'lorem ipsum '.repeat(1 + int(r, 8))}`;
}

/** A sender: a stranger from a large space, a contact, a lookalike of us, our server, or no valid JID. */
function sender(r: Random, t: GeneratorTarget, resource = true): string {
  const roll = r();
  const res = resource ? `/${pick(r, ['r', 'phone', 'Desk', '\u202Eres', 'x'.repeat(1 + int(r, 60))])}` : '';
  if (roll < 0.55) return `s${int(r, 20_000)}@evil${int(r, 50)}.example${res}`;
  if (roll < 0.75) return `${pick(r, t.contacts)}${res}`;
  if (roll < 0.83) return `${t.ownBare.replace('a', '\u0430')}${res}`; // Cyrillic а
  if (roll < 0.88) return `${t.ownBare.toUpperCase()}/other`;
  if (roll < 0.92) return domainOf(t.ownBare);
  if (roll < 0.96) return `${'l'.repeat(1_024)}@evil.example`; // a localpart over 1,023 bytes
  return pick(r, ['@evil.example', 'a@b@c', 'a b@evil.example', '', 'évil@exa mple']);
}

const from = (jid: string) => (jid === '' ? '' : ` from='${escapeAttr(jid)}'`);

/** Attributes no schema knows: random names, xml:lang values, unknown namespaces on the stanza itself. */
function garbageAttributes(r: Random, count: number): string {
  let attrs = '';
  for (let i = 0; i < count; i++)
    attrs += ` x-${i}-${int(r, 1e6)}='${escapeAttr(pick(r, [...XSS, ...UNICODE]))}'`;
  if (r() < 0.5) attrs += ` xml:lang='${pick(r, ['en', 'x-klingon', '', 'zz-'.repeat(30)])}'`;
  return attrs;
}

/** Unknown elements nested `depth` levels (legal: the session's limit is 64 including the stanza). */
const nested = (depth: number) => '<n xmlns="urn:evil:nest">'.repeat(depth) + '</n>'.repeat(depth);

const KINDS: ReadonlyArray<[weight: number, name: string, make: Kind]> = [
  [
    14,
    'presence',
    (r, t, n) => {
      const type = pick(r, [
        '',
        '',
        '',
        " type='unavailable'",
        " type='error'",
        " type='probe'",
        " type='bogus'",
      ]);
      const caps =
        r() < 0.3
          ? `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='urn:evil' ver='${n}'/>`
          : '';
      return `<presence${from(sender(r, t))} to='${t.ownFull}'${type}><show>${pick(r, ['away', 'dnd', 'xa', 'chat', 'bogus'])}</show><status>${escapeText(text(r, n))}</status><priority>${pick(r, ['5', '-129', '999999999999', 'NaN', ''])}</priority>${caps}</presence>`;
    },
  ],
  [
    4,
    'presence-resources',
    (r, t, n) => `<presence from='many${int(r, 5)}@evil.example/r${n}' to='${t.ownFull}'/>`,
  ],
  [
    8,
    'subscription',
    (r, t, n) => {
      const type = pick(r, ['subscribe', 'subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);
      return `<presence${from(sender(r, t, false))} to='${t.ownBare}' type='${type}'><nick xmlns='http://jabber.org/protocol/nick'>${escapeText(text(r, n))}</nick><status>${escapeText(text(r, n))}</status></presence>`;
    },
  ],
  [
    14,
    'message',
    (r, t, n) => {
      const type = pick(r, ['chat', 'chat', 'normal', 'headline', 'groupchat', 'bogus', '']);
      const extras = [
        r() < 0.3 ? "<request xmlns='urn:xmpp:receipts'/>" : '',
        r() < 0.2 ? `<received xmlns='urn:xmpp:receipts' id='never-${n}'/>` : '',
        r() < 0.2 ? `<displayed xmlns='urn:xmpp:chat-markers:0' id='never-${n}'/>` : '',
        r() < 0.2 ? `<stanza-id xmlns='urn:xmpp:sid:0' by='${t.ownBare}' id='forged-${n}'/>` : '',
        r() < 0.2 ? `<origin-id xmlns='urn:xmpp:sid:0' id='${escapeAttr(text(r, n).slice(0, 80))}'/>` : '',
        r() < 0.2
          ? `<delay xmlns='urn:xmpp:delay' stamp='${pick(r, ['1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'not a date'])}'/>`
          : '',
      ].join('');
      const subject = r() < 0.2 ? `<subject>${escapeText(text(r, n))}</subject>` : '';
      const thread = r() < 0.2 ? `<thread>${escapeText(text(r, n).slice(0, 300))}</thread>` : '';
      const typeAttr = type === '' ? '' : ` type='${type}'`;
      return `<message${from(sender(r, t))} to='${t.ownFull}'${typeAttr} id='m${n}'><body>${escapeText(text(r, n))}</body>${subject}${thread}${extras}</message>`;
    },
  ],
  [
    3,
    'message-error',
    (r, t, n) =>
      `<message${from(sender(r, t))} type='error' id='never-sent-${n}'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>${escapeText(text(r, n))}</text></error></message>`,
  ],
  [
    5,
    'carbon',
    (r, t, n) => {
      // Forged (any sender but our bare JID) mostly; some genuine ones, of traffic with strangers.
      const wrapper = r() < 0.8 ? sender(r, t, r() < 0.5) : t.ownBare;
      const direction = pick(r, ['sent', 'received']);
      const peer = `s${int(r, 20_000)}@evil.example/r`;
      const inner =
        direction === 'sent'
          ? `from='${t.ownBare}/other' to='${peer}'`
          : `from='${peer}' to='${t.ownBare}/other'`;
      return `<message${from(wrapper)} to='${t.ownFull}'><${direction} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' ${inner} type='chat' id='c${n}'><body>${escapeText(text(r, n))}</body></message></forwarded></${direction}></message>`;
    },
  ],
  [
    4,
    'archive-result',
    (r, t, n) =>
      `<message${from(r() < 0.5 ? sender(r, t, false) : '')} to='${t.ownFull}'><result xmlns='urn:xmpp:mam:2' queryid='q${int(r, 100)}' id='a${n}'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/><message xmlns='jabber:client' from='${escapeAttr(sender(r, t))}' to='${t.ownBare}' type='chat'><body>${escapeText(text(r, n))}</body></message></forwarded></result></message>`,
  ],
  [
    5,
    'roster-push',
    (r, t, n) => {
      // Mostly forged; genuine pushes (no from) only touch our own contacts, as a real server's would.
      const genuine = r() < 0.2;
      const jid = genuine ? pick(r, t.contacts) : `pushed${n}@evil.example`;
      const item =
        r() < 0.1 && genuine
          ? `<item jid='${jid}' subscription='both' name='${escapeAttr(text(r, n).slice(0, 500))}'><group>${escapeText(text(r, n).slice(0, 200))}</group></item>`
          : `<item jid='${escapeAttr(jid)}' name='${escapeAttr(text(r, n).slice(0, 500))}'/>`;
      return `<iq type='set' id='push-${n}'${genuine ? '' : from(sender(r, t, r() < 0.5) || 'evil@evil.example')}><query xmlns='jabber:iq:roster'>${item}</query></iq>`;
    },
  ],
  [
    10,
    'iq-request',
    (r, t, n) => {
      const type = pick(r, ['get', 'set']);
      const payload = pick(r, [
        `<q xmlns='urn:evil:${int(r, 1_000)}'/>`,
        "<query xmlns='http://jabber.org/protocol/disco#info'/>",
        "<ping xmlns='urn:xmpp:ping'/>",
        "<query xmlns='jabber:iq:version'/>",
        "<query xmlns='jabber:iq:roster'/>",
        '',
      ]);
      return `<iq type='${type}' id='q${n}'${from(sender(r, t))} to='${t.ownFull}'>${payload}</iq>`;
    },
  ],
  [
    6,
    'iq-stray',
    (r, t, n) => {
      const type = pick(r, ['result', 'error']);
      const body =
        type === 'error'
          ? "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
          : `<query xmlns='${pick(r, NAMESPACES)}'/>`;
      return `<iq type='${type}' id='${pick(r, [`never-${n}`, `${n}`, 'barrier-1', ''])}'${from(sender(r, t))}>${body}</iq>`;
    },
  ],
  [
    4,
    'garbage-attributes',
    (r, t, n) =>
      `<message${from(sender(r, t))} to='${t.ownFull}' type='chat' id='g${n}'${garbageAttributes(r, 1 + int(r, 10))}><body>${escapeText(text(r, n))}</body><x xmlns='urn:evil:${int(r, 10)}' y='${escapeAttr(pick(r, XSS))}'/></message>`,
  ],
  [
    2,
    'many-attributes',
    (r, t) => `<presence${from(sender(r, t))} to='${t.ownFull}'${garbageAttributes(r, 300 + int(r, 700))}/>`,
  ],
  [
    3,
    'deep-nesting',
    (r, t, n) =>
      `<message${from(sender(r, t))} to='${t.ownFull}' type='chat' id='d${n}'><body>deep ${n}</body>${nested(20 + int(r, 40))}</message>`,
  ],
];

const TOTAL_WEIGHT = KINDS.reduce((sum, [weight]) => sum + weight, 0);
export const KIND_NAMES: readonly string[] = KINDS.map(([, name]) => name);

/** `count` hostile stanzas for `target`, the same ones for the same seed; `kinds` counts what was made. */
export function* hostileStanzas(
  seed: number,
  count: number,
  target: GeneratorTarget,
  kinds: Record<string, number> = {},
): Generator<string> {
  const random = seededRandom(seed);
  for (let n = 0; n < count; n++) {
    let roll = random() * TOTAL_WEIGHT;
    let chosen = KINDS[KINDS.length - 1]!;
    for (const kind of KINDS) {
      roll -= kind[0];
      if (roll < 0) {
        chosen = kind;
        break;
      }
    }
    kinds[chosen[1]] = (kinds[chosen[1]] ?? 0) + 1;
    yield chosen[2](random, target, n);
  }
}
