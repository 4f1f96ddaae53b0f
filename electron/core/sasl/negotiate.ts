// SASL (RFC 6120 §6) over an xmpp.js connection: runs the plan choose.ts makes (the strongest SCRAM, -PLUS
// bound to the TLS link whenever possible, PLAIN only where allowed) on node:crypto (scram.ts), and verifies
// the server's signature and, where the server sends one, its XEP-0474 downgrade protection hash.
import { xml, type Element } from '@xmpp/xml';
import type Connection from '@xmpp/connection';
import { EngineError } from '../errors.ts';
import { ScramClient, ScramError, plainInitialResponse } from './scram.ts';
import { boundBy, chooseSasl, type SaslLink, type SaslOffer } from './choose.ts';
import { tlsChannelOf, type ChannelBindingType } from './channel-binding.ts';
import { NS_SASL } from '../xmpp/ns.ts';
import { VerifiedTlsSocket, type TrustPolicy } from '../xmpp/tls-adapter.ts';

/** XEP-0440: the server's channel-binding types. */
const NS_SASL_CB = 'urn:xmpp:sasl-cb:0';

export interface SaslCredentials {
  username: string;
  password: string;
  link: SaslLink;
}

export interface SaslOutcome {
  mechanism: string;
  /** The channel binding the sign-in was bound to; null when it was not. */
  channelBinding: ChannelBindingType | null;
}

/** What SASL needs of the socket a session signs in over (a VerifiedTlsSocket, or plain TCP on loopback). */
export function saslLinkOf(socket: unknown, trust: TrustPolicy): SaslLink {
  const tls = socket instanceof VerifiedTlsSocket && socket.socket ? socket.socket : null;
  return {
    tls: tls ? tlsChannelOf(tls) : null,
    pinned: socket instanceof VerifiedTlsSocket && socket.trustedByPin,
    plainAllowedWhenPinned: trust.plainPasswordWhenPinned ?? false,
  };
}

/** The mechanisms and (XEP-0440, top-level since 0.4.0, inside <mechanisms/> before) channel-binding types. */
function offerOf(features: Element): SaslOffer {
  const mechanisms = features.getChild('mechanisms', NS_SASL);
  const list =
    features.getChild('sasl-channel-binding', NS_SASL_CB) ??
    mechanisms?.getChild('sasl-channel-binding', NS_SASL_CB);
  const types = (list?.getChildren('channel-binding') ?? [])
    .map((child) => child.attrs.type as unknown)
    .filter((type): type is string => typeof type === 'string' && type !== '');
  return {
    mechanisms: mechanisms?.getChildren('mechanism').map((m) => m.text().trim()) ?? [],
    channelBindings: list ? types : null,
  };
}

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const decode = (element: Element) => Buffer.from(element.text().trim(), 'base64').toString('utf8');

/** Most of a server's own words kept when its failure condition is one we do not know (remote text). */
const MAX_SERVER_REASON_CHARS = 200;
const MAX_CONDITION_CHARS = 64;

/** What each known RFC 6120 §6.5 failure condition means to a person signing in. */
const FAILURE_MESSAGES: Record<string, [EngineError['code'], string]> = {
  'not-authorized': ['auth-failed', 'The password is wrong.'],
  'account-disabled': ['auth-failed', 'This account has been disabled by the server.'],
  'credentials-expired': ['auth-failed', 'The password has expired; change it with your provider.'],
  'encryption-required': ['insecure-refused', 'The server requires an encrypted connection for this.'],
  'mechanism-too-weak': ['no-mechanism', 'The server wants a stronger sign-in method than Parley offered.'],
  'invalid-mechanism': ['no-mechanism', 'The server rejected the sign-in method.'],
  'temporary-auth-failure': ['auth-failed', 'The server could not check the password right now; try again.'],
};

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A SASL <failure/> as an EngineError. For a known condition our own sentence says it all: the server's
 * <text/> (e.g. "Invalid username or password") is left out, as it adds nothing a person needs. For an
 * unknown one the server's words are all there is, so they stay, cut to a bound (they are remote input).
 */
export function saslFailureError(element: Element): EngineError {
  const found = element.getChildElements().find((child) => child.name !== 'text')?.name;
  const condition = found && found !== '' ? cut(found, MAX_CONDITION_CHARS) : 'not-authorized';
  const known = Object.hasOwn(FAILURE_MESSAGES, condition) ? FAILURE_MESSAGES[condition] : undefined;
  if (known) return new EngineError(known[0], known[1], { condition });
  const text = element.getChildText('text')?.trim();
  const reason = text ? ` The server said: ${cut(text, MAX_SERVER_REASON_CHARS)}` : '';
  return new EngineError('auth-failed', `Sign-in failed (${condition}).${reason}`, { condition });
}

