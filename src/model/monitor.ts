/**
 * The monitoring engine: decides when to poll (schedule.ts), makes the requests (never two at once)
 * and feeds the answers into the JobStore, whose events every view reads. Knows nothing of VS Code:
 * the adapters report interest (leases), focus and user actions.
 */
import { isAemError } from '../api/errors';
import type { Job } from '../api/types';
import type { Clock } from './clock';
import { Emitter, toDisposable, type Disposable, type Event } from './events';
import type { JobStore } from './jobStore';
import { DEFAULT_SCHEDULE_CONSTANTS, nextTick, type ScheduleConstants, type ScheduleInput, type TickScope } from './schedule';

/** What the monitor polls. AemGuidesClient satisfies it structurally. */
export interface JobsSource {
  getHistory(options?: { signal?: AbortSignal }): Promise<Job[]>;
  getStatus(processingId: string, options?: { signal?: AbortSignal }): Promise<Job>;
}

/** `view`: the jobs view is visible; `log`: a job's log is followed; `details`: a details panel is open. */
export type InterestKind = 'view' | 'log' | 'details';

export type MonitorState =
  /** No source (no server). */
  | { readonly kind: 'idle' }
  /** A source was just set and its first answer has not come yet. */
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly lastSuccessAt: number }
  /** `nextRetryAt` is absent when no retry is scheduled (nobody looking, or polling halted: see MonitorOptions.haltsPolling). */
  | { readonly kind: 'error'; readonly error: unknown; readonly lastSuccessAt?: number; readonly nextRetryAt?: number };

export interface MonitorOptions {
  /** The `aemGuides.pollInterval` setting in ms, read at every scheduling decision. Call `reschedule()` when it changes. */
  pollIntervalMs: () => number;
  constants?: Partial<ScheduleConstants>;
  /** A job started here may be unknown to the server for a while: its notFound is no error for this long after the start (default 60 s). */
  pendingGraceMs?: number;
  /**
   * Errors after which the timer stops until `refresh()`, `noteUserAction()` or `setSource()`.
   * Default: AemError kind `unauthorized`, so wrong credentials are not retried in the background
   * (AEM may lock an account after repeated failed logins).
   */
  haltsPolling?: (error: unknown) => boolean;
  /** Where errors thrown by event listeners go (default console.error). */
  onListenerError?: (error: unknown) => void;
}

export const DEFAULT_PENDING_GRACE_MS = 60_000;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

interface Deferred {
  scope: TickScope;
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

export class Monitor implements Disposable {
  private readonly constants: ScheduleConstants;
  private readonly pendingGraceMs: number;
  private readonly haltsPolling: (error: unknown) => boolean;
  private readonly stateEmitter: Emitter<MonitorState>;
  private readonly storeSubscription: Disposable;

  private source: JobsSource | undefined;
  /** Bumped by setSource and dispose: a tick of an older generation has no effect when it ends. */
  private generation = 0;
  /** The tick under way (at most one). */
  private ticking: { readonly controller: AbortController } | undefined;
  /** One follow-up tick requested while a tick ran; all such requests share it. */
  private queued: Deferred | undefined;
  private timer: { readonly handle: unknown; readonly dueAt: number } | undefined;

  private readonly leases: Record<InterestKind, number> = { view: 0, log: 0, details: 0 };
  private focused = true;
  private lastUserActionAt = -Infinity;
  private consecutiveErrors = 0;
  private retryAfterMs: number | undefined;
  private halted = false;
  private lastTickEndAt: number | undefined;
  private lastSuccessAt: number | undefined;
  private currentState: MonitorState = { kind: 'idle' };
  private disposed = false;

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly options: MonitorOptions,
  ) {
    this.constants = { ...DEFAULT_SCHEDULE_CONSTANTS, ...definedOnly(options.constants ?? {}) };
    this.pendingGraceMs = options.pendingGraceMs ?? DEFAULT_PENDING_GRACE_MS;
    this.haltsPolling = options.haltsPolling ?? ((e) => isAemError(e) && e.kind === 'unauthorized');
    this.stateEmitter = new Emitter(options.onListenerError ? { onListenerError: options.onListenerError } : {});
    // A job started or resumed from here changes the schedule (an active job to follow).
    this.storeSubscription = store.onDidChangeJobs(() => this.schedule());
  }

