import assert from 'node:assert/strict';
import { Emulator, startEmulator } from './server';
import { PROCESS, TestClient } from './testClient';

describe('emulator: faults', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let c: TestClient;
  const history = `${PROCESS}/history`;

  before(async () => {
    emu = await startEmulator({ assets: 300, tickMs: 10, countMs: 20, rate: 5000 });
    c = new TestClient(emu);
  });
  afterEach(() => emu.setFaults({}));
  after(() => emu.close());

  it('injects 500s with JSON or HTML bodies, only on the configured paths', async () => {
    emu.setFaults({ errorRate: 1, seed: 3 });
    const types = new Set<string>();
    for (let k = 0; k < 12; k++) {
      const res = await c.get(history);
      assert.equal(res.status, 500);
      types.add((res.headers.get('content-type') ?? '').split(';')[0]);
    }
    assert.deepEqual(types, new Set(['application/json', 'text/html']));
    assert.equal((await c.get('/api/assets.json')).status, 200, 'outside the fault paths');
    assert.equal((await c.control('/faults')).status, 200, 'control is never faulted');
    emu.setFaults({ errorRate: 1, paths: ['/api/assets'] });
    assert.equal((await c.get('/api/assets.json')).status, 500);
    assert.equal((await c.get(history)).status, 200);
  });

  it('injects 503 with Retry-After', async () => {
    emu.setFaults({ unavailableRate: 1, retryAfterSeconds: 7 });
    const res = await c.get(history);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '7');
  });

  it('resets connections and stalls (for a while, or until close)', async () => {
    emu.setFaults({ resetRate: 1 });
    await assert.rejects(c.get(history));
    emu.setFaults({ stallRate: 1, stallMs: 150 });
    const t = performance.now();
    await assert.rejects(c.get(history));
    assert.ok(performance.now() - t >= 140, 'closed after stallMs');
    emu.setFaults({ stallRate: 1, stallMs: 0 });
    await assert.rejects(
      fetch(`${emu.url}${history}`, { headers: { Authorization: emu.basicAuthHeader() }, signal: AbortSignal.timeout(200) }),
      /TimeoutError|aborted/i,
    );
  });

  it('answers malformed 200s: truncated JSON or a string where a number belongs', async () => {
    const id = await c.start({ path: '/content/dam/empty' });
    await c.waitDone(id);
    emu.setFaults({ malformedRate: 1, seed: 5 });
    const kinds = new Set<string>();
    for (let k = 0; k < 12; k++) {
      const res = await c.get(`${PROCESS}/status?processingId=${id}`);
      assert.equal(res.status, 200);
      if (res.body === undefined) kinds.add('truncated');
      else {
        assert.equal(typeof (res.body as { triggeredCount: unknown }).triggeredCount, 'string');
        kinds.add('mistyped');
      }
    }
    assert.deepEqual(kinds, new Set(['truncated', 'mistyped']));
  });

  it('adds latency with jitter', async () => {
    emu.setFaults({ latencyMs: 120, jitterMs: 30 });
    const t = performance.now();
    assert.equal((await c.get(history)).status, 200);
    assert.ok(performance.now() - t >= 115);
  });

  it('never half-applies a POST: errors do nothing, malformed answers still took effect', async () => {
    const count = async (): Promise<number> => ((await c.get(history)).body as { executionHistory: unknown[] }).executionHistory.length;
    const before = await count();
    const body = { path: '/content/dam/empty', type: 'ASSET_PROCESSING' };
    for (const f of [{ errorRate: 1 }, { unavailableRate: 1 }, { resetRate: 1 }, { stallRate: 1, stallMs: 50 }]) {
      const token = await c.csrf();
      emu.setFaults(f);
      await fetch(`${emu.url}${PROCESS}`, {
        method: 'POST', body: JSON.stringify(body),
        headers: { Authorization: emu.basicAuthHeader(), 'CSRF-Token': token, 'Content-Type': 'application/json' },
      }).then((r) => r.text(), () => undefined);
      emu.setFaults({});
      assert.equal(await count(), before, JSON.stringify(f));
    }
    const token = await c.csrf();
    emu.setFaults({ malformedRate: 1 });
    const res = await c.request('POST', PROCESS, { body, csrf: false, headers: { 'CSRF-Token': token } });
    emu.setFaults({});
    assert.equal(res.status, 200);
    assert.equal(await count(), before + 1);
  });

  it('replays the same faults for the same seed, set by flag-like options or the control endpoint', async () => {
    const run = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let k = 0; k < 24; k++) out.push((await c.get(history)).status);
      return out;
    };
    const settings = { errorRate: 0.3, unavailableRate: 0.3, seed: 42 };
    emu.setFaults(settings);
    const a = await run();
    const res = await c.control('/faults', settings);
    assert.equal(res.status, 200);
    assert.equal(((await c.control('/faults').then((r) => r.json())) as { seed: number }).seed, 42);
    const b = await run();
    assert.deepEqual(b, a);
    assert.ok(a.includes(200) && a.includes(500) && a.includes(503));
    emu.setFaults({ ...settings, seed: 43 });
    assert.notDeepEqual(await run(), a);
    const stats = (await c.control('/stats').then((r) => r.json())) as { faults: Record<string, number>; requests: number };
    assert.ok(stats.faults.error > 0 && stats.faults.unavailable > 0 && stats.requests > 72);
    assert.equal((await c.control('/faults', { errorRate: 2 })).status, 400);
    assert.equal((await c.control('/faults', { bogus: 1 })).status, 400);
    assert.equal((await c.control('/behaviour', { rate: -1 })).status, 400);
  });

  it('starts with faults given as options', async () => {
    const f = await startEmulator({ faults: { unavailableRate: 1, retryAfterSeconds: 2 } });
    try {
      const res = await new TestClient(f).get(history);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '2');
    } finally {
      await f.close();
    }
  });
});
