// Stream errors (RFC 6120 §4.9.3) for the hostile suites: every defined condition, what the account should do
// after each, the <stream:error/> a rogue server sends, and what "a typed error a person can read" means.
import assert from 'node:assert/strict';
import { engineErrorSchema, type EngineErrorPayload } from '../../shared/contract.ts';
import type { RogueServer } from '../harness/rogue-server.ts';
import { rogueClient, rogueServer, type RogueClient } from './kit.ts';

export const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

export const CONDITIONS = [
  'bad-format',
  'bad-namespace-prefix',
  'conflict',
  'connection-timeout',
  'host-gone',
  'host-unknown',
  'improper-addressing',
  'internal-server-error',
  'invalid-from',
  'invalid-namespace',
  'invalid-xml',
  'not-authorized',
  'not-well-formed',
  'policy-violation',
  'remote-connection-failed',
  'reset',
  'resource-constraint',
  'restricted-xml',
  'see-other-host',
  'system-shutdown',
  'undefined-condition',
  'unsupported-encoding',
  'unsupported-feature',
  'unsupported-stanza-type',
  'unsupported-version',
] as const;

/**
 * Conditions after which trying again cannot help or would fight the server: another sign-in took our place,
 * we are not authorised, the server does not (or no longer) host our domain, it does not speak our version.
 * Every other condition is worth a retry with backoff.
 */
export const NO_RETRY: ReadonlySet<string> = new Set([
  'conflict',
  'not-authorized',
  'host-gone',
  'host-unknown',
  'unsupported-version',
]);

export const streamError = (condition: string, text?: string, content = ''): string =>
  `<stream:error><${condition} xmlns='${NS_STREAMS}'>${content}</${condition}>` +
  (text === undefined ? '' : `<text xmlns='${NS_STREAMS}' xml:lang='en'>${text}</text>`) +
  '</stream:error></stream:stream>';

/** A typed error a person can read: valid against the contract, the condition named, no stream XML, bounded. */
export function assertHuman(error: EngineErrorPayload | null | undefined, condition: string): void {
  assert.ok(error, `${condition}: an error is reported`);
  assert.ok(engineErrorSchema.safeParse(error).success, `${condition}: a contract error`);
  assert.equal(error.condition, condition, `${condition}: the condition as sent`);
  assert.ok(
    ['stream-error', 'conflict', 'auth-failed'].includes(error.code),
    `${condition}: code ${error.code}`,
  );
  assert.match(error.message, /^[A-Z].*[.!]$/s, `${condition}: a sentence (${error.message})`);
  assert.doesNotMatch(error.message, /xmlns|<\/?stream|<text/, `${condition}: no XML of the stream in it`);
  assert.ok(error.message.length <= 500, `${condition}: ${error.message.length} characters`);
}

/** A rogue server that answers our first stream header with `error` (before TLS), and an engine for it. */
export async function refusedBeforeTls(error: string): Promise<RogueClient> {
  const rogue = await rogueServer({
    onStage: (stage, connection) => {
      if (stage !== 'connected') return;
      connection.send(connection.header() + error);
      return 'stop';
    },
  });
  return rogueClient(rogue);
}

/**
 * A rogue server that ends every session with `condition` once it is up (our presence is out), and its engine,
 * signed in (and then ended) with a short backoff: 100 ms doubling to 400 ms.
 */
export async function endedOnceUp(condition: string): Promise<{ rogue: RogueServer; client: RogueClient }> {
  let signedIn = false;
  const rogue = await rogueServer({
    onStage: (stage, connection) => {
      if (stage !== 'bound' || !signedIn) return;
      void connection
        .waitFor((e) => e.is('presence'))
        .then(() => connection.send(streamError(condition, 'Bye.')))
        .catch(() => undefined);
    },
  });
  const client = await rogueClient(rogue, {
    reconnectDelay: { initialMs: 100, maxMs: 400, stableMs: 60_000 },
  });
  const connection = await client.online();
  signedIn = true;
  connection.send(streamError(condition, 'Bye.'));
  return { rogue, client };
}

/**
 * What went wrong with the reconnect policy of each run, `elapsedMs` after the errors: a NO_RETRY condition
 * must leave the account offline after its one connection; any other must reconnect with backoff (each delay
 * at least half its ceiling: at most ~9 tries in 1.5 s, not a loop). Also checks each error is human.
 */
export function policyProblems(
  runs: ReadonlyArray<{ condition: string; rogue: RogueServer; client: RogueClient }>,
  elapsedMs: number,
): string[] {
  const problems: string[] = [];
  for (const { condition, rogue, client } of runs) {
    const ended = client.states().find((s) => s.status !== 'online' && s.error);
    assertHuman(ended?.error, condition);
    const connections = rogue.connections.length;
    const last = client.states().at(-1)?.status;
    if (NO_RETRY.has(condition)) {
      if (last !== 'offline' || connections !== 1) {
        problems.push(
          `${condition}: expected offline with no reconnect, got ${last} after ${connections} connections`,
        );
      }
    } else if (
      ended?.status !== 'reconnecting' ||
      connections < 2 ||
      connections > 2 + Math.ceil(elapsedMs / 150)
    ) {
      problems.push(`${condition}: expected backoff, got ${ended?.status} and ${connections} connections`);
    }
  }
  return problems;
}
