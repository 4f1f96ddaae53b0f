// XEP-0410 MUC self-ping: an iq ping to our own occupant JID tells whether the room still has us (a service
// restart or a netsplit drops occupants without a word: a "ghost" leave). §3 says how to read the answer;
// a timeout or an unreachable service says nothing, so it is retried later and never treated as a leave.
import { xml, type Element } from '@xmpp/xml';
import { EngineError } from '../errors.ts';
import { NS_PING } from '../xmpp/ns.ts';

/**
 * How often the joined rooms are pinged, give or take a random tenth (no lockstep across accounts). An object
 * so that a test can shorten it before an engine starts.
 */
export const SELF_PING = { intervalMs: 5 * 60_000 };

export type PingVerdict = 'joined' | 'gone' | 'unknown';

export function selfPingRequest(): Element {
  return xml('ping', { xmlns: NS_PING });
}

/**
 * What a self-ping's outcome means: a result, or an error that the ping reached a client of ours which does
 * not answer pings (service-unavailable, feature-not-implemented), means joined; not-acceptable (the room does
 * not know us) and item-not-found (the room is gone) mean gone; a timeout, remote-server-not-found or
 * -timeout, or anything else: unknown (ask again next time).
 */
export function pingVerdict(outcome: Element | unknown): PingVerdict {
  if (!(outcome instanceof EngineError)) return 'joined';
  switch (outcome.condition) {
    case 'service-unavailable':
    case 'feature-not-implemented':
      return 'joined';
    case 'not-acceptable':
    case 'item-not-found':
      return 'gone';
    default:
      return 'unknown';
  }
}
