/**
 * The one place that knows the current state of every job seen on the active server. Every view
 * reads from here and re-renders on `onDidChangeJobs`, which lists only the jobs that really changed.
 */
import { ASSET_PROCESSING, type Job, type JobFilter, type StartRequest } from '../api/types';
import { Emitter, type EmitterOptions, type Event } from './events';

export interface ProgressSample {
  readonly at: number;
  readonly triggeredCount: number;
  readonly totalFiles?: number;
}

export interface TrackedJob {
  readonly job: Job;
  /** Started from this window (placeholder or reconciled). */
  readonly startedHere: boolean;
  /** Started here and not yet seen in any server answer: `job` is our placeholder (status 'WAITING', state 'waiting'). */
  readonly pending: boolean;
  /** Epoch ms of the server answer this state came from (or of the start, for a pending job). */
  readonly updatedAt: number;
  /**
   * Progress samples seen while active, newest last, bounded (`maxSamples`), for rate/ETA and the
   * details chart. A run of answers with the same progress is kept as its first and last sample
   * (the last one's time moves on), so a stall shows in the rate without filling the buffer.
   */
  readonly samples: readonly ProgressSample[];
}

export interface JobChange {
  readonly kind: 'added' | 'updated' | 'removed';
  readonly id: string;
  readonly previous?: TrackedJob;
  readonly current?: TrackedJob;
}

export interface JobStoreOptions extends EmitterOptions {
  /** Bound of `TrackedJob.samples` (default 120). */
  readonly maxSamples?: number;
  /**
   * A finished job that history no longer lists is still kept this long after its last status
   * answer (default 10 minutes), so a job followed by status calls does not vanish from the view
   * the moment it finishes.
   */
  readonly statusRetentionMs?: number;
}

export const DEFAULT_MAX_SAMPLES = 120;
export const DEFAULT_STATUS_RETENTION_MS = 10 * 60_000;

interface Entry {
  readonly tracked: TrackedJob;
  /** When a status answer last updated it (history answers do not count). */
  readonly statusAt?: number;
  /** When the store first saw it: orders active jobs whose start time the server did not give. */
  readonly firstSeenAt: number;
}

export class JobStore {
  private readonly entries = new Map<string, Entry>();
  /** Ids in the order of the last history answer. */
  private historyOrder: string[] = [];
  private readonly changeEmitter: Emitter<readonly JobChange[]>;
  private readonly finishEmitter: Emitter<TrackedJob>;
  private readonly maxSamples: number;
  private readonly statusRetentionMs: number;

  constructor(options: JobStoreOptions = {}) {
    this.changeEmitter = new Emitter(options);
    this.finishEmitter = new Emitter(options);
    this.maxSamples = Math.max(2, options.maxSamples ?? DEFAULT_MAX_SAMPLES);
    this.statusRetentionMs = options.statusRetentionMs ?? DEFAULT_STATUS_RETENTION_MS;
  }

  /** One event per apply call listing only the jobs that changed (deep comparison of `job`, `pending`, `startedHere`). */
  readonly onDidChangeJobs: Event<readonly JobChange[]> = (l, t, d) => this.changeEmitter.event(l, t, d);
  /**
   * A job seen active is now terminal (succeeded/failed/cancelled): once per transition, after the
   * change event; never for a job first seen already finished.
   */
  readonly onDidFinishJob: Event<TrackedJob> = (l, t, d) => this.finishEmitter.event(l, t, d);

