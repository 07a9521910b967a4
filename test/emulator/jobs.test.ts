import assert from 'node:assert/strict';
import { Emulator, startEmulator } from './server';
import { PROCESS, TestClient, processedCounts, sleep } from './testClient';

describe('emulator: job engine', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let c: TestClient;

  before(async () => {
    emu = await startEmulator({ assets: 1200, tickMs: 10, countMs: 40, rate: 3000, warnRate: 0.1 });
    c = new TestClient(emu);
  });
  after(() => emu.close());
  afterEach(() => emu.setBehaviour({ rate: 3000, countMs: 40, failRate: 0 }));

  const size = (p: string): number => {
    const r = emu.dam.range(p);
    assert.ok(r, p);
    return r.end - r.start;
  };

  it('goes WAITING -> IN_PROGRESS -> SUCCESS with the flags of each state', async () => {
    emu.setBehaviour({ countMs: 300, rate: 400 });
    const id = await c.start({ path: '/content/dam/techdocs' });
    const waiting = await c.status(id);
    assert.equal(waiting.status, 'WAITING');
    assert.deepEqual(waiting.migrationSet, { totalFiles: 0, calculationStatus: 'WAITING' });
    assert.equal(waiting.triggeredCount, 0);
    assert.equal(waiting.completedAt, 0);
    assert.ok(waiting.startedAt > 0);
    assert.equal(waiting.createdBy, 'admin');
    assert.equal(waiting.type, 'ASSET_PROCESSING');
    assert.deepEqual(waiting.excludedPaths, []);
    assert.deepEqual(waiting.filter, { fileTypes: [], filterProcessedAssets: false });
    assert.equal(waiting.hasLogs, true);
    assert.deepEqual([waiting.cancellable, waiting.resumable, waiting.restartable], [true, false, false]);

    const running = await c.waitFor(id, (j) => j.status === 'IN_PROGRESS' && j.triggeredCount > 0);
    assert.equal(running.migrationSet.calculationStatus, 'SUCCESS');
    assert.equal(running.migrationSet.totalFiles, size('/content/dam/techdocs'));
    assert.ok(running.triggeredCount < running.migrationSet.totalFiles);
    assert.equal(running.eta.unit, 'SECONDS');
    assert.ok(running.eta.value > 0, 'eta while running');
    assert.deepEqual([running.cancellable, running.resumable, running.restartable], [true, false, false]);

    const done = await c.waitDone(id);
    assert.equal(done.status, 'SUCCESS');
    assert.equal(done.triggeredCount, done.migrationSet.totalFiles);
    assert.ok(done.completedAt >= done.startedAt);
    assert.deepEqual(done.eta, { value: 0, unit: 'SECONDS' });
    assert.equal(done.comments, '');
    assert.deepEqual([done.cancellable, done.resumable, done.restartable], [false, false, true]);
    assert.deepEqual(Object.keys(done), [
      'processingId', 'path', 'excludedPaths', 'status', 'triggeredCount', 'startedAt', 'completedAt', 'hasLogs', 'createdBy',
      'type', 'migrationSet', 'eta', 'comments', 'restartable', 'resumable', 'cancellable', 'filter',
    ]);
    const lines = await c.allLogs(id);
    assert.match(lines[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO \[BulkAssetProcessing\] Job .* created by admin/);
    assert.match(lines[lines.length - 1], /finished with status SUCCESS/);
    assert.ok(lines.some((l) => / WARN \[AssetProcessor\] /.test(l)), 'some WARN lines');
    const counts = processedCounts(lines);
    assert.equal(counts.size, done.migrationSet.totalFiles);
    assert.ok([...counts.values()].every((n) => n === 1));
  });

  it('cancels, then resumes from the checkpoint without redoing finished assets', async () => {
    emu.setBehaviour({ rate: 300 });
    const id = await c.start({ path: '/content/dam/projects' });
    await c.waitFor(id, (j) => j.triggeredCount >= 40);
    const cancel = await c.post(`${PROCESS}/cancel?processingId=${id}`, { processingId: id });
    assert.equal(cancel.status, 200);
    const cancelled = await c.status(id);
    assert.equal(cancelled.status, 'CANCELLED');
    assert.deepEqual([cancelled.cancellable, cancelled.resumable, cancelled.restartable], [false, true, true]);
    assert.ok(cancelled.completedAt > 0);
    assert.ok(cancelled.triggeredCount < cancelled.migrationSet.totalFiles);
    await sleep(100);
    assert.equal((await c.status(id)).triggeredCount, cancelled.triggeredCount, 'nothing processed after cancel');

    const again = await c.post(`${PROCESS}/cancel?processingId=${id}`);
    assert.equal(again.status, 409);
    assert.match((again.body as { message: string }).message, /not running/);

    emu.setBehaviour({ rate: 3000 });
    // processingId only in the JSON body this time.
    const resume = await c.post(`${PROCESS}/resume`, { processingId: id });
    assert.equal(resume.status, 200);
    const resumed = await c.status(id);
    assert.equal(resumed.status, 'IN_PROGRESS');
    assert.ok(resumed.triggeredCount >= cancelled.triggeredCount);
    assert.equal(resumed.completedAt, 0);
    const done = await c.waitDone(id);
    assert.equal(done.status, 'SUCCESS');
    assert.equal(done.processingId, id);
    assert.equal(done.triggeredCount, size('/content/dam/projects'));
    const lines = await c.allLogs(id);
    assert.ok(lines.some((l) => l.includes(`Resumed from checkpoint at asset ${cancelled.triggeredCount + 1} of`)));
    const counts = processedCounts(lines);
    assert.equal(counts.size, done.migrationSet.totalFiles);
    assert.ok([...counts.values()].every((n) => n === 1), 'each asset processed once');
  });

  it('ends FAILED when assets fail, and a resume retries only those and the rest', async () => {
    emu.setBehaviour({ failRate: 0.2 });
    const id = await c.start({ path: '/content/dam/status-fetch1' });
    const failed = await c.waitDone(id);
    assert.equal(failed.status, 'FAILED');
    assert.deepEqual([failed.cancellable, failed.resumable, failed.restartable], [false, true, true]);
    const total = failed.migrationSet.totalFiles;
    assert.equal(failed.triggeredCount, total);
    const first = await c.allLogs(id);
    const errors = first.filter((l) => / ERROR \[AssetProcessor\] Failed to process /.test(l)).length;
    assert.ok(errors > 0);
    assert.equal(failed.comments, `${errors} of ${total} assets failed to process`);
    assert.match(first[first.length - 1], /finished with status FAILED/);
    const okBefore = processedCounts(first).size;
    assert.equal(okBefore + errors, total);

    emu.setBehaviour({ failRate: 0 });
    assert.equal((await c.post(`${PROCESS}/resume?processingId=${id}`)).status, 200);
    const done = await c.waitDone(id);
    assert.equal(done.status, 'SUCCESS');
    assert.equal(done.triggeredCount, total, 'retries are not counted twice');
    const all = await c.allLogs(id);
    assert.deepEqual(all.slice(0, first.length), first, 'log appended, not rewritten');
    const counts = processedCounts(all);
    assert.equal(counts.size, total);
    assert.ok([...counts.values()].every((n) => n === 1));
    assert.equal(processedCounts(all.slice(first.length)).size, errors, 'only the failed ones were redone');
  });

  it('fails a running job at once through the control endpoint', async () => {
    emu.setBehaviour({ rate: 100 });
    const id = await c.start({ path: '/content/dam/techdocs/guides' });
    await c.waitFor(id, (j) => j.status === 'IN_PROGRESS');
    const res = await c.control(`/jobs/${id}/fail`, { comments: 'disk full' });
    assert.equal(res.status, 200);
    const j = await c.status(id);
    assert.equal(j.status, 'FAILED');
    assert.equal(j.comments, 'disk full');
    assert.equal(j.resumable, true);
    assert.equal((await c.control(`/jobs/${id}/fail`, {})).status, 409);
    emu.setBehaviour({ rate: 5000 });
    await c.post(`${PROCESS}/resume?processingId=${id}`);
    assert.equal((await c.waitDone(id)).status, 'SUCCESS');
    const again = await c.post(`${PROCESS}/resume?processingId=${id}`);
    assert.equal(again.status, 409);
    assert.match((again.body as { message: string }).message, /nothing to resume/);
  });

  it('refuses a job overlapping an active one with 409', async () => {
    emu.setBehaviour({ rate: 20 });
    const id = await c.start({ path: '/content/dam/projects/alpha' });
    for (const p of ['/content/dam/projects/alpha', '/content/dam/projects', '/content/dam', `${emu.dam.folder('/content/dam/projects/alpha')?.path}/${emu.dam.folders[emu.dam.folder('/content/dam/projects/alpha')?.children[0] ?? 0].name}`]) {
      const res = await c.post(PROCESS, { path: p, type: 'ASSET_PROCESSING' });
      assert.equal(res.status, 409, p);
      assert.deepEqual(res.body, { message: `Asset processing is already running on /content/dam/projects/alpha (processing id ${id})` });
    }
    const other = await c.start({ path: '/content/dam/projects/beta' });
    await c.post(`${PROCESS}/cancel?processingId=${id}`);
    await c.post(`${PROCESS}/cancel?processingId=${other}`);
    const after = await c.start({ path: '/content/dam/projects' });
    await c.post(`${PROCESS}/cancel?processingId=${after}`);
  });

  it('counts what excludedPaths and every filter field let through', async () => {
    const dam = emu.dam;
    const root = '/content/dam/projects';
    const r = dam.range(root);
    assert.ok(r);
    const alpha = dam.range('/content/dam/projects/alpha');
    assert.ok(alpha);
    const countOf = async (body: Record<string, unknown>): Promise<{ total: number; id: string; excluded: string[] }> => {
      emu.setBehaviour({ rate: 1 });
      const id = await c.start({ path: root, ...body });
      const j = await c.waitFor(id, (s) => s.migrationSet.calculationStatus === 'SUCCESS');
      if (j.cancellable) await c.post(`${PROCESS}/cancel?processingId=${id}`);
      return { total: j.migrationSet.totalFiles, id, excluded: j.excludedPaths };
    };
    const expect = (pred: (i: number) => boolean): number => {
      let n = 0;
      for (let i = r.start; i < r.end; i++) if (pred(i)) n++;
      return n;
    };

    assert.equal((await countOf({})).total, r.end - r.start);

    const ex = await countOf({ excludedPaths: ['content/dam/projects/alpha/'] });
    assert.deepEqual(ex.excluded, ['/content/dam/projects/alpha']);
    assert.equal(ex.total, r.end - r.start - (alpha.end - alpha.start));
    assert.ok(emu.engine.memberIndices(ex.id).every((i) => i < alpha.start || i >= alpha.end));

    const types = await countOf({ filter: { fileTypes: ['DITAMAP', 'MARKDOWN'] } });
    const nTypes = expect((i) => ['DITAMAP', 'MARKDOWN'].includes(dam.fileType(i)));
    assert.ok(nTypes > 0 && nTypes < r.end - r.start);
    assert.equal(types.total, nTypes);
    assert.equal((await countOf({ filter: { fileTypes: ['HTML/CSS'] } })).total, expect((i) => dam.fileType(i) === 'HTML/CSS'));
    assert.equal((await countOf({ filter: { fileTypes: ['OTHERS', 'DITAVAL', 'DITATOPIC'] } })).total,
      expect((i) => ['OTHERS', 'DITAVAL', 'DITATOPIC'].includes(dam.fileType(i))));

    const times = Array.from(dam.assetCreated.subarray(r.start, r.end)).sort((a, b) => a - b);
    const mid = times[Math.floor(times.length / 2)];
    const q1 = times[Math.floor(times.length / 4)];
    assert.equal((await countOf({ filter: { startTime: mid } })).total, expect((i) => dam.assetCreated[i] >= mid));
    assert.equal((await countOf({ filter: { endTime: mid } })).total, expect((i) => dam.assetCreated[i] <= mid));
    const both = await countOf({ filter: { startTime: q1, endTime: mid } });
    assert.equal(both.total, expect((i) => dam.assetCreated[i] >= q1 && dam.assetCreated[i] <= mid));
    assert.ok(both.total < r.end - r.start);

    // filterProcessedAssets: process beta fully, then only the rest is counted.
    emu.setBehaviour({ rate: 5000 });
    const beta = dam.range('/content/dam/projects/beta');
    assert.ok(beta);
    const betaJob = await c.start({ path: '/content/dam/projects/beta' });
    assert.equal((await c.waitDone(betaJob)).status, 'SUCCESS');
    const fpa = await countOf({ filter: { filterProcessedAssets: true } });
    const st = await c.status(fpa.id);
    assert.deepEqual(st.filter, { fileTypes: [], filterProcessedAssets: true });
    // Earlier tests cancelled jobs on /content/dam/projects after processing a few assets; those count too.
    const processedByEarlier = new Set<number>();
    for (const h of ((await c.get(`${PROCESS}/history`)).body as { executionHistory: Array<{ processingId: string }> }).executionHistory) {
      if (h.processingId === fpa.id) continue;
      const lines = await c.allLogs(h.processingId);
      for (const p of processedCounts(lines).keys()) processedByEarlier.add(dam.assetIndex(p));
    }
    assert.ok(beta.end - beta.start > 0);
    assert.equal(fpa.total, expect((i) => !processedByEarlier.has(i)));
    assert.ok(fpa.total <= r.end - r.start - (beta.end - beta.start));
    assert.equal((await countOf({ filter: { filterProcessedAssets: false } })).total, r.end - r.start);
  });

  it('answers 400 with a message for every invalid start request', async () => {
    const cases: Array<[string, unknown]> = [
      ['invalid JSON', '{"path": "/content/dam/projects" "type": "ASSET_PROCESSING"}'],
      ['not an object', '[1]'],
      ['missing path', { type: 'ASSET_PROCESSING' }],
      ['relative path', { path: 'content/dam/projects', type: 'ASSET_PROCESSING' }],
      ['unknown path', { path: '/content/dam/nope', type: 'ASSET_PROCESSING' }],
      ['missing type', { path: '/content/dam/projects' }],
      ['unknown type', { path: '/content/dam/projects', type: 'MAP_COLLECTION' }],
      ['type not a string', { path: '/content/dam/projects', type: 3 }],
      ['excludedPaths not an array', { path: '/content/dam/projects', type: 'ASSET_PROCESSING', excludedPaths: '/content/dam/projects/alpha' }],
      ['unknown file type', { path: '/content/dam/projects', type: 'ASSET_PROCESSING', filter: { fileTypes: ['PDF'] } }],
      ['fileTypes not an array', { path: '/content/dam/projects', type: 'ASSET_PROCESSING', filter: { fileTypes: 'DITAMAP' } }],
      ['startTime > endTime', { path: '/content/dam/projects', type: 'ASSET_PROCESSING', filter: { startTime: 2000, endTime: 1000 } }],
      ['startTime a string', { path: '/content/dam/projects', type: 'ASSET_PROCESSING', filter: { startTime: '2024-01-01' } }],
      ['filterProcessedAssets a string', { path: '/content/dam/projects', type: 'ASSET_PROCESSING', filter: { filterProcessedAssets: 'yes' } }],
      ['filter an array', { path: '/content/dam/projects', type: 'ASSET_PROCESSING', filter: [] }],
    ];
    for (const [what, body] of cases) {
      const res = await c.post(PROCESS, body);
      assert.equal(res.status, 400, what);
      assert.equal(typeof (res.body as { message: unknown }).message, 'string', what);
    }
    const history = (await c.get(`${PROCESS}/history`)).body as { executionHistory: unknown[] };
    assert.ok(history.executionHistory.every((j) => (j as { cancellable: boolean }).cancellable === false), 'no job was started');
  });

  it('answers 400/404/405 for bad status, cancel and resume calls', async () => {
    assert.equal((await c.get(`${PROCESS}/status`)).status, 400);
    const unknown = await c.get(`${PROCESS}/status?processingId=nope`);
    assert.equal(unknown.status, 404);
    assert.match((unknown.body as { message: string }).message, /nope/);
    assert.equal((await c.post(`${PROCESS}/cancel?processingId=nope`)).status, 404);
    assert.equal((await c.post(`${PROCESS}/resume?processingId=nope`)).status, 404);
    assert.equal((await c.post(`${PROCESS}/cancel`)).status, 400);
    assert.equal((await c.post(`${PROCESS}/resume`, 'not json')).status, 400);
    assert.equal((await c.get(PROCESS)).status, 405);
    assert.equal((await c.get('/bin/guides/v1/assets/process/nothing')).status, 404);
    assert.equal((await c.get('/bin/guides/v2/whatever')).status, 404);
    emu.setBehaviour({ rate: 10 });
    const id = await c.start({ path: '/content/dam/shared' });
    const running = await c.post(`${PROCESS}/resume?processingId=${id}`);
    assert.equal(running.status, 409);
    assert.match((running.body as { message: string }).message, /already running/);
    await c.post(`${PROCESS}/cancel?processingId=${id}`);
  });

  it('finishes at once when nothing matches', async () => {
    const id = await c.start({ path: '/content/dam/empty' });
    const j = await c.waitDone(id);
    assert.equal(j.status, 'SUCCESS');
    assert.equal(j.migrationSet.totalFiles, 0);
    assert.equal(j.triggeredCount, 0);
  });
});
