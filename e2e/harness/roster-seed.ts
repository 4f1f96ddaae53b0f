// Large rosters for benchmarks and load tests, without 10,000 roster pushes:
// - seedRoster writes a user's roster straight into Prosody's internal (file) storage while the user is
//   offline, in the exact form Prosody 0.12 writes it itself; on ejabberd it adds each contact with
//   mod_admin_extra's add_rosteritem over the harness's HTTP API (subscription states included);
// - startPresenceComponent connects an external component (XEP-0114) on loopback that speaks for every
//   JID at its domain, so thousands of contacts there can be "online" towards a user (Prosody's
//   component listener, or an ejabberd_service listener).
//
// Facts this relies on (checked against Prosody 0.12.3 by adding contacts with a real client, and in
// /usr/lib/prosody: core/rostermanager.lua, util/datamanager.lua, modules/mod_component.lua, core/portmanager.lua):
// - storage = "internal" keeps one Lua file per user and store: <data_path>/<host>/roster/<user>.dat,
//   where host and user are escaped as %xx (lowercase hex) for every non-alphanumeric byte
//   ("parley.test" -> "parley%2etest"). The file is `return { ... };`, one entry per contact keyed by bare
//   JID: { subscription = "both", name = "...", ask = "subscribe", groups = { ["Friends"] = true } },
//   plus the metadata entry [false] = { version = N, pending = {} }. `version` is what roster
//   versioning (XEP-0237) answers as `ver`; Prosody increments it on every change, so a seeded roster gets
//   the previous version + 1 (a client holding an older cache fetches the new roster in full).
// - Prosody reads the roster from storage when a user's first session starts and keeps it in memory while
//   any session is open: seed while the user is offline.
// - The component listener is the "component" network service: `component_ports` / `component_interfaces`
//   (global options); `component_secret` goes in the Component section. The handshake is the lowercase
//   hex SHA-1 of stream id + secret. Stanzas from the component must come from its domain.
// - On a user's initial presence Prosody probes every contact with subscription "to" or "both" (from
//   the user's full JID) and routes probes for the component's domain to the component; available
//   presence sent to the user's full or bare JID is delivered to their available resources.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Parser, type Element } from '@xmpp/xml';
import type { EjabberdServer } from './ejabberd.ts';
import type { ProsodyServer } from './prosody.ts';
import { freePort } from './server-launch.ts';
import type { ServerOptions, XmppServer } from './server.ts';

export interface SeedContact {
  jid: string;
  name?: string;
  groups?: string[];
  subscription: 'none' | 'to' | 'from' | 'both';
}

