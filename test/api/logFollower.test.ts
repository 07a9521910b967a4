/**
 * The log follower against the emulator, with injected faults and a restart: what the sink receives
 * must be the server's log line for line, with no duplicate and no gap.
 */
import assert from 'node:assert/strict';
import { AemGuidesClient } from '../../src/api/client';
import { systemClock } from '../../src/model/clock';
import { LogFollower, type CursorStore, type FollowSummary, type LogSink } from '../../src/model/logFollower';
import { startEmulator, type Emulator, type EmulatorInit } from '../emulator/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

class ArraySink implements LogSink {
  readonly lines: string[] = [];
  skippedLines: number | undefined;
  summary: FollowSummary | undefined;
  private resolveClosed!: (s: FollowSummary) => void;
  readonly closed = new Promise<FollowSummary>((r) => (this.resolveClosed = r));
  skipped(n: number): void {
    this.skippedLines = n;
  }
  append(lines: readonly string[]): void {
    this.lines.push(...lines);
  }
  close(summary: FollowSummary): void {
    this.summary = summary;
    this.resolveClosed(summary);
  }
}

class MapCursors implements CursorStore {
  readonly map = new Map<string, number>();
  get(id: string): number | undefined {
    return this.map.get(id);
  }
  set(id: string, next: number): void {
    this.map.set(id, next);
  }
}

function clientFor(emu: Emulator | { url: string }): AemGuidesClient {
  return new AemGuidesClient({ baseUrl: emu.url, credentials: () => ({ kind: 'basic', username: 'admin', password: 'admin' }), timeoutMs: 1500 });
}

/** Plays the monitor: polls the status and hands it to the follower until it closes. */
function drive(follower: LogFollower, client: () => AemGuidesClient, id: string): { stop(): void } {
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped && !follower.done) {
      try {
        follower.update(await client().getStatus(id));
      } catch {
        // Faults and restarts: the next poll will do.
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  void loop();
  return { stop: () => (stopped = true) };
}

async function fullLog(client: AemGuidesClient, id: string): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const page = await client.getLogs(id, { offset: lines.length, limit: 10_000 });
    lines.push(...page.lines);
    if (!page.hasMore) return lines;
  }
}

