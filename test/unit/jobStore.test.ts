import assert from 'node:assert/strict';
import type { Job } from '../../src/api/types';
import { finished, running } from './jobs.fixture';
import { JobStore, sameValue, type JobChange, type TrackedJob } from '../../src/model/jobStore';


/** A store whose events are recorded. */
function recorded(options?: ConstructorParameters<typeof JobStore>[0]) {
  const store = new JobStore(options);
  const events: (readonly JobChange[])[] = [];
  const finishes: TrackedJob[] = [];
  store.onDidChangeJobs((e) => events.push(e));
  store.onDidFinishJob((t) => finishes.push(t));
  const kinds = () => events.map((e) => e.map((c) => `${c.kind}:${c.id}`));
  return { store, events, finishes, kinds };
}

const ids = (list: readonly TrackedJob[]) => list.map((t) => t.job.processingId);

describe('jobStore: change events', () => {
  it('reports additions once and stays silent when the same history comes again', () => {
    const { store, kinds } = recorded();
    const history = [running('a', { triggeredCount: 3 }), finished('b')];
    store.applyHistory(history, 1_000);
    // Equal values in fresh objects (as a new answer brings them) are no change.
    store.applyHistory(history.map((j) => JSON.parse(JSON.stringify(j)) as Job), 2_000);
    store.applyHistory(history, 3_000);
    assert.deepEqual(kinds(), [['added:a', 'added:b']]);
    assert.equal(store.get('a')?.updatedAt, 3_000, 'updatedAt moves on silently');
  });

  it('one event per apply call, listing only what changed', () => {
    const { store, events, kinds } = recorded();
    store.applyHistory([running('a'), running('b'), finished('c')], 1_000);
    store.applyHistory([running('a', { triggeredCount: 7 }), running('b'), finished('c')], 2_000);
    assert.deepEqual(kinds(), [['added:a', 'added:b', 'added:c'], ['updated:a']]);
    const update = events[1]?.[0];
    assert.equal(update?.previous?.job.triggeredCount, 0);
    assert.equal(update?.current?.job.triggeredCount, 7);
  });

  it('compares nested values deeply', () => {
    const { store, kinds } = recorded();
    store.applyHistory([running('a', { filter: { fileTypes: ['DITAMAP'] }, eta: { value: 5, unit: 'SECONDS', ms: 5_000 } })], 1);
    store.applyHistory([running('a', { filter: { fileTypes: ['DITAMAP'] }, eta: { value: 5, unit: 'SECONDS', ms: 5_000 } })], 2);
    store.applyHistory([running('a', { filter: { fileTypes: ['DITAMAP', 'OTHERS'] }, eta: { value: 5, unit: 'SECONDS', ms: 5_000 } })], 3);
    store.applyHistory([running('a', { filter: { fileTypes: ['DITAMAP', 'OTHERS'] }, eta: { value: 4, unit: 'SECONDS', ms: 4_000 } })], 4);
    assert.deepEqual(kinds(), [['added:a'], ['updated:a'], ['updated:a']]);
  });

  it('drops finished jobs history no longer lists, keeps active and started-here ones', () => {
    const { store, kinds } = recorded();
    store.addStarted('mine', { path: '/content/dam/mine' }, 500);
    store.applyHistory([running('a'), finished('b'), finished('mine')], 1_000);
    store.applyHistory([], 2_000);
    assert.deepEqual(kinds(), [['added:mine'], ['added:a', 'added:b', 'updated:mine'], ['removed:b']]);
    assert.deepEqual(ids(store.all()).sort(), ['a', 'mine']);
  });

  it('keeps a job known from a recent status answer, for a while', () => {
    const { store } = recorded({ statusRetentionMs: 60_000 });
    store.applyStatus(finished('s'), 1_000);
    store.applyHistory([], 30_000);
    assert.ok(store.get('s'));
    store.applyHistory([], 61_001);
    assert.equal(store.get('s'), undefined);
  });

  it('applyStatus adds and updates; forget removes; clear removes everything in one event', () => {
    const { store, kinds } = recorded();
    store.applyStatus(running('x'), 1);
    store.applyStatus(running('x', { triggeredCount: 1 }), 2);
    store.applyStatus(running('x', { triggeredCount: 1 }), 3);
    store.forget('x');
    store.forget('x');
    store.applyHistory([running('a'), finished('b')], 4);
    store.clear();
    store.clear();
    assert.deepEqual(kinds(), [['added:x'], ['updated:x'], ['removed:x'], ['added:a', 'added:b'], ['removed:a', 'removed:b']]);
    assert.equal(store.size, 0);
  });

  it('ignores an answer older than the state it holds', () => {
    const { store, kinds } = recorded();
    store.applyStatus(finished('a', { status: 'CANCELLED', state: 'cancelled' }), 2_000);
    store.applyHistory([running('a')], 1_500);
    assert.equal(store.get('a')?.job.state, 'cancelled');
    assert.deepEqual(kinds(), [['added:a']]);
  });

  it('a listener that throws does not stop the others', () => {
    const errors: unknown[] = [];
    const store = new JobStore({ onListenerError: (e) => errors.push(e) });
    let reached = 0;
    store.onDidChangeJobs(() => {
      throw new Error('boom');
    });
    store.onDidChangeJobs(() => reached++);
    store.applyHistory([running('a')], 1);
    assert.equal(reached, 1);
    assert.equal(errors.length, 1);
  });
});

