// xmpp: links from other programs: in the command line at start, in a second launch's command line (the
// single-instance lock hands it to us), and from macOS 'open-url'. Each goes to the engine's 'uri.open'
// (which parses it strictly and announces it) with the main window shown. The engine's event reaches only
// pages already loaded, so a link that comes while the main page is still loading (at start, or after the
// window was closed to the tray) is kept here and sent to that page once it has loaded.
import type { EngineEvent } from '../../shared/contract.ts';
import { MAX_URI_CHARS, type XmppUri } from '../../shared/xmpp-uri.ts';
import { PendingForPage } from './pending-for-page.ts';

/** Links kept for a page still loading (and links from before the engine ran): the latest few. */
export const MAX_PENDING_LINKS = 5;
/** A command line is scanned this far for a link: no honest launch passes more arguments. */
const MAX_ARGS_SCANNED = 64;

function isXmppText(text: unknown): text is string {
  return typeof text === 'string' && text.slice(0, 5).toLowerCase() === 'xmpp:';
}

/**
 * The xmpp: link in a command line: the first argument that starts with 'xmpp:' (never the app's path or a
 * Chromium switch, which start otherwise), or null; one too long for a link is no link.
 */
export function uriFromArgv(argv: readonly string[]): string | null {
  const scanned = Math.min(argv.length, MAX_ARGS_SCANNED);
  for (let i = 0; i < scanned; i++) {
    const arg = argv[i];
    if (isXmppText(arg)) return arg.length <= MAX_URI_CHARS ? arg : null;
  }
  return null;
}

/** What the links need from the rest of main once the engine and windows exist. */
export interface ProtocolLinkDeps<Page extends object> {
  /** engine.invoke('uri.open'): the link as parsed, or null when the engine refused it. */
  open(text: string): Promise<XmppUri | null>;
  /** Shows (or opens) the main window; its page. */
  showMain(): { webContents: Page };
  send(to: Page, batch: EngineEvent[]): void;
}

export class ProtocolLinks<Page extends object> {
  #deps: ProtocolLinkDeps<Page> | null = null;
  /** Texts that came before start() (macOS 'open-url' at launch comes before 'ready'). */
  #early: string[] = [];
  /** Links for a main page still loading (each its own 'uri.opened'). */
  readonly #pending = new PendingForPage<Page>((to, batch) => this.#deps?.send(to, batch), MAX_PENDING_LINKS);

  /** The engine and windows are up: links from now on go straight through, earlier ones now. */
  start(deps: ProtocolLinkDeps<Page>): void {
    this.#deps = deps;
    const early = this.#early;
    this.#early = [];
    for (const text of early) this.accept(text);
  }

  /** A link (or null: nothing in that command line) to open. */
  accept(text: string | null): void {
    if (!isXmppText(text) || text.length > MAX_URI_CHARS) return;
    if (!this.#deps) {
      this.#early = [...this.#early, text].slice(-MAX_PENDING_LINKS);
      return;
    }
    void this.#open(this.#deps, text);
  }

  /** A second launch without a link still brings the window forward. */
  showMain(): void {
    this.#deps?.showMain();
  }

  /** A page finished loading: the main page gets the links that came while it loaded. */
  pageLoaded(page: Page): void {
    this.#pending.pageLoaded(page);
  }

  async #open(deps: ProtocolLinkDeps<Page>, text: string): Promise<void> {
    const page = deps.showMain().webContents;
    const uri = await deps.open(text);
    if (uri === null) return;
    // A loaded page hears the engine's own 'uri.opened'; one still loading would not.
    if (this.#pending.isLoaded(page)) return;
    this.#pending.keep(page, { event: 'uri.opened', payload: { uris: [uri] } });
  }
}

/** The parts of Electron's app the link wiring uses (a fake in tests). */
export interface LinkApp {
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
}

/**
 * Listens for links: macOS 'open-url' (before 'ready', or the launch's link is lost), a second launch's
 * command line (which also shows the window), and this launch's own command line.
 */
export function listenForLinks<Page extends object>(
  app: LinkApp,
  links: ProtocolLinks<Page>,
  argv: readonly string[],
): void {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.accept(url);
  });
  app.on('second-instance', (_event, secondArgv) => {
    links.showMain();
    links.accept(uriFromArgv(secondArgv));
  });
  links.accept(uriFromArgv(argv));
}

export interface ProtocolClientApp {
  isPackaged: boolean;
  setAsDefaultProtocolClient(protocol: string): boolean;
}

/**
 * Registers Parley as the xmpp: handler with the OS, for a packaged app only (a development run would
 * register the bare Electron binary). Not on Linux: there the .desktop file's MimeType does it on install.
 */
export function registerXmppHandler(app: ProtocolClientApp, platform: NodeJS.Platform): boolean {
  if (!app.isPackaged || platform === 'linux') return false;
  return app.setAsDefaultProtocolClient('xmpp');
}
