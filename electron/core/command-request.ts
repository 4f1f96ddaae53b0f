// The one check every command goes through, whichever side answers it (the engine, or the shell for window
// and link commands): a known name, and a payload that passes the contract schema. Anything else is an
// 'invalid-request' with the first problem in words, never a thrown exception.
import { commands, isCommandName, type CommandName, type CommandResult } from '../../shared/contract.ts';
import { EngineError } from './errors.ts';

export type CheckedRequest =
  { ok: true; name: CommandName; request: unknown } | { ok: false; failure: CommandResult<CommandName> };

export function invalidRequest(message: string): CommandResult<CommandName> {
  return { ok: false, error: new EngineError('invalid-request', message).toPayload() };
}

export function checkRequest(name: unknown, payload: unknown): CheckedRequest {
  if (!isCommandName(name)) {
    return { ok: false, failure: invalidRequest(`Unknown command "${String(name).slice(0, 64)}".`) };
  }
  const parsed = commands[name].request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, failure: invalidRequest(`${where}${issue?.message ?? 'invalid request'}`) };
  }
  return { ok: true, name, request: parsed.data };
}