  get(id: string): TrackedJob | undefined {
    return this.entries.get(id)?.tracked;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Active jobs (job.active): pending ones first of all, then newest start first. */
  active(): TrackedJob[] {
    const list = [...this.entries.values()].filter((e) => e.tracked.job.active);
    const historyIndex = this.historyIndex();
    return list
      .sort((a, b) => {
        if (a.tracked.pending !== b.tracked.pending) return a.tracked.pending ? -1 : 1;
        const byStart = startKey(b) - startKey(a);
        if (byStart !== 0) return byStart;
        return (historyIndex.get(a.tracked.job.processingId) ?? Infinity) - (historyIndex.get(b.tracked.job.processingId) ?? Infinity);
      })
      .map((e) => e.tracked);
  }

  /** Finished jobs in the server's history order (newest first), then finished jobs known from status calls only (latest finish first). */
  recent(): TrackedJob[] {
    const listed: TrackedJob[] = [];
    const seen = new Set<string>();
    for (const id of this.historyOrder) {
      const entry = this.entries.get(id);
      if (entry && !entry.tracked.job.active && !seen.has(id)) {
        listed.push(entry.tracked);
        seen.add(id);
      }
    }
    const others = [...this.entries.values()]
      .filter((e) => !e.tracked.job.active && !seen.has(e.tracked.job.processingId))
      .sort((a, b) => finishKey(b) - finishKey(a))
      .map((e) => e.tracked);
    return [...listed, ...others];
  }

  /** `active()` then `recent()`. */
  all(): TrackedJob[] {
    return [...this.active(), ...this.recent()];
  }

  /**
   * A history answer: the server's recent executions, newest first. A job it no longer lists is
   * dropped unless it is active (the monitor keeps asking for its status), was started here (the
   * user's own jobs stay for the session), or had a status answer within `statusRetentionMs`.
   * A job whose stored state is newer than `at` keeps it.
   */
  applyHistory(jobs: readonly Job[], at: number): void {
    const changes: JobChange[] = [];
    const finished: TrackedJob[] = [];
    const listed = new Set<string>();
    const order: string[] = [];
    for (const job of jobs) {
      if (listed.has(job.processingId)) continue; // a duplicate: the first (newest) one counts
      listed.add(job.processingId);
      order.push(job.processingId);
      this.update(job, at, false, changes, finished);
    }
    for (const [id, entry] of [...this.entries]) {
      if (listed.has(id) || this.keepsUnlisted(entry, at)) continue;
      this.entries.delete(id);
      changes.push({ kind: 'removed', id, previous: entry.tracked });
    }
    this.historyOrder = order;
    this.emit(changes, finished);
  }

  /** A status answer for one job. */
  applyStatus(job: Job, at: number): void {
    const changes: JobChange[] = [];
    const finished: TrackedJob[] = [];
    this.update(job, at, true, changes, finished);
    this.emit(changes, finished);
  }

  /**
   * A job just started from here: shows at once as a pending placeholder built from the request.
   * If a server answer already brought the job, it is only marked as started here.
   */
  addStarted(processingId: string, request: StartRequest, at: number): void {
    if (this.entries.has(processingId)) {
      this.markStartedHere(processingId);
      return;
    }
    const tracked: TrackedJob = { job: placeholder(processingId, request, at), startedHere: true, pending: true, updatedAt: at, samples: [] };
    this.entries.set(processingId, { tracked, firstSeenAt: at });
    this.emit([{ kind: 'added', id: processingId, current: tracked }], []);
  }

  /** Marks an existing job (e.g. resumed from here) as started here, so the window follows it to the end. */
  markStartedHere(processingId: string): void {
    const entry = this.entries.get(processingId);
    if (!entry || entry.tracked.startedHere) return;
    const tracked: TrackedJob = { ...entry.tracked, startedHere: true };
    this.entries.set(processingId, { ...entry, tracked });
    this.emit([{ kind: 'updated', id: processingId, previous: entry.tracked, current: tracked }], []);
  }

  /** Forget a job whose status call answered notFound (removes; fires 'removed'). */
  forget(processingId: string): void {
    const entry = this.entries.get(processingId);
    if (!entry) return;
    this.entries.delete(processingId);
    this.historyOrder = this.historyOrder.filter((id) => id !== processingId);
    this.emit([{ kind: 'removed', id: processingId, previous: entry.tracked }], []);
  }

  /** Server switch or sign-out: everything goes (one event listing the removals). */
  clear(): void {
    const changes: JobChange[] = [...this.entries].map(([id, e]) => ({ kind: 'removed', id, previous: e.tracked }));
    this.entries.clear();
    this.historyOrder = [];
    this.emit(changes, []);
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.finishEmitter.dispose();
  }

  // ---- internals -------------------------------------------------------------------------------

  private update(job: Job, at: number, fromStatus: boolean, changes: JobChange[], finished: TrackedJob[]): void {
    const id = job.processingId;
    const entry = this.entries.get(id);
    if (!entry) {
      const tracked: TrackedJob = { job, startedHere: false, pending: false, updatedAt: at, samples: job.active ? [sampleOf(job, at)] : [] };
      this.entries.set(id, { tracked, firstSeenAt: at, ...(fromStatus ? { statusAt: at } : {}) });
      changes.push({ kind: 'added', id, current: tracked });
      return;
    }
    const previous = entry.tracked;
    // An answer older than what we hold (e.g. a history request that was under way while a status
    // call after a cancel came back) must not roll the job back.
    if (at < previous.updatedAt && !previous.pending) return;
    const tracked: TrackedJob = {
      job,
      startedHere: previous.startedHere,
      pending: false,
      updatedAt: at,
      samples: job.active ? addSample(previous.samples, sampleOf(job, at), this.maxSamples) : previous.samples,
    };
    this.entries.set(id, { ...entry, tracked, ...(fromStatus ? { statusAt: at } : {}) });
    // The pending placeholder turning into the server's job is an update of the same item, never a
    // removal and an addition (no flicker in the tree).
    if (previous.pending || !sameValue(previous.job, job)) {
      changes.push({ kind: 'updated', id, previous, current: tracked });
      if (previous.job.active && !job.active) finished.push(tracked);
    }
  }

  private keepsUnlisted(entry: Entry, at: number): boolean {
    const t = entry.tracked;
    if (t.job.active || t.startedHere) return true;
    return entry.statusAt !== undefined && at - entry.statusAt <= this.statusRetentionMs;
  }

  private historyIndex(): Map<string, number> {
    return new Map(this.historyOrder.map((id, i) => [id, i]));
  }

  private emit(changes: JobChange[], finished: TrackedJob[]): void {
    if (changes.length > 0) this.changeEmitter.fire(changes);
    for (const t of finished) this.finishEmitter.fire(t);
  }
}

function startKey(e: Entry): number {
  return e.tracked.job.startedAt ?? e.firstSeenAt;
}

function finishKey(e: Entry): number {
  return e.tracked.job.completedAt ?? e.tracked.updatedAt;
}

function sampleOf(job: Job, at: number): ProgressSample {
  return job.totalFiles !== undefined ? { at, triggeredCount: job.triggeredCount, totalFiles: job.totalFiles } : { at, triggeredCount: job.triggeredCount };
}

/** Appends a sample; a third equal sample in a row only moves the last one's time (see TrackedJob.samples). */
function addSample(samples: readonly ProgressSample[], sample: ProgressSample, max: number): readonly ProgressSample[] {
  const n = samples.length;
  const last = samples[n - 1];
  if (last && sample.at < last.at) return samples;
  const beforeLast = samples[n - 2];
  if (last && beforeLast && sameProgress(last, sample) && sameProgress(beforeLast, sample)) {
    return [...samples.slice(0, n - 1), sample];
  }
  const next = [...samples, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

function sameProgress(a: ProgressSample, b: ProgressSample): boolean {
  return a.triggeredCount === b.triggeredCount && a.totalFiles === b.totalFiles;
}

function placeholder(processingId: string, request: StartRequest, at: number): Job {
  const filter: JobFilter | undefined = request.filter
    ? {
        fileTypes: request.filter.fileTypes ?? [],
        ...(request.filter.startTime !== undefined ? { startTime: request.filter.startTime } : {}),
        ...(request.filter.endTime !== undefined ? { endTime: request.filter.endTime } : {}),
        ...(request.filter.filterProcessedAssets !== undefined ? { filterProcessedAssets: request.filter.filterProcessedAssets } : {}),
      }
    : undefined;
  return {
    processingId,
    path: request.path,
    excludedPaths: request.excludedPaths ?? [],
    status: 'WAITING',
    state: 'waiting',
    active: true,
    triggeredCount: 0,
    startedAt: at,
    hasLogs: false,
    type: request.type ?? ASSET_PROCESSING,
    // Nothing is offered until the server says so (api-contract.md: actions come from these flags).
    cancellable: false,
    resumable: false,
    restartable: false,
    ...(filter ? { filter } : {}),
  };
}

/** Deep equality of JSON-like values; a key holding `undefined` equals a missing key. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameValue(ra[k], rb[k]));
}
