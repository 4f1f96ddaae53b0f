// Sends one invitation per invitee and reports each: a send that throws (the link dropped halfway) fails
// that invitee and the rest go on, so the ones already sent are still reported as sent.
import type { InviteMode } from '../../../shared/invitations.ts';
import { EngineError } from '../errors.ts';

export interface InviteOutcome {
  sent: Array<{ to: string; mode: InviteMode }>;
  failed: Array<{ to: string; reason: string }>;
}

/**
 * `inviteOne` for each invitee in order. When none went out, the first failure is thrown (the caller's
 * error, as if it were one send); otherwise what was sent and what failed, with why.
 */
export async function inviteEach(
  invitees: Iterable<string>,
  inviteOne: (to: string) => Promise<InviteMode>,
): Promise<InviteOutcome> {
  const outcome: InviteOutcome = { sent: [], failed: [] };
  let first: unknown = null;
  for (const to of invitees) {
    try {
      outcome.sent.push({ to, mode: await inviteOne(to) });
    } catch (error) {
      first ??= error;
      const reason = error instanceof EngineError ? error.message : 'It could not be sent.';
      outcome.failed.push({ to, reason });
    }
  }
  if (outcome.sent.length === 0 && first !== null) throw first;
  return outcome;
}
