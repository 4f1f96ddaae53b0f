// Presence (RFC 6121 §4): our own show/status/priority, and every contact's presence per resource with the
// best resource picked for display. Subscription-type presence belongs to subscriptions.ts.
import { xml, type Element } from '@xmpp/xml';
import type { ContactPresence, OwnShow, ResourcePresence, Show } from '../../../shared/contract.ts';
import { MAX_STATUS_CHARS } from '../../../shared/contract.ts';
import { describeStanzaError } from '../errors.ts';
import { stanzaError } from '../xmpp/iq-tracker.ts';
import type { AccountEvents } from '../account/module.ts';
import type { PresenceEnvelope } from '../xmpp/envelope.ts';
import { ownText, ownTextOrNull } from '../xmpp/own-text.ts';
import { idleSinceStamp, type AutoAway } from '../idle/idle-policy.ts';

/** XEP-0319: when the user last interacted, on the presence we send while auto-away. */
export const NS_IDLE = 'urn:xmpp:idle:1';

export interface OwnPresence {
  show: OwnShow;
  status: string | null;
  priority: number;
}

const SHOWS = new Set(['chat', 'away', 'xa', 'dnd']);
/** Lower is more available: used to break priority ties when picking a contact's best resource. */
const AVAILABILITY: Record<Show, number> = { chat: 0, available: 1, away: 2, dnd: 3, xa: 4 };

export function clampPriority(value: number): number {
  return Math.max(-128, Math.min(127, Math.trunc(value)));
}

/** Highest priority, then most available show, then most recent. Null when no resource is online. */
export function pickBestResource(resources: readonly ResourcePresence[]): ResourcePresence | null {
  let best: ResourcePresence | null = null;
  for (const candidate of resources) {
    if (
      !best ||
      candidate.priority > best.priority ||
      (candidate.priority === best.priority &&
        (AVAILABILITY[candidate.show] < AVAILABILITY[best.show] ||
          (AVAILABILITY[candidate.show] === AVAILABILITY[best.show] && candidate.since > best.since)))
    ) {
      best = candidate;
    }
  }
  return best;
}

/**
 * The <presence/> we broadcast for our own state (never for 'offline', which is unavailable); `idleSince`
 * (ms since the epoch) adds XEP-0319's <idle/>.
 */
export function ownPresenceStanza(own: OwnPresence, idleSince: number | null = null): Element {
  return xml(
    'presence',
    {},
    own.show !== 'available' && own.show !== 'offline' ? xml('show', {}, own.show) : null,
    own.status ? xml('status', {}, own.status) : null,
    own.priority !== 0 ? xml('priority', {}, String(own.priority)) : null,
    idleSince !== null ? xml('idle', { xmlns: NS_IDLE, since: idleSinceStamp(idleSince) }) : null,
  );
}

/**
 * Bounds on what remote senders can make us hold (issue 9): resources per JID (a person has a handful; 20,000
 * from one sender cost 2.8 s and 119 MB when each stanza rebuilt the whole list), and JIDs outside the roster
 * whose presence or presence error we keep. Past either, the oldest entry goes.
 */
export const PRESENCE_LIMITS = { resourcesPerJid: 32, strangers: 1_000 } as const;

/** Every contact's presence on one account, per resource, and our own. */
export class Presences {
  readonly #contacts = new Map<string, Map<string, ResourcePresence>>();
  readonly #errors = new Map<string, string>();
  /** JIDs outside the roster with something kept above, oldest first. */
  readonly #strangers = new Set<string>();
  readonly #events: AccountEvents;
  readonly #isContact: (bareJid: string) => boolean;
  /** What the user chose (presence.set, or restored at sign-in): what is saved as the last presence. */
  #chosen: OwnPresence = { show: 'available', status: null, priority: 0 };
  /** Auto-away over the user's choice (idle-policy.ts), or null. */
  #auto: AutoAway | null = null;

  /** `isContact`: in the roster or our own account (their presence is never evicted for strangers'). */
  constructor(events: AccountEvents, isContact: (bareJid: string) => boolean = () => true) {
    this.#events = events;
    this.#isContact = isContact;
  }

