// The stream markup check: well-formed streams pass however the socket splits them; what ltx would read
// leniently (and stall on) or silently swallow is found where it starts, in the read where it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarkupScanner, type MarkupProblem } from './markup-scanner.ts';

const WELL_FORMED =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream=\"http://etherx.jabber.org/streams\"" +
  " id='a1' version='1.0'>\n<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
  '<mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>' +
  "<message to='a@b' type = 'chat' ><body>1 > 0 &amp; a=b 'quoted' \"too\"</body><x a='&lt;&gt;' /></message >" +
  '<message><body><![CDATA[<not> a ]] tag ]]]></body></message>';

/** Feeds `chunks` in order; the index of the chunk with the first problem and that problem, or null. */
function scanAll(chunks: string[]): [number, MarkupProblem] | null {
  const scanner = new MarkupScanner();
  for (const [index, chunk] of chunks.entries()) {
    const problem = scanner.scan(chunk);
    if (problem) return [index, problem];
  }
  return null;
}

test('a well-formed stream passes whole, one character per read, and split at every point', () => {
  assert.equal(scanAll([WELL_FORMED]), null);
  assert.equal(scanAll([...WELL_FORMED]), null);
  for (let cut = 1; cut < WELL_FORMED.length; cut++) {
    assert.equal(scanAll([WELL_FORMED.slice(0, cut), WELL_FORMED.slice(cut)]), null, `cut at ${cut}`);
  }
});

const HEADER = "<stream:stream xmlns='jabber:client' version='1.0'>";

const MALFORMED: Array<[string, string]> = [
  ['an attribute without a value', "<x foo><y a='1'/></x>"],
  ['an attribute name ending the tag', '<x foo/>'],
  ['a value without quotes', '<x a=b>'],
  ['a missing value', '<x a=>'],
  ["'<' inside an attribute value", "<x a='<y>'/>"],
  ['attributes not separated by white space', "<x a='1'b='2'/>"],
  ["'<' inside a tag", '<x <y/>'],
  ['an empty tag name', '< x/>'],
  ['an empty end tag', '</>'],
  ["'/' not followed by '>'", '<x / >'],
  ['two names in an end tag', '</x y>'],
];

for (const [what, stanza] of MALFORMED) {
  test(`${what} is malformed, found where its tag starts`, () => {
    const text = `${HEADER}<iq/>${stanza}`;
    assert.deepEqual(scanAll([text]), [0, { at: HEADER.length + '<iq/>'.length, kind: 'malformed' }]);
    // Split right after the bad tag's '<': the next read holds the rest, and the problem is at its start.
    const cut = HEADER.length + '<iq/>'.length + 1;
    assert.deepEqual(scanAll([text.slice(0, cut), text.slice(cut)]), [1, { at: 0, kind: 'malformed' }]);
  });
}

const RESTRICTED: Array<[string, string]> = [
  ['a comment', '<!-- hidden -->'],
  ['a DTD', '<!DOCTYPE x [<!ENTITY a "aaaa">]>'],
  ['a processing instruction after the first element', '<?evil?>'],
  ['a CDATA opening that is not one', '<![CDATX[x]]>'],
];

for (const [what, markup] of RESTRICTED) {
  test(`${what} is restricted XML`, () => {
    assert.deepEqual(scanAll([`${HEADER}${markup}`]), [0, { at: HEADER.length, kind: 'restricted' }]);
  });
}

test('the XML declaration before the first element is allowed, not after it', () => {
  assert.equal(scanAll([`<?xml version='1.0'?>${HEADER}`]), null);
  assert.deepEqual(scanAll([HEADER, "<?xml version='1.0'?>"]), [1, { at: 0, kind: 'restricted' }]);
});
