import assert from 'node:assert/strict';
import type { AemGuidesClient } from '../../src/api/client';
import { AemError, type AemErrorKind } from '../../src/api/errors';
import type { Job } from '../../src/api/types';
import { finished, running } from './jobs.fixture';
import { FakeClock } from './fakeClock';
import { JobStore } from '../../src/model/jobStore';
import { Monitor, type JobsSource, type MonitorOptions, type MonitorState } from '../../src/model/monitor';


function aemError(kind: AemErrorKind, operation: 'history' | 'status' = 'history', retryAfterMs?: number): AemError {
  return new AemError(kind, { server: 'test', operation, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

/** A server stand-in: counts calls, answers after `delayMs` of fake time, fails on demand, honours abort. */
class FakeSource implements JobsSource {
  history: Job[] = [];
  readonly statuses = new Map<string, Job>();
  delayMs = 0;
  /** Errors for the next calls, in order (any endpoint). */
  readonly failures: unknown[] = [];
  readonly calls: string[] = [];
  /** Fake time at which each call started. */
  readonly callTimes: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  aborted = 0;

  constructor(private readonly clock: FakeClock) {}

  getHistory(options?: { signal?: AbortSignal }): Promise<Job[]> {
    return this.respond('history', options?.signal, () => [...this.history]);
  }

  getStatus(processingId: string, options?: { signal?: AbortSignal }): Promise<Job> {
    return this.respond(`status:${processingId}`, options?.signal, () => {
      const job = this.statuses.get(processingId);
      if (!job) throw aemError('notFound', 'status');
      return job;
    });
  }

  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }

  reset(): void {
    this.calls.length = 0;
    this.callTimes.length = 0;
  }

  private respond<T>(call: string, signal: AbortSignal | undefined, produce: () => T): Promise<T> {
    this.calls.push(call);
    this.callTimes.push(this.clock.now());
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        this.inFlight--;
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const answer = () =>
        finish(() => {
          if (this.failures.length > 0) return reject(this.failures.shift());
          try {
            resolve(produce());
          } catch (e) {
            reject(e);
          }
        });
      const onAbort = () => {
        if (handle !== undefined) this.clock.clearTimeout(handle);
        finish(() => {
          this.aborted++;
          reject(aemError('cancelled'));
        });
      };
      signal?.addEventListener('abort', onAbort);
      const handle = this.delayMs > 0 ? this.clock.setTimeout(answer, this.delayMs) : undefined;
      if (handle === undefined) queueMicrotask(answer);
    });
  }
}

interface Setup {
  clock: FakeClock;
  store: JobStore;
  source: FakeSource;
  monitor: Monitor;
  states: MonitorState[];
  pollInterval: { ms: number };
}

const monitors: Monitor[] = [];

/** A monitor on a fake clock; with `connect`, the source is set and the first tick has run. */
async function setup(options: { connect?: boolean; history?: Job[]; statuses?: Job[]; focused?: boolean } & Partial<MonitorOptions> = {}): Promise<Setup> {
  const clock = new FakeClock();
  const store = new JobStore();
  const source = new FakeSource(clock);
  source.history = options.history ?? [];
  for (const s of options.statuses ?? []) source.statuses.set(s.processingId, s);
  const pollInterval = { ms: 5_000 };
  const monitor = new Monitor(store, clock, { pollIntervalMs: () => pollInterval.ms, ...options });
  monitors.push(monitor);
  const states: MonitorState[] = [];
  monitor.onDidChangeState((s) => states.push(s));
  if (options.focused === false) monitor.setFocused(false);
  if (options.connect !== false) {
    monitor.setSource(source);
    await clock.settle();
  }
  return { clock, store, source, monitor, states, pollInterval };
}

