// The ipcMain adapter. Every invoke is checked twice: the sender must be the top frame of one of OUR
// windows showing a parley://app/ page, and then the ContractHost validates command name and payload.
// Engine events and the pop-out layout (chats by account and peer) go out to every window on one channel, as
// contract event batches.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/bridge.ts';
import { conversationId } from '../../shared/contract.ts';
import type { CommandName, CommandResult, EngineEvent } from '../../shared/contract.ts';
import { isAllowedExternalUrl } from '../../shared/links.ts';
import { EngineError } from '../core/errors.ts';
import { APP_URL_PREFIX, isAppUrl } from './app-protocol.ts';

export interface CommandHost {
  handle(command: unknown, payload: unknown): Promise<CommandResult<CommandName>>;
}

/** The sender's facts the check needs (IpcMainInvokeEvent in the app, a fake in tests). */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/** True only for the top frame of one of our windows, currently on one of our pages. */
export function isTrustedSender(event: SenderEvent, owns: (contents: WebContents) => boolean): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.isDestroyed()) return false;
  if (!owns(event.sender)) return false;
  if (frame.parent !== null || frame !== event.sender.mainFrame) return false;
  return frame.url.startsWith(APP_URL_PREFIX) && isAppUrl(frame.url);
}

const REFUSED: CommandResult<CommandName> = {
  ok: false,
  error: {
    code: 'invalid-request',
    message: 'This request did not come from a Parley window.',
    condition: null,
    certificate: null,
  },
};

/** Registers the one invoke channel. Returns a function that removes it. */
export function registerInvokeHandler(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  host: CommandHost,
  owns: (contents: WebContents) => boolean,
): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, command: unknown, payload: unknown) => {
    if (!isTrustedSender(event, owns)) {
      console.warn('refused an IPC message from a frame that is not a Parley window');
      return REFUSED;
    }
    return host.handle(command, payload);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}

/** Sends a batch to every live window. */
export function broadcast(
  targets: readonly Pick<WebContents, 'send' | 'isDestroyed'>[],
  batch: EngineEvent[],
) {
  if (batch.length === 0) return;
  for (const contents of targets) {
    if (!contents.isDestroyed()) contents.send(IPC_EVENTS_CHANNEL, batch);
  }
}

/** A chat as the shell names it: which account, with whom (1:1 chats; a kind comes with group chat). */
export interface ChatRef {
  account: string;
  peer: string;
}

/** One key per chat: the contract's conversationId. */
export const chatRefKey = (chat: ChatRef): string => conversationId({ ...chat, kind: 'chat' });

/**
 * Which chats are popped out: kept here, in main, as the single source of truth. Every change is
 * announced to all windows as a 'window.layout' event.
 */
export class PopOutState {
  readonly #chats = new Map<string, ChatRef>();
  readonly #announce: (batch: EngineEvent[]) => void;

  constructor(announce: (batch: EngineEvent[]) => void) {
    this.#announce = announce;
  }

  has(chat: ChatRef): boolean {
    return this.#chats.has(chatRefKey(chat));
  }

  layoutEvent(): EngineEvent[] {
    const keys = [...this.#chats.keys()].sort();
    const poppedOut = keys.map((key) => {
      const { account, peer } = this.#chats.get(key)!;
      return { account, peer };
    });
    return [{ event: 'window.layout', payload: { poppedOut } }];
  }

  add(chat: ChatRef): void {
    const key = chatRefKey(chat);
    if (this.#chats.has(key)) return;
    this.#chats.set(key, { account: chat.account, peer: chat.peer });
    this.#announce(this.layoutEvent());
  }

  delete(chat: ChatRef): void {
    if (!this.#chats.delete(chatRefKey(chat))) return;
    this.#announce(this.layoutEvent());
  }
}

export interface ChatWindows {
  openChat(chat: ChatRef): unknown;
  closeChat(chat: ChatRef): void;
}

/** The ContractHost's shell side. Payloads arrive already validated against the contract. */
export function createShellHandlers(
  windows: ChatWindows,
  popOuts: PopOutState,
  openExternal: (url: string) => Promise<boolean>,
) {
  return {
    'shell.openExternal': async ({ url }: { url: string }) => {
      if (!isAllowedExternalUrl(url)) {
        throw new EngineError('invalid-request', 'Only http, https, mailto and xmpp links can be opened.');
      }
      if (!(await openExternal(url))) {
        throw new EngineError('not-supported', 'No application on this computer could open that link.');
      }
      return { ok: true } as const;
    },
    'window.popOut': async ({ account, peer }: ChatRef) => {
      windows.openChat({ account, peer });
      popOuts.add({ account, peer });
      return { ok: true } as const;
    },
    'window.dock': async ({ account, peer }: ChatRef) => {
      popOuts.delete({ account, peer });
      windows.closeChat({ account, peer });
      return { ok: true } as const;
    },
  };
}
