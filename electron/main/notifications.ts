// 'shell.notify' in the desktop app: an Electron Notification per request, one live per tag (the next one of
// a conversation replaces its previous one), always silent (the page plays the sound, which it can turn off).
// A click shows and focuses the main window and tells it which conversation to open ('shell.activate'); a
// main window made anew (the old one was closed, not hidden) hears it once its page has loaded.
// Electron's Notification class comes in as a parameter, so the tests hand it a fake. Web permissions stay
// denied (windows.ts): these are main-process notifications, not the page's.
import type { NotificationConstructorOptions, WebContents } from 'electron';
import type { ConversationKind } from '../../shared/conversation.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import { EngineError } from '../core/errors.ts';
import { PendingForPage } from './pending-for-page.ts';

type Contents = Pick<WebContents, 'send' | 'isDestroyed'>;

/** The parts of an Electron Notification used here. */
export interface ShellNotification {
  show(): void;
  close(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface NotificationClass {
  new (options: NotificationConstructorOptions): ShellNotification;
  isSupported(): boolean;
}

export interface NotifyRequest {
  account: string;
  kind: ConversationKind;
  peer: string;
  tag: string;
  title: string;
  body: string;
  silent: boolean;
}

export interface NotifierDeps {
  Notification: NotificationClass;
  /** Shows and focuses the main window (WindowManager.showMain), answering its web contents. */
  showMain: () => { webContents: Contents };
  /** Sends events to one window's contents (ipc.ts broadcast). */
  send: (contents: Contents, batch: EngineEvent[]) => void;
  /** process.platform: Linux bodies are markup to the notification server. */
  platform: NodeJS.Platform;
}

/**
 * The body as the desktop shows it. On Linux Electron hands it to libnotify as is, and servers that support
 * body markup render it: a contact's '<b>' or '<a href>' (a link past our openExternal allow-list) must
 * show as the text it is. The summary (title) is plain text by the spec, so only the body is escaped.
 */
export function notificationBody(body: string, platform: NodeJS.Platform): string {
  if (platform !== 'linux') return body;
  return body.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Notifications kept at most (each holds its click handler alive): past it the oldest is closed. */
export const MAX_LIVE_NOTIFICATIONS = 50;

export class Notifier {
  readonly #deps: NotifierDeps;
  /** The live notification per tag, oldest first. */
  readonly #live = new Map<string, ShellNotification>();
  /** The last click's 'shell.activate' for a main page still loading: only the latest click counts. */
  readonly #pending: PendingForPage<Contents>;

  constructor(deps: NotifierDeps) {
    this.#deps = deps;
    this.#pending = new PendingForPage<Contents>((to, batch) => deps.send(to, batch), 1);
  }

  /** A page finished loading (WindowManager's onPageLoaded): a click made while it loaded reaches it now. */
  pageLoaded(contents: Contents): void {
    this.#pending.pageLoaded(contents);
  }

  /** Shows the notification; false when this desktop has no notifications at all. */
  notify(request: NotifyRequest): boolean {
    const { Notification } = this.#deps;
    if (!Notification.isSupported()) return false;
    this.#close(request.tag);
    if (this.#live.size >= MAX_LIVE_NOTIFICATIONS) {
      const oldest = this.#live.keys().next().value;
      if (oldest !== undefined) this.#close(oldest);
    }
    const notification = new Notification({
      title: request.title,
      body: notificationBody(request.body, this.#deps.platform),
      silent: true,
    });
    const target = { account: request.account, kind: request.kind, peer: request.peer };
    notification.on('click', () => {
      this.#forget(request.tag, notification);
      const main = this.#deps.showMain();
      this.#pending.deliver(main.webContents, { event: 'shell.activate', payload: target });
    });
    notification.on('close', () => this.#forget(request.tag, notification));
    this.#live.set(request.tag, notification);
    notification.show();
    return true;
  }

  /** How many notifications are live (for tests). */
  get liveCount(): number {
    return this.#live.size;
  }

  #close(tag: string): void {
    const previous = this.#live.get(tag);
    if (!previous) return;
    this.#live.delete(tag);
    previous.close();
  }

  #forget(tag: string, notification: ShellNotification): void {
    if (this.#live.get(tag) === notification) this.#live.delete(tag);
  }
}

/** The ContractHost's 'shell.notify' handler. */
export function createNotifyHandler(notifier: Notifier) {
  return async (request: NotifyRequest) => {
    if (!notifier.notify(request)) {
      throw new EngineError('not-supported', 'This desktop does not show notifications.');
    }
    return { ok: true } as const;
  };
}
