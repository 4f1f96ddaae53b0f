// Roster (RFC 6121 §2): fetch with versioning, pushes (only from our own account), add, rename, groups,
// remove. The roster is kept across sessions so the UI has it at once, and cached on disk for versioning.
import { xml, type Element } from '@xmpp/xml';
import type { Contact, Subscription } from '../../../shared/contract.ts';
import { MAX_GROUPS, MAX_NAME_CHARS } from '../../../shared/contract.ts';
import { fromOwnAccount, tryParseJid, formatJid } from '../../../shared/jid.ts';
import type { AccountEvents } from '../account/module.ts';
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import type { RosterCache, SettingsStore } from '../settings-store.ts';
import { NS_ROSTER } from '../xmpp/ns.ts';
import { MAX_ITEMS } from '../event-batcher.ts';
export { NS_ROSTER };

const SUBSCRIPTIONS = new Set<Subscription>(['none', 'to', 'from', 'both']);

/** What the roster needs of a session (a SessionLink fits). */
export interface RosterLink {
  iq: IqTracker;
  send(stanza: Element): Promise<void>;
}

/** A roster <item/> as a Contact, 'remove' for subscription="remove", or null when it is malformed. */
export function parseRosterItem(item: Element, pendingIn: boolean): Contact | { remove: string } | null {
  const parsed = tryParseJid(item.attrs.jid ?? '');
  if (!parsed || parsed.resource !== null) return null;
  const jid = formatJid(parsed);
  const subscription = item.attrs.subscription ?? 'none';
  if (subscription === 'remove') return { remove: jid };
  const groups = [
    ...new Set(
      item
        .getChildren('group')
        .map((group) => group.text().trim().slice(0, MAX_NAME_CHARS))
        .filter(Boolean),
    ),
  ].slice(0, MAX_GROUPS);
  const name = item.attrs.name?.trim().slice(0, MAX_NAME_CHARS) || null;
  return {
    jid,
    name,
    groups,
    subscription: SUBSCRIPTIONS.has(subscription as Subscription) ? (subscription as Subscription) : 'none',
    pendingOut: item.attrs.ask === 'subscribe',
    pendingIn,
    preApproved: item.attrs.approved === 'true',
  };
}

function itemElement(contact: Pick<Contact, 'jid' | 'name' | 'groups'>): Element {
  return xml(
    'item',
    { jid: contact.jid, name: contact.name ?? undefined },
    ...contact.groups.map((group) => xml('group', {}, group)),
  );
}

/** One account's roster: kept across its sessions so the UI has it at once, cached on disk for versioning. */
export class Roster {
  readonly contacts = new Map<string, Contact>();
  readonly #events: AccountEvents;
  readonly #store: SettingsStore;
  readonly #isPendingIn: (jid: string) => boolean;
  readonly #onPresenceEnded: (jid: string) => void;
  readonly #onShown: () => void;
  #version: string | null = null;
  readonly #account: string;
  #cacheTimer: NodeJS.Timeout | null = null;
  /** The disk cache, read as the account starts signing in (overlapping the connection) for its first fetch. */
  readonly #cached: Promise<RosterCache | null>;

  /**
   * `onPresenceEnded` runs when a contact stops sending us presence (our subscription to them ended, or
   * they left the roster): servers do not always send their 'unavailable' (Prosody 0.12 does not).
   * `onShown` runs each time this sign-in's roster has been put on screen (cached, or the server's).
   */
  constructor(
    account: string,
    events: AccountEvents,
    store: SettingsStore,
    isPendingIn: (jid: string) => boolean,
    onPresenceEnded: (jid: string) => void = () => undefined,
    onShown: () => void = () => undefined,
  ) {
    this.#account = account;
    this.#events = events;
    this.#store = store;
    this.#isPendingIn = isPendingIn;
    this.#onPresenceEnded = onPresenceEnded;
    this.#onShown = onShown;
    this.#cached = store.readRoster(account).catch(() => null);
  }

