// SASL (RFC 6120 §6) over an xmpp.js connection: picks the strongest SCRAM the server offers, runs it on
// node:crypto (scram.ts), verifies the server's signature, and allows PLAIN only on an encrypted link.
import { xml, type Element } from '@xmpp/xml';
import type Connection from '@xmpp/connection';
import { EngineError } from '../errors.ts';
import {
  SCRAM_MECHANISMS,
  ScramClient,
  ScramError,
  chooseSaslMechanism,
  plainInitialResponse,
} from './scram.ts';
import { NS_SASL } from '../xmpp/ns.ts';

export interface SaslCredentials {
  username: string;
  password: string;
  /** True on a TLS link. PLAIN is never used without it. */
  secure: boolean;
}

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const decode = (element: Element) => Buffer.from(element.text().trim(), 'base64').toString('utf8');

/** What each RFC 6120 §6.5 failure condition means to a person signing in. */
function failureToError(element: Element): EngineError {
  const condition =
    element.getChildElements().find((child) => child.name !== 'text')?.name ?? 'not-authorized';
  const text = element.getChildText('text');
  const messages: Record<string, [EngineError['code'], string]> = {
    'not-authorized': ['auth-failed', 'The password is wrong.'],
    'account-disabled': ['auth-failed', 'This account has been disabled by the server.'],
    'credentials-expired': ['auth-failed', 'The password has expired; change it with your provider.'],
    'encryption-required': ['insecure-refused', 'The server requires an encrypted connection for this.'],
    'mechanism-too-weak': ['no-mechanism', 'The server wants a stronger sign-in method than Parley offered.'],
    'invalid-mechanism': ['no-mechanism', 'The server rejected the sign-in method.'],
    'temporary-auth-failure': [
      'auth-failed',
      'The server could not check the password right now; try again.',
    ],
  };
  const [code, message] = messages[condition] ?? ['auth-failed', `Sign-in failed (${condition}).`];
  return new EngineError(code, text ? `${message} The server said: ${text}` : message, { condition });
}

async function expectSasl(reply: Promise<Element>, step: 'initial' | 'later' = 'later'): Promise<Element> {
  const element = await reply;
  if (element.getNS() !== NS_SASL) {
    throw new EngineError('stream-error', `The server sent <${element.name}> during sign-in.`);
  }
  if (element.name === 'failure') {
    const error = failureToError(element);
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

/** Authenticates on `connection` using the offered <mechanisms/>; returns the mechanism used. */
export async function authenticate(
  connection: Connection,
  features: Element,
  credentials: SaslCredentials,
): Promise<string> {
  const offered =
    features
      .getChild('mechanisms', NS_SASL)
      ?.getChildren('mechanism')
      .map((m) => m.text().trim()) ?? [];
  const mechanism = chooseSaslMechanism(offered, credentials.secure);
  if (!mechanism) {
    if (offered.includes('PLAIN') && !credentials.secure) {
      throw new EngineError(
        'insecure-refused',
        'The server only accepts a plain-text password on an unencrypted link; Parley refused to send it.',
      );
    }
    throw new EngineError(
      'no-mechanism',
      `The server offers no sign-in method Parley supports (offered: ${offered.join(', ') || 'none'}).`,
    );
  }

  if (mechanism === 'PLAIN') {
    const auth = xml(
      'auth',
      { xmlns: NS_SASL, mechanism },
      encode(plainInitialResponse(credentials.username, credentials.password)),
    );
    const reply = await expectSasl(connection.sendReceive(auth));
    if (reply.name !== 'success')
      throw new EngineError('auth-failed', 'The server did not accept the sign-in.');
    return mechanism;
  }

  try {
    const scram = new ScramClient(SCRAM_MECHANISMS[mechanism], credentials.username, credentials.password);
    const challenge = await expectSasl(
      connection.sendReceive(xml('auth', { xmlns: NS_SASL, mechanism }, encode(scram.clientFirstMessage()))),
      'initial',
    );
    if (challenge.name !== 'challenge') throw new ScramError('The server skipped the SCRAM challenge');
    const clientFinal = await scram.clientFinalMessage(decode(challenge));
    let outcome = await expectSasl(
      connection.sendReceive(xml('response', { xmlns: NS_SASL }, encode(clientFinal))),
    );
    // RFC 6120 §6.3.10: server-final comes in <success/>, or (older servers) in one more <challenge/>.
    if (outcome.name === 'challenge') {
      scram.verifyServerFinal(decode(outcome));
      outcome = await expectSasl(connection.sendReceive(xml('response', { xmlns: NS_SASL })));
      if (outcome.name !== 'success') throw new ScramError('The server did not finish the sign-in');
      return mechanism;
    }
    if (outcome.name !== 'success') throw new ScramError('The server did not finish the sign-in');
    scram.verifyServerFinal(decode(outcome));
    return mechanism;
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
