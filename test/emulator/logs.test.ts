import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Emulator, startEmulator } from './server';
import { PROCESS, TestClient, readZip } from './testClient';

/** A full GC before each measurement, so that figures show what is retained, not what awaits collection. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface LogPage {
  lines: string[];
  limit: number;
  offset: number;
  hasMore: boolean;
}

describe('emulator: logs', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let c: TestClient;
  let id: string;
  let total: number;

  before(async () => {
    emu = await startEmulator({ assets: 800, tickMs: 10, countMs: 20, rate: 5000, otherJobTypes: true });
    c = new TestClient(emu);
    id = await c.start({ path: '/content/dam/techdocs' });
    await c.waitDone(id);
    total = ((await c.get(`${PROCESS}/logs?processingId=${id}&tail=0`)).body as LogPage).offset;
  });
  after(() => emu.close());

  const page = async (query: string): Promise<LogPage> => {
    const res = await c.get(`${PROCESS}/logs?processingId=${id}&${query}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body as object), ['lines', 'limit', 'offset', 'hasMore']);
    return res.body as LogPage;
  };

  it('pages with offset and limit, and says exactly when more lines exist', async () => {
    assert.ok(total > 20, `log has ${total} lines`);
    const full = (await page('offset=0&limit=10000')).lines;
    assert.equal(full.length, total);

    const first = await page('offset=0&limit=5');
    assert.deepEqual(first, { lines: full.slice(0, 5), limit: 5, offset: 0, hasMore: true });
    const nearEnd = await page(`offset=${total - 2}&limit=5`);
    assert.deepEqual(nearEnd, { lines: full.slice(total - 2), limit: 5, offset: total - 2, hasMore: false });
    const exact = await page(`offset=${total - 5}&limit=5`);
    assert.equal(exact.lines.length, 5);
    assert.equal(exact.hasMore, false, 'no line after the last one returned');
    const oneBefore = await page(`offset=${total - 6}&limit=5`);
    assert.equal(oneBefore.hasMore, true);
    assert.deepEqual(await page(`offset=${total}`), { lines: [], limit: 1000, offset: total, hasMore: false });
    assert.deepEqual(await page(`offset=${total + 50}&limit=3`), { lines: [], limit: 3, offset: total + 50, hasMore: false });
    assert.deepEqual(await page('offset=3&limit=0'), { lines: [], limit: 0, offset: 3, hasMore: true });

    const defaults = await page('');
    assert.equal(defaults.limit, 1000);
    assert.equal(defaults.offset, 0);
    assert.deepEqual(defaults.lines, full.slice(0, 1000));
    assert.equal(defaults.hasMore, total > 1000);
    assert.equal((await page('limit=20000')).limit, 10_000, 'limit is capped');

    const stitched: string[] = [];
    for (let off = 0; ; off += 7) {
      const p = await page(`offset=${off}&limit=7`);
      stitched.push(...p.lines);
      if (!p.hasMore) break;
    }
    assert.deepEqual(stitched, full);
  });

  it('returns the last N lines with tail, offset = index of the first one', async () => {
    const full = (await page('offset=0&limit=10000')).lines;
    assert.deepEqual(await page('tail=3'), { lines: full.slice(-3), limit: 3, offset: total - 3, hasMore: false });
    assert.deepEqual(await page(`tail=${total + 10}`), { lines: full, limit: total + 10, offset: 0, hasMore: false });
    const tailWithLimit = await page('tail=10&limit=4');
    assert.deepEqual(tailWithLimit.lines, full.slice(-4));
    assert.equal(tailWithLimit.offset, total - 4);
    assert.deepEqual(await page('tail=0'), { lines: [], limit: 0, offset: total, hasMore: false });
  });

  it('rejects negative or non-integer parameters with 400', async () => {
    for (const q of ['offset=-1', 'limit=-5', 'tail=-1', 'offset=1.5', 'limit=abc', 'tail=2e3', 'offset=']) {
      const res = await c.get(`${PROCESS}/logs?processingId=${id}&${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(typeof (res.body as { message: unknown }).message, 'string');
    }
    assert.equal((await c.get(`${PROCESS}/logs`)).status, 400);
    assert.equal((await c.get(`${PROCESS}/logs?processingId=nope`)).status, 404);
  });

  it('downloads a valid ZIP of the log, or its paths when configured', async () => {
    const res = await fetch(`${emu.url}${PROCESS}/logs/download?processingId=${id}`, { headers: { Authorization: emu.basicAuthHeader() } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${id}-logs.zip"`);
    const entries = readZip(Buffer.from(await res.arrayBuffer()));
    assert.equal(entries.length, 1);
    assert.equal(entries[0].name, `${id}.log`);
    assert.equal(entries[0].method, 8, 'small logs are deflated');
    const full = (await page('offset=0&limit=10000')).lines;
    assert.equal(entries[0].data.toString('utf8'), `${full.join('\n')}\n`);

    emu.setBehaviour({ downloadMode: 'paths' });
    try {
      const paths = await c.get(`${PROCESS}/logs/download?processingId=${id}`);
      assert.equal(paths.status, 200);
      assert.deepEqual(paths.body, { logFilePaths: [`/var/log/aem-guides/asset-processing/${id}.log`] });
    } finally {
      emu.setBehaviour({ downloadMode: 'zip' });
    }
    assert.equal((await c.get(`${PROCESS}/logs/download?processingId=nope`)).status, 404);
    assert.equal((await c.get(`${PROCESS}/logs/download`)).status, 400);
    // A job without logs (one of the other-type jobs) answers 404 with a message.
    const noLogs = await c.get(`${PROCESS}/logs/download?processingId=a1c0ffee-0000-4000-8000-000000000001`);
    assert.equal(noLogs.status, 404);
    assert.match((noLogs.body as { message: string }).message, /no logs/);
    assert.deepEqual(await c.get(`${PROCESS}/logs?processingId=a1c0ffee-0000-4000-8000-000000000001`).then((r) => r.body),
      { lines: [], limit: 1000, offset: 0, hasMore: false });
  });

  it('serves pages of a 1,000,000-line log quickly with flat memory, and streams its ZIP', async () => {
    const big = await c.start({ path: '/content/dam/empty' });
    await c.waitDone(big);
    collectGarbage();
    const before = process.memoryUsage();
    let t = performance.now();
    const appended = await (await c.control(`/jobs/${big}/append-lines`, { count: 1_000_000 })).json() as { lineCount: number };
    const appendMs = performance.now() - t;
    const lineCount = appended.lineCount;
    assert.ok(lineCount >= 1_000_000);
    collectGarbage();
    const after = process.memoryUsage();

    t = performance.now();
    const mid = (await c.get(`${PROCESS}/logs?processingId=${big}&offset=500000&limit=1000`)).body as LogPage;
    const midMs = performance.now() - t;
    assert.equal(mid.lines.length, 1000);
    assert.equal(mid.offset, 500_000);
    assert.equal(mid.hasMore, true);
    assert.match(mid.lines[0], / DEBUG \[Synthetic\] line 500000 of job /);
    assert.match(mid.lines[999], / line 500999 of job /);

    t = performance.now();
    const tail = (await c.get(`${PROCESS}/logs?processingId=${big}&tail=500`)).body as LogPage;
    const tailMs = performance.now() - t;
    assert.equal(tail.lines.length, 500);
    assert.equal(tail.offset, lineCount - 500);
    assert.equal(tail.hasMore, false);
    assert.match(tail.lines[499], new RegExp(` line ${lineCount - 1} of job `));

    t = performance.now();
    const maxPage = (await c.get(`${PROCESS}/logs?processingId=${big}&offset=900000&limit=10000`)).body as LogPage;
    const maxMs = performance.now() - t;
    assert.equal(maxPage.lines.length, 10_000);

    const growthMb = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 2 ** 20;
    const rssMb = (after.rss - before.rss) / 2 ** 20;
    console.log(`      1M lines appended in ${appendMs.toFixed(0)} ms; heap+arrayBuffers ${growthMb.toFixed(1)} MB, rss ${rssMb.toFixed(1)} MB;`
      + ` page at 500k ${midMs.toFixed(1)} ms, tail 500 ${tailMs.toFixed(1)} ms, 10k page ${maxMs.toFixed(1)} ms`);
    // The line index is 8 bytes a line (16 MB of capacity at most); keeping the text would cost ~90 MB more.
    assert.ok(growthMb < 40, `memory grew by ${growthMb.toFixed(1)} MB`);

    t = performance.now();
    const res = await fetch(`${emu.url}${PROCESS}/logs/download?processingId=${big}`, { headers: { Authorization: emu.basicAuthHeader() } });
    const buf = Buffer.from(await res.arrayBuffer());
    const entries = readZip(buf);
    console.log(`      ZIP of the 1M-line log (${(buf.length / 2 ** 20).toFixed(1)} MB, STORE, streamed) in ${(performance.now() - t).toFixed(0)} ms`);
    assert.equal(entries[0].method, 0);
    assert.ok(entries[0].data.equals(readFileSync(emu.engine.logs.pathFor(big))));
  });
});
