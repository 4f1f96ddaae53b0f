// Test kit: a small XMPP server on loopback for what a real server will not do on purpose around SASL. It
// speaks STARTTLS with a throwaway certificate, advertises whatever mechanisms and XEP-0440 channel-binding
// types a test asks for, runs the server side of SCRAM (its own code, from RFC 5802 and RFC 5929/9266, not
// the client's) and PLAIN, can lie (a wrong server signature, a XEP-0474 hash over other lists), then binds
// a resource. It records every <auth/> it got, so a test can see the GS2 flag and that no password leaked.
import { createHash, createHmac, pbkdf2Sync, randomBytes, X509Certificate } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { Parser, xml, type Element } from '@xmpp/xml';

/** @xmpp/xml's Parser is an EventEmitter ('start', 'element', 'error'); the shared typings leave that out. */
const newParser = () => new Parser() as Parser & EventEmitter;

export interface SaslTestServerOptions {
  domain: string;
  certPem: string;
  keyPem: string;
  /** Highest TLS version offered (default TLS 1.3). */
  maxVersion?: tls.SecureVersion;
  /** The one account: alice@domain with this password. */
  password: string;
  mechanisms: string[];
  /** XEP-0440 types advertised; null (default) sends no <sasl-channel-binding/>. */
  channelBindings?: string[] | null;
  /** XEP-0474 'h=' over these lists (the server's real ones); null (default) sends none. */
  downgradeHashOver?: { mechanisms: string[]; channelBindings: string[] | null } | null;
  /** Answer a correct proof with a server signature that is not the right one. */
  wrongServerSignature?: boolean;
}

export interface ReceivedAuth {
  mechanism: string;
  /** The decoded initial response (for SCRAM: GS2 header + client-first-message-bare). */
  initial: string;
  /** The decoded client-final message, once sent. */
  final: string | null;
}

export interface SaslTestServer {
  port: number;
  auths: ReceivedAuth[];
  /** Every byte received before TLS and after it, decrypted, as text. */
  received(): string;
  close(): void;
}

const HASH_OF: Record<string, 'sha1' | 'sha256' | 'sha512'> = {
  '1': 'sha1',
  '256': 'sha256',
  '512': 'sha512',
};

function header(domain: string): string {
  return (
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
    `id='${randomBytes(6).toString('hex')}' from='${domain}' version='1.0'>`
  );
}

/** The server's own view of each channel binding (RFC 5929 §3.1, §4.1; RFC 9266 §2). */
function serverBindingData(socket: tls.TLSSocket, type: string, certPem: string): Buffer | null {
  if (type === 'tls-unique')
    return socket.getProtocol() === 'TLSv1.3' ? null : (socket.getPeerFinished() ?? null);
  if (type === 'tls-exporter')
    return socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  if (type === 'tls-server-end-point') {
    return createHash('sha256').update(new X509Certificate(certPem).raw).digest(); // the kit's certs: ECDSA-SHA256
  }
  return null;
}

function ssdpHash(hash: string, lists: { mechanisms: string[]; channelBindings: string[] | null }): string {
  let text = [...lists.mechanisms].sort().join('\x1e');
  if (lists.channelBindings) text += `\x1f${[...lists.channelBindings].sort().join('\x1e')}`;
  return createHash(hash).update(text).digest('base64');
}

