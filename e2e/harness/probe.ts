// Readiness probes that prove *our* server answers on a port (not merely that something listens):
// they open an XMPP stream, and over TLS they report the certificate presented.
import net from 'node:net';
import tls from 'node:tls';

export interface ProbeResult {
  /** Raw <stream:features> as received (after TLS, for both kinds of port). */
  features: string;
  /** fingerprint256 of the certificate the server presented. */
  fingerprint256: string;
}

function streamHeader(domain: string): string {
  return (
    `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' ` +
    `xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`
  );
}

/** Reads from the socket until `pattern` appears in the accumulated text. */
function readUntil(socket: net.Socket, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (pattern.test(text)) {
        cleanup();
        resolve(text);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error(`connection closed before ${String(pattern)}; got: ${text.slice(0, 300)}`));
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

function connectTcp(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function upgrade(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // Verification is off on purpose: the probe only wants to know which certificate is presented.
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function withTimeout<T>(
  work: (track: (s: net.Socket) => void) => Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const sockets: net.Socket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work((s) => sockets.push(s)), timeout]);
  } finally {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
  }
}

const featuresEnd = /<\/stream:features>|<stream:features[^>]*\/>/;

/** STARTTLS port: stream header, <starttls/>, TLS, stream header again; returns the post-TLS features. */
export function probeStartTls(
  host: string,
  port: number,
  domain: string,
  timeoutMs = 3000,
): Promise<ProbeResult> {
  return withTimeout(
    async (track) => {
      const tcp = await connectTcp(host, port);
      track(tcp);
      tcp.write(streamHeader(domain));
      const plainFeatures = await readUntil(tcp, featuresEnd);
      if (!plainFeatures.includes('urn:ietf:params:xml:ns:xmpp-tls')) {
        throw new Error(`port ${port} offers no STARTTLS: ${plainFeatures.slice(0, 300)}`);
      }
      tcp.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
      await readUntil(tcp, /<proceed/);
      const secure = await upgrade({ socket: tcp, servername: domain });
      track(secure);
      return finishOverTls(secure, domain);
    },
    timeoutMs,
    `STARTTLS probe of ${host}:${port}`,
  );
}

/** Direct TLS port (XEP-0368): TLS handshake first, then the stream. */
export function probeDirectTls(
  host: string,
  port: number,
  domain: string,
  timeoutMs = 3000,
): Promise<ProbeResult> {
  return withTimeout(
    async (track) => {
      const secure = await upgrade({ host, port, servername: domain, ALPNProtocols: ['xmpp-client'] });
      track(secure);
      return finishOverTls(secure, domain);
    },
    timeoutMs,
    `direct TLS probe of ${host}:${port}`,
  );
}

async function finishOverTls(secure: tls.TLSSocket, domain: string): Promise<ProbeResult> {
  const fingerprint256 = secure.getPeerX509Certificate()?.fingerprint256 ?? '';
  secure.write(streamHeader(domain));
  const text = await readUntil(secure, featuresEnd);
  const start = text.indexOf('<stream:features');
  secure.write('</stream:stream>');
  return { features: start >= 0 ? text.slice(start) : text, fingerprint256 };
}
