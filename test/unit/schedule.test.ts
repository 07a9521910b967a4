import assert from 'node:assert/strict';
import { DEFAULT_SCHEDULE_CONSTANTS, MIN_POLL_INTERVAL_MS, nextTick, type ScheduleInput } from '../../src/model/schedule';

const C = DEFAULT_SCHEDULE_CONSTANTS;

function input(over: Partial<ScheduleInput> & { view?: boolean; logs?: number; details?: number } = {}): ScheduleInput {
  const { view = false, logs = 0, details = 0, ...rest } = over;
  return {
    interest: { viewVisible: view, followedLogs: logs, openDetails: details },
    activeJobs: 0,
    activeStartedHere: 0,
    focused: true,
    msSinceUserAction: Infinity,
    consecutiveErrors: 0,
    pollIntervalMs: 5_000,
    ...rest,
  };
}

describe('schedule: nextTick', () => {
  it('uses the documented defaults', () => {
    assert.deepEqual({ ...C }, { fastMs: 1_500, fastWindowMs: 30_000, slowMs: 60_000, maxBackoffMs: 300_000 });
  });

  const table: Array<[string, ScheduleInput, { delayMs: number; scope: 'all' | 'startedHere' } | undefined]> = [
    // focused, idle
    ['nothing looking, nothing active: no timer', input(), undefined],
    ['nothing looking, nothing active, even right after a user action: no timer', input({ msSinceUserAction: 0 }), undefined],
    // fast window
    ['view visible, just after a user action: fast', input({ view: true, activeJobs: 1, msSinceUserAction: 0 }), { delayMs: 1_500, scope: 'all' }],
    ['active job nobody looks at, within the fast window: fast', input({ activeJobs: 1, msSinceUserAction: 29_999 }), { delayMs: 1_500, scope: 'all' }],
    ['fast window over: back to the poll interval', input({ view: true, activeJobs: 1, msSinceUserAction: 30_000 }), { delayMs: 5_000, scope: 'all' }],
    // looking + active
    ['view visible + active: poll interval', input({ view: true, activeJobs: 2 }), { delayMs: 5_000, scope: 'all' }],
    ['followed log + active: poll interval', input({ logs: 1, activeJobs: 1 }), { delayMs: 5_000, scope: 'all' }],
    ['open details + active: poll interval', input({ details: 1, activeJobs: 1 }), { delayMs: 5_000, scope: 'all' }],
    ['the configured interval is used', input({ view: true, activeJobs: 1, pollIntervalMs: 12_000 }), { delayMs: 12_000, scope: 'all' }],
    // slow
    ['view visible, nothing active: slow', input({ view: true }), { delayMs: 60_000, scope: 'all' }],
    ['active job, nobody looking: slow', input({ activeJobs: 1, activeStartedHere: 1 }), { delayMs: 60_000, scope: 'all' }],
    // unfocused
    ['unfocused, started-here job active: slow, started-here only', input({ focused: false, view: true, activeJobs: 3, activeStartedHere: 1 }), { delayMs: 60_000, scope: 'startedHere' }],
    ['unfocused, only foreign jobs active: no timer', input({ focused: false, view: true, logs: 2, activeJobs: 3 }), undefined],
    ['unfocused ignores the fast window', input({ focused: false, activeJobs: 1, activeStartedHere: 1, msSinceUserAction: 0 }), { delayMs: 60_000, scope: 'startedHere' }],
    ['unfocused, nothing at all: no timer', input({ focused: false }), undefined],
  ];
  for (const [name, given, expected] of table) {
    it(name, () => assert.deepEqual(nextTick(given), expected));
  }

  it('guards against a nonsensical poll interval', () => {
    assert.equal(nextTick(input({ view: true, activeJobs: 1, pollIntervalMs: 10 }))?.delayMs, MIN_POLL_INTERVAL_MS);
    assert.equal(nextTick(input({ view: true, activeJobs: 1, pollIntervalMs: 0 }))?.delayMs, 5_000);
    assert.equal(nextTick(input({ view: true, activeJobs: 1, pollIntervalMs: Number.NaN }))?.delayMs, 5_000);
  });

  it('backs off exponentially from the base delay, up to the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 100, 10_000].map((errors) => nextTick(input({ view: true, activeJobs: 1, consecutiveErrors: errors }))?.delayMs);
    assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000]);
  });

  it('backs off from the slow pace too, and never drops below the base', () => {
    const slow = [0, 1, 2, 3].map((errors) => nextTick(input({ view: true, consecutiveErrors: errors }))?.delayMs);
    assert.deepEqual(slow, [60_000, 120_000, 240_000, 300_000]);
    const tiny = { ...C, maxBackoffMs: 1_000 };
    assert.equal(nextTick(input({ view: true, consecutiveErrors: 3 }), tiny)?.delayMs, 60_000);
  });

  it('backs off from the fast pace', () => {
    assert.equal(nextTick(input({ view: true, activeJobs: 1, msSinceUserAction: 0, consecutiveErrors: 2 }))?.delayMs, 6_000);
  });

  it('honours Retry-After: never sooner, even beyond the cap', () => {
    assert.equal(nextTick(input({ view: true, activeJobs: 1, consecutiveErrors: 1, retryAfterMs: 45_000 }))?.delayMs, 45_000);
    assert.equal(nextTick(input({ view: true, activeJobs: 1, consecutiveErrors: 1, retryAfterMs: 1_000 }))?.delayMs, 10_000);
    assert.equal(nextTick(input({ view: true, activeJobs: 1, consecutiveErrors: 9, retryAfterMs: 600_000 }))?.delayMs, 600_000);
  });

  it('errors never create a timer where there would be none', () => {
    assert.equal(nextTick(input({ consecutiveErrors: 3, retryAfterMs: 5_000 })), undefined);
    assert.equal(nextTick(input({ focused: false, activeJobs: 1, consecutiveErrors: 3 })), undefined);
  });

  it('unfocused back-off applies to the slow pace', () => {
    assert.deepEqual(nextTick(input({ focused: false, activeJobs: 1, activeStartedHere: 1, consecutiveErrors: 1 })), { delayMs: 120_000, scope: 'startedHere' });
  });

  it('takes custom constants', () => {
    const custom = { fastMs: 1_000, fastWindowMs: 10_000, slowMs: 30_000, maxBackoffMs: 100_000 };
    assert.equal(nextTick(input({ view: true, activeJobs: 1, msSinceUserAction: 9_999 }), custom)?.delayMs, 1_000);
    assert.equal(nextTick(input({ view: true, activeJobs: 1, msSinceUserAction: 10_000 }), custom)?.delayMs, 5_000);
    assert.equal(nextTick(input({ view: true }), custom)?.delayMs, 30_000);
    assert.equal(nextTick(input({ view: true, consecutiveErrors: 5 }), custom)?.delayMs, 100_000);
  });
});
