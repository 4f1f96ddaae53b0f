import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLinks, isAllowedExternalUrl } from './links.ts';

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