/** Prosody's datamanager path encoding: every byte outside [A-Za-z0-9] as %xx. */
export function prosodyPathEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9]/.test(c) ? c : `%${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

/** A Lua string literal: printable ASCII as is, everything else as 3-digit decimal byte escapes. */
export function luaString(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** The roster .dat file of `user` on the server's VirtualHost. */
export function rosterFile(server: ProsodyServer, user: string): string {
  const local = user.includes('@') ? user.slice(0, user.indexOf('@')) : user;
  return path.join(
    server.dir,
    'data',
    prosodyPathEncode(server.domain),
    'roster',
    `${prosodyPathEncode(local)}.dat`,
  );
}

/** The uid/gid Prosody runs as: the owner of its data dir (we only chown when running as root). */
async function prosodyOwner(server: ProsodyServer): Promise<{ uid: number; gid: number } | null> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const info = await stat(server.dir);
  return { uid: info.uid, gid: info.gid };
}

/**
 * Gives `user` (offline, and on ejabberd with an empty roster: the harness's fresh accounts) exactly
 * `contacts` as roster, on either server.
 */
export async function seedRoster(
  server: XmppServer,
  user: string,
  contacts: readonly SeedContact[],
): Promise<void> {
  if (server.kind === 'ejabberd') await seedEjabberdRoster(server as EjabberdServer, user, contacts);
  else await seedProsodyRoster(server as ProsodyServer, user, contacts);
}

/**
 * One add_rosteritem per contact (groups joined by ';', as 23.01's command takes them), ~2.5 ms each. One
 * at a time: Mnesia serialises writes to one roster, more in flight only add lock retries.
 */
async function seedEjabberdRoster(
  server: EjabberdServer,
  user: string,
  contacts: readonly SeedContact[],
): Promise<void> {
  const local = user.includes('@') ? user.slice(0, user.indexOf('@')) : user;
  const seen = new Set<string>();
  for (const contact of contacts) {
    if (seen.has(contact.jid)) throw new Error(`duplicate roster entry ${contact.jid}`);
    if (contact.groups?.some((g) => g.includes(';'))) throw new Error(`';' in a group of ${contact.jid}`);
    seen.add(contact.jid);
  }
  for (const contact of contacts) {
    const at = contact.jid.indexOf('@');
    await server.api('add_rosteritem', {
      localuser: local,
      localhost: server.domain,
      user: at < 0 ? '' : contact.jid.slice(0, at),
      host: contact.jid.slice(at + 1),
      nick: contact.name ?? '',
      group: [...new Set(contact.groups ?? [])].join(';'),
      subs: contact.subscription,
    });
  }
}

/**
 * Replaces `user`'s roster with `contacts` by writing Prosody's storage file directly. The user must be
 * offline (Prosody keeps an online user's roster in memory and would overwrite the file). Returns the
 * roster version written.
 */
export async function seedProsodyRoster(
  server: ProsodyServer,
  user: string,
  contacts: readonly SeedContact[],
): Promise<number> {
  const file = rosterFile(server, user);
  let version = 1;
  if (existsSync(file)) {
    const previous = /\["version"\]\s*=\s*(\d+)/.exec(await readFile(file, 'utf8'));
    if (previous) version = Number(previous[1]) + 1;
  }
  const parts: string[] = [
    'return {\n',
    `\t[false] = {\n\t\t["pending"] = {};\n\t\t["version"] = ${version};\n\t};\n`,
  ];
  const seen = new Set<string>();
  for (const contact of contacts) {
    if (seen.has(contact.jid)) throw new Error(`duplicate roster entry ${contact.jid}`);
    seen.add(contact.jid);
    let entry = `\t[${luaString(contact.jid)}] = {\n\t\t["subscription"] = ${luaString(contact.subscription)};\n`;
    if (contact.name) entry += `\t\t["name"] = ${luaString(contact.name)};\n`;
    entry += '\t\t["groups"] = {';
    const groups = [...new Set(contact.groups ?? [])];
    if (groups.length > 0)
      entry += `\n${groups.map((g) => `\t\t\t[${luaString(g)}] = true;\n`).join('')}\t\t`;
    entry += '};\n\t};\n';
    parts.push(entry);
  }
  parts.push('};\n');

  const owner = await prosodyOwner(server);
  // Create data/<host>/roster as Prosody would, owned by Prosody's user.
  const dirs = [path.join(server.dir, 'data'), path.dirname(path.dirname(file)), path.dirname(file)];
  for (const dir of dirs) {
    if (existsSync(dir)) continue;
    await mkdir(dir, { mode: 0o750 });
    if (owner) await chown(dir, owner.uid, owner.gid);
  }
  // Write and rename, so Prosody never reads a half-written roster.
  const temp = `${file}.seed-${process.pid}`;
  await writeFile(temp, parts.join(''), { mode: 0o640 });
  if (owner) await chown(temp, owner.uid, owner.gid);
  await rename(temp, file);
  return version;
}

// -----------------------------------------------------------------------------------------------------
// External component (XEP-0114)

export interface ComponentConfig {
  /** Lua for startProsody's extraConfig: listener options plus the Component section. */
  extraConfig: string;
  /** The same for startServer, whichever the kind: Prosody's Lua, or an ejabberd_service listener. */
  serverOptions: Pick<ServerOptions, 'prosody' | 'ejabberd'>;
  port: number;
}

/**
 * Config for a component listener on a free loopback port. Pass `extraConfig` to startProsody (the
 * Component section ends where the harness's VirtualHost begins), or `serverOptions` to startServer.
 */
export async function presenceComponentConfig(
  componentDomain: string,
  secret: string,
  port?: number,
): Promise<ComponentConfig> {
  const chosen = port ?? (await freePort());
  const extraConfig = [
    `component_ports = { ${chosen} }`,
    `component_interfaces = { "127.0.0.1" }`,
    `Component ${JSON.stringify(componentDomain)}`,
    `  component_secret = ${JSON.stringify(secret)}`,
    '',
  ].join('\n');
  const service = {
    port: chosen,
    ip: '127.0.0.1',
    module: 'ejabberd_service',
    hosts: { [componentDomain]: { password: secret } },
  };
  return {
    port: chosen,
    extraConfig,
    serverOptions: { prosody: { extraConfig }, ejabberd: { extraListeners: [service] } },
  };
}

export interface ContactPresenceSeed {
  show?: string;
  status?: string;
}

export interface PresenceComponent {
  /** Sends available presence from `from` (a JID at the component's domain; bare gets resource "bot"). */
  sendPresence(from: string, to: string, show?: string, status?: string): void;
  /** Writes raw stanzas in one go; resolves when the socket has taken them. */
  sendMany(xml: string[]): Promise<void>;
  /**
   * Marks bare JIDs at the component as online (for probe answers) without sending anything now.
   * sendPresence also marks its `from` online.
   */
  setOnline(jids: Iterable<string>, presence?: ContactPresenceSeed): void;
  /** Stanzas Prosody sent to the component, by kind (probes answered, other presence, iq, message). */
  readonly received: {
    probes: number;
    probesAnswered: number;
    presence: number;
    iq: number;
    message: number;
  };
  close(): Promise<void>;
}

const BOT_RESOURCE = 'bot';

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function presenceXml(from: string, to: string, show?: string, status?: string): string {
  const children =
    (show && show !== 'available' ? `<show>${escapeXml(show)}</show>` : '') +
    (status ? `<status>${escapeXml(status)}</status>` : '');
  return `<presence from="${escapeXml(from)}" to="${escapeXml(to)}"${children ? `>${children}</presence>` : '/>'}`;
}

/** The component port in the server's generated config (Prosody's component_ports, ejabberd's service listener). */
async function componentPort(server: XmppServer): Promise<number> {
  if (server.kind === 'ejabberd') {
    // The generated ejabberd.yml is JSON after its comment line.
    const text = await readFile(path.join(server.dir, 'ejabberd.yml'), 'utf8');
    const config = JSON.parse(text.slice(text.indexOf('\n') + 1)) as {
      listen?: Array<Record<string, unknown>>;
    };
    const service = config.listen?.find((l) => l.module === 'ejabberd_service');
    if (typeof service?.port !== 'number') {
      throw new Error(
        'no ejabberd_service listener: start ejabberd with serverOptions from presenceComponentConfig()',
      );
    }
    return service.port;
  }
  const config = await readFile(path.join(server.dir, 'prosody.cfg.lua'), 'utf8');
  const match = /component_ports\s*=\s*\{\s*(\d+)/.exec(config);
  if (!match) {
    throw new Error(
      'no component_ports in the server config: start Prosody with extraConfig from presenceComponentConfig()',
    );
  }
  return Number(match[1]);
}

type StreamParser = Parser & {
  on(event: 'start' | 'element', listener: (element: Element) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
};

/**
 * Connects to the server's component port as `componentDomain` and answers presence probes for the JIDs
 * marked online. Rejects if the handshake fails within 10 s.
 */
export async function startPresenceComponent(
  server: XmppServer,
  componentDomain: string,
  secret: string,
  options: { port?: number } = {},
): Promise<PresenceComponent> {
  const port = options.port ?? (await componentPort(server));
  const online = new Map<string, ContactPresenceSeed>();
  const received = { probes: 0, probesAnswered: 0, presence: 0, iq: 0, message: 0 };
  const socket = net.connect({ host: server.host, port });
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  const parser = new Parser() as StreamParser;
  let closed = false;
  let outbox: string[] = [];

  const write = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closed || socket.destroyed) {
        reject(new Error('the component connection is closed'));
        return;
      }
      socket.write(text, (error) => (error ? reject(error) : resolve()));
    });

  const handleStanza = (stanza: Element): void => {
    const from = stanza.attrs.from ?? '';
    const to = stanza.attrs.to ?? '';
    const bareTo = to.split('/')[0]!;
    if (stanza.name === 'presence') {
      if (stanza.attrs.type === 'probe') {
        received.probes++;
        const seed = online.get(bareTo);
        if (seed && from) {
          received.probesAnswered++;
          outbox.push(presenceXml(`${bareTo}/${BOT_RESOURCE}`, from, seed.show, seed.status));
        }
      } else {
        received.presence++; // the user's own presence broadcast, subscription requests: nothing to do
      }
    } else if (stanza.name === 'iq') {
      received.iq++;
      const type = stanza.attrs.type;
      if ((type === 'get' || type === 'set') && from) {
        outbox.push(
          `<iq type="error" id="${escapeXml(stanza.attrs.id ?? '')}" from="${escapeXml(to)}" to="${escapeXml(from)}">` +
            '<error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>',
        );
      }
    } else if (stanza.name === 'message') {
      received.message++;
    }
  };

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('component handshake timed out')), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    parser.on('start', (header) => {
      const id = header.attrs.id;
      if (!id) return fail(new Error('the server stream header has no id'));
      const token = createHash('sha1')
        .update(id + secret)
        .digest('hex');
      void write(`<handshake>${token}</handshake>`).catch(fail);
    });
    parser.on('element', (element) => {
      if (element.name === 'handshake') {
        clearTimeout(timer);
        resolve();
      } else if (element.name === 'stream:error' || element.name === 'error') {
        fail(new Error(`component stream error: ${element.toString()}`));
      } else {
        handleStanza(element);
      }
    });
    parser.on('error', (error) => fail(error));
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('the server closed the component connection')));
  });

  socket.on('data', (chunk: string) => {
    parser.write(chunk);
    // Answers to a burst of probes leave in one write per chunk read.
    if (outbox.length > 0) {
      const text = outbox.join('');
      outbox = [];
      void write(text).catch(() => undefined);
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));

  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  await write(
    `<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' ` +
      `xmlns:stream='http://etherx.jabber.org/streams' to='${escapeXml(componentDomain)}'>`,
  );
  await ready;

  const bare = (jid: string) => jid.split('/')[0]!;
  const full = (jid: string) => (jid.includes('/') ? jid : `${jid}/${BOT_RESOURCE}`);

  return {
    received,
    setOnline(jids, presence = {}) {
      for (const jid of jids) online.set(bare(jid), presence);
    },
    sendPresence(from, to, show, status) {
      online.set(bare(from), { show, status });
      void write(presenceXml(full(from), to, show, status)).catch(() => undefined);
    },
    sendMany: (stanzas) => write(stanzas.join('')),
    async close() {
      if (closed) return;
      await write('</stream:stream>').catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          socket.destroy();
          resolve();
        }, 2000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.end();
      });
      closed = true;
    },
  };
}
