// `npm run bench -- history [messages] [runs]`: the local history store (electron/core/history) at scale.
// Builds a file with 1,000,000 messages in one chat plus 100,000 spread over 20 other chats (generated text:
// a Zipf-distributed vocabulary from a seeded PRNG, so every run builds the same file), then measures over
// repeated runs: open + newest page of 50 ("first paint", target 100 ms), the page alone, paging back 20
// pages, around() for a search hit, and FTS search latency over 50 varied queries (target p95 <= 50 ms).
// The file is fresh and sits in the OS page cache: these are warm-cache figures.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HistoryStore, type NewMessage } from '../../electron/core/history/history-store.ts';
import { median, percentile, report } from './_stats.ts';

const ACCOUNT = 'me@example.org';
const MAIN_PEER = 'bob@example.org';
const OTHER_CHATS = 20;
const BATCH = 10_000;

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
      const other = random() < otherTotal / all;
      const out = random() < 0.45;
      const id = `m${i.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`;
      batch.push({
        account: ACCOUNT,
        peer: other ? `friend${Math.floor(random() * OTHER_CHATS)}@example.net` : MAIN_PEER,
        peerResource: out ? null : 'phone',
        direction: out ? 'out' : 'in',
        type: 'chat',
        messageId: id,
        originId: id,
        stanzaId: `A${i.toString(36)}`,
        body: text.sentence(),
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

export async function main(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 1_000_000);
  const runs = Number(args[1] ?? 30);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-history-'));
  const file = path.join(dir, 'history.sqlite');
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

    // First paint: open the file and read the newest 50 of the big chat (fresh store each run).
    const firstPaint: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const began = performance.now();
      const store = HistoryStore.open(file);
      const page = store.page(ACCOUNT, MAIN_PEER, { limit: 50 });
      const elapsed = performance.now() - began;
      if (page.length !== 50) throw new Error('newest page is short');
      store.close();
      if (i >= 2) firstPaint.push(elapsed);
    }
    figure('history_open_and_newest_page_ms', firstPaint, { limit: 50, target_ms: 100 });

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

      const list = queries(corpus(42).words);
      const searchRuns = Math.max(3, Math.floor(runs / 5));
      const measure = (peer: string | undefined): { times: number[]; hits: number } => {
        const times: number[] = [];
        let hits = 0;
        for (let r = 0; r < searchRuns + 1; r++) {
          for (const query of list) {
            const began = performance.now();
            const found = store.search(ACCOUNT, query, { limit: 50, ...(peer ? { peer } : {}) });
            if (r >= 1) {
              times.push(performance.now() - began);
              hits += found.length;
            }
          }
        }
        return { times, hits: hits / searchRuns };
      };
      for (const [scope, peer] of [
        ['all chats', undefined],
        ['main chat (1M)', MAIN_PEER],
        ['small chat', 'friend3@example.net'],
      ] as const) {
        const { times, hits } = measure(peer);
        report({
          metric: 'history_search_ms',
          scope,
          value: ms(percentile(times, 95)),
          unit: 'ms',
          p50: ms(median(times)),
          p95: ms(percentile(times, 95)),
          max: ms(Math.max(...times)),
          queries: list.length,
          runs: searchRuns,
          hits_per_pass: hits,
          limit: 50,
          target_p95_ms: 50,
        });
      }
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