  readonly onDidChangeState: Event<MonitorState> = (l, t, d) => this.stateEmitter.event(l, t, d);

  get state(): MonitorState {
    return this.currentState;
  }

  /** True while a tick (a request) is under way. */
  get busy(): boolean {
    return this.ticking !== undefined;
  }

  /** Epoch ms of the next timed tick, or undefined when no timer is pending. */
  get nextTickAt(): number | undefined {
    return this.timer?.dueAt;
  }

  /** Server switch: stops polling, aborts the request in flight, clears the store, and (if a source is given) refreshes at once. */
  setSource(source: JobsSource | undefined): void {
    if (this.disposed) return;
    this.generation++;
    this.ticking?.controller.abort();
    this.ticking = undefined;
    this.clearTimer();
    const waiting = this.queued;
    this.queued = undefined;
    this.consecutiveErrors = 0;
    this.retryAfterMs = undefined;
    this.halted = false;
    this.lastTickEndAt = undefined;
    this.lastSuccessAt = undefined;
    // No source while the store empties, so its change event schedules nothing.
    this.source = undefined;
    this.store.clear();
    this.source = source;
    this.setState(source ? { kind: 'loading' } : { kind: 'idle' });
    if (source) {
      const first = this.startTick('all');
      if (waiting) void first.then(waiting.resolve);
    } else {
      waiting?.resolve();
    }
  }

  /** A lease of interest (view visible, a followed log, an open panel); dispose to release. The schedule is recomputed at once. */
  acquire(kind: InterestKind): Disposable {
    this.leases[kind]++;
    this.schedule();
    return toDisposable(() => {
      this.leases[kind] = Math.max(0, this.leases[kind] - 1);
      this.schedule();
    });
  }

  /**
   * Window focus. Losing it narrows polling to jobs started here (schedule rule 1); regaining it
   * refreshes at once when anything is worth polling (someone looking or a job active), and
   * otherwise only recomputes the schedule, so switching windows costs no request when idle.
   */
  setFocused(focused: boolean): void {
    if (this.disposed || focused === this.focused) return;
    this.focused = focused;
    if (focused && this.source && !this.halted && this.wouldPoll()) {
      void this.requestTick('all');
    } else {
      this.schedule();
    }
  }

  /** After a start/cancel/resume from here: fast polling for the fast window, and a tick now. */
  noteUserAction(): void {
    if (this.disposed) return;
    this.lastUserActionAt = this.clock.now();
    this.halted = false;
    void this.requestTick('all');
  }

