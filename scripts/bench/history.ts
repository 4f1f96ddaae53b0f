// `npm run bench -- history [messages] [runs]`: the local history (electron/core/history) at scale, in the store
// and end to end through the app. The targets: open a chat holding 1,000,000 stored messages with its
// first paint within 100 ms, and full-text search over them with p95 <= 50 ms.
//
// The file: 1,000,000 messages in one chat (me@parley.test with bob@parley.test) plus 100,000 spread over 20
// other chats, generated text (a Zipf-distributed vocabulary from a seeded PRNG, so every run builds the same
// file; the newest message of the big chat has a unique text, NEWEST_BODY, so the page can tell it apart). It
// is built once, at <dataDir>/history.sqlite of a fresh data dir, and every figure below reads that one file.
// The file is fresh and sits in the OS page cache: these are warm-cache figures. Medians over the runs (after
// unrecorded warm-ups) are quoted; one JSON line per figure.
//
// Store level (HistoryStore alone, no engine, no server):
//   history_build_ms                  building the file (not a target; tells how long the bench takes).
//   history_open_and_newest_page_ms   open the file + newest page of 50 of the big chat, a fresh store each
//                                     run: the store's share of first paint (target 100 ms).
//   history_newest_page_ms, history_page_back_20_pages_ms, history_around_ms
//                                     the page alone; paging back 20 pages of 50; around() a message (r = 25).
//   history_search_ms (scope)         FTS search over ~50 varied queries (common and rare words, phrases,
//                                     prefixes, accents, no-hit words, hostile syntax), limit 50, in all
//                                     chats / the big chat / a small chat: p95 (target 50 ms), p50 beside it;
//                                     slowest_queries: the three with the highest median time.
// End to end (a harness Prosody on loopback, accounts me and bob, Bob seeded into my roster; a real Engine
// with the built file as its history, signed in as me@parley.test):
//   history_engine_search_ms (scope)  engine.invoke('chat.search', { query, peer?, limit: 50 }) with the same
//                                     queries: zod validation, the store's search and the mapping to
//                                     contract messages. p95 (target 50 ms); store_p95/store_p50: the same
//                                     searches on a HistoryStore of the bench's own over the same file,
//                                     interleaved query by query with the engine's (the baseline, same run).
//   history_ui_open_chat_first_paint_ms
//                                     browser mode (startBrowserMode with that engine, Debian's Chromium): a
//                                     fresh page each run (so the chat's history really comes from the engine
//                                     over the bridge), Bob clicked in the roster; from the click event to the
//                                     first animation frame in which NEWEST_BODY is on screen inside the chat's
//                                     log (role=log). Target 100 ms. Beside it, the same interval split at the
//                                     page's 'chat.history' request and its answer on the bridge WebSocket.
//   history_ui_search_shown_ms (scope)
//                                     the renderer's message search box (renderer/features/search; skipped with
//                                     a note when the page has none): a query put in the box (one input event),
//                                     to the first frame showing its answer (the first hit in the list, or "No
//                                     messages match"). Includes the box's typing debounce; request_* split it
//                                     at the page's 'chat.search' request and answer. Every second query of the
//                                     list, in the global box (all chats) and in the big chat's search bar.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import { seedRoster } from '../../e2e/harness/roster-seed.ts';
import { Engine } from '../../electron/core/engine.ts';
import { HistoryStore, type NewMessage } from '../../electron/core/history/history-store.ts';
import { startBrowserMode } from '../start.ts';
import { rebuildRendererAndLaunchChromium } from './_browser.ts';
import { median, percentile, report } from './_stats.ts';

