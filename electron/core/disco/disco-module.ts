// XEP-0030 disco#info and XEP-0115 entity capabilities for one account. Our answer lists what the account's
// modules declare (so it never forgets a feature Parley supports), our presence carries its caps hash, and
// contacts' caps are checked with one disco#info query per unknown verification string. Some features follow
// the privacy switches (receipts, markers, chat states, version): when a preference changes what we support,
// the answer is computed again and our presence goes out once more with the new caps hash, so peers stop
// (or start) expecting what we no longer (or now) do.
import { xml, type Element } from '@xmpp/xml';
import { formatJid } from '../../../shared/jid.ts';
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import { IqError } from '../xmpp/dispatcher.ts';
import type { PresenceEnvelope } from '../xmpp/envelope.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import { ownPresenceStanza } from '../presence/presence.ts';
import { NS_CAPS, NS_DISCO_INFO } from '../xmpp/ns.ts';
import { capsVerification, discoInfoQuery, parseDiscoInfo, type DiscoInfo } from './caps.ts';

/** Our caps node (XEP-0115 §4: a URI that names the software). */
export const CAPS_NODE = 'urn:parley:caps';
/** Verification queries in flight at most, and contacts whose string we remember. */
const MAX_QUERIES = 8;
const MAX_CONTACTS = 20_000;

export interface DiscoModule extends ProtocolModule {
  /** Our own disco#info (identity + every module's features) and its verification string. */
  own(): { info: DiscoInfo; ver: string };
  /** What a contact's resource supports, when its caps have been verified; undefined when unknown. */
  featuresOf(fullJid: string): ReadonlySet<string> | undefined;
}

function create(context: AccountContext): DiscoModule {
  let own: { info: DiscoInfo; ver: string } | null = null;
  const ownInfo = (): { info: DiscoInfo; ver: string } => {
    if (!own) {
      const features = new Set<string>();
      for (const module of context.modules()) for (const f of module.features ?? []) features.add(f);
      const info: DiscoInfo = {
        identities: [{ category: 'client', type: 'pc', name: 'Parley' }],
        features: [...features].sort(),
        forms: [],
      };
      own = { info, ver: capsVerification(info) };
    }
    return own;
  };
  /** A preference changed: if our features did too, peers learn the new hash from our presence. */
  const onPreferencesChanged = (): void => {
    const before = own?.ver;
    own = null;
    if (before === undefined || ownInfo().ver === before) return;
    const link = context.link();
    if (!link?.isOpen || context.offlineByChoice()) return;
    const { presences } = context.module<PresenceModule>('presence');
    link.send(ownPresenceStanza(presences.own, presences.idleSince)).catch(() => undefined);
  };
  // Watched from the first session on (a sign-in that never got one leaves no listener behind).
  let stopWatching: (() => void) | null = null;
  const unwatch = (): void => {
    stopWatching?.();
    stopWatching = null;
  };
  /** Full JID -> the verification string it advertised (verified or not yet). */
  const advertised = new Map<string, string>();
  const querying = new Set<string>();

  const verify = (fullJid: string, node: string, ver: string): void => {
    if (querying.has(ver) || querying.size >= MAX_QUERIES || context.caps.get(ver)) return;
    const link = context.link();
    if (!link) return;
    querying.add(ver);
    link.iq
      .request('get', fullJid, xml('query', { xmlns: NS_DISCO_INFO, node: `${node}#${ver}` }))
      .then((reply) => {
        const query = reply.getChild('query', NS_DISCO_INFO);
        const info = query ? parseDiscoInfo(query) : null;
        if (info) context.caps.verifyAndStore(ver, info);
      })
      .catch(() => undefined) // an unanswered query leaves the string unverified: nothing is assumed
      .finally(() => querying.delete(ver));
  };

  const onPresence = (envelope: PresenceEnvelope): 'continue' => {
    if (!envelope.from || envelope.from.resource === null) return 'continue';
    const full = formatJid(envelope.from);
    if (envelope.type === 'unavailable') {
      advertised.delete(full);
      return 'continue';
    }
    if (envelope.type !== 'available') return 'continue';
    const c = envelope.stanza.getChild('c', NS_CAPS);
    const { hash, node, ver } = c?.attrs ?? {};
    // Only SHA-1 is defined for the hash today; a legacy <c/> without hash is not verifiable (§8.5).
    if (!c || hash !== 'sha-1' || !node || !ver || ver.length > 64 || node.length > 1024) return 'continue';
    advertised.delete(full);
    if (advertised.size >= MAX_CONTACTS) {
      const oldest = advertised.keys().next().value;
      if (oldest !== undefined) advertised.delete(oldest);
    }
    advertised.set(full, ver);
    verify(full, node, ver);
    return 'continue';
  };

  return {
    id: 'disco',
    features: [NS_DISCO_INFO, NS_CAPS],
    own: ownInfo,
    featuresOf: (fullJid) => {
      const ver = advertised.get(fullJid);
      return ver === undefined ? undefined : context.caps.get(ver);
    },
    handlers: [{ kind: 'presence', priority: 0, handle: onPresence }],
    iq: [
      {
        type: 'get',
        ns: NS_DISCO_INFO,
        child: 'query',
        handle: ({ payload }) => {
          const { info, ver } = ownInfo();
          const node = payload?.attrs.node;
          if (node !== undefined && node !== `${CAPS_NODE}#${ver}`) throw new IqError('item-not-found');
          return discoInfoQuery(info, node);
        },
      },
    ],
    outgoing: (stanza: Element) => {
      // Our caps ride on every available presence we send (XEP-0115 §4), never on subscription presence.
      if (stanza.name !== 'presence' || stanza.attrs.type !== undefined || stanza.getChild('c', NS_CAPS))
        return;
      stanza.append(xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: CAPS_NODE, ver: ownInfo().ver }));
    },
    onSessionStart: () => {
      if (!stopWatching) own = null; // preferences may have changed while nothing watched them
      stopWatching ??= context.preferences.onChange(onPreferencesChanged);
    },
    onSessionEnd: () => {
      advertised.clear();
      unwatch();
    },
    dispose: unwatch,
  };
}

export const discoModule = defineModule({ id: 'disco', commands: [], create });