export async function startSaslTestServer(options: SaslTestServerOptions): Promise<SaslTestServer> {
  const auths: ReceivedAuth[] = [];
  let received = '';
  const sockets = new Set<net.Socket>();
  const secureContext = tls.createSecureContext({
    cert: options.certPem,
    key: options.keyPem,
    maxVersion: options.maxVersion ?? 'TLSv1.3',
  });

  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('error', () => undefined);
    let out: net.Socket | tls.TLSSocket = raw;
    let secured: tls.TLSSocket | null = null;
    let authenticated = false;
    let restartPending = false;
    let scram: ((element: Element) => void) | null = null;
    const send = (data: string | Element) => {
      if (out.writable) out.write(data.toString());
    };
    const fail = (condition = 'not-authorized') =>
      send(xml('failure', { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' }, xml(condition)));

    const features = (): Element => {
      if (!secured) {
        return xml(
          'stream:features',
          {},
          xml('starttls', { xmlns: 'urn:ietf:params:xml:ns:xmpp-tls' }, xml('required')),
        );
      }
      if (authenticated)
        return xml('stream:features', {}, xml('bind', { xmlns: 'urn:ietf:params:xml:ns:xmpp-bind' }));
      const children = [
        xml(
          'mechanisms',
          { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' },
          ...options.mechanisms.map((m) => xml('mechanism', {}, m)),
        ),
      ];
      if (options.channelBindings) {
        children.push(
          xml(
            'sasl-channel-binding',
            { xmlns: 'urn:xmpp:sasl-cb:0' },
            ...options.channelBindings.map((type) => xml('channel-binding', { type })),
          ),
        );
      }
      return xml('stream:features', {}, ...children);
    };

    const startScram = (mechanism: string, initial: string, record: ReceivedAuth): void => {
      const [, bits, plus] = /^SCRAM-SHA-(1|256|512)(-PLUS)?$/.exec(mechanism) ?? [];
      const hash = HASH_OF[bits ?? ''];
      const gs2 = /^(n|y|p=([A-Za-z0-9.-]+)),,/.exec(initial);
      if (!hash || !gs2 || !secured) return fail('malformed-request');
      const [gs2Header, flag, cbType] = [gs2[0], gs2[1], gs2[2]];
      const offersPlus = options.mechanisms.some((m) => m.endsWith('-PLUS'));
      // RFC 5802 §6: -PLUS needs 'p'; 'y' while we offered -PLUS means someone removed them on the way.
      if ((plus && !cbType) || (!plus && cbType) || (flag === 'y' && offersPlus)) return fail();
      let cbData: Buffer = Buffer.alloc(0);
      if (cbType) {
        const data = serverBindingData(secured, cbType, options.certPem);
        if (!data) return fail('malformed-request');
        cbData = data;
      }
      const bare = initial.slice(gs2Header.length);
      const clientNonce = /(?:^|,)r=([^,]+)/.exec(bare)?.[1];
      if (!/^n=alice,/.test(bare) || !clientNonce) return fail();
      const salt = randomBytes(16);
      const salted = pbkdf2Sync(options.password, salt, 4096, createHash(hash).digest().length, hash);
      const nonce = clientNonce + randomBytes(12).toString('base64');
      let serverFirst = `r=${nonce},s=${salt.toString('base64')},i=4096`;
      if (options.downgradeHashOver) serverFirst += `,h=${ssdpHash(hash, options.downgradeHashOver)}`;
      send(
        xml(
          'challenge',
          { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' },
          Buffer.from(serverFirst).toString('base64'),
        ),
      );
      scram = (response) => {
        scram = null;
        const final = Buffer.from(response.text(), 'base64').toString('utf8');
        record.final = final;
        const match = /^(c=([^,]*),r=([^,]*)),p=(.+)$/.exec(final);
        const expectedC = Buffer.concat([Buffer.from(gs2Header), cbData]).toString('base64');
        if (!match || match[2] !== expectedC || match[3] !== nonce) return fail();
        const authMessage = `${bare},${serverFirst},${match[1]}`;
        const clientKey = createHmac(hash, salted).update('Client Key').digest();
        const storedKey = createHash(hash).update(clientKey).digest();
        const signature = createHmac(hash, storedKey).update(authMessage).digest();
        const proof = Buffer.from(match[4] ?? '', 'base64');
        const recovered = Buffer.from(proof.map((b, i) => b ^ (signature[i] ?? 0)));
        if (!createHash(hash).update(recovered).digest().equals(storedKey)) return fail();
        const serverKey = createHmac(hash, salted).update('Server Key').digest();
        const verifier = createHmac(hash, serverKey)
          .update(options.wrongServerSignature ? `${authMessage}!` : authMessage)
          .digest('base64');
        authenticated = restartPending = true;
        send(
          xml(
            'success',
            { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' },
            Buffer.from(`v=${verifier}`).toString('base64'),
          ),
        );
      };
    };

    const onElement = (element: Element): void => {
      if (element.is('starttls') && !secured) {
        send(xml('proceed', { xmlns: 'urn:ietf:params:xml:ns:xmpp-tls' }));
        raw.removeAllListeners('data');
        secured = new tls.TLSSocket(raw, { isServer: true, secureContext });
        secured.on('error', () => undefined);
        out = secured;
        listen(secured);
      } else if (element.is('auth')) {
        const mechanism = String(element.attrs.mechanism);
        const initial = Buffer.from(element.text(), 'base64').toString('utf8');
        const record: ReceivedAuth = { mechanism, initial, final: null };
        auths.push(record);
        if (!options.mechanisms.includes(mechanism)) return fail('invalid-mechanism');
        if (mechanism === 'PLAIN') {
          if (initial !== `\0alice\0${options.password}`) return fail();
          authenticated = restartPending = true;
          return send(xml('success', { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' }));
        }
        startScram(mechanism, initial, record);
      } else if (element.is('response') && scram) {
        scram(element);
      } else if (element.is('iq')) {
        const bind = element.getChild('bind', 'urn:ietf:params:xml:ns:xmpp-bind');
        const id = element.attrs.id as string;
        if (bind && authenticated) {
          const resource = bind.getChildText('resource') ?? 'rogue';
          send(
            xml(
              'iq',
              { type: 'result', id },
              xml(
                'bind',
                { xmlns: 'urn:ietf:params:xml:ns:xmpp-bind' },
                xml('jid', {}, `alice@${options.domain}/${resource}`),
              ),
            ),
          );
        } else {
          send(
            xml(
              'iq',
              { type: 'error', id },
              xml(
                'error',
                { type: 'cancel' },
                xml('service-unavailable', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }),
              ),
            ),
          );
        }
      }
    };

    /** One parser per stream: a new one after STARTTLS and after SASL, each stream header answered. */
    const listen = (socket: net.Socket | tls.TLSSocket): void => {
      let parser = newParser();
      const attach = () => {
        parser.on('start', () => {
          send(header(options.domain) + features().toString());
        });
        parser.on('element', onElement);
        parser.on('error', () => socket.destroy());
        parser.on('end', () => {
          send('</stream:stream>');
          socket.end();
        });
      };
      attach();
      socket.on('data', (data: Buffer) => {
        const text = data.toString('utf8');
        received += text;
        // The stream restart after SASL success starts a new document.
        if (restartPending && text.includes('<stream:stream')) {
          restartPending = false;
          parser = newParser();
          attach();
        }
        parser.write(text);
      });
    };
    listen(raw);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    auths,
    received: () => received,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