  /**
   * A tick now (Refresh button / Retry). If a tick is running, resolves when a tick that started
   * after this call has finished (no overlap, no lost refresh). Never rejects: failures show in `state`.
   */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.halted = false;
    return this.requestTick('all');
  }

  /** Recomputes the timer, e.g. after `aemGuides.pollInterval` changed. */
  reschedule(): void {
    this.schedule();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generation++;
    this.ticking?.controller.abort();
    this.ticking = undefined;
    this.clearTimer();
    this.queued?.resolve();
    this.queued = undefined;
    this.source = undefined;
    this.storeSubscription.dispose();
    this.stateEmitter.dispose();
  }

  // ---- ticks -----------------------------------------------------------------------------------

  private requestTick(scope: TickScope): Promise<void> {
    if (!this.source || this.disposed) return Promise.resolve();
    if (!this.ticking) return this.startTick(scope);
    if (!this.queued) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.queued = { scope, promise, resolve };
    } else if (scope === 'all') {
      this.queued.scope = 'all';
    }
    return this.queued.promise;
  }

  private startTick(scope: TickScope): Promise<void> {
    const source = this.source;
    if (!source || this.disposed) return Promise.resolve();
    this.clearTimer();
    const generation = this.generation;
    const controller = new AbortController();
    this.ticking = { controller };
    return this.runTick(source, scope, controller.signal).then((outcome) => {
      if (generation !== this.generation) return; // setSource or dispose took over
      this.ticking = undefined;
      this.finishTick(outcome);
    });
  }

  private finishTick(outcome: Outcome): void {
    const now = this.clock.now();
    this.lastTickEndAt = now;
    if (outcome.ok) {
      this.consecutiveErrors = 0;
      this.retryAfterMs = undefined;
      this.halted = false;
      this.lastSuccessAt = now;
    } else {
      this.consecutiveErrors++;
      this.retryAfterMs = isAemError(outcome.error) ? outcome.error.retryAfterMs : undefined;
      this.halted = this.haltsPolling(outcome.error);
    }
    const follow = this.queued;
    this.queued = undefined;
    if (!follow) this.schedule(false);
    const nextRetryAt = follow ? now : this.timer?.dueAt;
    if (outcome.ok) {
      this.setState({ kind: 'ok', lastSuccessAt: now });
    } else {
      this.setState({
        kind: 'error',
        error: outcome.error,
        ...(this.lastSuccessAt !== undefined ? { lastSuccessAt: this.lastSuccessAt } : {}),
        ...(nextRetryAt !== undefined ? { nextRetryAt } : {}),
      });
    }
    if (follow) void this.startTick(follow.scope).then(follow.resolve);
  }

  /** One tick; never rejects. After an abort it stops at the next step and its outcome is ignored. */
  private async runTick(source: JobsSource, scope: TickScope, signal: AbortSignal): Promise<Outcome> {
    try {
      let toPoll: string[];
      if (scope === 'all') {
        const history = await source.getHistory({ signal });
        if (signal.aborted) return { ok: true };
        this.store.applyHistory(history, this.clock.now());
        const listed = new Set(history.map((j) => j.processingId));
        toPoll = this.store.active().filter((t) => !listed.has(t.job.processingId)).map((t) => t.job.processingId);
      } else {
        toPoll = this.store.active().filter((t) => t.startedHere).map((t) => t.job.processingId);
      }
      // One at a time: the monitor never has two requests in flight.
      for (const id of toPoll) {
        if (signal.aborted) return { ok: true };
        await this.pollStatus(source, id, signal);
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    }
  }

  private async pollStatus(source: JobsSource, id: string, signal: AbortSignal): Promise<void> {
    if (!this.store.get(id)) return; // forgotten meanwhile
    try {
      const job = await source.getStatus(id, { signal });
      if (signal.aborted) return;
      this.store.applyStatus(job, this.clock.now());
    } catch (error) {
      if (signal.aborted) return;
      if (!isAemError(error) || error.kind !== 'notFound') throw error;
      const tracked = this.store.get(id);
      // The server may not list a job it has just accepted: give a pending one time.
      if (tracked?.pending && this.clock.now() - tracked.updatedAt < this.pendingGraceMs) return;
      this.store.forget(id);
    }
  }

  // ---- schedule --------------------------------------------------------------------------------

  /** Sets the one timer from nextTick, counted from the end of the last tick; none while a tick runs. */
  private schedule(syncErrorState = true): void {
    if (this.disposed || !this.source || this.ticking) return;
    this.clearTimer();
    const next = this.halted ? undefined : nextTick(this.scheduleInput(), this.constants);
    if (next) {
      const now = this.clock.now();
      const dueAt = Math.max(now, (this.lastTickEndAt ?? now) + next.delayMs);
      const handle = this.clock.setTimeout(() => {
        this.timer = undefined;
        void this.requestTick(next.scope);
      }, dueAt - now);
      this.timer = { handle, dueAt };
    }
    const state = this.currentState;
    if (syncErrorState && state.kind === 'error' && state.nextRetryAt !== this.timer?.dueAt) {
      const { nextRetryAt: _dropped, ...rest } = state;
      void _dropped;
      this.setState(this.timer ? { ...rest, nextRetryAt: this.timer.dueAt } : rest);
    }
  }

  private scheduleInput(): ScheduleInput {
    const active = this.store.active();
    return {
      interest: { viewVisible: this.leases.view > 0, followedLogs: this.leases.log, openDetails: this.leases.details },
      activeJobs: active.length,
      activeStartedHere: active.filter((t) => t.startedHere).length,
      focused: this.focused,
      msSinceUserAction: this.clock.now() - this.lastUserActionAt,
      consecutiveErrors: this.consecutiveErrors,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      pollIntervalMs: this.options.pollIntervalMs(),
    };
  }

  /** Whether the focused schedule, errors aside, would poll at all. */
  private wouldPoll(): boolean {
    return nextTick({ ...this.scheduleInput(), focused: true, consecutiveErrors: 0 }, this.constants) !== undefined;
  }

  private clearTimer(): void {
    if (!this.timer) return;
    this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  private setState(state: MonitorState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