describe('monitor', () => {
  afterEach(() => {
    for (const m of monitors.splice(0)) m.dispose();
  });

  it('AemGuidesClient satisfies JobsSource', () => {
    const asSource = (client: AemGuidesClient): JobsSource => client;
    assert.equal(typeof asSource, 'function');
  });

  describe('ticks and request counts', () => {
    it('setSource refreshes at once with one history request', async () => {
      const { source, store, monitor, states } = await setup({ history: [running('a'), finished('b')] });
      assert.deepEqual(source.calls, ['history']);
      assert.deepEqual(store.all().map((t) => t.job.processingId), ['a', 'b']);
      assert.deepEqual(states.map((s) => s.kind), ['loading', 'ok']);
      assert.equal(monitor.state.kind, 'ok');
    });

    it('one history request, then status only for active jobs history does not list', async () => {
      const { source, store, monitor } = await setup({ history: [running('a'), running('gone'), finished('b')] });
      source.reset();
      // 'gone' drops out of history while still active; a job started here is not listed yet.
      source.history = [running('a', { triggeredCount: 2 }), finished('b'), finished('c')];
      source.statuses.set('gone', running('gone', { triggeredCount: 9 }));
      source.statuses.set('mine', running('mine'));
      store.addStarted('mine', { path: '/content/dam/mine' }, 0);
      await monitor.refresh();
      assert.deepEqual(source.calls.sort(), ['history', 'status:gone', 'status:mine']);
      assert.equal(store.get('gone')?.job.triggeredCount, 9);
      assert.equal(store.get('mine')?.pending, false);
      assert.equal(source.maxInFlight, 1, 'status calls are sequential');
    });

    it('no status request when history lists every active job', async () => {
      const { source, monitor } = await setup({ history: [running('a'), running('b'), finished('c')] });
      source.reset();
      await monitor.refresh();
      assert.deepEqual(source.calls, ['history']);
    });

    it('a pending job unknown to the server is no error within the grace period, and forgotten after it', async () => {
      const { source, store, monitor, clock } = await setup({ history: [] });
      store.addStarted('p', { path: '/content/dam/p' }, clock.now());
      await monitor.refresh();
      assert.equal(monitor.state.kind, 'ok');
      assert.equal(store.get('p')?.pending, true);
      await clock.advance(61_000);
      await monitor.refresh();
      assert.equal(store.get('p'), undefined);
      assert.equal(monitor.state.kind, 'ok');
      assert.ok(source.count('status:p') >= 2);
    });

    it('a non-pending job that answers notFound is forgotten', async () => {
      const { source, store, monitor } = await setup({ history: [running('x')] });
      source.history = [];
      await monitor.refresh();
      assert.equal(store.get('x'), undefined);
      assert.equal(monitor.state.kind, 'ok');
    });

    it('any other status error ends the tick', async () => {
      const { source, monitor } = await setup({ history: [running('x'), running('y')] });
      source.reset();
      source.history = [];
      source.statuses.set('x', running('x'));
      source.statuses.set('y', running('y'));
      const failing = aemError('server', 'status');
      // history ok, then the first status call fails.
      const originalHistory = source.getHistory.bind(source);
      source.getHistory = async (o) => {
        const jobs = await originalHistory(o);
        source.failures.push(failing);
        return jobs;
      };
      await monitor.refresh();
      assert.equal(source.count('status:'), 1, 'no further status call after the failure');
      assert.equal(monitor.state.kind, 'error');
      assert.equal(monitor.state.kind === 'error' ? monitor.state.error : undefined, failing);
    });

    it('unfocused: status calls only for active jobs started here, no history', async () => {
      const { source, store, monitor, clock } = await setup({ history: [running('foreign'), running('mine')] });
      store.markStartedHere('mine');
      source.statuses.set('mine', running('mine', { triggeredCount: 4 }));
      monitor.setFocused(false);
      source.reset();
      assert.equal(clock.nextTimerIn(), 60_000);
      await clock.advance(60_000);
      assert.deepEqual(source.calls, ['status:mine']);
      assert.equal(store.get('mine')?.job.triggeredCount, 4);
      assert.equal(clock.nextTimerIn(), 60_000);
    });

    it('unfocused with no job started here: no timer at all', async () => {
      const { clock, monitor, source } = await setup({ history: [running('foreign')] });
      monitor.acquire('view');
      monitor.setFocused(false);
      assert.equal(clock.pendingTimers, 0);
      source.reset();
      await clock.advance(3_600_000);
      assert.deepEqual(source.calls, []);
    });

    it('regaining focus refreshes at once when someone is looking', async () => {
      const { clock, monitor, source } = await setup({ history: [finished('a')] });
      monitor.acquire('view');
      monitor.setFocused(false);
      await clock.advance(10_000);
      source.reset();
      monitor.setFocused(true);
      await clock.settle();
      assert.deepEqual(source.calls, ['history']);
      assert.equal(clock.nextTimerIn(), 60_000);
    });

    it('regaining focus costs no request when nothing is looked at or active', async () => {
      const { clock, monitor, source } = await setup({ history: [finished('a')] });
      monitor.setFocused(false);
      source.reset();
      monitor.setFocused(true);
      await clock.settle();
      assert.deepEqual(source.calls, []);
      assert.equal(clock.pendingTimers, 0);
    });
  });

  describe('no overlap', () => {
    it('refresh() during a slow request queues exactly one follow-up, started after the first ends', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')], connect: false });
      source.delayMs = 3_000;
      monitor.setSource(source);
      await clock.advance(1_000);
      const resolved: number[] = [];
      const refreshes = [1, 2, 3, 4, 5].map((n) => monitor.refresh().then(() => resolved.push(n)));
      await clock.advance(500);
      assert.equal(source.count('history'), 1);
      assert.deepEqual(resolved, [], 'not resolved by the tick that was already running');
      await clock.advance(1_500); // first tick ends at 3 s, the follow-up starts
      assert.equal(source.count('history'), 2);
      assert.deepEqual(resolved, []);
      await clock.advance(3_000);
      await Promise.all(refreshes);
      assert.deepEqual(resolved, [1, 2, 3, 4, 5]);
      assert.equal(source.count('history'), 2);
      assert.equal(source.maxInFlight, 1);
      assert.deepEqual(source.callTimes.map((t) => t - source.callTimes[0]!), [0, 3_000]);
    });

    it('user actions and focus changes during a request do not overlap either', async () => {
      const { source, monitor, clock, store } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      source.delayMs = 2_000;
      store.addStarted('p', { path: '/content/dam/p' }, clock.now());
      source.statuses.set('p', running('p'));
      const p = monitor.refresh();
      monitor.noteUserAction();
      monitor.setFocused(false);
      monitor.setFocused(true);
      monitor.noteUserAction();
      await clock.advance(20_000);
      await p;
      assert.equal(source.maxInFlight, 1);
    });

    it('a timer never fires while a tick runs', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      source.delayMs = 7_000; // longer than the 5 s poll interval
      source.reset();
      await clock.advance(60_000);
      assert.equal(source.maxInFlight, 1);
      // Ticks start 5 s after the previous one ended: 5, 17, 29, 41, 53.
      assert.deepEqual(source.callTimes.map((t) => t - clock.now() + 60_000), [5_000, 17_000, 29_000, 41_000, 53_000]);
    });
  });

  describe('intervals follow the schedule', () => {
    it('active + looking: the poll interval; a settings change applies on reschedule()', async () => {
      const { source, monitor, clock, pollInterval } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      assert.equal(clock.nextTimerIn(), 5_000);
      source.reset();
      await clock.advance(20_000);
      assert.equal(source.count('history'), 4);
      pollInterval.ms = 10_000;
      monitor.reschedule();
      assert.equal(clock.nextTimerIn(), 10_000);
    });

    it('fast after noteUserAction for the fast window, then the poll interval', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      const lease = monitor.acquire('details');
      monitor.noteUserAction();
      await clock.settle();
      source.reset();
      assert.equal(clock.nextTimerIn(), 1_500);
      await clock.advance(30_000);
      // ticks at 1.5, 3, ... 30 s: 20 of them; after the one at 30 s the fast window has closed.
      assert.equal(source.count('history'), 20);
      assert.equal(clock.nextTimerIn(), 5_000);
      lease.dispose();
    });

    it('looking at finished jobs only: slow', async () => {
      const { source, monitor, clock } = await setup({ history: [finished('a')] });
      monitor.acquire('view');
      assert.equal(clock.nextTimerIn(), 60_000);
      source.reset();
      await clock.advance(180_000);
      assert.equal(source.count('history'), 3);
    });

    it('active job nobody looks at: slow', async () => {
      const { monitor, clock } = await setup({ history: [running('a')] });
      assert.equal(monitor.nextTickAt, clock.now() + 60_000);
      assert.equal(clock.nextTimerIn(), 60_000);
    });

    it('nothing looked at and nothing active: no timer; releasing the last lease stops polling', async () => {
      const { source, monitor, clock } = await setup({ history: [finished('a')] });
      assert.equal(clock.pendingTimers, 0);
      const view = monitor.acquire('view');
      const log = monitor.acquire('log');
      assert.equal(clock.pendingTimers, 1);
      view.dispose();
      view.dispose(); // idempotent
      assert.equal(clock.pendingTimers, 1);
      log.dispose();
      assert.equal(clock.pendingTimers, 0);
      source.reset();
      await clock.advance(3_600_000);
      assert.deepEqual(source.calls, []);
    });

    it('a lease on stale data polls at once; on fresh data it waits for the rest of the interval', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      source.reset();
      await clock.advance(2_000);
      monitor.acquire('view');
      assert.equal(clock.nextTimerIn(), 3_000);
      await clock.advance(3_000);
      assert.equal(source.count('history'), 1);
    });

    it('a job finishing ends the polling when nobody looks', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      source.history = [finished('a')];
      await monitor.refresh();
      assert.equal(clock.pendingTimers, 0);
    });

    it('a job started here (the store changes) schedules polling with no lease', async () => {
      const { monitor, clock, store } = await setup({ history: [] });
      assert.equal(clock.pendingTimers, 0);
      store.addStarted('p', { path: '/content/dam/p' }, clock.now());
      assert.equal(clock.pendingTimers, 1);
      assert.equal(monitor.nextTickAt, clock.now() + 60_000);
    });
  });

  describe('errors', () => {
    it('back off exponentially up to the cap, and a success resets', async () => {
      const { source, monitor, clock, states } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      source.failures.push(...Array.from({ length: 8 }, () => aemError('network')));
      const gaps: number[] = [];
      for (let i = 0; i < 8; i++) {
        const wait = clock.nextTimerIn();
        assert.ok(wait !== undefined);
        gaps.push(wait);
        await clock.advance(wait);
      }
      assert.deepEqual(gaps, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
      const last = states[states.length - 1];
      assert.equal(last?.kind, 'error');
      if (last?.kind === 'error') {
        assert.equal(last.nextRetryAt, clock.now() + 300_000);
        assert.ok(last.lastSuccessAt !== undefined);
      }
      await clock.advance(300_000); // succeeds
      assert.equal(monitor.state.kind, 'ok');
      assert.equal(clock.nextTimerIn(), 5_000);
    });

    it('honour Retry-After', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      source.failures.push(aemError('server', 'history', 120_000));
      await clock.advance(5_000);
      assert.equal(monitor.state.kind, 'error');
      assert.equal(clock.nextTimerIn(), 120_000);
      source.reset();
      await clock.advance(119_999);
      assert.equal(source.count('history'), 0);
      await clock.advance(1);
      assert.equal(source.count('history'), 1);
      assert.equal(monitor.state.kind, 'ok');
    });

    it('error state carries the error and the next retry, kept current when interest changes', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      const failing = aemError('timeout');
      source.failures.push(failing);
      await monitor.refresh();
      const s1 = monitor.state;
      assert.ok(s1.kind === 'error');
      assert.equal(s1.error, failing);
      assert.equal(s1.nextRetryAt, clock.now() + 120_000); // slow pace, one error
      monitor.acquire('view');
      const s2 = monitor.state;
      assert.ok(s2.kind === 'error');
      assert.equal(s2.nextRetryAt, clock.now() + 10_000);
    });

    it('unauthorized halts background polling until an explicit refresh', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      source.failures.push(aemError('unauthorized'));
      await clock.advance(5_000);
      assert.equal(monitor.state.kind, 'error');
      assert.equal(clock.pendingTimers, 0);
      source.reset();
      monitor.setFocused(false);
      monitor.setFocused(true);
      await clock.advance(600_000);
      assert.deepEqual(source.calls, []);
      await monitor.refresh();
      assert.equal(monitor.state.kind, 'ok');
      assert.equal(clock.nextTimerIn(), 5_000);
    });

    it('the first request failing leaves an error state with no last success', async () => {
      const { source, monitor, clock } = await setup({ connect: false });
      source.failures.push(aemError('network'));
      monitor.setSource(source);
      await clock.settle();
      assert.ok(monitor.state.kind === 'error');
      assert.equal(monitor.state.lastSuccessAt, undefined);
    });
  });

  describe('setSource and dispose', () => {
    it('setSource aborts the request in flight, clears the store and refreshes from the new source', async () => {
      const { source, monitor, clock, store } = await setup({ history: [running('a')] });
      const removed: string[] = [];
      store.onDidChangeJobs((changes) => removed.push(...changes.filter((c) => c.kind === 'removed').map((c) => c.id)));
      source.delayMs = 5_000;
      source.history = [running('late')];
      const pending = monitor.refresh();
      await clock.advance(1_000);
      const other = new FakeSource(clock);
      other.history = [finished('z')];
      monitor.setSource(other);
      assert.equal(source.aborted, 1);
      assert.deepEqual(removed, ['a']);
      await clock.advance(10_000);
      await pending;
      assert.deepEqual(other.calls, ['history']);
      assert.deepEqual(store.all().map((t) => t.job.processingId), ['z'], 'the aborted answer is never applied');
      assert.equal(monitor.state.kind, 'ok');
    });

    it('setSource(undefined) goes idle with no timer and no requests', async () => {
      const { source, monitor, clock, store } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      monitor.setSource(undefined);
      assert.deepEqual(monitor.state, { kind: 'idle' });
      assert.equal(store.size, 0);
      assert.equal(clock.pendingTimers, 0);
      source.reset();
      await monitor.refresh();
      monitor.noteUserAction();
      await clock.advance(600_000);
      assert.deepEqual(source.calls, []);
    });

    it('dispose leaves no timer and aborts the request in flight', async () => {
      const { source, monitor, clock } = await setup({ history: [running('a')] });
      monitor.acquire('view');
      assert.equal(clock.pendingTimers, 1);
      monitor.dispose();
      assert.equal(clock.pendingTimers, 0);

      const second = await setup({ history: [running('a')] });
      second.monitor.acquire('view');
      second.source.delayMs = 2_000;
      const p = second.monitor.refresh();
      await second.clock.advance(500);
      second.monitor.dispose();
      await second.clock.settle();
      await p;
      assert.equal(second.source.aborted, 1);
      assert.equal(second.clock.pendingTimers, 0);
      assert.equal(source.inFlight + second.source.inFlight, 0);
      await second.clock.advance(600_000);
      assert.equal(second.source.count('history'), 2);
    });
  });
});