describe('jobStore: jobs started here', () => {
  it('shows a placeholder at once, built from the request', () => {
    const { store, kinds } = recorded();
    store.addStarted('p1', { path: '/content/dam/x', excludedPaths: ['/content/dam/x/skip'], filter: { fileTypes: ['DITAMAP'], filterProcessedAssets: true } }, 1_000);
    assert.deepEqual(kinds(), [['added:p1']]);
    const t = store.get('p1');
    assert.ok(t);
    assert.equal(t.pending, true);
    assert.equal(t.startedHere, true);
    assert.equal(t.updatedAt, 1_000);
    assert.equal(t.job.status, 'WAITING');
    assert.equal(t.job.state, 'waiting');
    assert.equal(t.job.active, true);
    assert.equal(t.job.path, '/content/dam/x');
    assert.deepEqual(t.job.excludedPaths, ['/content/dam/x/skip']);
    assert.equal(t.job.type, 'ASSET_PROCESSING');
    assert.deepEqual(t.job.filter, { fileTypes: ['DITAMAP'], filterProcessedAssets: true });
    assert.equal(t.job.cancellable, false, 'no action before the server offers it');
  });

  it('is reconciled when history lists it: same id, an update, no removal/addition', () => {
    const { store, kinds, events } = recorded();
    store.addStarted('p1', { path: '/content/dam/x' }, 1_000);
    store.applyHistory([running('p1', { path: '/content/dam/x' }), finished('old')], 2_000);
    assert.deepEqual(kinds(), [['added:p1'], ['updated:p1', 'added:old']]);
    const change = events[1]?.[0];
    assert.equal(change?.previous?.pending, true);
    assert.equal(change?.current?.pending, false);
    assert.equal(change?.current?.startedHere, true);
    assert.equal(store.get('p1')?.job.status, 'RUNNING');
  });

  it('is reconciled by a status answer too, even when the job looks like the placeholder', () => {
    const { store, kinds } = recorded();
    store.addStarted('p1', { path: '/content/dam/x' }, 1_000);
    const same = store.get('p1')?.job;
    assert.ok(same);
    store.applyStatus(same, 1_500);
    assert.deepEqual(kinds(), [['added:p1'], ['updated:p1']]);
    assert.equal(store.get('p1')?.pending, false);
  });

  it('addStarted for a job the server already reported only marks it started here', () => {
    const { store, kinds } = recorded();
    store.applyHistory([running('p1')], 1_000);
    store.addStarted('p1', { path: '/content/dam/p1' }, 1_100);
    assert.deepEqual(kinds(), [['added:p1'], ['updated:p1']]);
    assert.equal(store.get('p1')?.pending, false);
    assert.equal(store.get('p1')?.startedHere, true);
  });

  it('markStartedHere flags an existing job once', () => {
    const { store, kinds } = recorded();
    store.applyHistory([finished('r')], 1);
    store.markStartedHere('r');
    store.markStartedHere('r');
    store.markStartedHere('unknown');
    assert.deepEqual(kinds(), [['added:r'], ['updated:r']]);
    assert.equal(store.get('r')?.startedHere, true);
  });
});

