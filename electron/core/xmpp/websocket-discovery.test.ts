// XEP-0156 discovery against small HTTPS servers on loopback that serve good and hostile host-meta
// documents: XML (XRD) and JSON, a ws:// link only, a document too large (announced or not), one that never
// finishes, HTML or JSON where XML belongs, a DTD, a redirect, and a certificate that is not trusted (nothing
// is asked of it) until pinned. The engine-level path (sign-in without a URL) is in websocket.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { selfSigned, type IssuedCertificate } from '../../../e2e/harness/certs.ts';
import { EngineError } from '../errors.ts';
import type { TrustPolicy } from './tls-adapter.ts';
import { discoverWebSocket, HOST_META_LIMITS } from './websocket-discovery.ts';

const DOMAIN = 'parley.test';
const WSS = 'wss://xmpp.parley.test/xmpp-websocket';
const XRD = (...links: Array<[string, string]>) =>
  `<?xml version='1.0' encoding='utf-8'?>\n<!-- host-meta -->\n<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n` +
  links.map(([rel, href]) => `  <Link rel='${rel}' href='${href}'/>\n`).join('') +
  '</XRD>\n';
const WEBSOCKET = 'urn:xmpp:alt-connections:websocket';

let cert: IssuedCertificate;
let dir: string;
const servers: https.Server[] = [];

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-hostmeta-'));
  cert = await selfSigned(dir, 'hostmeta', DOMAIN);
});
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await rm(dir, { recursive: true, force: true });
});

type Route = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** An HTTPS server with the test certificate; `routes` by path, 404 elsewhere; the requests it got. */
async function hostMetaServer(routes: Record<string, Route>): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (request, response) => {
    requests.push(`${request.headers.host} ${request.url}`);
    const route = routes[request.url ?? ''];
    if (route) route(request, response);
    else response.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, requests };
}

const send =
  (body: string, type = 'application/xrd+xml'): Route =>
  (_request, response) =>
    response.writeHead(200, { 'content-type': type }).end(body);

const trusting = (pin: string | null = null): TrustPolicy => ({
  servername: DOMAIN,
  pinnedFingerprint256: pin,
  extraCertificates: pin ? [] : [cert.certPem],
});

async function discover(port: number, trust = trusting(), timeoutMs?: number): Promise<string> {
  return discoverWebSocket(DOMAIN, { trust, at: { host: '127.0.0.1', port }, timeoutMs });
}

async function refusal(work: Promise<unknown>): Promise<EngineError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof EngineError, String(error));
    return error;
  }
  assert.fail('discovery should have failed');
}

test('host-meta XML: the first wss:// websocket link, past other relations and ws:// links', async () => {
  const server = await hostMetaServer({
    '/.well-known/host-meta': send(
      XRD(
        ['urn:xmpp:alt-connections:xbosh', 'https://parley.test/http-bind'],
        [WEBSOCKET, 'ws://parley.test/plain'],
        [WEBSOCKET, 'not a url'],
        [WEBSOCKET, WSS],
        [WEBSOCKET, 'wss://second.parley.test/ws'],
      ),
    ),
  });
  assert.equal(await discover(server.port), WSS);
  assert.deepEqual(server.requests, [`${DOMAIN} /.well-known/host-meta`], 'asked the domain, once');
});

test('host-meta.json when there is no XML document', async () => {
  const server = await hostMetaServer({
    '/.well-known/host-meta.json': send(
      JSON.stringify({
        links: [
          { rel: 'other', href: 'x' },
          { rel: WEBSOCKET, href: WSS },
        ],
      }),
      'application/json',
    ),
  });
  assert.equal(await discover(server.port), WSS);
  assert.equal(server.requests.length, 2);
});

test('only a ws:// link: refused as unencrypted, not used', async () => {
  const server = await hostMetaServer({
    '/.well-known/host-meta': send(XRD([WEBSOCKET, 'ws://parley.test/xmpp-websocket'])),
  });
  const error = await refusal(discover(server.port));
  assert.equal(error.code, 'insecure-refused');
  assert.match(error.message, /only unencrypted \(ws:\/\/\)/);
});

