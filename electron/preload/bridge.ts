// window.parley, built from an ipcRenderer: invoke(command, payload) and on(event, handler) for contract
// names only. The page never sees ipcRenderer, the channel names, or anything else.
import type { IpcRenderer } from 'electron';
import {
  EventRouter,
  IPC_EVENTS_CHANNEL,
  IPC_INVOKE_CHANNEL,
  type ParleyBridge,
} from '../../shared/bridge.ts';
import {
  isCommandName,
  isEventName,
  type CommandName,
  type CommandResult,
  type EngineEvent,
} from '../../shared/contract.ts';

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on'>;

function refused(message: string): CommandResult<CommandName> {
  return { ok: false, error: { code: 'invalid-request', message, condition: null, certificate: null } };
}

function isEventBatch(value: unknown): value is EngineEvent[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item: unknown) =>
        typeof item === 'object' && item !== null && isEventName((item as { event?: unknown }).event),
    )
  );
}

export function createBridge(ipc: BridgeIpc): ParleyBridge {
  const router = new EventRouter();
  // One listener for the whole page; the IPC event object (with its sender) never reaches the page.
  ipc.on(IPC_EVENTS_CHANNEL, (_event, batch: unknown) => {
    if (isEventBatch(batch)) router.dispatch(batch);
  });

  // Checked here first so a wrong name never costs an IPC round trip; main checks again, with the schema.
  const invoke = (command: unknown, payload: unknown): Promise<CommandResult<CommandName>> =>
    isCommandName(command)
      ? ipc.invoke(IPC_INVOKE_CHANNEL, command, payload)
      : Promise.resolve(refused(`Unknown command "${String(command).slice(0, 64)}".`));

  const bridge: ParleyBridge = {
    invoke: invoke as ParleyBridge['invoke'],
    on(event, handler) {
      if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event).slice(0, 64)}".`);
      if (typeof handler !== 'function') throw new TypeError('The handler must be a function.');
      return router.on(event, handler);
    },
  };
  return Object.freeze(bridge);
}
