import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLinks, isAllowedExternalUrl, MAX_LINKS } from './links.ts';

test('only http, https, mailto and xmpp URLs may be opened', () => {
  for (const ok of [
    'https://example.com/a?b=c',
    'http://example.com',
    'mailto:juliet@example.com',
    'xmpp:romeo@example.net?message',
  ]) {
    assert.equal(isAllowedExternalUrl(ok), true, ok);
  }
  for (const bad of [
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<b>x</b>',
    'ftp://example.com',
    'vbscript:x',
    'not a url',
    'https://user:pw@example.com/',
    'https://',
    'chrome://settings',
  ]) {
    assert.equal(isAllowedExternalUrl(bad), false, bad);
  }
});

test('findLinks returns offsets of the links in text, without trailing punctuation', () => {
  const text =
    'See https://example.com/x, or www.example.org. Mail mailto:a@b.c! (https://en.wikipedia.org/wiki/Foo_(bar))';
  const links = findLinks(text);
  assert.deepEqual(
    links.map((l) => [text.slice(l.start, l.end), l.url]),
    [
      ['https://example.com/x', 'https://example.com/x'],
      ['www.example.org', 'https://www.example.org'],
      ['mailto:a@b.c', 'mailto:a@b.c'],
      ['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ],
  );
});

test('findLinks ignores schemes that are not allowed and plain text', () => {
  assert.deepEqual(findLinks('javascript:alert(1) and file:///etc/passwd and nothing else'), []);
  assert.deepEqual(findLinks(''), []);
});

test('hostile bodies cost linear time: punctuation runs with something after them, and link floods', () => {
  // The trailing-punctuation regex was quadratic here: 100,000 dots and a letter took about 9 s.
  const dots = 'see http://a.example/' + '.'.repeat(200_000) + 'x and more';
  let started = performance.now();
  assert.deepEqual(findLinks(dots), [], 'one 200,000-character candidate: too long to be a link');
  const closing = 'http://a.example/(' + ')'.repeat(200_000) + 'y';
  assert.deepEqual(findLinks(closing), []);
  // A generous bound (linear work here is a few ms): it only catches a return of the quadratic pass.
  assert.ok(performance.now() - started < 1_000, `${(performance.now() - started).toFixed(0)} ms`);

  const flood = 'https://e.example/a '.repeat(5_000);
  started = performance.now();
  const links = findLinks(flood);
  assert.equal(links.length, MAX_LINKS, 'links past the cap stay text');
  assert.deepEqual(links.at(-1), {
    start: (MAX_LINKS - 1) * 20,
    end: (MAX_LINKS - 1) * 20 + 19,
    url: 'https://e.example/a',
  });
});

test('trailing punctuation: every kind trimmed, a balancing parenthesis kept, an unbalanced one trimmed', () => {
  const cases: Array<[string, string]> = [
    ['https://e.example/p?!.,;:\'")]}>', 'https://e.example/p'],
    ['(https://e.example/a_(b))', 'https://e.example/a_(b)'],
    ['(https://e.example/a)', 'https://e.example/a'],
    ['https://e.example/a)).', 'https://e.example/a'],
  ];
  for (const [text, url] of cases)
    assert.deepEqual(
      findLinks(text).map((l) => l.url),
      [url],
      text,
    );
});
