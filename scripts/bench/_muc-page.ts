// The page side of the muc bench: a probe installed before any renderer code (page.addInitScript) that
// watches, frame by frame, what a person would see, with every time in epoch ms (performance.timeOrigin +
// now, the clock the component side uses too):
//   join:      the click on "Join" in the dialog (capture phase, before the app's handler); the first frame
//              with the room's composer on screen and the dialog gone; the first frame whose occupant list
//              headings count all the occupants, and the frame after it (the list painted).
//   tasks:     every long task (PerformanceObserver 'longtask').
//   flood:     this flood's bodies counted as they arrive on the bridge socket; the first frame with the
//              last body on screen inside the room's log.
//   twenty:    the rooms the sign-in autojoins: the first frame with each of them in the sidebar as a room
//              we are in (not a bookmark row, no status: joined).
import type { Browser, BrowserContext, Page } from '@playwright/test';

export interface MucPageProbe {
  joinClickAt: number | null;
  composerAt: number | null;
  occupantsCountedAt: number | null;
  occupantsPaintedAt: number | null;
  occupantsSeen: number;
  /** The bridge message carrying the room's complete occupant list arrived. */
  occupantsMessageAt: number | null;
  /** The app asked the engine for the occupants ('muc.occupants' invoked): it had no list from the events. */
  occupantsAskedAt: number | null;
  longTasks: Array<[start: number, duration: number]>;
  flood: {
    needle: string | null;
    lastBody: string | null;
    received: number;
    /** Bridge messages that carried some of them. */
    messages: number;
    shownAt: number | null;
  };
  twenty: { rooms: string[]; joinedRows: number; shownAt: number | null };
}

interface ProbeWindow {
  __mucBench: MucPageProbe;
  __mucBenchExpectRooms(rooms: string[]): void;
  __mucBenchFlood(prefix: string, lastBody: string): void;
}

