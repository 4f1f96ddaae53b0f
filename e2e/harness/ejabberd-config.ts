// The harness ejabberd's configuration, as data: built as an object, merged with a test's extras, written
// as JSON (which YAML parsers, ejabberd's included, read as flow-style YAML).
//
// Modules mirror the harness Prosody's base set (prosody.ts): roster with versioning, carbons, MAM (archive
// everything, as Prosody's default policy), stream management with resumption, CSI, blocking (+ privacy,
// which mod_blocking needs in 23.01), PEP (mod_pubsub's pep plugin), disco, ping, time, version, private,
// vcard, offline storage (Prosody loads mod_offline by itself). No in-band registration, no s2s listener.
// Accounts (and seeded rosters, mod_admin_extra) are made through mod_http_api on a loopback-only HTTP
// listener: one request takes a few ms (~20 for a registration: the SCRAM derivation), where each
// `ejabberdctl register` boots an Erlang VM (0.4 s, 0.3 s of CPU, measured).

export interface EjabberdExtra {
  /**
   * Merged into the generated configuration: objects merge key by key (so `{ modules: { mod_muc: {} } }`
   * adds a module), anything else replaces, and null removes the key.
   */
  extraConfig?: Record<string, unknown>;
  /** More `listen` entries (e.g. an ejabberd_service for a component), after the harness's own. */
  extraListeners?: Array<Record<string, unknown>>;
}

export interface EjabberdConfigInput {
  domain: string;
  /** The one PEM holding key and certificate. */
  certFile: string;
  c2sPort: number;
  directTlsPort: number;
  apiPort: number;
  passwordHash: 'SHA-1' | 'SHA-256';
  requireEncryption: boolean;
  debug: boolean;
  extraConfig: Record<string, unknown>;
  extraListeners: Array<Record<string, unknown>>;
  /** XMPP over WebSocket (RFC 7395) and XEP-0156 host-meta on this TLS port; none when absent or null. */
  httpsPort?: number | null;
  /** mod_muc on this domain (see mucModule); none when absent or null. */
  mucDomain?: string | null;
}

const HOST = '127.0.0.1';

/** The size Prosody 0.12 allows a client stanza (c2s_stanza_size_limit), so both servers cut at the same place. */
const MAX_STANZA_BYTES = 256 * 1024;

/** Commands mod_http_api runs for requests from loopback; nothing else is reachable over HTTP. */
export const API_COMMANDS = ['register', 'unregister', 'status', 'add_rosteritem'];

function c2sListener(port: number, tls: { direct: boolean; required: boolean }): Record<string, unknown> {
  return {
    port,
    ip: HOST,
    module: 'ejabberd_c2s',
    // The default backlog (5) drops connections when a benchmark signs many accounts in at once.
    backlog: 1024,
    max_stanza_size: MAX_STANZA_BYTES,
    // No shaper: flood tests need unthrottled c2s (as Prosody's mod_limits stays unloaded).
    shaper: 'none',
    ...(tls.direct ? { tls: true } : { starttls: true, starttls_required: tls.required }),
  };
}

/** The WebSocket endpoint's path on the harness's HTTPS port (the same on Prosody). */
export const WEBSOCKET_PATH = '/xmpp-websocket';

/** ejabberd_http_ws and mod_host_meta (which names that endpoint) on a TLS listener with the harness leaf. */
function websocketListener(port: number): Record<string, unknown> {
  return {
    port,
    ip: HOST,
    module: 'ejabberd_http',
    tls: true,
    request_handlers: {
      [WEBSOCKET_PATH]: 'ejabberd_http_ws',
      '/.well-known/host-meta': 'mod_host_meta',
      '/.well-known/host-meta.json': 'mod_host_meta',
    },
  };
}

/** A limit no test reaches: ejabberd's defaults (200 occupants, 1,000 before presence is cut) are not ours. */
const NO_LIMIT = 1_000_000;

/**
 * The MUC service, as the harness Prosody's (prosody.ts): every room archived (mod_mam answers MAM on the
 * room JID when the room option `mam` is on), public and persistent, 20 messages of history, creation by
 * local users only, no occupant limits or shapers. mod_disco lists the service in the host's disco#items.
 */
function mucModule(mucDomain: string): Record<string, unknown> {
  return {
    hosts: [mucDomain],
    access_create: 'local',
    access_persistent: 'all',
    history_size: 20,
    max_users: NO_LIMIT,
    max_users_presence: NO_LIMIT,
    max_user_conferences: NO_LIMIT,
    user_message_shaper: 'none',
    user_presence_shaper: 'none',
    default_room_options: { mam: true, persistent: true, public: true, max_users: NO_LIMIT },
  };
}