async function expectSasl(reply: Promise<Element>, step: 'initial' | 'later' = 'later'): Promise<Element> {
  const element = await reply;
  if (element.getNS() !== NS_SASL) {
    throw new EngineError('stream-error', `The server sent <${element.name}> during sign-in.`);
  }
  if (element.name === 'failure') {
    const error = saslFailureError(element);
    // A SCRAM server can only check the password after our proof. Refusing the very first message, before
    // any challenge, means it does not know the username (Prosody does exactly this).
    if (step === 'initial' && error.condition === 'not-authorized') {
      throw new EngineError('unknown-account', 'The server does not know this account. Check the address.', {
        condition: error.condition,
      });
    }
    throw error;
  }
  return element;
}

/** Authenticates on `connection` using the offered <mechanisms/>; says which mechanism and binding. */
export async function authenticate(
  connection: Connection,
  features: Element,
  credentials: SaslCredentials,
): Promise<SaslOutcome> {
  const offer = offerOf(features);
  const plan = chooseSasl(offer, credentials.link);
  if (plan.kind === 'refused') throw refusal(plan.reason, offer.mechanisms);

  if (plan.kind === 'plain') {
    const auth = xml(
      'auth',
      { xmlns: NS_SASL, mechanism: 'PLAIN' },
      encode(plainInitialResponse(credentials.username, credentials.password)),
    );
    const reply = await expectSasl(connection.sendReceive(auth));
    if (reply.name !== 'success')
      throw new EngineError('auth-failed', 'The server did not accept the sign-in.');
    return { mechanism: 'PLAIN', channelBinding: null };
  }

  const { mechanism } = plan;
  const outcome = { mechanism, channelBinding: boundBy(plan) };
  try {
    const scram = new ScramClient(plan.hash, credentials.username, credentials.password, {
      binding: plan.binding,
      advertised: offer,
      requireDowngradeProof: plan.requireDowngradeProof,
    });
    const challenge = await expectSasl(
      connection.sendReceive(xml('auth', { xmlns: NS_SASL, mechanism }, encode(scram.clientFirstMessage()))),
      'initial',
    );
    if (challenge.name !== 'challenge') throw new ScramError('The server skipped the SCRAM challenge');
    const clientFinal = await scram.clientFinalMessage(decode(challenge));
    let reply = await expectSasl(
      connection.sendReceive(xml('response', { xmlns: NS_SASL }, encode(clientFinal))),
    );
    // RFC 6120 §6.3.10: server-final comes in <success/>, or (older servers) in one more <challenge/>.
    if (reply.name === 'challenge') {
      scram.verifyServerFinal(decode(reply));
      reply = await expectSasl(connection.sendReceive(xml('response', { xmlns: NS_SASL })));
      if (reply.name !== 'success') throw new ScramError('The server did not finish the sign-in');
      return outcome;
    }
    if (reply.name !== 'success') throw new ScramError('The server did not finish the sign-in');
    scram.verifyServerFinal(decode(reply));
    return outcome;
  } catch (error) {
    if (error instanceof ScramError) {
      // A server that cannot prove it knows our password is not the server we meant to talk to.
      throw new EngineError('auth-failed', `Sign-in failed: ${error.message}.`, {
        condition: 'scram',
        cause: error,
      });
    }
    throw error;
  }
}

function refusal(
  reason: 'plain-unencrypted' | 'plain-on-pinned-link' | 'nothing-usable',
  offered: readonly string[],
): EngineError {
  switch (reason) {
    case 'plain-unencrypted':
      return new EngineError(
        'insecure-refused',
        'The server only accepts a plain-text password on an unencrypted link; Parley refused to send it.',
      );
    case 'plain-on-pinned-link':
      return new EngineError(
        'no-mechanism',
        'The server only accepts your password in plain text, and its certificate is one you trusted by hand, not one Parley could verify: whoever presented it would read the password. Parley did not send it. If you are sure this is your server, allow the plain-text password for this account.',
        { condition: 'plain-on-pinned-link' },
      );
    case 'nothing-usable':
      return new EngineError(
        'no-mechanism',
        `The server offers no sign-in method Parley supports (offered: ${offered.join(', ') || 'none'}).`,
      );
  }
}