const DOMAIN = 'parley.test';
const USER = 'me';
const PEER_USER = 'bob';
const PEER_NAME = 'Bob';
const PASSWORD = 'history-bench-password';
const ACCOUNT = `${USER}@${DOMAIN}`;
const MAIN_PEER = `${PEER_USER}@${DOMAIN}`;
const SMALL_PEER = 'friend3@example.net';
const OTHER_CHATS = 20;
const BATCH = 10_000;
/** The text of the big chat's newest message: unique in the file, so the page can tell it is on screen. */
const NEWEST_BODY = 'Newest message of the big chat: see you at the station tomorrow at nine';
const UI_TIMEOUT_MS = 30_000;
const TARGET_FIRST_PAINT_MS = 100;
const TARGET_SEARCH_P95_MS = 50;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON =
  `the i you to a and it is that of in what for me on my no we this be have do not with just so are
  but can was your at like get if know yeah ok okay all up out one there they now how about when go think see
  good will time would really here oh well lol want from back right going today tomorrow meeting call later home
  work thanks sure maybe yes make need sorry let still some got love night morning weekend dinner lunch coffee
  train station office email phone meet friday monday saturday sunday week party birthday movie music game
  project deadline report server update release bug fix test build deploy review merge branch code issue ticket
  photo picture video link send sent read message chat talk soon tonight car bus flight hotel trip holiday
  weather rain snow sun beach park walk run gym doctor school kids mom dad family friend team boss client budget
  price money pay bank shop store buy sell order package delivery address café naïve résumé über straße`
    .split(/\s+/)
    .filter(Boolean);

