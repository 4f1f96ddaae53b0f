// New private conversations (XEP-0045 §7.5: an occupant's room/nick) are bounded per room while the engine
// runs (a reconnect does not reset the bound): a hostile room service, or an occupant changing nick after
// nick, could otherwise open a conversation per nick, past the strangers' caps (an occupant's address is no
// stranger's: it is the room's). A conversation the history already holds is never new. Past MAX_NEW_PRIVATE_PEERS new nicks of one room, their messages
// are dropped and counted (the server's archive still has them).
export const MAX_NEW_PRIVATE_PEERS = 50;
/** Rooms whose new nicks are remembered; the oldest is forgotten first. */
const MAX_ROOMS_TRACKED = 1_000;

export class PrivatePeerGate {
  readonly #held: (peer: string) => boolean;
  readonly #byRoom = new Map<string, Set<string>>();
  #dropped = 0;

  /** `held`: the history holds a private conversation with this room/nick (an indexed lookup). */
  constructor(held: (peer: string) => boolean) {
    this.#held = held;
  }

  /** Messages dropped this session: from a room's nicks past its bound. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether a message from `peer` (room/nick) of `room` may be kept. O(1) amortised. */
  admit(room: string, peer: string): boolean {
    let peers = this.#byRoom.get(room);
    if (peers?.has(peer) || this.#held(peer)) return true;
    if (!peers) {
      if (this.#byRoom.size >= MAX_ROOMS_TRACKED) this.#byRoom.delete(this.#byRoom.keys().next().value!);
      peers = new Set();
      this.#byRoom.set(room, peers);
    }
    if (peers.size >= MAX_NEW_PRIVATE_PEERS) {
      this.#dropped++;
      return false;
    }
    peers.add(peer);
    return true;
  }
}
