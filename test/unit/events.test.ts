import assert from 'node:assert/strict';
import { Emitter, toDisposable, type Disposable } from '../../src/model/events';

describe('events: Emitter', () => {
  it('calls listeners in order with thisArgs, and collects disposables', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const ctx = { name: 'ctx' };
    const bag: Disposable[] = [];
    emitter.event((n) => seen.push(`a${n}`));
    emitter.event(function (this: { name: string }, n) {
      seen.push(`${this.name}${n}`);
    }, ctx, bag);
    emitter.fire(1);
    assert.deepEqual(seen, ['a1', 'ctx1']);
    assert.equal(bag.length, 1);
    bag[0]?.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, ['a1', 'ctx1', 'a2']);
  });

  it('a throwing listener does not stop the others and is reported', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>({ onListenerError: (e) => errors.push(e) });
    const seen: string[] = [];
    const boom = new Error('boom');
    emitter.event(() => {
      throw boom;
    });
    emitter.event((s) => seen.push(s));
    emitter.fire('x');
    assert.deepEqual(seen, ['x']);
    assert.deepEqual(errors, [boom]);
  });

  it('a listener removed during a fire is not called; one added during a fire waits for the next', () => {
    const emitter = new Emitter<void>();
    const seen: string[] = [];
    let second: Disposable | undefined;
    emitter.event(() => {
      seen.push('first');
      second?.dispose();
      emitter.event(() => seen.push('late'));
    });
    second = emitter.event(() => seen.push('second'));
    emitter.fire();
    assert.deepEqual(seen, ['first']);
  });

  it('dispose drops every listener; later subscriptions and fires are no-ops', () => {
    const emitter = new Emitter<number>();
    let calls = 0;
    emitter.event(() => calls++);
    assert.equal(emitter.hasListeners, true);
    emitter.dispose();
    emitter.fire(1);
    emitter.event(() => calls++).dispose();
    emitter.fire(2);
    assert.equal(calls, 0);
    assert.equal(emitter.hasListeners, false);
  });

  it('toDisposable runs once', () => {
    let runs = 0;
    const d = toDisposable(() => runs++);
    d.dispose();
    d.dispose();
    assert.equal(runs, 1);
  });
});