test('documents larger than 64 KiB are refused, announced or not, without reading them to the end', async () => {
  const huge = XRD([WEBSOCKET, WSS]).replace('<XRD', `<!-- ${'x'.repeat(HOST_META_LIMITS.maxBytes)} --><XRD`);
  let written = 0;
  const server = await hostMetaServer({
    '/.well-known/host-meta': send(huge),
    // No Content-Length: 1 MiB in pieces; we must stop after 64 KiB.
    '/.well-known/host-meta.json': (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const piece = 'x'.repeat(16 * 1024);
      const more = () => {
        while (written < 1024 * 1024 && response.write(piece)) written += piece.length;
        if (written < 1024 * 1024) response.once('drain', more);
        else response.end();
      };
      response.on('close', () => (written = Math.min(written, 1024 * 1024)));
      more();
    },
  });
  const error = await refusal(discover(server.port));
  assert.equal(error.code, 'not-supported');
  assert.equal(error.condition, 'host-meta-too-large');
  assert.match(error.message, /https:\/\/parley\.test\/\.well-known\/host-meta is larger than 64 KiB/);
  assert.ok(written < 1024 * 1024, 'the streamed one was cut off');
});

test('a server that never finishes its document: timed out within the budget (5 s by default)', async () => {
  assert.equal(HOST_META_LIMITS.timeoutMs, 5_000);
  const server = await hostMetaServer({
    '/.well-known/host-meta': (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xrd+xml' });
      response.write("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"); // and nothing more, ever
    },
  });
  const started = Date.now();
  const error = await refusal(discover(server.port, trusting(), 400));
  assert.equal(error.code, 'timeout');
  assert.match(error.message, /did not send its host-meta within 0.4 s/);
  assert.ok(Date.now() - started < 2_000);
});

test('not an XRD document: HTML, JSON where XML belongs, a DTD, broken XML; the JSON one when that is broken too', async () => {
  for (const [body, why] of [
    ['<!DOCTYPE html><html><body>Not here</body></html>', /document type declaration/],
    ['<html><body>Not here</body></html>', /its root is <html>/],
    [JSON.stringify({ links: [{ rel: WEBSOCKET, href: WSS }] }), /not a complete XML document/],
    ["<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel='x'></XRD>", /not well-formed XML/],
    [
      "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link href='&bogus;'/></XRD>",
      /not well-formed/,
    ],
    ["<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link", /not a complete XML document/],
  ] as const) {
    const server = await hostMetaServer({ '/.well-known/host-meta': send(body) });
    const error = await refusal(discover(server.port));
    assert.equal(error.code, 'not-supported', body);
    assert.equal(error.condition, 'host-meta-invalid');
    assert.match(error.message, /is not a host-meta XRD document/);
    assert.match(error.message, why, body);
  }
  const jsonToo = await hostMetaServer({
    '/.well-known/host-meta.json': send('{"links": [', 'application/json'),
  });
  const error = await refusal(discover(jsonToo.port));
  assert.match(error.message, /host-meta\.json is not JSON/);
});

test('a redirect is not followed; no document at all says so', async () => {
  const server = await hostMetaServer({
    '/.well-known/host-meta': (_request, response) =>
      response.writeHead(301, { location: 'https://elsewhere.example/.well-known/host-meta' }).end(),
  });
  const error = await refusal(discover(server.port));
  assert.equal(error.condition, 'host-meta-missing');
  assert.match(error.message, /answered HTTP 301 \(a redirect, not followed\)/);
  const nothing = await hostMetaServer({});
  assert.match((await refusal(discover(nothing.port))).message, /answered HTTP 404/);
});

test('an untrusted certificate: tls-untrusted with its details and no request sent; pinned, it is read', async () => {
  const server = await hostMetaServer({ '/.well-known/host-meta': send(XRD([WEBSOCKET, WSS])) });
  const error = await refusal(
    discover(server.port, { servername: DOMAIN, pinnedFingerprint256: null, extraCertificates: [] }),
  );
  assert.equal(error.code, 'tls-untrusted');
  assert.equal(error.certificate?.fingerprint256, cert.fingerprint256);
  assert.deepEqual(server.requests, [], 'nothing was asked of a server we did not accept');
  assert.equal(await discover(server.port, trusting(cert.fingerprint256)), WSS);
  // A trusted certificate for another name is refused too: the identity checked is the account's domain.
  const other = await selfSigned(dir, 'other', 'other.test');
  const misnamed = https.createServer(
    { cert: other.certPem, key: other.keyPem },
    send(XRD([WEBSOCKET, WSS])),
  );
  servers.push(misnamed);
  await new Promise<void>((resolve) => misnamed.listen(0, '127.0.0.1', resolve));
  const wrongName = await refusal(
    discoverWebSocket(DOMAIN, {
      trust: { servername: DOMAIN, pinnedFingerprint256: null, extraCertificates: [other.certPem] },
      at: { host: '127.0.0.1', port: (misnamed.address() as AddressInfo).port },
    }),
  );
  assert.equal(wrongName.code, 'tls-untrusted');
  assert.match(wrongName.message, /not valid for parley\.test|ERR_TLS_CERT_ALTNAME_INVALID/);
});
