// Auto-away as a small state machine, one per account: idle time and the user's own choice in, the
// presence to show others out. Pure (no clock, no I/O), so every rule is a unit test.
import type { OwnShow } from '../../../shared/contract.ts';
import type { Preferences } from '../../../shared/preferences.ts';

export type AutoShow = 'away' | 'xa';

export interface AutoAway {
  show: AutoShow;
  /** When the user last interacted (ms since the epoch): XEP-0319's idle 'since'. */
  since: number;
}

export interface AutoAwayState {
  /** Null: the user's own presence goes out as they chose it. */
  auto: AutoAway | null;
  /**
   * The user set a presence while idle: it wins until they are back at the machine (idle below the away
   * threshold), so the next idle report does not take it away again.
   */
  heldBack: boolean;
}

export const NOT_AWAY: AutoAwayState = { auto: null, heldBack: false };

/** Only these choices are ever replaced: Away, Extended away, Do not disturb and Offline are the user's own. */
const REPLACEABLE = new Set<OwnShow>(['available', 'chat']);

/** The state after an idle report of `idleSeconds` at `now`, for an account whose user chose `chosen`. */
export function nextAutoAway(
  state: AutoAwayState,
  chosen: OwnShow,
  idleSeconds: number,
  now: number,
  prefs: Preferences['idle'],
): AutoAwayState {
  const back = idleSeconds < prefs.awayMinutes * 60;
  if (!prefs.autoAway || back) return state.auto === null && !state.heldBack ? state : NOT_AWAY;
  if (state.heldBack || !REPLACEABLE.has(chosen))
    return state.auto === null ? state : { ...state, auto: null };
  const show: AutoShow = idleSeconds >= prefs.extendedAwayMinutes * 60 ? 'xa' : 'away';
  if (state.auto?.show === show) return state; // unchanged: nothing to send
  // Going from away to extended away keeps the moment idleness began.
  return { heldBack: false, auto: { show, since: state.auto?.since ?? now - idleSeconds * 1000 } };
}

/** The user set a presence themselves: it ends auto-away, and holds it back until they are back. */
export function userChose(idleSeconds: number | null, prefs: Preferences['idle']): AutoAwayState {
  return { auto: null, heldBack: idleSeconds !== null && idleSeconds >= prefs.awayMinutes * 60 };
}

/** XEP-0082 DateTime in UTC, whole seconds (XEP-0319 'since'). */
export function idleSinceStamp(since: number): string {
  return new Date(Math.floor(since / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