describe('jobStore: onDidFinishJob', () => {
  it('fires once per active -> terminal transition, after the change event', () => {
    const { store, finishes } = recorded();
    const order: string[] = [];
    store.onDidChangeJobs(() => order.push('change'));
    store.onDidFinishJob(() => order.push('finish'));
    store.applyHistory([running('a')], 1);
    store.applyHistory([finished('a')], 2);
    store.applyHistory([finished('a')], 3);
    store.applyStatus(finished('a', { comments: 'done' }), 4);
    assert.deepEqual(ids(finishes), ['a']);
    assert.deepEqual(order, ['change', 'change', 'finish', 'change']);
  });

  it('never fires for a job first seen finished', () => {
    const { store, finishes } = recorded();
    store.applyHistory([finished('a'), finished('b', { status: 'FAILED', state: 'failed' })], 1);
    store.applyStatus(finished('c'), 2);
    assert.equal(finishes.length, 0);
  });

  it('fires again after a resume and a second finish, and for a placeholder that finished before we saw it run', () => {
    const { store, finishes } = recorded();
    store.applyHistory([running('a')], 1);
    store.applyHistory([finished('a', { status: 'FAILED', state: 'failed' })], 2);
    store.applyHistory([running('a')], 3);
    store.applyHistory([finished('a')], 4);
    store.addStarted('quick', { path: '/content/dam/q' }, 5);
    store.applyStatus(finished('quick'), 6);
    assert.deepEqual(ids(finishes), ['a', 'a', 'quick']);
    assert.equal(finishes[2]?.startedHere, true);
  });
});

describe('jobStore: ordering', () => {
  it('active(): pending first, then newest start first', () => {
    const { store } = recorded();
    store.applyHistory(
      [running('old', { startedAt: 1_000 }), finished('f', { startedAt: 9_000 }), running('new', { startedAt: 5_000 }), running('mid', { startedAt: 3_000 })],
      10_000,
    );
    store.addStarted('p', { path: '/content/dam/p' }, 500);
    assert.deepEqual(ids(store.active()), ['p', 'new', 'mid', 'old']);
  });

  it("recent(): finished jobs in the server's order, then status-only ones by finish time", () => {
    const { store } = recorded();
    store.applyStatus(finished('s1', { completedAt: 100 }), 1);
    store.applyStatus(finished('s2', { completedAt: 200 }), 1);
    store.applyHistory([finished('h2', { completedAt: 50 }), running('r'), finished('h1', { completedAt: 900 })], 2);
    assert.deepEqual(ids(store.recent()), ['h2', 'h1', 's2', 's1']);
    assert.deepEqual(ids(store.all()), ['r', 'h2', 'h1', 's2', 's1']);
  });
});

describe('jobStore: progress samples', () => {
  it('records samples while active, and not for finished jobs', () => {
    const { store } = recorded();
    store.applyHistory([running('a', { triggeredCount: 1, totalFiles: 10 }), finished('b')], 1_000);
    store.applyHistory([running('a', { triggeredCount: 4, totalFiles: 10 }), finished('b')], 2_000);
    assert.deepEqual(store.get('a')?.samples, [
      { at: 1_000, triggeredCount: 1, totalFiles: 10 },
      { at: 2_000, triggeredCount: 4, totalFiles: 10 },
    ]);
    assert.deepEqual(store.get('b')?.samples, []);
  });

  it('a plateau keeps its first and last sample', () => {
    const { store } = recorded();
    for (const [at, count] of [[1, 1], [2, 5], [3, 5], [4, 5], [5, 5], [6, 8]] as const) store.applyStatus(running('a', { triggeredCount: count }), at);
    assert.deepEqual(
      store.get('a')?.samples.map((s) => [s.at, s.triggeredCount]),
      [[1, 1], [2, 5], [5, 5], [6, 8]],
    );
  });

  it('is bounded, keeping the newest', () => {
    const { store } = recorded({ maxSamples: 10 });
    for (let i = 0; i < 50; i++) store.applyStatus(running('a', { triggeredCount: i }), 1_000 + i);
    const samples = store.get('a')?.samples ?? [];
    assert.equal(samples.length, 10);
    assert.equal(samples[0]?.triggeredCount, 40);
    assert.equal(samples[9]?.triggeredCount, 49);
  });
});

describe('jobStore: sameValue', () => {
  it('treats undefined keys as missing and compares arrays in order', () => {
    assert.ok(sameValue({ a: 1, b: undefined }, { a: 1 }));
    assert.ok(!sameValue({ a: [1, 2] }, { a: [2, 1] }));
    assert.ok(!sameValue({ a: 1 }, { a: 1, c: 0 }));
    assert.ok(!sameValue([], {}));
    assert.ok(sameValue(Number.NaN, Number.NaN));
  });
});
