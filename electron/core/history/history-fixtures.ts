// What the history store's tests share: a few accounts, a message with every field, temp folders, and
// looks into the SQLite file (its schema, its FTS index).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { HistoryStore, NewMessage } from './history-store.ts';

export const ME = 'me@example.org';
export const BOB = 'bob@example.org';
export const CAROL = 'carol@example.net';
export const T0 = Date.UTC(2025, 0, 1);

export function msg(overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    account: ME,
    kind: 'chat',
    peer: BOB,
    peerResource: 'phone',
    direction: 'in',
    type: 'chat',
    messageId: null,
    originId: null,
    stanzaId: null,
    body: 'hello',
    subject: null,
    thread: null,
    sentAt: null,
    serverAt: null,
    receivedAt: T0,
    state: 'received',
    error: null,
    ...overrides,
  };
}

export function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-history-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

export function schemaOf(file: string): string[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all() as object[]).map(
      (r) => JSON.stringify(r),
    );
  } finally {
    db.close();
  }
}

export function ftsIntegrity(store: HistoryStore, file: string): void {
  store.close();
  const db = new DatabaseSync(file);
  try {
    db.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`);
  } finally {
    db.close();
  }
}
