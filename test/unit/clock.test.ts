import assert from 'node:assert/strict';
import { systemClock } from '../../src/model/clock';
import { FakeClock } from './fakeClock';

describe('clock', () => {
  it('FakeClock runs due timers in order, at their due time, and lets promises settle between them', async () => {
    const clock = new FakeClock(0);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => {
      log.push(`a@${clock.now()}`);
      // A promise continuation that schedules another timer inside the same advance.
      void Promise.resolve().then(() => clock.setTimeout(() => log.push(`c@${clock.now()}`), 50));
    }, 100);
    const dropped = clock.setTimeout(() => log.push('never'), 120);
    clock.clearTimeout(dropped);
    clock.setTimeout(() => log.push(`d@${clock.now()}`), 200); // same due time: creation order
    assert.equal(clock.nextTimerIn(), 100);
    await clock.advance(199);
    assert.deepEqual(log, ['a@100', 'c@150']);
    assert.equal(clock.now(), 199);
    await clock.advance(1);
    assert.deepEqual(log, ['a@100', 'c@150', 'b@200', 'd@200']);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(clock.nextTimerIn(), undefined);
  });

  it('systemClock really waits', async () => {
    const start = systemClock.now();
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 20));
    assert.ok(systemClock.now() - start >= 15);
    const handle = systemClock.setTimeout(() => assert.fail('cleared timer ran'), 1);
    systemClock.clearTimeout(handle);
    await new Promise((r) => setTimeout(r, 10));
  });
});
