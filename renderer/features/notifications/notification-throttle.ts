// Rate limits for notices: at most one per tag (conversation) every PER_TAG_MS, and GLOBAL_MAX in any
// GLOBAL_WINDOW_MS across all of them. A notice that may not show yet is folded: the tag keeps its newest one
// and a count, and once allowed it shows as "N new messages" (or as itself when it was the only one).
// Time comes in as arguments, so it is tested without clocks. Every map here is bounded.
import { currentIntl } from '../../i18n/intl-instance.ts';
import type { Notice } from './notify-policy.ts';

export interface ThrottleLimits {
  perTagMs: number;
  globalMax: number;
  globalWindowMs: number;
  /** Tags waiting at most (a flood from many conversations); past it the oldest waiting one is dropped. */
  maxWaiting: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  perTagMs: 2_000,
  globalMax: 5,
  globalWindowMs: 10_000,
  maxWaiting: 200,
};

interface Waiting {
  notice: Notice;
  count: number;
}

export function foldedBody(notice: Notice, count: number): string {
  return count > 1
    ? currentIntl().formatMessage({ id: 'notifications.notice.folded' }, { count })
    : notice.body;
}

export class NotificationThrottle {
  readonly #limits: ThrottleLimits;
  /** When each tag last showed, oldest first (a tag is moved to the end when it shows again). */
  readonly #lastShown = new Map<string, number>();
  /** When the recent notices showed, oldest first: at most globalMax entries. */
  #recent: number[] = [];
  /** Folded notices by tag, oldest first. */
  readonly #waiting = new Map<string, Waiting>();

  constructor(limits: ThrottleLimits = DEFAULT_LIMITS) {
    this.#limits = limits;
  }

  /** The notice to show now, or null when it was folded into its tag's waiting one. */
  offer(notice: Notice, now: number): Notice | null {
    this.#forget(now);
    const waiting = this.#waiting.get(notice.tag);
    if (waiting) {
      waiting.notice = notice;
      waiting.count++;
      return null;
    }
    if (this.#mayShow(notice.tag, now)) {
      this.#shown(notice.tag, now);
      return notice;
    }
    if (this.#waiting.size >= this.#limits.maxWaiting) {
      const oldest = this.#waiting.keys().next().value;
      if (oldest !== undefined) this.#waiting.delete(oldest);
    }
    this.#waiting.set(notice.tag, { notice, count: 1 });
    return null;
  }

  /** Folded notices that may show now (oldest first), each with its count folded into the body. */
  due(now: number): Notice[] {
    this.#forget(now);
    const out: Notice[] = [];
    for (const [tag, { notice, count }] of this.#waiting) {
      if (!this.#mayShow(tag, now)) continue;
      this.#waiting.delete(tag);
      this.#shown(tag, now);
      out.push({ ...notice, body: foldedBody(notice, count) });
    }
    return out;
  }

  /** When due() may next have something (ms since the epoch), or null when nothing waits. */
  nextDue(): number | null {
    if (this.#waiting.size === 0) return null;
    let next = Infinity;
    for (const tag of this.#waiting.keys()) {
      const last = this.#lastShown.get(tag);
      next = Math.min(next, last === undefined ? 0 : last + this.#limits.perTagMs);
    }
    if (this.#recent.length >= this.#limits.globalMax) {
      next = Math.max(next, this.#recent[0]! + this.#limits.globalWindowMs);
    }
    return next;
  }

  /** Drops a tag's waiting notice (its conversation came on screen, or was muted). */
  drop(tag: string): void {
    this.#waiting.delete(tag);
  }

  #mayShow(tag: string, now: number): boolean {
    if (this.#recent.length >= this.#limits.globalMax) return false;
    const last = this.#lastShown.get(tag);
    return last === undefined || now - last >= this.#limits.perTagMs;
  }

  #shown(tag: string, now: number): void {
    this.#lastShown.delete(tag);
    this.#lastShown.set(tag, now);
    this.#recent.push(now);
  }

  /** Forgets what no longer limits anything: tags shown longer ago than perTagMs, notices out of the window. */
  #forget(now: number): void {
    for (const [tag, at] of this.#lastShown) {
      if (now - at < this.#limits.perTagMs) break;
      if (!this.#waiting.has(tag)) this.#lastShown.delete(tag);
    }
    let drop = 0;
    while (drop < this.#recent.length && now - this.#recent[drop]! >= this.#limits.globalWindowMs) drop++;
    if (drop > 0) this.#recent = this.#recent.slice(drop);
  }
}
