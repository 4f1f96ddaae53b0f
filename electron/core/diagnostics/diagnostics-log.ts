// The diagnostics log (Settings › Advanced): one line per connection event, written to dataDir/diagnostics.log
// only while prefs.advanced.diagnosticsLog is on, read at each event so switching it needs no restart.
// Callers hand it names and small values only (endpoints, TLS parameters, mechanisms, states, error codes and
// conditions); nothing here ever sees a password, a stanza, a body or a name from the roster.
// Bounded: lines are batched into one append per flush, a burst beyond MAX_PENDING_BYTES is counted, not
// kept, and the file is capped: past capBytes it becomes diagnostics.log.1 (one generation) and starts again.
import { appendFile, rename, stat } from 'node:fs/promises';
import type { PreferencesView } from '../preferences/preferences-store.ts';

export type DiagnosticFields = Record<string, string | number | boolean | null | undefined>;
/** What runtimes and sessions are handed: one event of their account. */
export type DiagnosticLog = (event: string, fields?: DiagnosticFields) => void;

export interface DiagnosticsLogOptions {
  /** The file's size limit before it is rotated (default 2 MB). */
  capBytes?: number;
  /** How long lines wait to be written together (default 500 ms). */
  flushMs?: number;
  appVersion?: string;
}

const DEFAULT_CAP_BYTES = 2 * 1024 * 1024;
const MAX_PENDING_BYTES = 256 * 1024;
const MAX_VALUE_CHARS = 300;
/** A value made of these is written as is; anything else is quoted and escaped (JSON string rules). */
const PLAIN_VALUE = /^[\w.:/@+\-[\]#,]+$/;
/** Left by JSON.stringify but able to reorder or break what a terminal shows: C1 controls, bidi marks, separators. */
const INVISIBLE = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escapeCode = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One value, bounded and on one line: remote text (an error's words) can neither break nor flood the file. */
function formatValue(value: string | number | boolean | null): string {
  if (value === null || typeof value !== 'string') return String(value);
  const text = value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
  return PLAIN_VALUE.test(text) ? text : JSON.stringify(text).replace(INVISIBLE, escapeCode);
}

export function formatLine(at: Date, account: string, event: string, fields: DiagnosticFields = {}): string {
  let line = `${at.toISOString()} ${formatValue(account)} ${formatValue(event)}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
  }
  return `${line}\n`;
}

export class DiagnosticsLog {
  readonly #file: string;
  readonly #preferences: PreferencesView;
  readonly #capBytes: number;
  readonly #flushMs: number;
  readonly #stopWatching: () => void;
  #pending: string[] = [];
  #pendingBytes = 0;
  #dropped = 0;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();
  /** Bytes in the file now; read from disk before the first write. */
  #size: number | null = null;
  #warned = false;

  constructor(file: string, preferences: PreferencesView, options: DiagnosticsLogOptions = {}) {
    this.#file = file;
    this.#preferences = preferences;
    this.#capBytes = options.capBytes ?? DEFAULT_CAP_BYTES;
    this.#flushMs = options.flushMs ?? 500;
    let wasOn = this.enabled;
    // A line where the log starts, so a reader knows which version wrote what follows.
    const started = () => this.write('-', 'diagnostics.on', { version: options.appVersion ?? 'dev' });
    if (wasOn) started();
    this.#stopWatching = preferences.onChange(({ preferences: now }) => {
      const on = now.advanced.diagnosticsLog;
      if (on && !wasOn) started();
      wasOn = on;
    });
  }

  get enabled(): boolean {
    return this.#preferences.get().advanced.diagnosticsLog;
  }

  /** The logger one account's runtime and sessions write through. */
  forAccount(account: string): DiagnosticLog {
    return (event, fields) => this.write(account, event, fields);
  }

  write(account: string, event: string, fields?: DiagnosticFields): void {
    if (!this.enabled) return;
    const line = formatLine(new Date(), account, event, fields);
    const bytes = Buffer.byteLength(line);
    if (this.#pendingBytes + bytes > MAX_PENDING_BYTES) {
      this.#dropped++;
      return;
    }
    this.#pending.push(line);
    this.#pendingBytes += bytes;
    if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.#flushMs);
      this.#timer.unref();
    }
  }

  /** Writes what is pending in one append (after any write under way); resolves once it is on disk. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#dropped > 0) {
      this.#pending.push(formatLine(new Date(), '-', 'diagnostics.dropped', { lines: this.#dropped }));
      this.#dropped = 0;
    }
    if (this.#pending.length === 0) return this.#writing;
    const chunk = this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writing = this.#writing.then(() => this.#append(chunk));
    return this.#writing;
  }

  async #append(chunk: string): Promise<void> {
    try {
      const bytes = Buffer.byteLength(chunk);
      this.#size ??= await stat(this.#file).then(
        (s) => s.size,
        () => 0,
      );
      if (this.#size > 0 && this.#size + bytes > this.#capBytes) {
        await rename(this.#file, `${this.#file}.1`); // replaces the older generation
        this.#size = 0;
      }
      await appendFile(this.#file, chunk, { mode: 0o600 });
      this.#size += bytes;
    } catch (error) {
      // A log that cannot be written must not disturb the app: say so once, keep going.
      this.#size = null;
      if (!this.#warned) console.warn('diagnostics log: cannot write', (error as Error).message);
      this.#warned = true;
    }
  }

  /** The engine shuts down: write what is pending and stop following the preferences. */
  async close(): Promise<void> {
    this.#stopWatching();
    await this.flush();
  }
}
