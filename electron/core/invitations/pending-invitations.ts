// One account's waiting invitations, one per room (a second invitation to the same room updates the first in
// place, keeping its id; a stranger's never updates a contact's: it is refused and counted). Bounded at MAX_PENDING_INVITATIONS: when full, a contact's new invitation pushes out
// the oldest stranger's (or, with none, the oldest of all); a stranger's is refused and counted. So a flood
// of strangers' invitations can never bury one from a contact. Passwords are kept here and never listed.
import { randomUUID } from 'node:crypto';
import { MAX_PENDING_INVITATIONS, type Invitation } from '../../../shared/invitations.ts';
import type { InboundInvitation } from './invitation-wire.ts';

interface Held {
  invitation: Invitation;
  password: string | null;
}

export class PendingInvitations {
  /** By room, in order of last update (the oldest first). */
  readonly #byRoom = new Map<string, Held>();
  readonly #limit: number;
  #more = 0;

  constructor(limit = MAX_PENDING_INVITATIONS) {
    this.#limit = limit;
  }

  /** Invitations refused this session (a stranger's while the list was full, or past other bounds). */
  get more(): number {
    return this.#more;
  }

  countRefused(): void {
    this.#more++;
  }

  /** Newest first. */
  list(): Invitation[] {
    return [...this.#byRoom.values()].map((held) => held.invitation).reverse();
  }

  byId(id: string): { invitation: Invitation; password: string | null } | undefined {
    for (const held of this.#byRoom.values()) if (held.invitation.id === id) return held;
    return undefined;
  }

  has(room: string): boolean {
    return this.#byRoom.has(room);
  }

  /** Whether `add` would keep an invitation to `room` of this rank (asked before spending a disco#info). */
  wouldKeep(room: string, stranger: boolean): boolean {
    const previous = this.#byRoom.get(room);
    if (previous) return !stranger || previous.invitation.stranger;
    return this.#byRoom.size < this.#limit || !stranger;
  }

  /** Keeps the invitation (or updates the room's); false when it was refused. */
  add(
    inbound: InboundInvitation,
    details: { stranger: boolean; fromVerified: boolean; roomName: string | null; now: number },
  ): boolean {
    const previous = this.#byRoom.get(inbound.room);
    // A stranger's never replaces a contact's: its inviter, password and rank would take the contact's place.
    const full = !previous && this.#byRoom.size >= this.#limit;
    if (!this.wouldKeep(inbound.room, details.stranger) || (full && !this.#makeRoom(details.stranger))) {
      this.#more++;
      return false;
    }
    this.#byRoom.delete(inbound.room);
    this.#byRoom.set(inbound.room, {
      invitation: {
        id: previous?.invitation.id ?? randomUUID(),
        room: inbound.room,
        roomName: details.roomName,
        from: inbound.from,
        stranger: details.stranger,
        fromVerified: details.fromVerified,
        reason: inbound.reason,
        hasPassword: inbound.password !== null,
        kind: inbound.kind,
        // A delay in the future is the sender's clock, not ours.
        at: Math.min(inbound.at ?? details.now, details.now),
      },
      password: inbound.password,
    });
    return true;
  }

  remove(room: string): boolean {
    return this.#byRoom.delete(room);
  }

  clear(): void {
    this.#byRoom.clear();
    this.#more = 0;
  }

  /** For a contact's invitation: drops the oldest stranger's, else the oldest of all. A stranger's gets none. */
  #makeRoom(forStranger: boolean): boolean {
    if (forStranger) return false;
    let victim: string | undefined;
    for (const [room, held] of this.#byRoom) {
      if (held.invitation.stranger) {
        victim = room;
        break;
      }
    }
    victim ??= this.#byRoom.keys().next().value;
    if (victim === undefined) return false;
    this.#byRoom.delete(victim);
    this.#more++;
    return true;
  }
}