function instrumentMucPage(args: { occupants: number }): void {
  const epoch = (): number => performance.timeOrigin + performance.now();
  const probe: MucPageProbe = {
    joinClickAt: null,
    composerAt: null,
    occupantsCountedAt: null,
    occupantsPaintedAt: null,
    occupantsSeen: 0,
    occupantsMessageAt: null,
    occupantsAskedAt: null,
    longTasks: [],
    flood: { needle: null, lastBody: null, received: 0, messages: 0, shownAt: null },
    twenty: { rooms: [], joinedRows: 0, shownAt: null },
  };
  const w = window as unknown as ProbeWindow;
  w.__mucBench = probe;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        probe.longTasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask entries: reported as null
  }
  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest('.join-room-dialog button[type="submit"]');
      if (button && probe.joinClickAt === null) probe.joinClickAt = epoch();
    },
    true,
  );

  // The app's bridge socket: the occupant list and the flood's bodies as they arrive, the app's own asks.
  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (
        probe.occupantsAskedAt === null &&
        typeof data === 'string' &&
        data.includes('"command":"muc.occupants"')
      )
        probe.occupantsAskedAt = epoch();
      super.send(data);
    }
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        const data = event.data;
        if (
          probe.occupantsMessageAt === null &&
          data.includes('"muc.occupants"') &&
          data.includes('"reset":true')
        )
          probe.occupantsMessageAt = epoch();
        const needle = probe.flood.needle;
        if (needle !== null && data.includes('"chat.messages"')) {
          const before = probe.flood.received;
          for (let i = data.indexOf(needle); i >= 0; i = data.indexOf(needle, i + needle.length))
            probe.flood.received++;
          if (probe.flood.received > before) probe.flood.messages++;
        }
      });
    }
  }
  window.WebSocket = ProbedWebSocket;
  w.__mucBenchExpectRooms = (rooms) => {
    probe.twenty.rooms = rooms;
  };
  w.__mucBenchFlood = (prefix, lastBody) => {
    probe.flood.needle = `"body":"${prefix}`;
    probe.flood.lastBody = lastBody;
  };

  const onScreen = (el: Element | null): boolean => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
  };
  const occupantsCounted = (): number => {
    let n = 0;
    for (const el of document.querySelectorAll('.occupants .occupant-count')) {
      n += Number(/\d+/.exec(el.textContent ?? '')?.[0] ?? 0);
    }
    return n;
  };
  const lastBodyShown = (): boolean => {
    const log = document.querySelector('.room-view [role="log"]');
    if (!log) return false;
    const box = log.getBoundingClientRect();
    for (const el of log.querySelectorAll('.msg-body')) {
      if (el.textContent !== probe.flood.lastBody) continue;
      const r = el.getBoundingClientRect();
      return r.height > 0 && r.bottom > box.top && r.top < box.bottom;
    }
    return false;
  };
  const twentyShown = (): boolean => {
    const wanted = new Set(probe.twenty.rooms);
    let joined = 0;
    for (const row of document.querySelectorAll('.room-list .room-row:not(.room-row-bookmark)')) {
      if (wanted.has(row.getAttribute('data-room') ?? '') && !row.querySelector('.room-status')) joined++;
    }
    probe.twenty.joinedRows = joined;
    return joined === wanted.size;
  };
  let paintPending = false;
  const frame = (): void => {
    const now = epoch();
    if (paintPending) {
      probe.occupantsPaintedAt = now; // a frame after the one that counted them all: painted
      paintPending = false;
    }
    if (probe.joinClickAt !== null) {
      if (probe.composerAt === null) {
        const composer = document.querySelector('.room-view textarea[aria-label="Message"]');
        if (onScreen(composer) && !document.querySelector('.join-room-dialog')) probe.composerAt = now;
      }
      if (probe.occupantsCountedAt === null) {
        probe.occupantsSeen = occupantsCounted();
        if (probe.occupantsSeen >= args.occupants) {
          probe.occupantsCountedAt = now;
          paintPending = true;
        }
      }
    }
    if (probe.flood.lastBody !== null && probe.flood.shownAt === null && lastBodyShown())
      probe.flood.shownAt = now;
    if (probe.twenty.rooms.length > 0 && probe.twenty.shownAt === null && twentyShown())
      probe.twenty.shownAt = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** A fresh context and page with the probe installed, at the browser-mode host's URL. */
export async function openMucPage(
  browser: Browser,
  url: string,
  occupants: number,
  /** What the page shows once loaded: the main window (signed in) or the sign-in form. */
  shows: 'main' | 'sign-in' = 'main',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[muc bench page error] ${error.message}`));
  await page.addInitScript(instrumentMucPage, { occupants });
  await page.goto(url);
  const ready =
    shows === 'main'
      ? page.getByRole('button', { name: 'Join room…' })
      : page.getByLabel('Address', { exact: true });
  await ready.waitFor({ timeout: 20_000 });
  // Let the page finish starting up (scripts, first render) before the click, as a person would.
  await page.evaluate(
    () => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 2_000 })),
  );
  return { context, page };
}

export const readProbe = (page: Page): Promise<MucPageProbe> =>
  page.evaluate(() => (window as unknown as ProbeWindow).__mucBench);

/** Polls the probe until `done` holds; throws with `what` (and the probe) after `timeoutMs`. */
export async function waitForProbe(
  page: Page,
  done: (probe: MucPageProbe) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<MucPageProbe> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = await readProbe(page);
    if (done(probe)) return probe;
    if (Date.now() > deadline) {
      const { longTasks, ...rest } = probe;
      throw new Error(
        `${what}: not within ${timeoutMs / 1000} s (${longTasks.length} long tasks; ${JSON.stringify(rest)})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens "Join room…", fills in the room and our nick, and clicks Join (the probe notes the click). */
export async function joinThroughUi(page: Page, room: string, nick: string): Promise<void> {
  await page.getByRole('button', { name: 'Join room…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Join room' });
  await dialog.getByLabel('Room address').fill(room);
  await dialog.getByLabel('Nickname').fill(nick);
  await dialog.getByRole('button', { name: 'Join', exact: true }).click();
}

export const expectRooms = (page: Page, rooms: string[]): Promise<void> =>
  page.evaluate((r) => (window as unknown as ProbeWindow).__mucBenchExpectRooms(r), rooms);

export const expectFlood = (page: Page, prefix: string, lastBody: string): Promise<void> =>
  page.evaluate(([p, l]) => (window as unknown as ProbeWindow).__mucBenchFlood(p, l), [
    prefix,
    lastBody,
  ] as const);

/** The page's JS heap in MB after two forced GCs (needs --enable-precise-memory-info). */
export async function heapMb(context: BrowserContext, page: Page): Promise<number | null> {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const used = await page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
    );
    return used === null ? null : used / (1024 * 1024);
  } finally {
    await cdp.detach();
  }
}

/** The longest long task (ms) between two epoch times, and how many there were; null without longtask support. */
export async function longTasksBetween(
  page: Page,
  probe: MucPageProbe,
  from: number,
  to: number,
): Promise<{ longestMs: number; count: number; list: Array<[number, number]> } | null> {
  const supported = await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'));
  if (!supported) return null;
  const tasks = probe.longTasks.filter(([start, duration]) => start + duration >= from && start <= to);
  return {
    longestMs: Math.max(0, ...tasks.map(([, d]) => d)),
    count: tasks.length,
    list: tasks.map(([start, d]) => [Math.round(start - from), Math.round(d)]),
  };
}