  snapshot(): ContactPresence[] {
    return [...new Set([...this.#contacts.keys(), ...this.#errors.keys()])].map((jid) => this.#describe(jid));
  }

  /** Our presence as others see it: the user's choice, with auto-away's show over it (same status text). */
  get own(): OwnPresence {
    return this.#auto ? { ...this.#chosen, show: this.#auto.show } : this.#chosen;
  }

  get chosen(): OwnPresence {
    return this.#chosen;
  }

  /** XEP-0319's 'since' while auto-away, else null. */
  get idleSince(): number | null {
    return this.#auto?.since ?? null;
  }

  /** The user's choice; it ends auto-away. */
  setOwn(own: OwnPresence): void {
    this.#chosen = own;
    this.#auto = null;
    this.#events.emit('presence.own', { ...own });
  }

  /** Auto-away starts, changes or ends; false when that changes nothing. */
  setAuto(auto: AutoAway | null): boolean {
    if (auto?.show === this.#auto?.show && auto?.since === this.#auto?.since) return false;
    this.#auto = auto;
    this.#events.emit('presence.own', { ...this.own });
    return true;
  }

  /** Applies an available/unavailable/error presence. Returns false for types this module does not own. */
  handle({ stanza, type, from, fromBare, delay }: PresenceEnvelope): boolean {
    if (type !== 'available' && type !== 'unavailable' && type !== 'error') return false;
    if (!from || !fromBare) return true; // malformed sender: drop
    // Copies: these are kept (own-text.ts).
    const bare = ownText(fromBare);
    const resource = ownText(from.resource ?? '');
    let resources = this.#contacts.get(bare);
    if (type === 'error') {
      const { condition, text } = stanzaError(stanza);
      this.#errors.set(bare, ownText(describeStanzaError(condition, text)));
      this.#contacts.delete(bare);
    } else if (type === 'unavailable') {
      this.#errors.delete(bare);
      // A bare-JID unavailable (or from the server on the contact's behalf) ends every resource.
      if (from.resource === null) this.#contacts.delete(bare);
      else resources?.delete(resource);
      if (resources?.size === 0) this.#contacts.delete(bare);
    } else {
      this.#errors.delete(bare);
      const showText = stanza.getChildText('show')?.trim() ?? '';
      const priority = Number.parseInt(stanza.getChildText('priority') ?? '0', 10);
      if (!resources) this.#contacts.set(bare, (resources = new Map()));
      resources.delete(resource); // re-inserted last: the map stays in order of last update
      if (resources.size >= PRESENCE_LIMITS.resourcesPerJid) {
        resources.delete(resources.keys().next().value!);
      }
      resources.set(resource, {
        resource,
        show: SHOWS.has(showText) ? (showText as Show) : 'available',
        status: ownTextOrNull(stanza.getChildText('status')?.slice(0, MAX_STATUS_CHARS)),
        priority: Number.isFinite(priority) ? clampPriority(priority) : 0,
        since: delay ?? Date.now(),
      });
    }
    this.#events.emit('presence.changed', { contacts: [this.#describe(bare)] });
    this.#boundStrangers(bare);
    return true;
  }

  /** Keeps at most PRESENCE_LIMITS.strangers JIDs outside the roster; the oldest one's presence is dropped. */
  #boundStrangers(bare: string): void {
    this.#strangers.delete(bare);
    if (!this.#contacts.has(bare) && !this.#errors.has(bare)) return;
    if (this.#isContact(bare)) return;
    this.#strangers.add(bare);
    while (this.#strangers.size > PRESENCE_LIMITS.strangers) {
      const oldest = this.#strangers.values().next().value!;
      this.#strangers.delete(oldest);
      if (!this.#isContact(oldest)) this.forget(oldest); // one added to the roster since then stays
    }
  }

  /** Our session ended: nobody's presence is known any more. */
  clear(): void {
    const jids = [...new Set([...this.#contacts.keys(), ...this.#errors.keys()])];
    this.#contacts.clear();
    this.#errors.clear();
    this.#strangers.clear();
    if (jids.length > 0) {
      this.#events.emit('presence.changed', {
        contacts: jids.map((jid) => ({ jid, best: null, resources: [], error: null })),
      });
    }
  }

  forget(jid: string): void {
    this.#strangers.delete(jid);
    const hadPresence = this.#contacts.delete(jid);
    if (this.#errors.delete(jid) || hadPresence) {
      this.#events.emit('presence.changed', { contacts: [{ jid, best: null, resources: [], error: null }] });
    }
  }

  #describe(jid: string): ContactPresence {
    const resources = [...(this.#contacts.get(jid)?.values() ?? [])];
    return { jid, best: pickBestResource(resources), resources, error: this.#errors.get(jid) ?? null };
  }
}
