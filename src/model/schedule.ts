/**
 * When the monitor polls next: a pure function of what is on screen, what is running, focus, the
 * last user action and the error streak, so every rule is tested without a clock or a server.
 */

export interface ScheduleInput {
  /** Who is looking: the jobs view visible, logs followed, details panels open. */
  readonly interest: { readonly viewVisible: boolean; readonly followedLogs: number; readonly openDetails: number };
  /** Active jobs in the store. */
  readonly activeJobs: number;
  /** Active jobs started from this window. */
  readonly activeStartedHere: number;
  /** Window focus. */
  readonly focused: boolean;
  /** Since the last start/cancel/resume from this window (Infinity if none). */
  readonly msSinceUserAction: number;
  readonly consecutiveErrors: number;
  /** From the last error's Retry-After header. */
  readonly retryAfterMs?: number;
  /** The `aemGuides.pollInterval` setting in ms (default 5000). */
  readonly pollIntervalMs: number;
}

export interface ScheduleConstants {
  /** The pace right after a user action (about 1-2 s). */
  fastMs: number;
  /** How long the fast pace lasts after a user action. */
  fastWindowMs: number;
  /** The pace when nobody needs fresh data soon. */
  slowMs: number;
  /** The cap of the error back-off (Retry-After may still ask for longer). */
  maxBackoffMs: number;
}

export const DEFAULT_SCHEDULE_CONSTANTS: Readonly<ScheduleConstants> = Object.freeze({
  fastMs: 1_500,
  fastWindowMs: 30_000,
  slowMs: 60_000,
  maxBackoffMs: 300_000,
});

/** The `aemGuides.pollInterval` default, in ms. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** A poll interval setting below this is raised to it: a typo must not hammer the server. */
export const MIN_POLL_INTERVAL_MS = 1_000;

/** `all`: history plus status for unlisted active jobs. `startedHere`: status calls for active jobs started here only. */
export type TickScope = 'all' | 'startedHere';

export interface NextTick {
  readonly delayMs: number;
  readonly scope: TickScope;
}

/** The next tick after the last one, or undefined for no timer at all. */
export function nextTick(input: ScheduleInput, constants: ScheduleConstants = DEFAULT_SCHEDULE_CONSTANTS): NextTick | undefined {
  const base = baseTick(input, constants);
  if (!base) return undefined;
  return { delayMs: withBackoff(base.delayMs, input, constants), scope: base.scope };
}

function baseTick(input: ScheduleInput, c: ScheduleConstants): NextTick | undefined {
  const { interest } = input;
  const looking = interest.viewVisible || interest.followedLogs > 0 || interest.openDetails > 0;

  if (!input.focused) {
    // Rule 1 (unfocused): only jobs started here are followed, by status calls at the slow pace, so
    // their completion notifications still arrive; nothing else is worth a request while nobody
    // looks. The monitor refreshes everything at once when focus returns.
    return input.activeStartedHere > 0 ? { delayMs: c.slowMs, scope: 'startedHere' } : undefined;
  }
  // Rule 2 (focused, idle): nobody looking and nothing running: no timer at all.
  if (!looking && input.activeJobs === 0) return undefined;
  // Rule 3: right after a start, cancel or resume the user expects to see it move: fast pace.
  if (input.msSinceUserAction < c.fastWindowMs) return { delayMs: c.fastMs, scope: 'all' };
  // Rule 4: a job is running and someone is looking at it: the configured pace.
  if (input.activeJobs > 0 && looking) return { delayMs: pollInterval(input.pollIntervalMs), scope: 'all' };
  // Rule 5: looking at finished jobs only (new jobs may come from elsewhere), or a job running
  // that nobody looks at (its completion notification may wait a minute): slow pace.
  return { delayMs: c.slowMs, scope: 'all' };
}

/**
 * Rule 6 (errors): the base delay doubles per consecutive error, capped at maxBackoffMs but never
 * below the base, and never sooner than the server's Retry-After.
 */
function withBackoff(base: number, input: ScheduleInput, c: ScheduleConstants): number {
  const errors = Math.max(0, Math.floor(input.consecutiveErrors || 0));
  // 2^30 already exceeds any sane cap; the bound keeps the arithmetic finite.
  const backedOff = errors === 0 ? base : Math.max(base, Math.min(c.maxBackoffMs, base * 2 ** Math.min(errors, 30)));
  const retryAfter = input.retryAfterMs !== undefined && Number.isFinite(input.retryAfterMs) && input.retryAfterMs > 0 ? input.retryAfterMs : 0;
  return Math.max(backedOff, retryAfter);
}

function pollInterval(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return DEFAULT_POLL_INTERVAL_MS;
  return Math.max(MIN_POLL_INTERVAL_MS, ms);
}
