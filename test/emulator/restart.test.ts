import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from './server';
import { PROCESS, TestClient, processedCounts, sleep } from './testClient';

const MAIN = join(__dirname, 'main.js');

/** Starts the CLI and resolves with its first stdout line and the process. */
function spawnCli(args: string[]): Promise<{ child: ChildProcess; first: string; output: () => string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, first: out.slice(0, nl), output: () => out });
    });
    child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('emulator: persistence and CLI', function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'emu-test-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('brings a job interrupted by a stop back FAILED and resumable; resume finishes without redoing assets', async () => {
    const dataDir = newDir();
    const first = await startEmulator({ dataDir, assets: 1000, tickMs: 10, countMs: 20, rate: 400 });
    let c = new TestClient(first);
    const id = await c.start({ path: '/content/dam/projects', excludedPaths: ['/content/dam/projects/gamma'] });
    const mid = await c.waitFor(id, (j) => j.triggeredCount >= 40);
    const linesBefore = await c.allLogs(id);
    await first.close();
    const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as { jobs: Array<{ status: string }> };
    assert.equal(state.jobs[0].status, 'IN_PROGRESS', 'stored as it was');

    const second = await startEmulator({ dataDir, assets: 5, tickMs: 10, countMs: 20, rate: 5000 });
    try {
      assert.equal(second.dam.assetCount, 1000, 'the stored DAM parameters win');
      c = new TestClient(second);
      const back = await c.status(id);
      assert.equal(back.status, 'FAILED');
      assert.deepEqual([back.resumable, back.restartable, back.cancellable], [true, true, false]);
      assert.match(back.comments, /restarted/);
      assert.ok(back.triggeredCount >= mid.triggeredCount);
      assert.deepEqual(back.excludedPaths, ['/content/dam/projects/gamma']);
      const afterRestart = await c.allLogs(id);
      assert.deepEqual(afterRestart.slice(0, linesBefore.length), linesBefore, 'no line lost');
      assert.match(afterRestart[afterRestart.length - 1], /server restarted/);

      assert.equal((await c.post(`${PROCESS}/resume?processingId=${id}`)).status, 200);
      const done = await c.waitDone(id);
      assert.equal(done.status, 'SUCCESS');
      assert.equal(done.triggeredCount, done.migrationSet.totalFiles);
      const counts = processedCounts(await c.allLogs(id));
      assert.equal(counts.size, done.migrationSet.totalFiles);
      assert.ok([...counts.values()].every((n) => n === 1), 'no asset processed twice');
    } finally {
      await second.close();
    }
  });

  it('recovers from a kill -9: log lines written after the last save are replayed, not redone', async () => {
    const dataDir = newDir();
    const { child, first } = await spawnCli(['--port', '0', '--data-dir', dataDir, '--assets', '1000', '--rate', '2000', '--count-ms', '10', '--tick-ms', '5']);
    const url = /listening on (\S+)$/.exec(first)?.[1];
    assert.ok(url);
    const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    const token = ((await (await fetch(`${url}/libs/granite/csrf/token.json`, { headers: { Authorization: auth } })).json()) as { token: string }).token;
    const started = await fetch(`${url}${PROCESS}`, {
      method: 'POST', headers: { Authorization: auth, 'CSRF-Token': token }, body: JSON.stringify({ path: '/content/dam', type: 'ASSET_PROCESSING' }),
    });
    const id = ((await started.json()) as { processingId: string }).processingId;
    await sleep(300);
    const exited = exitOf(child);
    child.kill('SIGKILL');
    await exited;

    const stored = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as { jobs: Array<{ triggeredCount: number }> };
    const inLog = processedCounts(readFileSync(join(dataDir, 'logs', `${id}.log`), 'utf8').split('\n')).size;
    console.log(`      at the kill: state.json says ${stored.jobs[0].triggeredCount} assets, the log ${inLog}`);
    assert.ok(stored.jobs[0].triggeredCount <= inLog);
    const emu = await startEmulator({ dataDir, tickMs: 10, rate: 5000 });
    try {
      const c = new TestClient(emu);
      const back = await c.status(id);
      assert.equal(back.status, 'FAILED');
      const lines = await c.allLogs(id);
      const processedBefore = processedCounts(lines).size;
      assert.ok(processedBefore > 0);
      assert.equal(back.triggeredCount, processedBefore, 'state caught up with the log');
      await c.post(`${PROCESS}/resume?processingId=${id}`);
      const done = await c.waitDone(id);
      assert.equal(done.status, 'SUCCESS');
      assert.equal(done.triggeredCount, 1000);
      const counts = processedCounts(await c.allLogs(id));
      assert.equal(counts.size, 1000);
      assert.ok([...counts.values()].every((n) => n === 1));
    } finally {
      await emu.close();
    }
  });

  it('CLI: prints the listening line first, serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = newDir();
    const { child, first, output } = await spawnCli(['--port', '0', '--data-dir', dataDir, '--token', 'abc', '--user', 'me:pw']);
    assert.match(first, /^AEM Guides emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = first.slice('AEM Guides emulator listening on '.length);
    const res = await fetch(`${url}${PROCESS}/history`, { headers: { Authorization: 'Bearer abc' } });
    assert.equal(res.status, 200);
    const me = await fetch(`${url}${PROCESS}/history`, { headers: { Authorization: `Basic ${Buffer.from('me:pw').toString('base64')}` } });
    assert.equal(me.status, 200);
    await sleep(50);
    assert.match(output(), /bearer token: abc/);
    assert.match(output(), new RegExp(`data dir: +${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const exited = exitOf(child);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(readFileSync(join(dataDir, 'state.json'), 'utf8').includes('"version":1'));
  });

  it('CLI: --help lists every flag with its default; bad flags exit 2', () => {
    const help = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const flag of ['--port', '--host', '--data-dir', '--assets', '--depth', '--seed', '--user', '--token', '--rate', '--count-ms',
      '--fail-rate', '--csrf-ttl-ms', '--download-mode', '--login-page', '--history-size', '--other-job-types', '--seed-jobs',
      '--latency-ms', '--error-rate', '--unavailable-rate', '--reset-rate', '--stall-rate', '--stall-ms', '--malformed-rate',
      '--fault-paths', '--fault-seed']) {
      assert.match(help.stdout, new RegExp(`^  ${flag}\\b.*\\(default: `, 'm'), flag);
    }
    assert.match(help.stdout, /--port <n> +.*\(default: 4502\)/);
    for (const bad of [['--nope'], ['--rate', 'fast'], ['--fail-rate', '2'], ['--port'], ['--download-mode', 'tar'], ['--user', 'nopassword'], ['stray']]) {
      const r = spawnSync(process.execPath, [MAIN, ...bad], { encoding: 'utf8' });
      assert.equal(r.status, 2, bad.join(' '));
      assert.ok(r.stderr.length > 0);
    }
  });
});
