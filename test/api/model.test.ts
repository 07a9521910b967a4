/**
 * The model (store, monitor, job actions) against the emulator with the real client and clock:
 * a job started here shows at once, is reconciled, is watched to its end; cancel, resume and re-run.
 */
import assert from 'node:assert/strict';
import { AemGuidesClient } from '../../src/api/client';
import { systemClock } from '../../src/model/clock';
import { JobService, rerunRequest } from '../../src/model/jobService';
import { JobStore, type TrackedJob } from '../../src/model/jobStore';
import { Monitor } from '../../src/model/monitor';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/server';

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('model against the emulator', function () {
  this.timeout(40_000);
  let emu: Emulator;
  let client: AemGuidesClient;
  let store: JobStore;
  let monitor: Monitor;
  let service: JobService;
  let requests: { history: number; status: number };

  beforeEach(async () => {
    emu = await startEmulator({ rate: 400, countMs: 100, tickMs: 10, assets: 3000, seedJobs: 3 });
    client = new AemGuidesClient({ baseUrl: emu.url, credentials: () => ({ kind: 'basic', username: 'admin', password: 'admin' }) });
    requests = { history: 0, status: 0 };
    const counted = {
      getHistory: (o?: { signal?: AbortSignal }) => (requests.history++, client.getHistory(o)),
      getStatus: (id: string, o?: { signal?: AbortSignal }) => (requests.status++, client.getStatus(id, o)),
    };
    store = new JobStore();
    monitor = new Monitor(store, systemClock, { pollIntervalMs: () => 200, constants: { fastMs: 100 } });
    service = new JobService(store, monitor, () => client, systemClock);
    monitor.setSource(counted);
    monitor.acquire('view');
    await until('the first history', () => monitor.state.kind === 'ok');
  });

  afterEach(async () => {
    monitor.dispose();
    store.dispose();
    await emu.close();
  });

  it('shows a started job at once, reconciles it and sees it finish', async () => {
    assert.equal(store.recent().length, 3, 'the seeded history');
    const finished: TrackedJob[] = [];
    store.onDidFinishJob((t) => finished.push(t));
    const id = await service.start({ path: '/content/dam/techdocs/guides' });
    const placeholder = store.get(id);
    assert.ok(placeholder?.pending && placeholder.startedHere, 'shown before the server lists it');
    assert.equal(placeholder.job.cancellable, false, 'a placeholder offers no action yet');
    await until('reconciliation', () => store.get(id)?.pending === false);
    await until('the end', () => finished.some((t) => t.job.processingId === id));
    const done = store.get(id)!;
    assert.equal(done.job.state, 'succeeded');
    assert.equal(done.startedHere, true);
    assert.ok(done.samples.length >= 1);
    assert.equal(store.recent()[0]?.job.processingId, id, 'newest first in the history');
    // Cost: one history request per tick; status only for active jobs the history does not list.
    assert.ok(requests.status <= 2, `status requests: ${requests.status}`);
  });

  it('cancels, resumes from the checkpoint and re-runs with the same request', async () => {
    emu.setBehaviour({ rate: 30 });
    const id = await service.start({ path: '/content/dam/projects', excludedPaths: ['/content/dam/projects/beta'], filter: { fileTypes: ['DITATOPIC', 'DITAMAP'] } });
    await until('progress', () => (store.get(id)?.job.triggeredCount ?? 0) > 0);
    await service.cancel(id);
    await until('cancelled', () => store.get(id)?.job.state === 'cancelled');
    const cancelled = store.get(id)!.job;
    assert.equal(cancelled.resumable, true);
    emu.setBehaviour({ rate: 2000 });
    await service.resume(id);
    await until('resumed and done', () => store.get(id)?.job.state === 'succeeded');
    assert.ok(store.get(id)!.job.triggeredCount >= cancelled.triggeredCount);

    const again = await service.rerun(store.get(id)!.job);
    assert.notEqual(again, id);
    await until('the re-run listed', () => store.get(again)?.pending === false);
    assert.deepEqual(rerunRequest(store.get(again)!.job), rerunRequest(store.get(id)!.job));
    assert.deepEqual(store.get(again)!.job.excludedPaths, ['/content/dam/projects/beta']);
    assert.deepEqual(store.get(again)!.job.filter?.fileTypes, ['DITATOPIC', 'DITAMAP']);
  });

  it('reports an unreachable server and recovers when it is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aem-model-'));
    let own = await startEmulator({ dataDir, rate: 400, countMs: 50, tickMs: 10 });
    try {
      client = new AemGuidesClient({ baseUrl: own.url, credentials: () => ({ kind: 'basic', username: 'admin', password: 'admin' }), timeoutMs: 1000 });
      monitor.setSource(client);
      await until('ok', () => monitor.state.kind === 'ok');
      const id = await service.start({ path: '/content/dam/shared' });
      await own.close();
      await monitor.refresh();
      assert.equal(monitor.state.kind, 'error');
      assert.ok(store.get(id), 'the last known state stays');
      own = await startEmulator({ port: own.port, dataDir, rate: 400, countMs: 50, tickMs: 10 });
      await monitor.refresh();
      assert.equal(monitor.state.kind, 'ok');
      await until('the job after the restart', () => store.get(id)?.job.active === false);
    } finally {
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
