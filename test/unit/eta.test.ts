import assert from 'node:assert/strict';
import type { Job } from '../../src/api/types';
import { estimateRemainingMs, observedRate } from '../../src/model/eta';

function running(over: Partial<Job> = {}): Job {
  return {
    processingId: 'p1',
    path: '/content/dam/a',
    excludedPaths: [],
    status: 'RUNNING',
    state: 'running',
    active: true,
    triggeredCount: 50,
    hasLogs: true,
    type: 'ASSET_PROCESSING',
    totalFiles: 150,
    cancellable: true,
    resumable: false,
    restartable: false,
    ...over,
  };
}

describe('eta: observedRate', () => {
  it('is undefined with fewer than two samples or no progress', () => {
    assert.equal(observedRate([]), undefined);
    assert.equal(observedRate([{ at: 0, triggeredCount: 5 }]), undefined);
    assert.equal(observedRate([{ at: 0, triggeredCount: 5 }, { at: 1_000, triggeredCount: 5 }]), undefined);
    assert.equal(observedRate([{ at: 1_000, triggeredCount: 5 }, { at: 1_000, triggeredCount: 9 }]), undefined);
  });

  it('is assets per ms between the oldest and newest samples inside the window', () => {
    const samples = [
      { at: 0, triggeredCount: 0 },
      { at: 10_000, triggeredCount: 20 },
      { at: 20_000, triggeredCount: 40 },
    ];
    assert.equal(observedRate(samples), 40 / 20_000);
  });

  it('looks only at the recent window, anchored by the sample just before it', () => {
    const samples = [
      { at: 0, triggeredCount: 0 },
      { at: 100_000, triggeredCount: 1_000 }, // fast at first
      { at: 200_000, triggeredCount: 1_010 }, // then slow
      { at: 210_000, triggeredCount: 1_011 },
    ];
    // window 60 s ending at 210 s starts at 150 s: the anchor is the sample at 100 s.
    assert.equal(observedRate(samples, 60_000), 11 / 110_000);
    // window 15 s: the anchor is the sample at 200 s.
    assert.equal(observedRate(samples, 15_000), 1 / 10_000);
  });

  it('a stall lowers the rate', () => {
    const moving = [
      { at: 0, triggeredCount: 0 },
      { at: 10_000, triggeredCount: 100 },
    ];
    const stalled = [...moving, { at: 90_000, triggeredCount: 100 }];
    const a = observedRate(moving);
    const b = observedRate(stalled);
    assert.ok(a !== undefined && b !== undefined && b < a);
  });

  it('ignores samples before progress went backwards (a resumed job)', () => {
    const samples = [
      { at: 0, triggeredCount: 0 },
      { at: 10_000, triggeredCount: 500 },
      { at: 20_000, triggeredCount: 10 },
      { at: 30_000, triggeredCount: 30 },
    ];
    assert.equal(observedRate(samples), 20 / 10_000);
  });
});

describe('eta: estimateRemainingMs', () => {
  const samples = [
    { at: 0, triggeredCount: 0 },
    { at: 50_000, triggeredCount: 50 },
  ];

  it("prefers the server's ETA while active", () => {
    assert.deepEqual(estimateRemainingMs(running({ eta: { value: 30, unit: 'SECONDS', ms: 30_000 } }), samples), { ms: 30_000, source: 'server' });
  });

  it('estimates from the observed rate when the server gives none, zero or an unknown unit', () => {
    const expected = { ms: 100_000, source: 'estimate' };
    assert.deepEqual(estimateRemainingMs(running(), samples), expected);
    assert.deepEqual(estimateRemainingMs(running({ eta: { value: 0, unit: 'SECONDS', ms: 0 } }), samples), expected);
    assert.deepEqual(estimateRemainingMs(running({ eta: { value: 3, unit: 'FORTNIGHTS' } }), samples), expected);
  });

  it('is undefined when nothing is known or the job is not active', () => {
    assert.equal(estimateRemainingMs(running({ totalFiles: undefined }), samples), undefined);
    assert.equal(estimateRemainingMs(running(), samples.slice(0, 1)), undefined);
    assert.equal(estimateRemainingMs(running({ triggeredCount: 150 }), samples), undefined);
    assert.equal(
      estimateRemainingMs(running({ active: false, state: 'succeeded', status: 'SUCCESS', eta: { value: 5, unit: 'SECONDS', ms: 5_000 } }), samples),
      undefined,
    );
  });
});