/** The vocabulary: common words first (the Zipf head), then generated syllable words for the long tail. */
function vocabulary(random: () => number, size: number): string[] {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'ru',
    'sa',
    'to',
    'vi',
    'ze',
    'po',
    'gra',
    'tel',
    'mon',
    'dor',
    'qui',
    'bel',
  ];
  const words = [...COMMON];
  const seen = new Set(words);
  while (words.length < size) {
    let word = '';
    const n = 2 + Math.floor(random() * 3);
    for (let i = 0; i < n; i++) word += syllables[Math.floor(random() * syllables.length)];
    if (!seen.has(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words;
}

/** Samples word ranks with P(rank k) ~ 1/k (Zipf, s = 1) through a cumulative table and binary search. */
function zipfSampler(random: () => number, size: number): () => number {
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let k = 0; k < size; k++) cumulative[k] = sum += 1 / (k + 1);
  return () => {
    const target = random() * sum;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

interface Corpus {
  words: string[];
  sentence(): string;
}

function corpus(seed: number): Corpus {
  const random = prng(seed);
  const words = vocabulary(random, 30_000);
  const rank = zipfSampler(random, words.length);
  return {
    words,
    sentence() {
      const length = 1 + Math.floor(-Math.log(1 - random()) * 8); // mostly short, a few long
      const parts: string[] = [];
      for (let i = 0; i < Math.min(length, 80); i++) parts.push(words[rank()]!);
      const text = parts.join(' ');
      return random() < 0.3 ? `${text[0]!.toUpperCase()}${text.slice(1)}${random() < 0.5 ? '?' : '.'}` : text;
    },
  };
}

function build(file: string, total: number): { ms: number; rows: number } {
  const random = prng(7);
  const text = corpus(42);
  const store = HistoryStore.open(file);
  const otherTotal = Math.floor(total / 10);
  const all = total + otherTotal;
  const start = Date.UTC(2022, 0, 1);
  const span = 3 * 365 * 24 * 3600 * 1000; // three years of history
  const began = performance.now();
  let rows = 0;
  for (let offset = 0; offset < all; offset += BATCH) {
    const batch: NewMessage[] = [];
    for (let i = offset; i < Math.min(all, offset + BATCH); i++) {
      const at = start + Math.floor((i / all) * span);
      const last = i === all - 1;
      const other = random() < otherTotal / all && !last;
      const out = random() < 0.45;
      const id = `m${i.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`;
      const sentence = text.sentence();
      batch.push({
        account: ACCOUNT,
        kind: 'chat',
        peer: other ? `friend${Math.floor(random() * OTHER_CHATS)}@example.net` : MAIN_PEER,
        peerResource: out ? null : 'phone',
        direction: out ? 'out' : 'in',
        type: 'chat',
        messageId: id,
        originId: id,
        stanzaId: `A${i.toString(36)}`,
        body: last ? NEWEST_BODY : sentence,
        subject: null,
        thread: null,
        sentAt: at - 50,
        serverAt: at,
        receivedAt: at + 200,
        state: out ? 'read' : 'received',
        error: null,
      });
    }
    rows += store.addMany(batch).filter((r) => r.inserted).length;
  }
  store.close();
  return { ms: performance.now() - began, rows };
}

function ms(value: number): number {
  return Number(value.toFixed(3));
}

function figure(metric: string, values: number[], extra: Record<string, unknown> = {}): void {
  report({
    metric,
    value: ms(median(values)),
    unit: 'ms',
    median: ms(median(values)),
    p95: ms(percentile(values, 95)),
    min: ms(Math.min(...values)),
    runs: values.length,
    ...extra,
  });
}

/** ~50 varied queries: common and rare words, multi-word, prefixes, accents, no-hit words, hostile syntax. */
function queries(words: string[]): string[] {
  const pick = (rank: number): string => words[Math.min(rank, words.length - 1)]!;
  return [
    'the',
    'you',
    'meeting',
    'tomorrow',
    'coffee',
    'deadline',
    'station',
    'birthday',
    'release',
    'weekend',
    'cafe',
    'naive',
    'strasse',
    'resume',
    pick(300),
    pick(600),
    pick(1_000),
    pick(2_000),
    pick(5_000),
    pick(10_000),
    pick(20_000),
    pick(29_000),
    'meet tomorrow',
    'coffee tomorrow morning',
    'the project',
    'bug fix',
    'send the report',
    'call me later',
    'love you',
    `${pick(400)} ${pick(900)}`,
    `${pick(50)} ${pick(3_000)}`,
    'see you soon',
    'meet',
    'tom',
    'proj',
    'del',
    'w',
    'ka',
    'gra',
    `${pick(1_500).slice(0, 4)}`,
    'zzzzzz',
    'quixotic',
    'the zzzzzz',
    '"hello',
    'rock AND roll',
    'NOT *',
    '(NEAR)',
    'body:the',
    "don't",
    '🙂 coffee',
  ];
}

/** The fields every search-latency figure carries: p95 as its value, p50, max and the slowest queries. */
function searchFigure(
  times: number[],
  byQuery: Map<string, number[]>,
  queryCount: number,
  hits: number,
  runs: number,
) {
  return {
    value: ms(percentile(times, 95)),
    unit: 'ms',
    p50: ms(median(times)),
    p95: ms(percentile(times, 95)),
    max: ms(Math.max(...times)),
    slowest_queries: slowest(byQuery),
    queries: queryCount,
    runs,
    hits_per_pass: hits / runs,
    limit: 50,
    target_p95_ms: TARGET_SEARCH_P95_MS,
  };
}

/** The `n` queries with the highest median time, for finding what makes a p95. */
function slowest(byQuery: Map<string, number[]>, n = 3): Array<[string, number]> {
  return [...byQuery]
    .map(([query, times]): [string, number] => [query, ms(median(times))])
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
}

const SCOPES = [
  ['all chats', undefined],
  ['main chat (1M)', MAIN_PEER],
  ['small chat', SMALL_PEER],
] as const;

/** Store level: open + newest page, paging, around(), search. */
function storeFigures(file: string, runs: number, list: readonly string[]): void {
  // First paint: open the file and read the newest 50 of the big chat (fresh store each run).
  const firstPaint: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const began = performance.now();
    const store = HistoryStore.open(file);
    const page = store.page(ACCOUNT, MAIN_PEER, { limit: 50 });
    const elapsed = performance.now() - began;
    if (page.length !== 50) throw new Error('newest page is short');
    if (page.at(-1)!.body !== NEWEST_BODY) throw new Error('the newest page does not end with NEWEST_BODY');
    store.close();
    if (i >= 2) firstPaint.push(elapsed);
  }
  figure('history_open_and_newest_page_ms', firstPaint, { limit: 50, target_ms: TARGET_FIRST_PAINT_MS });

  const store = HistoryStore.open(file);
  try {
    const pageOnly: number[] = [];
    const back20: number[] = [];
    const aroundTimes: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      let began = performance.now();
      let page = store.page(ACCOUNT, MAIN_PEER, { limit: 50 });
      if (i >= 2) pageOnly.push(performance.now() - began);
      began = performance.now();
      for (let p = 0; p < 20; p++) page = store.page(ACCOUNT, MAIN_PEER, { before: page[0]!, limit: 50 });
      if (i >= 2) back20.push(performance.now() - began);
      if (page.length !== 50) throw new Error('paging ran short');
      began = performance.now();
      const context = store.around(ACCOUNT, page[25]!.rowId, 25);
      if (i >= 2) aroundTimes.push(performance.now() - began);
      if (context.length !== 51) throw new Error('around() is short');
    }
    figure('history_newest_page_ms', pageOnly, { limit: 50 });
    figure('history_page_back_20_pages_ms', back20, { limit: 50, pages: 20 });
    figure('history_around_ms', aroundTimes, { radius: 25 });

    const searchRuns = Math.max(3, Math.floor(runs / 5));
    for (const [scope, peer] of SCOPES) {
      const times: number[] = [];
      const byQuery = new Map<string, number[]>(list.map((q) => [q, []]));
      let hits = 0;
      for (let r = 0; r < searchRuns + 1; r++) {
        for (const query of list) {
          const began = performance.now();
          const found = store.search(ACCOUNT, query, { limit: 50, ...(peer ? { peer } : {}) });
          if (r >= 1) {
            const elapsed = performance.now() - began;
            times.push(elapsed);
            byQuery.get(query)!.push(elapsed);
            hits += found.length;
          }
        }
      }
      report({
        metric: 'history_search_ms',
        scope,
        ...searchFigure(times, byQuery, list.length, hits, searchRuns),
      });
    }
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// In the page. These functions are serialized into the page by Playwright: self-contained, no imports.

interface OpenProbe {
  /** event.timeStamp of the click on a roster row (performance.now() time base). */
  clickAt: number | null;
  /** The first 'chat.history' request after the click left on the bridge socket; its answer arrived. */
  historySentAt: number | null;
  historyAnsweredAt: number | null;
  historyAnswerChars: number | null;
  /** The first animation frame after the click in which the newest message was on screen in the log. */
  shownAt: number | null;
}

interface SearchProbe {
  query: string | null;
  inputAt: number | null;
  requestAt: number | null;
  answerAt: number | null;
  shownAt: number | null;
  status: string | null;
  hits: number;
}

function instrumentPage(args: { newestBody: string }): void {
  const open: OpenProbe = {
    clickAt: null,
    historySentAt: null,
    historyAnsweredAt: null,
    historyAnswerChars: null,
    shownAt: null,
  };
  const search: SearchProbe = {
    query: null,
    inputAt: null,
    requestAt: null,
    answerAt: null,
    shownAt: null,
    status: null,
    hits: 0,
  };
  const w = window as unknown as { __open: OpenProbe; __search: SearchProbe };
  w.__open = open;
  w.__search = search;

  // The bridge's frames: a command goes out as {"type":"invoke","id":N,"command":...}, its answer comes back
  // as {"type":"result","id":N,...}. This listener is added before the app's, so it sees the answer first.
  let historyId: number | null = null;
  let searchId: number | null = null;
  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string' || !event.data.includes('"type":"result"')) return;
        if (historyId === null && searchId === null) return;
        const id = (JSON.parse(event.data) as { id?: number }).id;
        const now = performance.now();
        if (id === historyId && open.historyAnsweredAt === null) {
          open.historyAnsweredAt = now;
          open.historyAnswerChars = event.data.length;
        }
        if (id === searchId && search.answerAt === null) search.answerAt = now;
      });
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string' && data.includes('"type":"invoke"')) {
        if (
          open.clickAt !== null &&
          open.historySentAt === null &&
          data.includes('"command":"chat.history"')
        ) {
          historyId = (JSON.parse(data) as { id: number }).id;
          open.historySentAt = performance.now();
        }
        if (data.includes('"command":"chat.search"')) {
          const frame = JSON.parse(data) as { id: number; payload: { query: string } };
          if (search.inputAt !== null && search.requestAt === null && frame.payload.query === search.query) {
            searchId = frame.id;
            search.requestAt = performance.now();
          }
        }
      }
      super.send(data);
    }
  }
  window.WebSocket = ProbedWebSocket;

  const visibleIn = (el: Element, box: DOMRect): boolean => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > box.top && r.top < box.bottom && r.top < window.innerHeight;
  };

  // Opening the chat: from the click on the roster row to the frame showing the newest message.
  document.addEventListener(
    'click',
    (event) => {
      if (open.clickAt !== null || !(event.target as Element).closest?.('[role="treeitem"]')) return;
      open.clickAt = event.timeStamp;
      const frame = (): void => {
        const log = document.querySelector('[role="log"]');
        if (log) {
          const box = log.getBoundingClientRect();
          for (const el of log.querySelectorAll('.msg-body')) {
            if (el.textContent === args.newestBody && visibleIn(el, box)) {
              open.shownAt = performance.now();
              return;
            }
          }
        }
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    true,
  );

  // Search boxes: from a non-empty query's input event to the frame showing its answer.
  let searchLoop = false;
  document.addEventListener(
    'input',
    (event) => {
      const input = event.target as HTMLInputElement;
      if (input.getAttribute?.('role') !== 'combobox' || !input.closest('[role="search"]')) return;
      const query = input.value.trim();
      search.query = query === '' ? null : query;
      search.inputAt = query === '' ? null : event.timeStamp;
      search.requestAt = null;
      search.answerAt = null;
      search.shownAt = null;
      search.status = null;
      search.hits = 0;
      searchId = null;
      if (query === '' || searchLoop) return;
      searchLoop = true;
      const frame = (): void => {
        if (search.inputAt === null || search.shownAt !== null) {
          searchLoop = false;
          return;
        }
        const region = input.closest('[role="search"]');
        const status = region?.querySelector('[role="status"]')?.textContent?.trim() ?? '';
        if (status !== '' && !status.startsWith('Searching')) {
          const list = region?.querySelector('[role="listbox"]');
          const first = list?.querySelector('[role="option"]');
          const hits =
            list && !(list as HTMLElement).hidden ? list.querySelectorAll('[role="option"]').length : 0;
          if (hits === 0 || (first && visibleIn(first, list!.getBoundingClientRect()))) {
            search.shownAt = performance.now();
            search.status = status;
            search.hits = hits;
            searchLoop = false;
            return;
          }
        }
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    true,
  );
}

async function poll<T>(page: Page, read: () => T, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    const value = await page.evaluate(read);
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${UI_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function openPage(browser: Browser, url: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(instrumentPage, { newestBody: NEWEST_BODY });
  await page.goto(url);
  return { page, close: () => context.close() };
}

/** One fresh page: click Bob in the roster, wait for the newest message on screen. */
async function openChatOnce(browser: Browser, url: string): Promise<OpenProbe> {
  const { page, close } = await openPage(browser, url);
  try {
    const row = page.getByRole('treeitem', { name: new RegExp(`^${PEER_NAME}\\b`) });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    // Let the page finish starting (snapshot, roster, first paints): the figure is opening a chat.
    await page.waitForTimeout(300);
    await row.click();
    const probe = await poll(
      page,
      () => (window as unknown as { __open: OpenProbe }).__open,
      (p) => p.shownAt !== null,
      'opening the chat',
    );
    if (probe.historySentAt === null || probe.historyAnsweredAt === null) {
      throw new Error("the chat was shown without a 'chat.history' request after the click");
    }
    return probe;
  } finally {
    await close();
  }
}

interface SearchSample {
  total: number;
  toRequest: number;
  requestToAnswer: number;
  answerToShown: number;
  hits: number;
}

/** Puts each query into the box and waits for its answer on screen; one warm-up pass, then `passes`. */
async function searchBox(
  page: Page,
  box: ReturnType<Page['getByRole']>,
  list: readonly string[],
  passes: number,
): Promise<{ samples: SearchSample[]; failed: string[] }> {
  const samples: SearchSample[] = [];
  const failed: string[] = [];
  for (let r = 0; r < passes + 1; r++) {
    for (const query of list) {
      await box.fill('');
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      await box.fill(query);
      const p = await poll(
        page,
        () => (window as unknown as { __search: SearchProbe }).__search,
        (s) => s.shownAt !== null,
        `search for ${JSON.stringify(query)}`,
      );
      if (p.status?.startsWith('Search failed')) failed.push(`${query}: ${p.status}`);
      if (r === 0) continue;
      const requestAt = p.requestAt ?? p.inputAt!;
      const answerAt = p.answerAt ?? requestAt;
      samples.push({
        total: p.shownAt! - p.inputAt!,
        toRequest: requestAt - p.inputAt!,
        requestToAnswer: answerAt - requestAt,
        answerToShown: p.shownAt! - answerAt,
        hits: p.hits,
      });
    }
  }
  return { samples, failed: [...new Set(failed)] };
}

// ---------------------------------------------------------------------------------------------------------

async function endToEnd(dataDir: string, runs: number, list: readonly string[]): Promise<void> {
  const prosody: ProsodyServer = await startProsody({
    domain: DOMAIN,
    accounts: [
      { user: USER, password: PASSWORD },
      { user: PEER_USER, password: PASSWORD },
    ],
  });
  let engine: Engine | null = null;
  let host: { close(): Promise<void>; url: string } | null = null;
  let browser: Browser | null = null;
  try {
    await seedRoster(prosody, USER, [{ jid: MAIN_PEER, name: PEER_NAME, groups: [], subscription: 'both' }]);
    let began = performance.now();
    engine = await Engine.create({ dataDir, extraCertificates: [prosody.certificate.certPem] });
    const engineCreateMs = performance.now() - began;
    began = performance.now();
    const signedIn = await engine.invoke('account.signIn', {
      jid: ACCOUNT,
      password: PASSWORD,
      host: prosody.host,
      port: prosody.c2sPort,
    });
    if (!signedIn.ok) throw new Error(`engine sign-in failed: ${signedIn.error.message}`);
    console.warn(
      `history bench: engine created in ${Math.round(engineCreateMs)} ms (opens the built file), ` +
        `signed in as ${ACCOUNT} in ${Math.round(performance.now() - began)} ms`,
    );
    const newest = await engine.invoke('chat.history', { account: ACCOUNT, peer: MAIN_PEER, limit: 1 });
    if (!newest.ok || newest.value.messages[0]?.body !== NEWEST_BODY) {
      throw new Error("the engine's history of the big chat does not end with NEWEST_BODY");
    }

    // Engine-level search through the contract, each query interleaved with the same search on a store of
    // its own over the same file (the baseline of this run; which goes first alternates).
    const searchRuns = Math.max(3, Math.floor(runs / 5));
    const baseline = HistoryStore.open(path.join(dataDir, 'history.sqlite'));
    try {
      for (const [scope, peer] of SCOPES) {
        const times: number[] = [];
        const storeTimes: number[] = [];
        const byQuery = new Map<string, number[]>(list.map((q) => [q, []]));
        let hits = 0;
        let storeHits = 0;
        for (let r = 0; r < searchRuns + 1; r++) {
          for (const [i, query] of list.entries()) {
            const viaStore = (): void => {
              const began = performance.now();
              const found = baseline.search(ACCOUNT, query, { limit: 50, ...(peer ? { peer } : {}) });
              if (r === 0) return;
              storeTimes.push(performance.now() - began);
              storeHits += found.length;
            };
            if (i % 2 === 0) viaStore();
            const began = performance.now();
            const result = await engine.invoke('chat.search', {
              query,
              limit: 50,
              ...(peer ? { account: ACCOUNT, peer } : {}),
            });
            const elapsed = performance.now() - began;
            if (!result.ok) throw new Error(`chat.search ${JSON.stringify(query)}: ${result.error.message}`);
            if (r > 0) {
              times.push(elapsed);
              byQuery.get(query)!.push(elapsed);
              hits += result.value.hits.length;
            }
            if (i % 2 === 1) viaStore();
          }
        }
        if (hits !== storeHits) {
          console.warn(`history bench: ${scope}: the engine found ${hits} hits, the store ${storeHits}`);
        }
        report({
          metric: 'history_engine_search_ms',
          scope,
          ...searchFigure(times, byQuery, list.length, hits, searchRuns),
          store_p50: ms(median(storeTimes)),
          store_p95: ms(percentile(storeTimes, 95)),
          via: "engine.invoke('chat.search')",
        });
      }
    } finally {
      baseline.close();
    }

    // Browser mode.
    browser = await rebuildRendererAndLaunchChromium();
    host = (await startBrowserMode({ engine })).host;

    const uiRuns = Math.max(5, Math.floor(runs / 3));
    const opens: OpenProbe[] = [];
    for (let i = 0; i < uiRuns + 2; i++) {
      const probe = await openChatOnce(browser, host.url);
      if (i >= 2) opens.push(probe);
    }
    const total = opens.map((p) => p.shownAt! - p.clickAt!);
    figure('history_ui_open_chat_first_paint_ms', total, {
      target_ms: TARGET_FIRST_PAINT_MS,
      from: 'click on the roster row (event.timeStamp)',
      to: "first animation frame with the newest message's text on screen in the chat log",
      click_to_request_ms: ms(median(opens.map((p) => p.historySentAt! - p.clickAt!))),
      request_to_answer_ms: ms(median(opens.map((p) => p.historyAnsweredAt! - p.historySentAt!))),
      answer_to_shown_ms: ms(median(opens.map((p) => p.shownAt! - p.historyAnsweredAt!))),
      answer_chars: opens[0]!.historyAnswerChars,
      fresh_page_each_run: true,
    });

    // The message search box, where the renderer has one.
    const { page, close } = await openPage(browser, host.url);
    try {
      const row = page.getByRole('treeitem', { name: new RegExp(`^${PEER_NAME}\\b`) });
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      await row.click();
      await page.getByRole('log', { name: new RegExp(PEER_NAME) }).waitFor({ timeout: UI_TIMEOUT_MS });
      const global = page.getByRole('combobox', { name: 'Search messages', exact: true });
      if ((await global.count()) === 0) {
        report({
          metric: 'history_ui_search_shown_ms',
          value: null,
          unit: 'ms',
          skipped: 'the renderer has no message search box (combobox "Search messages")',
        });
        return;
      }
      const uiList = list.filter((_, i) => i % 2 === 0);
      const uiPasses = 2;
      const boxes: Array<[string, () => Promise<ReturnType<Page['getByRole']>>]> = [
        ['all chats', async () => global],
        [
          'main chat (1M)',
          async () => {
            const name = `Search messages with ${PEER_NAME}`;
            const box = page.getByRole('combobox', { name, exact: true });
            if ((await box.count()) === 0) await page.getByRole('button', { name, exact: true }).click();
            await box.waitFor({ timeout: UI_TIMEOUT_MS });
            return box;
          },
        ],
      ];
      for (const [scope, find] of boxes) {
        const box = await find();
        const { samples, failed } = await searchBox(page, box, uiList, uiPasses);
        await box.fill('');
        const times = samples.map((s) => s.total);
        report({
          metric: 'history_ui_search_shown_ms',
          scope,
          value: ms(median(times)),
          unit: 'ms',
          median: ms(median(times)),
          p95: ms(percentile(times, 95)),
          max: ms(Math.max(...times)),
          from: 'input event of the query in the search box',
          to: 'first frame showing its answer (first hit listed, or "No messages match")',
          input_to_request_ms: ms(median(samples.map((s) => s.toRequest))),
          request_to_answer_ms: ms(median(samples.map((s) => s.requestToAnswer))),
          request_to_answer_p95_ms: ms(
            percentile(
              samples.map((s) => s.requestToAnswer),
              95,
            ),
          ),
          answer_to_shown_ms: ms(median(samples.map((s) => s.answerToShown))),
          queries: uiList.length,
          runs: uiPasses,
          hits_per_pass: samples.reduce((sum, s) => sum + s.hits, 0) / uiPasses,
          ...(failed.length > 0 ? { failed } : {}),
        });
      }
    } finally {
      await close();
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await host?.close().catch(() => undefined);
    await engine?.dispose().catch(() => undefined);
    await prosody.stop();
  }
}

export async function main(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 1_000_000);
  const runs = Number(args[1] ?? 30);
  // A fresh data dir: the file is built where Engine.create opens it (<dataDir>/history.sqlite).
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-history-'));
  const file = path.join(dataDir, 'history.sqlite');
  try {
    const built = build(file, total);
    report({
      metric: 'history_build_ms',
      value: ms(built.ms),
      unit: 'ms',
      messages: built.rows,
      main_chat: total,
      rate_per_s: Math.round(built.rows / (built.ms / 1000)),
      file_mb: Number((statSync(file).size / 2 ** 20).toFixed(1)),
    });
    const list = queries(corpus(42).words);
    storeFigures(file, runs, list);
    try {
      await endToEnd(dataDir, runs, list);
    } catch (error) {
      const message = (error as Error).message;
      console.error(`history bench: end-to-end figures failed: ${message}`);
      report({ metric: 'history_end_to_end', value: null, unit: null, error: message });
      process.exitCode = 1;
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
