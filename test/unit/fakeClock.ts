/** A clock for tests: time moves only when told, and due timers run in order. */
import type { Clock } from '../../src/model/clock';

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * A manual clock for tests. `advance(ms)` runs the timers that fall due, in due order (ties in
 * creation order), moving `now()` to each one's due time and letting pending promises settle before
 * the next, so code that awaits between timers behaves as it would in real time.
 */
export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private timers: FakeTimer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: FakeTimer = { id: this.nextId++, due: this.time + Math.max(0, Number.isFinite(ms) ? ms : 0), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Milliseconds from now until the earliest pending timer, or undefined when none is pending. */
  nextTimerIn(): number | undefined {
    const next = this.earliest();
    return next ? next.due - this.time : undefined;
  }

  /** Moves time forward by `ms`, running every timer due on the way (see the class comment). */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (let next = this.earliest(); next && next.due <= target; next = this.earliest()) {
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.due);
      next.fn();
      await settle();
    }
    this.time = Math.max(this.time, target);
    await settle();
  }

  /** Lets pending promise callbacks run without moving time. */
  async settle(): Promise<void> {
    await settle();
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }
}

/** Node drains the whole microtask queue before a macrotask, so a few setImmediate turns settle promise chains. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
