// Mechanism and channel-binding choice, on real TLS 1.2 and 1.3 connections on loopback: -PLUS whenever the
// server offers it and a binding type both sides can compute exists; the GS2 flag otherwise; PLAIN only when
// no SCRAM is offered, over TLS, and on a pinned link only when the user allowed it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSasl, type SaslLink, type SaslPlan } from './choose.ts';
import { tlsChannelOf } from './channel-binding.ts';
import { makeCertificate, tlsPair, type TlsPair } from './tls-test-kit.ts';

const DOMAIN = 'choose.parley.test';
let tls13: TlsPair;
let tls12: TlsPair;
before(async () => {
  const cert = makeCertificate(DOMAIN);
  [tls13, tls12] = await Promise.all([tlsPair(DOMAIN, cert, 'TLSv1.3'), tlsPair(DOMAIN, cert, 'TLSv1.2')]);
});
after(() => {
  tls13?.close();
  tls12?.close();
});

const link = (pair: TlsPair | null, extra: Partial<SaslLink> = {}): SaslLink => ({
  tls: pair ? tlsChannelOf(pair.client) : null,
  pinned: false,
  plainAllowedWhenPinned: false,
  ...extra,
});

/** A plan in short: 'MECH p=type' / 'MECH y' / 'MECH n' (+ ' proof' when XEP-0474 must vouch), 'PLAIN', 'refused: why'. */
function summary(plan: SaslPlan): string {
  if (plan.kind === 'plain') return 'PLAIN';
  if (plan.kind === 'refused') return `refused: ${plan.reason}`;
  const flag = plan.binding.flag === 'p' ? `p=${plan.binding.type}` : plan.binding.flag;
  return `${plan.mechanism} ${flag}${plan.requireDowngradeProof ? ' proof' : ''}`;
}

const choose = (mechanisms: string[], channelBindings: string[] | null, on: SaslLink) =>
  summary(chooseSasl({ mechanisms, channelBindings }, on));

const PROSODY_TLS12 = ['SCRAM-SHA-1', 'SCRAM-SHA-1-PLUS'];
const EJABBERD_2301 = ['PLAIN', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1', 'X-OAUTH2'];

test('without a XEP-0440 list: tls-unique on TLS 1.2 (what Prosody 0.12 and ejabberd 23.01 compute)', () => {
  assert.equal(choose(PROSODY_TLS12, null, link(tls12)), 'SCRAM-SHA-1-PLUS p=tls-unique');
  assert.equal(choose(EJABBERD_2301, null, link(tls12)), 'SCRAM-SHA-1-PLUS p=tls-unique');
});

test('without a XEP-0440 list on TLS 1.3: no binding (ejabberd 23.01 would fail tls-exporter), flag n', () => {
  assert.equal(choose(EJABBERD_2301, null, link(tls13)), 'SCRAM-SHA-1 n');
});

test('with a XEP-0440 list: tls-exporter on TLS 1.3, then tls-server-end-point, tls-unique on TLS 1.2 last', () => {
  const all = ['tls-unique', 'tls-server-end-point', 'tls-exporter'];
  const mechs = ['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'];
  assert.equal(choose(mechs, all, link(tls13)), 'SCRAM-SHA-256-PLUS p=tls-exporter');
  assert.equal(
    choose(mechs, ['tls-server-end-point'], link(tls13)),
    'SCRAM-SHA-256-PLUS p=tls-server-end-point',
  );
  assert.equal(choose(mechs, all, link(tls12)), 'SCRAM-SHA-256-PLUS p=tls-server-end-point');
  assert.equal(choose(mechs, ['tls-unique'], link(tls12)), 'SCRAM-SHA-256-PLUS p=tls-unique');
  // Listed types this link cannot do: no binding, and as tls-server-end-point is missing (which XEP-0440
  // makes mandatory for servers) the list may have been trimmed: only XEP-0474 can vouch for it.
  assert.equal(choose(mechs, ['tls-unique'], link(tls13)), 'SCRAM-SHA-256 n proof');
  assert.equal(choose(mechs, ['tls-exporter', 'x-unknown'], link(tls12)), 'SCRAM-SHA-256 n proof');
});

test('-PLUS is preferred over a stronger hash without it; the strongest -PLUS hash wins', () => {
  const mechs = ['SCRAM-SHA-512', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1', 'SCRAM-SHA-256'];
  assert.equal(choose(mechs, null, link(tls12)), 'SCRAM-SHA-256-PLUS p=tls-unique');
  assert.equal(
    choose(['scram-sha-1-plus', 'scram-sha-1'], null, link(tls12)),
    'SCRAM-SHA-1-PLUS p=tls-unique',
  );
});

test('no -PLUS offered over TLS: flag y, so a server that supports binding sees the -PLUS were stripped', () => {
  assert.equal(choose(['SCRAM-SHA-1', 'SCRAM-SHA-256', 'PLAIN'], null, link(tls13)), 'SCRAM-SHA-256 y');
  assert.equal(choose(['SCRAM-SHA-1'], ['tls-exporter'], link(tls13)), 'SCRAM-SHA-1 y');
});

test('no TLS (the loopback-only insecure link): flag n, -PLUS ignored, PLAIN refused', () => {
  assert.equal(choose(['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1'], null, link(null)), 'SCRAM-SHA-1 n');
  assert.equal(choose(['SCRAM-SHA-1-PLUS'], null, link(null)), 'refused: nothing-usable');
  assert.equal(choose(['PLAIN'], null, link(null)), 'refused: plain-unencrypted');
});

test('PLAIN: only without SCRAM; on a pinned link only when the user allowed it', () => {
  assert.equal(choose(['PLAIN'], null, link(tls13)), 'PLAIN');
  assert.equal(choose(['PLAIN'], null, link(tls13, { pinned: true })), 'refused: plain-on-pinned-link');
  assert.equal(choose(['PLAIN'], null, link(tls13, { pinned: true, plainAllowedWhenPinned: true })), 'PLAIN');
  assert.equal(choose(['PLAIN', 'SCRAM-SHA-1'], null, link(tls13, { pinned: true })), 'SCRAM-SHA-1 y');
  // A -PLUS without a type both sides can do is no use, so PLAIN is what is left.
  assert.equal(choose(['SCRAM-SHA-1-PLUS', 'PLAIN'], ['tls-unique'], link(tls13)), 'PLAIN');
});

test('nothing usable', () => {
  assert.equal(choose([], null, link(tls13)), 'refused: nothing-usable');
  assert.equal(
    choose(['DIGEST-MD5', 'X-OAUTH2', 'ANONYMOUS', 'EXTERNAL'], null, link(tls13)),
    'refused: nothing-usable',
  );
});