  /** The version `prepare` offered for the fetch in flight (null: none, the full roster comes). */
  #offered: string | null = null;
  /** This runtime's roster came from the server (a cache read finishing later must not replace it). */
  #fetched = false;
  #showingCache: Promise<boolean> | null = null;

  /**
   * Shows the roster cached at the last sign-in, once, as the sign-in starts: the UI has it before the
   * connection is even up, and the server's answer is usually "still current" (RFC 6121 §2.6). Resolves true
   * when it was shown.
   */
  showCached(): Promise<boolean> {
    this.#showingCache ??= this.#cached.then((cache) => {
      if (!cache || this.#fetched || this.#version !== null) return false;
      this.#replaceAll(this.#withPending(cache.contacts));
      this.#version = cache.version;
      this.#onShown();
      this.#events.hurry(); // to the UI now, not after the sign-in
      return true;
    });
    return this.#showingCache;
  }

  /**
   * Loads the roster for a new session: `prepare`, the query's round trip, `apply`. With versioning
   * (RFC 6121 §2.6) the version we hold is offered.
   */
  async fetch(link: RosterLink, versioning: boolean): Promise<void> {
    const query = await this.prepare(versioning);
    this.apply(await link.iq.request('get', null, query));
  }

  /** The roster query to send: with versioning, offering the version held (the cached one at first). */
  async prepare(versioning: boolean): Promise<Element> {
    if (versioning) await this.showCached();
    this.#offered = versioning ? this.#version : null;
    return xml('query', { xmlns: NS_ROSTER, ver: versioning ? (this.#offered ?? '') : undefined });
  }

  /** The server's answer to the query `prepare` made. */
  apply(reply: Element): void {
    const offered = this.#offered;
    this.#offered = null;
    this.#fetched = true;
    const result = reply.getChild('query', NS_ROSTER);
    if (!result && offered !== null) {
      // RFC 6121 §2.6.3: an empty result means our version is current (and on screen); changes follow as pushes.
      this.#version = offered;
      this.#onShown();
      return;
    }
    // The first part goes to the UI as soon as it is parsed (before the rest is, and before the presence storm
    // that follows); the rest follows as one more change, which the batcher splits as it would the whole.
    const items = result?.getChildren('item') ?? [];
    const parse = (from: number, to: number): Contact[] => {
      const contacts: Contact[] = [];
      for (let i = from; i < to; i++) {
        const parsed = parseRosterItem(items[i]!, false);
        if (parsed && !('remove' in parsed))
          contacts.push({ ...parsed, pendingIn: this.#isPendingIn(parsed.jid) });
      }
      return contacts;
    };
    const first = Math.min(items.length, MAX_ITEMS['roster.changed']);
    this.#replaceAll(parse(0, first));
    this.#onShown();
    this.#events.hurry();
    if (items.length > first) this.#upsertMany(parse(first, items.length));
    this.#version = result?.attrs.ver ?? null;
    this.#scheduleCacheWrite();
  }

  #withPending(contacts: readonly Contact[]): Contact[] {
    return contacts.map((contact) => ({ ...contact, pendingIn: this.#isPendingIn(contact.jid) }));
  }

  /** Applies a roster push iq (type set). Returns false when it is not ours to accept. */
  handlePush(iq: Element, link: RosterLink): boolean {
    const query = iq.getChild('query', NS_ROSTER);
    if (iq.attrs.type !== 'set' || !query) return false;
    // RFC 6121 §2.1.6: a push is legitimate only without 'from' or from our own bare JID.
    if (!fromOwnAccount(iq.attrs.from, this.#account)) return false;
    const items = query.getChildren('item');
    if (items.length !== 1) return false; // §2.1.6: exactly one item per push
    const parsed = parseRosterItem(items[0]!, false);
    if (parsed) {
      const jid = 'remove' in parsed ? parsed.remove : parsed.jid;
      const before = this.contacts.get(jid);
      if ('remove' in parsed) this.#remove(parsed.remove);
      else this.upsert({ ...parsed, pendingIn: this.#isPendingIn(parsed.jid) });
      const receives = (contact: Contact | undefined) =>
        contact?.subscription === 'to' || contact?.subscription === 'both';
      const ended =
        'remove' in parsed ? before !== undefined : receives(before) && !receives(this.contacts.get(jid));
      if (ended) this.#onPresenceEnded(jid);
    }
    if (query.attrs.ver !== undefined) this.#version = query.attrs.ver;
    this.#scheduleCacheWrite();
    link.send(xml('iq', { type: 'result', id: iq.attrs.id, to: iq.attrs.from })).catch(() => undefined);
    return true;
  }

  /** Re-emits a contact after something outside the roster (a pending request) changed it. */
  refresh(jid: string): void {
    const contact = this.contacts.get(jid);
    if (contact) this.upsert({ ...contact, pendingIn: this.#isPendingIn(jid) });
  }

  upsert(contact: Contact): void {
    this.contacts.set(contact.jid, contact);
    this.#events.emit('roster.changed', { reset: false, upserts: [contact], removed: [] });
  }

  async add(
    link: RosterLink,
    contact: { jid: string; name?: string | null; groups?: string[] },
  ): Promise<void> {
    await link.iq.request(
      'set',
      null,
      xml(
        'query',
        { xmlns: NS_ROSTER },
        itemElement({ jid: contact.jid, name: contact.name ?? null, groups: contact.groups ?? [] }),
      ),
    );
  }

  async update(
    link: RosterLink,
    change: { jid: string; name?: string | null; groups?: string[] },
  ): Promise<void> {
    const current = this.contacts.get(change.jid);
    const next = {
      jid: change.jid,
      name: change.name === undefined ? (current?.name ?? null) : change.name,
      groups: change.groups ?? current?.groups ?? [],
    };
    await link.iq.request('set', null, xml('query', { xmlns: NS_ROSTER }, itemElement(next)));
  }

  async remove(link: RosterLink, jid: string): Promise<void> {
    await link.iq.request(
      'set',
      null,
      xml('query', { xmlns: NS_ROSTER }, xml('item', { jid, subscription: 'remove' })),
    );
  }

  #replaceAll(contacts: Contact[]): void {
    this.contacts.clear();
    for (const contact of contacts) this.contacts.set(contact.jid, contact);
    this.#events.emit('roster.changed', { reset: true, upserts: contacts, removed: [] });
  }

  #upsertMany(contacts: Contact[]): void {
    for (const contact of contacts) this.contacts.set(contact.jid, contact);
    this.#events.emit('roster.changed', { reset: false, upserts: contacts, removed: [] });
  }

  #remove(jid: string): void {
    if (!this.contacts.delete(jid)) return;
    this.#events.emit('roster.changed', { reset: false, upserts: [], removed: [jid] });
  }

  /** Coalesces cache writes: a burst of pushes costs one write. */
  #scheduleCacheWrite(): void {
    if (this.#version === null || this.#cacheTimer) return;
    const account = this.#account;
    this.#cacheTimer = setTimeout(() => {
      this.#cacheTimer = null;
      if (this.#version === null) return;
      this.#store
        .writeRoster(account, { version: this.#version, contacts: [...this.contacts.values()] })
        .catch((error: unknown) => {
          console.error('roster cache write failed', error);
        });
    }, 200);
  }

  /** Writes the cache now (sign-out, shutdown). */
  async flushCache(): Promise<void> {
    if (this.#cacheTimer) clearTimeout(this.#cacheTimer);
    this.#cacheTimer = null;
    if (this.#version !== null) {
      await this.#store.writeRoster(this.#account, {
        version: this.#version,
        contacts: [...this.contacts.values()],
      });
    }
  }
}
