// A raw XEP-0114 external component for hostile-input tests: it connects to a harness server's component port
// (Prosody's component_ports or ejabberd's ejabberd_service; presenceComponentConfig in roster-seed.ts
// writes either), authenticates with the handshake, and then sends whatever the test writes from any JID at
// its domain, as a flood of strangers would. What the server routes back to it is parsed and counted.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { Parser, type Element } from '@xmpp/xml';

export interface ComponentOptions {
  host: string;
  port: number;
  /** The component's domain, as configured on the server (e.g. 'rogue.parley.test'). */
  domain: string;
  secret: string;
  /** How many received stanzas are kept (oldest dropped first). Default 1,000. */
  keep?: number;
  timeoutMs?: number;
}

export interface ComponentClient {
  readonly domain: string;
  /** Stanzas the server routed to the component, newest last, at most `keep`. */
  readonly received: readonly Element[];
  /** Every stanza received, by element name (message, presence, iq). */
  readonly counts: Readonly<Record<string, number>>;
  /** Writes XML as is; false when the socket's buffer is full (await flushed()). */
  send(xml: string): boolean;
  /** Writes many stanzas, `chunk` per write, waiting whenever the socket's buffer is full. */
  sendAll(stanzas: Iterable<string>, chunk?: number): Promise<void>;
  flushed(): Promise<void>;
  /** The first stanza (received already or later) matching `pred`. */
  waitFor(pred: (stanza: Element) => boolean, timeoutMs?: number): Promise<Element>;
  close(): Promise<void>;
}

const NS_COMPONENT = 'jabber:component:accept';
const NS_STREAMS = 'http://etherx.jabber.org/streams';

/** @xmpp/xml's Parser as used here (the shared declaration only names write()). */
interface StreamParser {
  write(data: string): void;
  on(event: 'start' | 'element', listener: (element: Element) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

/** Connects and completes the handshake, or rejects with the server's reason. */
export async function connectComponent(options: ComponentOptions): Promise<ComponentClient> {
  const { domain, secret, keep = 1_000, timeoutMs = 10_000 } = options;
  const socket = net.connect({ host: options.host, port: options.port });
  socket.setNoDelay(true);
  const received: Element[] = [];
  const counts: Record<string, number> = {};
  const waiters = new Set<{ pred: (s: Element) => boolean; resolve: (s: Element) => void }>();
  const parser = new Parser() as unknown as StreamParser;
  const decoder = new StringDecoder('utf8');

  let handshake: { resolve: () => void; reject: (error: Error) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (handshake = { resolve, reject }));
  const fail = (error: Error) => handshake?.reject(error);
  const timer = setTimeout(() => fail(new Error(`no component handshake within ${timeoutMs} ms`)), timeoutMs);

  parser.on('start', (header) => {
    const id = header.attrs.id ?? '';
    const digest = createHash('sha1')
      .update(id + secret)
      .digest('hex');
    socket.write(`<handshake>${digest}</handshake>`);
  });
  parser.on('element', (element) => {
    if (element.is('handshake')) {
      handshake?.resolve();
      return;
    }
    if (element.is('error', NS_STREAMS)) {
      const condition = element.getChildElements()[0]?.name ?? 'unknown';
      fail(new Error(`the server refused the component: ${condition}`));
      return;
    }
    counts[element.name] = (counts[element.name] ?? 0) + 1;
    received.push(element);
    if (received.length > keep) received.shift();
    for (const waiter of waiters) {
      if (waiter.pred(element)) {
        waiters.delete(waiter);
        waiter.resolve(element);
      }
    }
  });
  parser.on('error', (error) => fail(error));
  socket.on('data', (data: Buffer) => parser.write(decoder.write(data)));
  socket.on('error', (error) => fail(error));
  socket.on('close', () => fail(new Error('the server closed the component connection')));
  await once(socket, 'connect');
  socket.write(
    `<?xml version='1.0'?><stream:stream xmlns='${NS_COMPONENT}' ` +
      `xmlns:stream='http://etherx.jabber.org/streams' to='${domain}'>`,
  );
  try {
    await ready;
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
    handshake = null;
  }

  const flushed = async (): Promise<void> => {
    if (socket.writableNeedDrain && !socket.destroyed) {
      await Promise.race([once(socket, 'drain'), once(socket, 'close')]).catch(() => undefined);
    }
  };
  return {
    domain,
    received,
    counts,
    send: (xml) => !socket.destroyed && socket.write(xml),
    flushed,
    async sendAll(stanzas, chunk = 200) {
      let batch: string[] = [];
      for (const stanza of stanzas) {
        batch.push(stanza);
        if (batch.length < chunk) continue;
        if (!socket.write(batch.join(''))) await flushed();
        batch = [];
      }
      if (batch.length > 0) socket.write(batch.join(''));
      await flushed();
    },
    waitFor(pred, waitMs = 10_000) {
      const earlier = received.find(pred);
      if (earlier) return Promise.resolve(earlier);
      return new Promise((resolve, reject) => {
        const waiter = {
          pred,
          resolve: (stanza: Element) => {
            clearTimeout(waitTimer);
            resolve(stanza);
          },
        };
        const waitTimer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`component ${domain}: nothing matching within ${waitMs} ms`));
        }, waitMs);
        waiters.add(waiter);
      });
    },
    async close() {
      if (socket.destroyed) return;
      socket.end('</stream:stream>');
      await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, 1_000))]);
      socket.destroy();
    },
  };
}
