// The contract's desktop entries: what the shell (Electron main, or the browser-mode host) and the engine do
// for the app as a whole rather than for one account: notifications, the unread badge, the app menu, links
// from other programs, idle time and window visibility.
import { z } from 'zod';
import { accountSchema } from './schemas.ts';
import { CONVERSATION_KINDS } from './conversation.ts';
import { MAX_URI_CHARS, URI_ACTIONS, type XmppUri } from './xmpp-uri.ts';

/** A parsed xmpp: URI as the contract carries it (the parser, zod-free for the page, is xmpp-uri.ts). */
export const xmppUriSchema = z.object({
  account: z.string().nullable(),
  jid: z.string(),
  action: z.enum(URI_ACTIONS),
  params: z.record(z.string(), z.string()),
}) satisfies z.ZodType<XmppUri>;

const ok = z.object({ ok: z.literal(true) });
const conversation = {
  account: accountSchema,
  kind: z.enum(CONVERSATION_KINDS),
  peer: z.string().min(1).max(3071),
};

/** Menu items of the app menu (and tray) that the page carries out. */
export const MENU_ACTIONS = [
  'settings',
  'about',
  'shortcuts',
  'new-chat',
  'quick-switcher',
  'close-chat',
] as const;

/** Answered by the engine: the same in both shells. */
export const desktopEngineCommands = {
  /** An xmpp: URI from another program (start, second launch, open-url, `npm start -- xmpp:…`): parsed, announced. */
  'uri.open': {
    request: z.object({ uri: z.string().min(1).max(MAX_URI_CHARS) }).strict(),
    response: z.object({ uri: xmppUriSchema }),
  },
  /** How long the user has not touched the machine (Electron) or the page (browser mode), for auto-away. */
  'presence.activity': {
    request: z.object({ idleSeconds: z.number().int().min(0).max(100_000_000) }).strict(),
    response: ok,
  },
  /** XEP-0352: some window is on screen (active) or every one is hidden or minimised (inactive). */
  'client.visibility': { request: z.object({ active: z.boolean() }).strict(), response: ok },
} as const;

/** Answered by the shell, not the engine (the browser-mode host answers 'not-supported' where it cannot). */
export const desktopShellCommands = {
  /** A desktop notification; the next one with the same tag replaces it. Clicking it: 'shell.activate'. */
  'shell.notify': {
    request: z
      .object({
        ...conversation,
        tag: z.string().min(1).max(4000),
        title: z.string().min(1).max(500),
        body: z.string().max(1000),
        silent: z.boolean(),
      })
      .strict(),
    response: ok,
  },
  /** The unread total (tray image, OS badge, overlay icon) and whether every account is offline. */
  'shell.unread': {
    request: z.object({ count: z.number().int().min(0).max(1_000_000), offline: z.boolean() }).strict(),
    response: ok,
  },
} as const;

export const DESKTOP_SHELL_COMMANDS = ['shell.notify', 'shell.unread'] as const;

export const desktopEvents = {
  /** xmpp: URIs to act on, oldest first. */
  'uri.opened': z.object({ uris: z.array(xmppUriSchema) }),
  /** The user clicked a notification (or a tray entry): show that conversation. */
  'shell.activate': z.object(conversation),
  /** An app-menu (or tray) item the page carries out. */
  'shell.menu': z.object({ action: z.enum(MENU_ACTIONS) }),
} as const;
