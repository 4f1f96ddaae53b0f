// The user's preferences on disk (preferences.json in the data folder): the document of shared/preferences.ts
// plus each conversation's own settings (mute, a room's notification level). Read once at start; a missing,
// damaged or older file gives defaults for whatever it lacks (the schema fills them: that is the migration).
// Writes are atomic and serialised. Nothing here is ever a password or message text.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  MAX_CONVERSATION_PREFS,
  preferencesSchema,
  conversationPrefsSchema,
  type ConversationPrefs,
  type Preferences,
  type PreferencesPatch,
} from '../../../shared/preferences.ts';
import { conversationId } from '../../../shared/conversation.ts';
import { EngineError } from '../errors.ts';

const FILE_VERSION = 1;

interface PreferencesFile {
  version: number;
  preferences: unknown;
  conversations: unknown;
}

export interface PreferencesState {
  preferences: Preferences;
  conversations: ConversationPrefs[];
}

/** What modules and services read: the current document, and news of changes. */
export interface PreferencesView {
  get(): Preferences;
  conversation(key: Pick<ConversationPrefs, 'account' | 'kind' | 'peer'>): ConversationPrefs | null;
  onChange(listener: (state: PreferencesState) => void): () => void;
}

export class PreferencesStore implements PreferencesView {
  readonly #file: string;
  #preferences: Preferences;
  /** Insertion-ordered: the oldest entry goes first when the bound is reached. */
  readonly #conversations = new Map<string, ConversationPrefs>();
  readonly #listeners = new Set<(state: PreferencesState) => void>();
  #queue: Promise<void> = Promise.resolve();

  private constructor(file: string, preferences: Preferences, conversations: ConversationPrefs[]) {
    this.#file = file;
    this.#preferences = preferences;
    for (const entry of conversations.slice(-MAX_CONVERSATION_PREFS)) {
      this.#conversations.set(conversationId(entry), entry);
    }
  }

  static async open(dataDir: string): Promise<PreferencesStore> {
    const file = path.join(dataDir, 'preferences.json');
    // Missing or not JSON: the defaults, rather than refusing to start.
    const found = await readFile(file, 'utf8').then(
      (text) => {
        try {
          return JSON.parse(text) as Partial<PreferencesFile>;
        } catch {
          return null;
        }
      },
      () => null,
    );
    return new PreferencesStore(
      file,
      readPreferences(found?.preferences),
      readConversations(found?.conversations),
    );
  }

  get(): Preferences {
    return this.#preferences;
  }

  state(): PreferencesState {
    return { preferences: this.#preferences, conversations: [...this.#conversations.values()] };
  }

  conversation(key: Pick<ConversationPrefs, 'account' | 'kind' | 'peer'>): ConversationPrefs | null {
    return this.#conversations.get(conversationId(key)) ?? null;
  }

  onChange(listener: (state: PreferencesState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Applies a patch as a whole or not at all: an unknown field or a refused value is 'invalid-request', and a
   * change that could not be written (disk full, the file held by another program) changes nothing.
   */
  set(patch: PreferencesPatch): Promise<PreferencesState> {
    return this.#serially(() => {
      const merged: Record<string, unknown> = { ...this.#preferences };
      for (const [section, fields] of Object.entries(patch)) {
        const current = (this.#preferences as Record<string, Record<string, unknown> | undefined>)[section];
        if (!Object.hasOwn(this.#preferences, section) || !current || typeof fields !== 'object' || !fields) {
          throw new EngineError('invalid-request', `There is no preference section "${section}".`);
        }
        for (const field of Object.keys(fields)) {
          if (!Object.hasOwn(current, field)) {
            throw new EngineError('invalid-request', `There is no preference "${section}.${field}".`);
          }
        }
        merged[section] = { ...current, ...fields };
      }
      const checked = preferencesSchema.safeParse(merged);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        const where = issue?.path.join('.') ?? 'preferences';
        throw new EngineError('invalid-request', `${where}: ${issue?.message ?? 'not a valid value'}`);
      }
      return { preferences: checked.data, conversations: this.#conversations };
    });
  }

  setConversation(entry: ConversationPrefs): Promise<PreferencesState> {
    return this.#serially(() => {
      const id = conversationId(entry);
      const conversations = new Map(this.#conversations);
      conversations.delete(id);
      if (entry.mutedUntil !== null || entry.roomNotify !== null) {
        conversations.set(id, conversationPrefsSchema.parse(entry));
        while (conversations.size > MAX_CONVERSATION_PREFS) {
          const oldest = conversations.keys().next().value;
          if (oldest === undefined) break;
          conversations.delete(oldest);
        }
      }
      return { preferences: this.#preferences, conversations };
    });
  }

  /** Waits for the changes under way (tests, shutdown). */
  flush(): Promise<void> {
    return this.#queue;
  }

  /**
   * One change at a time: `next` computes the new state from the current one, the file is written, and only
   * then does it become current and reach the listeners. A failed write (or a refused change) leaves the
   * state as it was, and the next change starts afresh.
   */
  #serially(
    next: () => { preferences: Preferences; conversations: Map<string, ConversationPrefs> },
  ): Promise<PreferencesState> {
    const run = this.#queue.then(async () => {
      const proposed = next();
      const state = {
        preferences: proposed.preferences,
        conversations: [...proposed.conversations.values()],
      };
      const file: PreferencesFile = { version: FILE_VERSION, ...state };
      try {
        await writeAtomic(this.#file, JSON.stringify(file, null, 2));
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new EngineError('internal', `The preferences could not be saved (${why}); nothing changed.`, {
          cause: error,
        });
      }
      this.#preferences = proposed.preferences;
      if (proposed.conversations !== this.#conversations) {
        this.#conversations.clear();
        for (const [id, entry] of proposed.conversations) this.#conversations.set(id, entry);
      }
      for (const listener of this.#listeners) listener(state);
      return state;
    });
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** The stored document, each section and field checked on its own: one bad value costs only that value. */
function readPreferences(stored: unknown): Preferences {
  const whole = preferencesSchema.safeParse(stored ?? {});
  if (whole.success) return whole.data;
  const kept: Record<string, unknown> = {};
  if (stored && typeof stored === 'object') {
    for (const [name, section] of Object.entries(preferencesSchema.shape)) {
      const value = (stored as Record<string, unknown>)[name];
      if (section.safeParse(value).success) kept[name] = value;
    }
  }
  return preferencesSchema.parse(kept);
}

function readConversations(stored: unknown): ConversationPrefs[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((entry) => {
    const checked = conversationPrefsSchema.safeParse(entry);
    return checked.success ? [checked.data] : [];
  });
}

/** Through a temp file and a rename; a failure leaves neither a half-written file nor the temp file. */
async function writeAtomic(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
