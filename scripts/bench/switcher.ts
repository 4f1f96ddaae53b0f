// `npm run bench -- switcher [runs]`: the quick switcher's filter at 10,000 contacts (renderer code in Node:
// switcher-items.ts builds the list as the switcher does when it opens, matcher.ts filters it per keystroke).
// Each run types a 17-character query one key at a time and deletes three (20 keystrokes), timing each
// filter. Figures, medians over the runs (default 5):
//   quick_switcher_filter_ms   the median keystroke's filter
//   quick_switcher_filter_max_ms  the slowest keystroke's filter
//   quick_switcher_open_ms     building the list (every name and address folded) when the switcher opens
import type { Contact } from '../../shared/contract.ts';
import { applyAccountRoster, type RosterByAccount } from '../../renderer/stores/roster.ts';
import { filterItems } from '../../renderer/features/shortcuts/matcher.ts';
import { switcherItems } from '../../renderer/features/shortcuts/switcher-items.ts';
import { median, report } from './_stats.ts';

const CONTACTS = 10_000;
const FIRST = [
  'Maria',
  'José',
  'Anna',
  'Björn',
  'Chloé',
  'David',
  'Élodie',
  'Femi',
  'Grace',
  'Hiroshi',
  'Inès',
];
const LAST = [
  'González',
  'Smith',
  'Müller',
  'Nguyen',
  'Kowalski',
  'Dubois',
  'Rossi',
  'Öztürk',
  'Silva',
  'Kim',
];
const TYPED = 'maria.gonzalez.12';

function roster(): RosterByAccount {
  const contacts: Contact[] = [];
  for (let i = 0; i < CONTACTS; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    contacts.push({
      jid: `${first}.${last}.${i}@example.org`.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(),
      name: `${first} ${last}`,
      groups: ['Friends'],
      subscription: 'both',
      pendingOut: false,
      pendingIn: false,
      preApproved: false,
    });
  }
  return applyAccountRoster(new Map(), 'me@example.org', { reset: true, upserts: contacts, removed: [] });
}

function keystrokes(): string[] {
  const queries: string[] = [];
  for (let n = 1; n <= TYPED.length; n++) queries.push(TYPED.slice(0, n));
  for (let n = 1; n <= 3; n++) queries.push(TYPED.slice(0, -n));
  return queries;
}

export async function main(args: string[]): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 5));
  const byAccount = roster();
  const queries = keystrokes();
  const filterMedians: number[] = [];
  const filterMaxes: number[] = [];
  const opens: number[] = [];
  let found = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const items = switcherItems({
      tabs: [],
      accounts: ['me@example.org'],
      roster: byAccount,
      rooms: new Map(),
      bookmarks: new Map(),
    });
    opens.push(performance.now() - start);
    const times: number[] = [];
    for (const query of queries) {
      const t = performance.now();
      found = filterItems(items, query).length;
      times.push(performance.now() - t);
    }
    filterMedians.push(median(times));
    filterMaxes.push(Math.max(...times));
  }
  if (found === 0)
    throw new Error('the last query found nothing: the bench is not filtering what it means to');
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  report({
    metric: 'quick_switcher_filter_ms',
    value: round(median(filterMedians)),
    unit: 'ms',
    contacts: CONTACTS,
    keystrokes: queries.length,
    runs,
  });
  report({ metric: 'quick_switcher_filter_max_ms', value: round(median(filterMaxes)), unit: 'ms', runs });
  report({
    metric: 'quick_switcher_open_ms',
    value: round(median(opens)),
    unit: 'ms',
    contacts: CONTACTS,
    runs,
  });
}
