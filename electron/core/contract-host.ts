// What both transports (Electron IPC, browser-mode WebSocket) call with whatever a renderer sent: checks the
// command name and payload against the contract, then runs a shell command with the transport's own
// handlers or hands an engine command to the engine. Never throws; always answers a CommandResult.
import {
  commands,
  isCommandName,
  isShellCommand,
  type CommandName,
  type CommandResponse,
  type CommandResult,
  type ShellCommandName,
} from '../../shared/contract.ts';
import type { z } from 'zod';
import { EngineError, toEngineError } from './errors.ts';
import type { Engine } from './engine.ts';

export type ShellHandlers = {
  [C in ShellCommandName]: (
    request: z.output<(typeof commands)[C]['request']>,
  ) => Promise<CommandResponse<C>>;
};

function failure(error: EngineError): CommandResult<CommandName> {
  return { ok: false, error: error.toPayload() };
}

export class ContractHost {
  readonly #engine: Engine;
  readonly #shell: ShellHandlers;

  constructor(engine: Engine, shell: ShellHandlers) {
    this.#engine = engine;
    this.#shell = shell;
  }

  async handle(command: unknown, payload: unknown): Promise<CommandResult<CommandName>> {
    if (!isCommandName(command)) {
      return failure(
        new EngineError('invalid-request', `Unknown command "${String(command).slice(0, 64)}".`),
      );
    }
    if (!isShellCommand(command)) return this.#engine.invoke(command, payload);
    const parsed = commands[command].request.safeParse(payload ?? {});
    if (!parsed.success) {
      return failure(
        new EngineError('invalid-request', parsed.error.issues[0]?.message ?? 'invalid request'),
      );
    }
    try {
      const handler = this.#shell[command] as (request: unknown) => Promise<CommandResponse<CommandName>>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return failure(toEngineError(error));
    }
  }
}