export function ejabberdConfig(c: EjabberdConfigInput): Record<string, unknown> {
  const https = c.httpsPort ?? null;
  const muc = c.mucDomain ?? null;
  const base: Record<string, unknown> = {
    loglevel: c.debug ? 'debug' : 'info',
    hosts: [c.domain],
    certfiles: [c.certFile],
    acme: { auto: false },
    listen: [
      c2sListener(c.c2sPort, { direct: false, required: c.requireEncryption }),
      c2sListener(c.directTlsPort, { direct: true, required: true }),
      {
        port: c.apiPort,
        ip: HOST,
        module: 'ejabberd_http',
        request_handlers: { '/api': 'mod_http_api' },
      },
      ...(https === null ? [] : [websocketListener(https)]),
      ...c.extraListeners,
    ],
    // SCRAM storage: with 'plain' every sign-in pays ~15 ms of key derivation on the server.
    auth_password_format: 'scram',
    auth_scram_hash: c.passwordHash === 'SHA-1' ? 'sha' : 'sha256',
    // Prosody offers SCRAM and PLAIN (after TLS) only; so does this server.
    disable_sasl_mechanisms: ['digest-md5', 'x-oauth2'],
    // No federation: a stanza to another domain fails at once instead of waiting on DNS.
    s2s_access: 'none',
    // Local users of the one host: mod_muc's access_create names this rule.
    acl: { local: { user_regexp: '' } },
    access_rules: { local: { allow: 'local' } },
    api_permissions: {
      'harness accounts': {
        from: ['mod_http_api'],
        who: { ip: `${HOST}/8` },
        what: API_COMMANDS,
      },
    },
    modules: {
      // A stored version counter (as Prosody's): computed versions hash the whole roster on every
      // change, which made seeding 2,000 contacts take 170 s instead of 5.
      mod_roster: { versioning: true, store_current_id: true },
      mod_carboncopy: {},
      mod_mam: { default: 'always' },
      mod_stream_mgmt: { resend_on_timeout: 'if_offline' },
      mod_client_state: {},
      mod_privacy: {},
      mod_blocking: {},
      mod_caps: {},
      mod_pubsub: { plugins: ['flat', 'pep'] },
      mod_disco: {},
      mod_ping: {},
      mod_time: {},
      mod_version: {},
      mod_private: {},
      mod_vcard: { search: false },
      mod_offline: {},
      mod_http_api: {},
      mod_admin_extra: {},
      ...(https === null
        ? {}
        : { mod_host_meta: { websocket_url: `wss://${HOST}:${https}${WEBSOCKET_PATH}` } }),
      ...(muc === null ? {} : { mod_muc: mucModule(muc) }),
    },
  };
  return merge(base, c.extraConfig);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    if (value === null) delete out[key];
    else if (isPlainObject(current) && isPlainObject(value)) out[key] = merge(current, value);
    else out[key] = value;
  }
  return out;
}

/**
 * Tables ejabberd keeps in Mnesia's disc_only_copies (dets: every read and write goes to disk) that the
 * harness keeps as disc_copies instead (in memory, logged to disk, so a restart still has them): with
 * dets, archiving 1,000 messages took three times as long as on Prosody. 23.01 applies its schema file
 * only to tables that already exist (a new one is created with the default type), so the first start
 * converts them too (mnesiaToMemory), and the schema file keeps restarts from turning them back.
 */
const MEMORY_TABLES = [
  'archive_msg',
  'archive_prefs',
  'offline_msg',
  'caps_features',
  'pubsub_item',
  'roster',
  // Not roster_version: as disc_copies, a change made while signed out no longer changed the version a
  // returning client was told was current (roster-cache.test.ts), so that one stays on dets.
  'private_storage',
  'privacy',
  'vcard',
  'passwd',
];

/** ejabberd_mnesia's schema override, read from `ejabberd.schema` in the Mnesia directory at start. */
export function renderMnesiaSchema(): string {
  return `${MEMORY_TABLES.map((table) => `${table}:\n  storage_type: disc_copies\n`).join('')}`;
}

/** Erlang run once ejabberd is up: the tables above still on dets become disc_copies (empty: instant). */
export const MNESIA_TO_MEMORY = [
  `[catch mnesia:change_table_copy_type(T, node(), disc_copies) || T <- [${MEMORY_TABLES.join(', ')}],`,
  '  lists:member(node(), catch mnesia:table_info(T, disc_only_copies))].',
].join(' ');

export function renderEjabberdConfig(c: EjabberdConfigInput): string {
  return `# Generated by e2e/harness/ejabberd.ts (JSON is flow-style YAML)\n${JSON.stringify(ejabberdConfig(c), null, 2)}\n`;
}
