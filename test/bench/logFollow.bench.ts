/**
 * Benchmark: following a long log. The emulator runs in a child process, so this process holds only
 * the client, the follower and a counting sink. Figures are ratios against a baseline run in this
 * same process (a 10,000-line log), so a noisy machine shifts both alike:
 * - time per line for a 1,000,000-line log vs the baseline (should stay near 1: paging is linear);
 * - heap retained after following vs before (should not grow with the log's length);
 * Run: npm run bench
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AemGuidesClient } from '../../src/api/client';
import { systemClock } from '../../src/model/clock';
import { LogFollower, type FollowSummary } from '../../src/model/logFollower';

interface Server {
  url: string;
  child: ChildProcess;
}

async function startEmulatorProcess(dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'emulator', 'main.js'), '--port', '0', '--data-dir', dataDir, '--rate', '5', '--count-ms', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  const url = /listening on (http:\/\/\S+)/.exec(first)?.[1];
  if (!url) throw new Error(`unexpected first line: ${first}`);
  return { url, child };
}

async function control(server: Server, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}/emulator/control${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function follow(client: AemGuidesClient, id: string, pageSize: number): Promise<{ ms: number; lines: number; heapGrowthMb: number }> {
  let counted = 0;
  const heapBefore = heapMb();
  const started = performance.now();
  const done = new Promise<FollowSummary>((resolve) => {
    const follower = new LogFollower(
      id,
      client,
      {
        // What the output channel sink does per page: one joined string.
        append: (lines) => {
          counted += lines.join('\n').length > 0 ? lines.length : 0;
        },
        close: resolve,
      },
      { get: () => 0, set: () => undefined },
      { initialLines: 0, pageSize, intervalMs: () => 50, clock: systemClock },
    );
    follower.start();
    // The job is done already: tell the follower so it stops once drained.
    void client.getStatus(id).then((job) => follower.update(job));
  });
  await done;
  const ms = performance.now() - started;
  return { ms, lines: counted, heapGrowthMb: heapMb() - heapBefore };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aem-bench-'));
  const server = await startEmulatorProcess(dataDir);
  try {
    const client = new AemGuidesClient({ baseUrl: server.url, credentials: () => ({ kind: 'basic', username: 'admin', password: 'admin' }), timeoutMs: 60_000 });
    const makeLog = async (path: string, lines: number): Promise<string> => {
      const id = await client.startProcessing({ path });
      await control(server, `/jobs/${id}/append-lines`, { count: lines });
      await control(server, `/jobs/${id}/fail`, { comments: 'benchmark: ended on purpose' });
      return id;
    };
    const small = await makeLog('/content/dam/projects/alpha', 10_000);
    const large = await makeLog('/content/dam/projects/beta', 1_000_000);

    await follow(client, small, 5000); // warm-up: JIT, sockets
    const base = await follow(client, small, 5000);
    const big = await follow(client, large, 5000);
    const perLineBase = base.ms / base.lines;
    const perLineBig = big.ms / big.lines;
    console.log(`baseline  ${base.lines.toLocaleString()} lines in ${base.ms.toFixed(0)} ms (${Math.round(base.lines / (base.ms / 1000)).toLocaleString()} lines/s), heap +${base.heapGrowthMb.toFixed(1)} MB`);
    console.log(`large     ${big.lines.toLocaleString()} lines in ${big.ms.toFixed(0)} ms (${Math.round(big.lines / (big.ms / 1000)).toLocaleString()} lines/s), heap +${big.heapGrowthMb.toFixed(1)} MB`);
    console.log(`ratio     time per line large/baseline = ${(perLineBig / perLineBase).toFixed(2)} (linear paging: about 1)`);
    console.log(`ratio     retained heap large/baseline = ${((Math.max(0.1, big.heapGrowthMb)) / Math.max(0.1, base.heapGrowthMb)).toFixed(2)} for ${Math.round(big.lines / base.lines)}x the lines (flat memory: about 1)`);
    for (const pageSize of [500, 2000, 10_000]) {
      const run = await follow(client, large, pageSize);
      console.log(`page size ${String(pageSize).padStart(6)}: ${(run.ms / big.ms).toFixed(2)}x the time of the default (5000)`);
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
