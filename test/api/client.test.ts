/**
 * The API client against a live emulator on 127.0.0.1: every endpoint, every error kind, every input
 * refusal, the CSRF retry and both download variants. No HTTP mocking.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AemGuidesClient, type Credentials } from '../../src/api/client';
import { AemError, type AemErrorKind } from '../../src/api/errors';
import type { Job } from '../../src/api/types';
import { startEmulator, type Emulator } from '../emulator/server';

const TOKEN = 'test-bearer-token-0123456789';

async function expectError(promise: Promise<unknown>, kind: AemErrorKind): Promise<AemError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof AemError, `expected an AemError, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected ${kind}, got ${e.kind}: ${e.message}`);
    return e;
  }
  assert.fail(`expected an AemError of kind ${kind}, but the call succeeded`);
}

async function waitFor(client: AemGuidesClient, id: string, done: (job: Job) => boolean, timeoutMs = 10_000): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.getStatus(id);
    if (done(job)) return job;
    if (Date.now() > until) assert.fail(`job ${id} did not reach the expected state; last: ${job.status} ${job.triggeredCount}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('AemGuidesClient against the emulator', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let credentials: Credentials | undefined;
  let client: AemGuidesClient;

  const clientFor = (creds: Credentials | undefined, extra: { timeoutMs?: number; baseUrl?: string } = {}): AemGuidesClient =>
    new AemGuidesClient({ baseUrl: extra.baseUrl ?? emu.url, serverName: 'emulator', credentials: () => creds, timeoutMs: extra.timeoutMs ?? 5000, userAgent: 'aem-guides-vscode/test' });

  before(async () => {
    emu = await startEmulator({ rate: 4000, countMs: 40, tickMs: 10, tokens: [TOKEN], assets: 3000 });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.setFaults({});
    emu.setBehaviour({ rate: 4000, countMs: 40, downloadMode: 'zip', loginPage: false, failRate: 0 });
    credentials = { kind: 'basic', username: 'admin', password: 'admin' };
    client = new AemGuidesClient({ baseUrl: `${emu.url}/`, serverName: 'emulator', credentials: () => credentials, timeoutMs: 5000 });
  });

  describe('endpoints', () => {
    it('starts a job, follows it to success and finds it in the history', async () => {
      const id = await client.startProcessing({ path: '/content/dam/projects/alpha' });
      assert.match(id, /^[0-9a-f-]{36}$/);
      const job = await waitFor(client, id, (j) => !j.active);
      assert.equal(job.state, 'succeeded');
      assert.equal(job.path, '/content/dam/projects/alpha');
      assert.equal(job.createdBy, 'admin');
      assert.equal(job.type, 'ASSET_PROCESSING');
      assert.ok(job.totalFiles! > 0);
      assert.equal(job.triggeredCount, job.totalFiles);
      assert.equal(job.progress, 1);
      assert.equal(job.cancellable, false);
      assert.equal(job.restartable, true);
      assert.ok(job.startedAt! <= job.completedAt!);
      const history = await client.getHistory();
      assert.equal(history[0]?.processingId, id, 'newest first');
    });

    it('sends excluded paths (typed without the leading slash) and the filter', async () => {
      const all = await client.startProcessing({ path: '/content/dam/status-fetch1' });
      const allJob = await waitFor(client, all, (j) => !j.active);
      const id = await client.startProcessing({
        path: '/content/dam/status-fetch1',
        excludedPaths: ['content/dam/status-fetch1/excluded-folder'],
        filter: { fileTypes: ['DITATOPIC'] },
      });
      const job = await waitFor(client, id, (j) => !j.active);
      assert.deepEqual(job.excludedPaths, ['/content/dam/status-fetch1/excluded-folder']);
      assert.deepEqual(job.filter?.fileTypes, ['DITATOPIC']);
      assert.ok(job.totalFiles! < allJob.totalFiles!, `${job.totalFiles} of ${allJob.totalFiles}`);
    });

    it('reads logs with offset, limit and tail', async () => {
      const id = await client.startProcessing({ path: '/content/dam/projects/beta' });
      await waitFor(client, id, (j) => !j.active);
      const first = await client.getLogs(id, { offset: 0, limit: 5 });
      assert.equal(first.offset, 0);
      assert.equal(first.lines.length, 5);
      assert.equal(first.hasMore, true);
      const next = await client.getLogs(id, { offset: 5, limit: 3 });
      assert.equal(next.offset, 5);
      assert.equal(next.lines.length, 3);
      const all = await client.getLogs(id, { offset: 0, limit: 10_000 });
      assert.equal(all.hasMore, false);
      assert.deepEqual(next.lines, all.lines.slice(5, 8));
      const tail = await client.getLogs(id, { tail: 4 });
      assert.deepEqual(tail.lines, all.lines.slice(-4));
      assert.equal(tail.offset, all.lines.length - 4);
      assert.equal(tail.hasMore, false);
    });

    it('cancels and resumes from the checkpoint', async () => {
      emu.setBehaviour({ rate: 40 });
      const id = await client.startProcessing({ path: '/content/dam/techdocs' });
      const running = await waitFor(client, id, (j) => j.triggeredCount > 0);
      assert.equal(running.cancellable, true);
      await client.cancel(id);
      const cancelled = await waitFor(client, id, (j) => !j.active);
      assert.equal(cancelled.state, 'cancelled');
      assert.equal(cancelled.resumable, true);
      emu.setBehaviour({ rate: 4000 });
      await client.resume(id);
      const done = await waitFor(client, id, (j) => !j.active);
      assert.equal(done.state, 'succeeded');
      assert.equal(done.triggeredCount, done.totalFiles);
      assert.ok(done.triggeredCount >= cancelled.triggeredCount);
    });

    it('downloads the logs as a ZIP, or as a list of paths when the server sends one', async () => {
      const id = await client.startProcessing({ path: '/content/dam/projects/gamma' });
      await waitFor(client, id, (j) => !j.active);
      const zip = await client.downloadLogs(id);
      assert.equal(zip.kind, 'zip');
      if (zip.kind !== 'zip') return;
      assert.deepEqual([...zip.data.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
      assert.equal(zip.fileName, `${id}-logs.zip`);
      emu.setBehaviour({ downloadMode: 'paths' });
      const paths = await client.downloadLogs(id);
      assert.equal(paths.kind, 'paths');
      if (paths.kind === 'paths') assert.ok(paths.paths.length > 0 && paths.paths.every((p) => p.endsWith('.log')));
    });

    it('gets a CSRF token', async () => {
      assert.ok((await client.fetchCsrfToken()).length > 10);
    });

    // The POST is held by a latency fault while the server invalidates its CSRF tokens, so the
    // token the client sent is stale when the server checks it.
    it('retries a POST once with a fresh CSRF token after a 403', async () => {
      emu.setBehaviour({ rate: 20 });
      const id = await client.startProcessing({ path: '/content/dam/projects' });
      emu.setFaults({ latencyMs: 600, paths: ['/bin/guides/v1/assets/process/cancel'] });
      const cancelling = client.cancel(id);
      await new Promise((r) => setTimeout(r, 250));
      emu.expireCsrfTokens();
      await cancelling;
      const job = await waitFor(client, id, (j) => !j.active);
      assert.equal(job.state, 'cancelled');
    });

    it('gives up with forbidden when the fresh token is refused too', async () => {
      emu.setBehaviour({ rate: 20 });
      const id = await client.startProcessing({ path: '/content/dam/techdocs/guides' });
      emu.setFaults({ latencyMs: 800, paths: ['/bin/guides/v1/assets/process/cancel'] });
      const cancelling = client.cancel(id).then(() => undefined, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 400));
      emu.expireCsrfTokens(); // while the first attempt waits
      await new Promise((r) => setTimeout(r, 800));
      emu.expireCsrfTokens(); // while the retry waits
      const error = await cancelling;
      assert.ok(error instanceof AemError && error.kind === 'forbidden', String(error));
      emu.setFaults({});
      await client.cancel(id);
    });

    it('lists DAM folders, skipping hidden ones, with paging', async () => {
      const root = await client.listFolder('/content/dam');
      const names = root.entries.map((e) => e.name);
      assert.ok(names.includes('projects') && names.includes('techdocs'));
      assert.ok(!names.includes('.thumbnails'), 'hidden folders are skipped');
      assert.ok(root.entries.every((e) => e.path === `/content/dam/${e.name}`));
      const techdocs = await client.listFolder('/content/dam/techdocs', { limit: 2 });
      assert.ok(techdocs.nextOffset !== undefined, 'a next page exists');
      const second = await client.listFolder('/content/dam/techdocs', { offset: techdocs.nextOffset!, limit: 2 });
      assert.notDeepEqual(second.entries.map((e) => e.name), techdocs.entries.map((e) => e.name));
      await expectError(client.listFolder('/content/dam/no-such-folder'), 'notFound');
    });

    it('works with a bearer token', async () => {
      const history = await clientFor({ kind: 'bearer', token: TOKEN }).getHistory();
      assert.ok(Array.isArray(history));
      const id = await clientFor({ kind: 'bearer', token: TOKEN }).startProcessing({ path: '/content/dam/empty' });
      assert.ok(id);
    });

    it('asks the credentials provider per request', async () => {
      credentials = { kind: 'basic', username: 'admin', password: 'wrong' };
      await expectError(client.getHistory(), 'unauthorized');
      credentials = { kind: 'basic', username: 'admin', password: 'admin' };
      assert.ok(Array.isArray(await client.getHistory()));
    });
  });

  describe('errors', () => {
    it('unauthorized: 401, or the login page answered with 200', async () => {
      const e = await expectError(clientFor({ kind: 'basic', username: 'admin', password: 'nope' }).getHistory(), 'unauthorized');
      assert.equal(e.status, 401);
      await expectError(clientFor(undefined).getHistory(), 'unauthorized');
      await expectError(clientFor({ kind: 'bearer', token: 'expired' }).getStatus('x'), 'unauthorized');
      emu.setBehaviour({ loginPage: true });
      const login = await expectError(clientFor({ kind: 'basic', username: 'admin', password: 'nope' }).getHistory(), 'unauthorized');
      assert.equal(login.details.loginPage, true);
    });

    it('notFound for an unknown job; endpointMissing where AEM Guides is absent', async () => {
      await expectError(client.getStatus('00000000-0000-0000-0000-000000000000'), 'notFound');
      await expectError(client.cancel('00000000-0000-0000-0000-000000000000'), 'notFound');
      const plainAem = await sling404Server();
      try {
        const other = clientFor(credentials, { baseUrl: plainAem.url });
        await expectError(other.getHistory(), 'endpointMissing');
        await expectError(other.getStatus('abc'), 'endpointMissing');
      } finally {
        await plainAem.close();
      }
    });

    it('invalidInput keeps the server message; conflict for a second job on the same folder', async () => {
      const bad = await expectError(client.startProcessing({ path: '/content/dam/does-not-exist' }), 'invalidInput');
      assert.ok(bad.details.serverMessage, 'the server message is kept');
      assert.match(bad.message, /does-not-exist/);
      emu.setBehaviour({ rate: 20 });
      const id = await client.startProcessing({ path: '/content/dam/shared' });
      const conflict = await expectError(client.startProcessing({ path: '/content/dam/shared' }), 'conflict');
      assert.match(conflict.details.serverMessage ?? '', /already running/);
      await client.cancel(id);
      // Resuming a job that is not resumable is refused too.
      const done = await waitFor(client, id, (j) => !j.active);
      emu.setBehaviour({ rate: 4000 });
      await client.resume(done.processingId);
      await waitFor(client, id, (j) => !j.active);
      const refused = await client.resume(id).then(() => undefined, (e: unknown) => e);
      assert.ok(refused instanceof AemError && (refused.kind === 'conflict' || refused.kind === 'invalidInput'), String(refused));
    });

    it('server errors, with Retry-After on 503', async () => {
      emu.setFaults({ errorRate: 1, seed: 3 });
      const e = await expectError(client.getHistory(), 'server');
      assert.equal(e.status, 500);
      assert.equal(e.transient, true);
      emu.setFaults({ unavailableRate: 1, retryAfterSeconds: 7 });
      const u = await expectError(client.getHistory(), 'server');
      assert.equal(u.status, 503);
      assert.equal(u.retryAfterMs, 7000);
    });

    it('network: refused connection and reset', async () => {
      const closed = await freePort();
      const refused = await expectError(clientFor(credentials, { baseUrl: `http://127.0.0.1:${closed}` }).getHistory(), 'network');
      assert.equal(refused.details.code, 'ECONNREFUSED');
      emu.setFaults({ resetRate: 1 });
      await expectError(client.getHistory(), 'network');
    });

    it('timeout on a stalled answer, with the per-request override', async () => {
      emu.setFaults({ stallRate: 1, stallMs: 3000 });
      const started = Date.now();
      await expectError(clientFor(credentials, { timeoutMs: 200 }).getHistory(), 'timeout');
      await expectError(client.getHistory({ timeoutMs: 150 }), 'timeout');
      assert.ok(Date.now() - started < 2500, 'the deadline, not the stall, ended the requests');
    });

    it('cancelled through an AbortSignal', async () => {
      emu.setFaults({ latencyMs: 2000 });
      const abort = new AbortController();
      const pending = client.getHistory({ signal: abort.signal });
      setTimeout(() => abort.abort(), 50);
      await expectError(pending, 'cancelled');
      const already = new AbortController();
      already.abort();
      await expectError(client.getHistory({ signal: already.signal }), 'cancelled');
    });

    it('protocol errors for malformed answers', async () => {
      emu.setFaults({ malformedRate: 1, seed: 11 });
      for (let i = 0; i < 4; i++) {
        const e = await expectError(client.getHistory(), 'protocol');
        assert.ok(e.details.detail);
      }
    });

    it('never puts credentials in an error', async () => {
      const secret = 'S3cret-Passw0rd!';
      const e = await expectError(clientFor({ kind: 'basic', username: 'admin', password: secret }).getHistory(), 'unauthorized');
      const b64 = Buffer.from(`admin:${secret}`).toString('base64');
      for (const text of [e.message, JSON.stringify(e), String(e.stack)]) {
        assert.ok(!text.includes(secret) && !text.includes(b64), text);
      }
      emu.setFaults({ resetRate: 1 });
      const n = await expectError(clientFor({ kind: 'bearer', token: 'tok-SECRET-123' }).getHistory(), 'network');
      assert.ok(!JSON.stringify(n).includes('tok-SECRET-123') && !n.message.includes('tok-SECRET-123'));
    });
  });

  describe('input refused before any request', () => {
    const refusals: [string, (c: AemGuidesClient) => Promise<unknown>][] = [
      ['a relative path', (c) => c.startProcessing({ path: 'content/dam/a' })],
      ['a path outside the DAM', (c) => c.startProcessing({ path: '/etc/packages' })],
      ['a path with ..', (c) => c.startProcessing({ path: '/content/dam/a/../../etc' })],
      ['a path with //', (c) => c.startProcessing({ path: '/content/dam//a' })],
      ['a path with a control character', (c) => c.startProcessing({ path: '/content/dam/a\tb' })],
      ['a trailing slash', (c) => c.startProcessing({ path: '/content/dam/a/' })],
      ['an excluded path outside the path', (c) => c.startProcessing({ path: '/content/dam/a', excludedPaths: ['/content/dam/b'] })],
      ['an unknown file type', (c) => c.startProcessing({ path: '/content/dam/a', filter: { fileTypes: ['PDF'] } })],
      ['start after end', (c) => c.startProcessing({ path: '/content/dam/a', filter: { startTime: 10, endTime: 5 } })],
      ['a processing id with a slash', (c) => c.getStatus('../history')],
      ['an empty processing id', (c) => c.cancel('')],
      ['a negative log offset', (c) => c.getLogs('abc', { offset: -1 })],
      ['a fractional tail', (c) => c.getLogs('abc', { tail: 1.5 })],
      ['a folder outside the DAM', (c) => c.listFolder('/apps')],
    ];
    for (const [what, call] of refusals) {
      it(`refuses ${what}`, async () => {
        const before = emu.stats().requests;
        const e = await expectError(call(client), 'invalidInput');
        assert.ok((e.details.problems?.length ?? 0) > 0 && e.message.length > 20, e.message);
        assert.equal(emu.stats().requests, before, 'no request was sent');
      });
    }
  });
});

/** A server answering like an AEM without AEM Guides: Sling's HTML 404 for every path. */
async function sling404Server(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/html' });
    res.end('<html><head><title>404 Resource at /bin/guides not found</title></head><body>No resource found</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
