/**
 * Our own remaining-time estimate, for when the server gives no ETA while a job runs: the progress
 * rate observed over a recent window of samples (TrackedJob.samples).
 */
import type { Job } from '../api/types';
import type { ProgressSample } from './jobStore';

/** The window the rate is observed over, by default. */
export const DEFAULT_RATE_WINDOW_MS = 2 * 60_000;

/**
 * Assets per millisecond over the recent window (ending at the newest sample). The sample just
 * before the window anchors it, so sparse polling still yields a rate. Samples before the last
 * drop in `triggeredCount` (a resumed or re-counted job) are ignored. Undefined with fewer than two
 * usable samples or no progress.
 */
export function observedRate(samples: readonly ProgressSample[], windowMs: number = DEFAULT_RATE_WINDOW_MS): number | undefined {
  const usable = sinceLastDrop(samples);
  const newest = usable[usable.length - 1];
  if (!newest || usable.length < 2) return undefined;
  const windowStart = newest.at - Math.max(0, windowMs);
  // The latest sample at or before the window start, else the oldest one we have.
  let anchor = usable[0];
  for (const s of usable) {
    if (s.at <= windowStart) anchor = s;
    else break;
  }
  if (!anchor || anchor === newest) return undefined;
  const dt = newest.at - anchor.at;
  const done = newest.triggeredCount - anchor.triggeredCount;
  if (dt <= 0 || done <= 0) return undefined;
  return done / dt;
}

/**
 * What is left of an active job: the server's own ETA when it gives one (> 0), else the remaining
 * assets at the observed rate. Undefined for a finished job, or when neither is known (no total
 * yet, no progress observed).
 */
export function estimateRemainingMs(job: Job, samples: readonly ProgressSample[], windowMs?: number): { ms: number; source: 'server' | 'estimate' } | undefined {
  if (!job.active) return undefined;
  const serverMs = job.eta?.ms;
  if (serverMs !== undefined && Number.isFinite(serverMs) && serverMs > 0) return { ms: serverMs, source: 'server' };
  const total = job.totalFiles;
  if (total === undefined || total <= 0) return undefined;
  const remaining = total - job.triggeredCount;
  if (remaining <= 0) return undefined;
  const rate = observedRate(samples, windowMs);
  if (rate === undefined) return undefined;
  return { ms: Math.round(remaining / rate), source: 'estimate' };
}

function sinceLastDrop(samples: readonly ProgressSample[]): readonly ProgressSample[] {
  let start = 0;
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1];
    const cur = samples[i];
    if (prev && cur && cur.triggeredCount < prev.triggeredCount) start = i;
  }
  return start === 0 ? samples : samples.slice(start);
}

export type RemainingTime =
  | { readonly kind: 'ms'; readonly ms: number; readonly source: 'server' | 'estimate' }
  /** The server's ETA in a unit we do not know: shown as sent. */
  | { readonly kind: 'verbatim'; readonly value: number; readonly unit: string };

/** What a view shows as time left for an active job: the server's ETA, else our estimate. */
export function remainingTime(job: Job, samples: readonly ProgressSample[]): RemainingTime | undefined {
  if (!job.active) return undefined;
  if (job.eta && job.eta.ms === undefined && job.eta.value > 0) return { kind: 'verbatim', value: job.eta.value, unit: job.eta.unit };
  const remaining = estimateRemainingMs(job, samples);
  return remaining && { kind: 'ms', ...remaining };
}
