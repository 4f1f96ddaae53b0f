// Which SASL mechanism a sign-in uses, and how it binds to the TLS link: the strongest SCRAM, its -PLUS
// variant whenever the server offers one and the link has a channel binding both sides can compute; PLAIN
// only when no SCRAM is offered, only over TLS, and on a link trusted by the user's pin only if the user
// allowed it for that account (a pinned certificate skipped the chain and name checks, so a plain-text
// password may be going to whoever presented it).
import { chooseChannelBinding, type ChannelBindingType, type TlsChannel } from './channel-binding.ts';
import type { Gs2Binding, ScramHash } from './scram.ts';

/** What the choice depends on about the link. */
export interface SaslLink {
  /** The TLS connection; null on the unencrypted link only allowed on loopback. */
  tls: TlsChannel | null;
  /** The certificate was accepted because the user pinned it, not because it verified. */
  pinned: boolean;
  /** The user allowed a plain-text password on this account's pinned link. */
  plainAllowedWhenPinned: boolean;
}

/** What the server advertised: its <mechanisms/> and its XEP-0440 list (null when it sent none). */
export interface SaslOffer {
  mechanisms: readonly string[];
  channelBindings: readonly string[] | null;
}

export type SaslPlan =
  | {
      kind: 'scram';
      mechanism: string;
      hash: ScramHash;
      binding: Gs2Binding;
      /** The XEP-0440 list held no type we can do and no tls-server-end-point: only XEP-0474 can vouch for it. */
      requireDowngradeProof: boolean;
    }
  | { kind: 'plain' }
  | { kind: 'refused'; reason: 'plain-unencrypted' | 'plain-on-pinned-link' | 'nothing-usable' };

const HASHES: readonly ScramHash[] = ['SHA-512', 'SHA-256', 'SHA-1'];

export function chooseSasl(offer: SaslOffer, link: SaslLink): SaslPlan {
  const names = new Set(offer.mechanisms.map((m) => m.trim().toUpperCase()));
  const plusHash = HASHES.find((hash) => names.has(`SCRAM-${hash}-PLUS`));
  if (plusHash && link.tls) {
    const chosen = chooseChannelBinding(link.tls, offer.channelBindings);
    if (chosen) {
      const binding: Gs2Binding = { flag: 'p', type: chosen.type, data: chosen.data };
      return {
        kind: 'scram',
        mechanism: `SCRAM-${plusHash}-PLUS`,
        hash: plusHash,
        binding,
        requireDowngradeProof: false,
      };
    }
  }
  const hash = HASHES.find((h) => names.has(`SCRAM-${h}`));
  if (hash) {
    // 'y' where the server offered no -PLUS: one that supports binding then knows the -PLUS were stripped.
    // 'n' where it did but we share no type, or there is no TLS to bind to.
    const binding: Gs2Binding = link.tls && !plusHash ? { flag: 'y' } : { flag: 'n' };
    const listed = offer.channelBindings;
    return {
      kind: 'scram',
      mechanism: `SCRAM-${hash}`,
      hash,
      binding,
      requireDowngradeProof:
        link.tls !== null &&
        plusHash !== undefined &&
        listed !== null &&
        !listed.includes('tls-server-end-point'),
    };
  }
  if (!names.has('PLAIN')) return { kind: 'refused', reason: 'nothing-usable' };
  if (!link.tls) return { kind: 'refused', reason: 'plain-unencrypted' };
  if (link.pinned && !link.plainAllowedWhenPinned) return { kind: 'refused', reason: 'plain-on-pinned-link' };
  return { kind: 'plain' };
}

/** The channel binding a plan uses, for the session to report. */
export function boundBy(plan: SaslPlan): ChannelBindingType | null {
  return plan.kind === 'scram' && plan.binding.flag === 'p'
    ? (plan.binding.type as ChannelBindingType)
    : null;
}