function assertSameLines(received: readonly string[], expected: readonly string[]): void {
  assert.equal(received.length, expected.length, `received ${received.length} lines, the server has ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (received[i] !== expected[i]) assert.fail(`line ${i} differs:\n  got      ${received[i]}\n  expected ${expected[i]}`);
  }
}

describe('LogFollower against the emulator', function () {
  this.timeout(60_000);
  const base: EmulatorInit = { tickMs: 10, countMs: 30, assets: 3000 };

  it('tails the last lines first, then reads on to the end and closes with the final status', async () => {
    const emu = await startEmulator({ ...base, rate: 300 });
    try {
      const client = clientFor(emu);
      const id = await client.startProcessing({ path: '/content/dam/techdocs' });
      await new Promise((r) => setTimeout(r, 400));
      const sink = new ArraySink();
      const follower = new LogFollower(id, client, sink, new MapCursors(), { initialLines: 20, intervalMs: () => 50, clock: systemClock });
      follower.start();
      const driver = drive(follower, () => client, id);
      const summary = await sink.closed;
      driver.stop();
      const server = await fullLog(client, id);
      assert.equal(summary.reason, 'finished');
      assert.equal(summary.job?.state, 'succeeded');
      assert.ok((sink.skippedLines ?? 0) > 0, 'earlier lines were skipped and reported');
      assertSameLines(sink.lines, server.slice(sink.skippedLines));
    } finally {
      await emu.close();
    }
  });

  it('gets every line exactly once through 500s, 503s, resets, stalls and malformed bodies', async () => {
    const emu = await startEmulator({ ...base, rate: 800, failRate: 0.01, faults: { errorRate: 0.15, unavailableRate: 0.05, retryAfterSeconds: 0, resetRate: 0.1, malformedRate: 0.1, stallRate: 0.05, stallMs: 2500, seed: 7, paths: ['/bin/guides/v1/assets/process/logs'] } });
    try {
      const client = clientFor(emu);
      const id = await client.startProcessing({ path: '/content/dam' });
      const sink = new ArraySink();
      const cursors = new MapCursors();
      cursors.set(id, 0); // from the first line, to compare the whole log
      const errors: unknown[] = [];
      const follower = new LogFollower(id, client, sink, cursors, { initialLines: 500, pageSize: 700, intervalMs: () => 30, maxBackoffMs: 200, clock: systemClock, onError: (e) => errors.push(e) });
      follower.start();
      const driver = drive(follower, () => client, id);
      const summary = await sink.closed;
      driver.stop();
      emu.setFaults({});
      assert.equal(summary.reason, 'finished');
      assert.ok(errors.length > 5, `faults were met (${errors.length})`);
      assertSameLines(sink.lines, await fullLog(client, id));
      assert.equal(cursors.get(id), sink.lines.length, 'the saved cursor is the next line');
    } finally {
      await emu.close();
    }
  });

  it('follows a 100,000-line log and survives a server restart mid-way', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aem-follow-'));
    let emu = await startEmulator({ ...base, dataDir, rate: 50 });
    const port = emu.port;
    let current = clientFor(emu);
    try {
      const id = await current.startProcessing({ path: '/content/dam/projects' });
      await new Promise((r) => setTimeout(r, 200));
      emu.appendLogLines(id, 100_000);
      const sink = new ArraySink();
      const cursors = new MapCursors();
      cursors.set(id, 0);
      const follower = new LogFollower(id, { getLogs: (...a) => current.getLogs(...a) }, sink, cursors, { initialLines: 500, pageSize: 5000, intervalMs: () => 30, maxBackoffMs: 100, clock: systemClock });
      follower.start();
      const driver = drive(follower, () => current, id);
      // Restart once part of the log has been read.
      while (sink.lines.length < 20_000) await new Promise((r) => setTimeout(r, 5));
      await emu.close();
      await new Promise((r) => setTimeout(r, 300));
      emu = await startEmulator({ ...base, dataDir, port, rate: 50 });
      current = clientFor(emu);
      const summary = await sink.closed;
      driver.stop();
      const server = await fullLog(current, id);
      assert.ok(server.length > 100_000);
      assert.equal(summary.reason, 'finished');
      assert.equal(summary.job?.state, 'failed', 'a job running at the restart comes back failed');
      assertSameLines(sink.lines, server);
    } finally {
      await emu.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('resumes from a saved cursor without repeating a line (window reload)', async () => {
    const emu = await startEmulator({ ...base, rate: 200 });
    try {
      const client = clientFor(emu);
      const id = await client.startProcessing({ path: '/content/dam/shared' });
      const cursors = new MapCursors();
      const first = new ArraySink();
      const a = new LogFollower(id, client, first, cursors, { initialLines: 10_000, intervalMs: () => 30, clock: systemClock });
      a.start();
      while (first.lines.length < 30) await new Promise((r) => setTimeout(r, 10));
      a.stop();
      assert.equal((await first.closed).reason, 'stopped');
      const second = new ArraySink();
      const b = new LogFollower(id, client, second, cursors, { initialLines: 10_000, intervalMs: () => 30, clock: systemClock });
      b.start();
      const driver = drive(b, () => client, id);
      await second.closed;
      driver.stop();
      assertSameLines([...first.lines, ...second.lines], await fullLog(client, id));
    } finally {
      await emu.close();
    }
  });

  it('stops when the server no longer knows the job', async () => {
    const emu = await startEmulator(base);
    try {
      const sink = new ArraySink();
      const follower = new LogFollower('00000000-0000-0000-0000-000000000000', clientFor(emu), sink, new MapCursors(), { initialLines: 10, intervalMs: () => 30, clock: systemClock });
      follower.start();
      assert.equal((await sink.closed).reason, 'notFound');
    } finally {
      await emu.close();
    }
  });
});
