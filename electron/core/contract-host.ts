// What both transports (Electron IPC, browser-mode WebSocket) call with whatever a renderer sent: checks the
// command name and payload against the contract, then runs a shell command with the transport's own
// handlers or hands an engine command to the engine. Never throws; always answers a CommandResult.
import type { commands } from '../../shared/contract.ts';
import {
  isShellCommand,
  type CommandName,
  type CommandResponse,
  type CommandResult,
  type ShellCommandName,
} from '../../shared/contract.ts';
import type { z } from 'zod';
import { toEngineError } from './errors.ts';
import { checkRequest } from './command-request.ts';
import type { Engine } from './engine.ts';

export type ShellHandlers = {
  [C in ShellCommandName]: (
    request: z.output<(typeof commands)[C]['request']>,
  ) => Promise<CommandResponse<C>>;
};

export class ContractHost {
  readonly #engine: Engine;
  readonly #shell: ShellHandlers;

  constructor(engine: Engine, shell: ShellHandlers) {
    this.#engine = engine;
    this.#shell = shell;
  }

  async handle(command: unknown, payload: unknown): Promise<CommandResult<CommandName>> {
    const checked = checkRequest(command, payload);
    if (!checked.ok) return checked.failure;
    // Engine commands are checked again there: the engine trusts no caller, this host included.
    if (!isShellCommand(checked.name)) return this.#engine.invoke(checked.name, payload);
    try {
      const handler = this.#shell[checked.name] as (
        request: unknown,
      ) => Promise<CommandResponse<CommandName>>;
      return { ok: true, value: await handler(checked.request) };
    } catch (error) {
      return { ok: false, error: toEngineError(error).toPayload() };
    }
  }
}
