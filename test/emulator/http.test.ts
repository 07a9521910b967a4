import assert from 'node:assert/strict';
import { Emulator, JobView, startEmulator } from './server';
import { PROCESS, TestClient, sleep } from './testClient';

interface Siren {
  class: string[];
  properties: { name: string; title: string; hidden?: boolean; 'srn:paging': { total: number; offset: number; limit: number } };
  entities: Array<{ class: string[]; properties: { name: string; hidden?: boolean }; links: Array<{ rel: string[]; href: string }> }>;
  links: Array<{ rel: string[]; href: string }>;
}

describe('emulator: AEM behaviour (auth, CSRF, Assets API, history)', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let c: TestClient;

  before(async () => {
    emu = await startEmulator({
      assets: 3000, tickMs: 10, countMs: 20, rate: 5000, otherJobTypes: true, historySize: 5,
      users: [{ name: 'admin', password: 'admin' }, { name: 'author', password: 's3cret:x' }], tokens: ['tok-1', 'tok-2'],
    });
    c = new TestClient(emu);
  });
  after(() => emu.close());

  it('accepts basic and bearer auth and answers 401 or the login page otherwise', async () => {
    const h = `${PROCESS}/history`;
    assert.equal((await c.get(h)).status, 200);
    const author = new TestClient(emu, `Basic ${Buffer.from('author:s3cret:x').toString('base64')}`);
    assert.equal((await author.get(h)).status, 200);
    assert.equal((await new TestClient(emu, 'Bearer tok-2').get(h)).status, 200);
    for (const auth of [null, 'Bearer nope', `Basic ${Buffer.from('admin:wrong').toString('base64')}`, 'Digest abc']) {
      const res = await new TestClient(emu, auth).get(h);
      assert.equal(res.status, 401, String(auth));
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      assert.equal(typeof (res.body as { message: unknown }).message, 'string');
    }
    assert.equal((await new TestClient(emu, null).get('/api/assets.json')).status, 401);
    assert.equal((await new TestClient(emu, null).get('/libs/granite/csrf/token.json')).status, 401);

    const bearer = new TestClient(emu, 'Bearer tok-1');
    const id = await bearer.start({ path: '/content/dam/empty' });
    assert.equal((await bearer.waitDone(id)).createdBy, 'token-user');
    const id2 = await author.start({ path: '/content/dam/empty/' });
    assert.equal((await author.waitDone(id2)).createdBy, 'author');

    emu.setBehaviour({ loginPage: true });
    try {
      const page = await new TestClient(emu, null).get(h);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.text, /j_security_check/);
      assert.equal((await c.get(h)).status, 200, 'authenticated requests are unaffected');
    } finally {
      emu.setBehaviour({ loginPage: false });
    }
  });

  it('changes the accepted credentials at run time through the control endpoint', async () => {
    const h = `${PROCESS}/history`;
    const control = async (body: unknown): Promise<number> =>
      (await fetch(`${emu.url}/emulator/control/auth`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status;
    try {
      assert.equal(await control({ users: [{ name: 'admin', password: 'changed' }], tokens: ['tok-3'] }), 200);
      assert.equal((await c.get(h)).status, 401, 'the old password is refused');
      assert.equal((await new TestClient(emu, 'Bearer tok-1').get(h)).status, 401, 'a revoked token is refused');
      assert.equal((await new TestClient(emu, `Basic ${Buffer.from('admin:changed').toString('base64')}`).get(h)).status, 200);
      assert.equal((await new TestClient(emu, 'Bearer tok-3').get(h)).status, 200);
      assert.equal(await control({ users: [] }), 400);
      assert.equal(await control({ users: [{ name: 'x' }] }), 400);
    } finally {
      emu.setAuth({ users: [{ name: 'admin', password: 'admin' }, { name: 'author', password: 's3cret:x' }], tokens: ['tok-1', 'tok-2'] });
    }
    assert.equal((await c.get(h)).status, 200);
  });

  it('demands a valid CSRF token on POST; expired tokens get 403, fresh ones work', async () => {
    const body = { path: '/content/dam/empty', type: 'ASSET_PROCESSING' };
    const none = await c.post(PROCESS, body, false);
    assert.equal(none.status, 403);
    assert.match((none.body as { message: string }).message, /CSRF/);
    const forged = await c.request('POST', PROCESS, { body, csrf: false, headers: { 'CSRF-Token': 'a.b.c' } });
    assert.equal(forged.status, 403);
    const token = await c.csrf();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'JWT-like');
    const ok = await c.request('POST', PROCESS, { body, csrf: false, headers: { 'CSRF-Token': token } });
    assert.equal(ok.status, 200);
    await c.waitDone((ok.body as { processingId: string }).processingId);

    emu.expireCsrfTokens();
    assert.equal((await c.request('POST', PROCESS, { body, csrf: false, headers: { 'CSRF-Token': token } })).status, 403);
    const fresh = await c.csrf();
    const id = ((await c.request('POST', PROCESS, { body, csrf: false, headers: { 'CSRF-Token': fresh } })).body as { processingId: string }).processingId;
    await c.waitDone(id);
    assert.equal((await c.control('/csrf/expire', {})).status, 200);
    assert.equal((await c.request('POST', PROCESS, { body, csrf: false, headers: { 'CSRF-Token': fresh } })).status, 403);

    const short = await startEmulator({ csrfTtlMs: 50 });
    try {
      const sc = new TestClient(short);
      const t = await sc.csrf();
      await sleep(80);
      assert.equal((await sc.request('POST', PROCESS, { body, csrf: false, headers: { 'CSRF-Token': t } })).status, 403, 'expired by TTL');
    } finally {
      await short.close();
    }
  });

  it('lists DAM folders in Siren with paging, hidden entities and 404', async () => {
    const root = (await c.get('/api/assets.json')).body as Siren;
    assert.deepEqual(root.class, ['assets/folder']);
    const names = root.entities.map((e) => e.properties.name);
    for (const n of ['projects', 'techdocs', 'shared', 'status-fetch1', 'empty', '.thumbnails']) assert.ok(names.includes(n), n);
    assert.equal(root.entities.find((e) => e.properties.name === '.thumbnails')?.properties.hidden, true);
    assert.ok(root.entities.filter((e) => e.properties.name !== '.thumbnails').every((e) => e.properties.hidden === undefined));
    assert.deepEqual(root.properties['srn:paging'], { total: names.length, offset: 0, limit: 20 });
    const tech = (await c.get('/api/assets/techdocs.json')).body as Siren;
    assert.ok(tech.entities.some((e) => e.properties.name === '.thumbnails' && e.properties.hidden === true));
    assert.ok(tech.links.some((l) => l.rel.includes('parent') && l.href.endsWith('/api/assets.json')));

    // The folder with the most entries, walked through its `next` links.
    const big = emu.dam.folders.reduce((a, b) => (b.ownCount + b.children.length > a.ownCount + a.children.length ? b : a));
    const total = big.ownCount + big.children.length;
    assert.ok(total > 30);
    let href: string | undefined = `${emu.url}/api/assets${big.path.slice('/content/dam'.length)}.json?limit=10`;
    const seen: string[] = [];
    let pages = 0;
    while (href) {
      const res = await c.get(href.slice(emu.url.length));
      assert.equal(res.status, 200);
      const s = res.body as Siren;
      assert.equal(s.properties['srn:paging'].total, total);
      assert.equal(s.properties['srn:paging'].limit, 10);
      assert.ok(s.entities.length <= 10);
      if (pages > 0) assert.ok(s.links.some((l) => l.rel.includes('prev')));
      seen.push(...s.entities.map((e) => e.properties.name));
      href = s.links.find((l) => l.rel.includes('next'))?.href;
      pages++;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.equal(pages, Math.ceil(total / 10));
    const firstAsset = emu.dam.assetName(big.ownStart);
    assert.ok(seen.includes(firstAsset));
    const asset = (await c.get(`/api/assets${big.path.slice('/content/dam'.length)}/${firstAsset}.json`)).body as Siren;
    assert.deepEqual(asset.class, ['assets/asset']);

    assert.equal(((await c.get('/api/assets/techdocs.json?limit=5000')).body as Siren).properties['srn:paging'].limit, 1000);
    const missing = await c.get('/api/assets/no-such-folder.json');
    assert.equal(missing.status, 404);
    assert.equal(typeof (missing.body as { message: unknown }).message, 'string');
    assert.equal((await c.get('/api/assets/techdocs.json?offset=-1')).status, 400);
  });

  it('keeps history newest first, bounded, with jobs of other types', async () => {
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) {
      ids.push(await c.start({ path: '/content/dam/shared' }));
      await c.waitDone(ids[k]);
      await sleep(5);
    }
    const h = ((await c.get(`${PROCESS}/history`)).body as { executionHistory: Array<Record<string, unknown>> }).executionHistory;
    assert.equal(h.length, 5);
    assert.deepEqual(h.slice(0, 3).map((j) => j.processingId), [...ids].reverse());
    const started = h.map((j) => j.startedAt as number);
    assert.deepEqual(started, [...started].sort((a, b) => b - a));

    emu.setBehaviour({ historySize: 50 });
    const all = ((await c.get(`${PROCESS}/history`)).body as { executionHistory: Array<Record<string, unknown>> }).executionHistory;
    assert.ok(all.some((j) => j.type === 'BASELINE_MIGRATION'));
    assert.ok(all.some((j) => j.type === 'MAP_COLLECTION'));
    const odd = all.find((j) => !('excludedPaths' in j));
    assert.ok(odd, 'one item lacks excludedPaths');
    assert.equal(odd.eta, null);
    assert.equal(odd.migrationSet, null);
    assert.equal(((await c.get(`${PROCESS}/status?processingId=${String(odd.processingId)}`)).body as { path: string }).path, odd.path);
    assert.equal((await c.post(`${PROCESS}/resume?processingId=${String(odd.processingId)}`)).status, 409);
    emu.setBehaviour({ historySize: 0 });
    assert.deepEqual((await c.get(`${PROCESS}/history`)).body, { executionHistory: [] });
    emu.setBehaviour({ historySize: 5 });
  });

  it('seeds finished jobs in a new data folder', async () => {
    const seeded = await startEmulator({ seedJobs: 6 });
    try {
      const h = ((await new TestClient(seeded).get(`${PROCESS}/history`)).body as { executionHistory: JobView[] }).executionHistory;
      assert.equal(h.length, 6);
      assert.deepEqual(new Set(h.map((j) => j.status)), new Set(['SUCCESS', 'FAILED', 'CANCELLED']));
      assert.ok(h.every((j) => j.hasLogs && !j.cancellable && j.completedAt > 0));
    } finally {
      await seeded.close();
    }
  });

  it('handles 100,000 assets: quick generation, listing and job count', async () => {
    let t = performance.now();
    const large = await startEmulator({ assets: 100_000, tickMs: 10, countMs: 0, rate: 1 });
    const startMs = performance.now() - t;
    try {
      const lc = new TestClient(large);
      t = performance.now();
      const root = (await lc.get('/api/assets/techdocs/guides.json?limit=1000')).body as Siren;
      const listMs = performance.now() - t;
      assert.ok(root.entities.length > 0);
      t = performance.now();
      const id = await lc.start({ path: '/content/dam' });
      const j = await lc.waitFor(id, (s) => s.migrationSet.calculationStatus === 'SUCCESS');
      const countMs = performance.now() - t;
      assert.equal(j.migrationSet.totalFiles, 100_000);
      await lc.post(`${PROCESS}/cancel?processingId=${id}`);
      console.log(`      100k assets: start ${startMs.toFixed(0)} ms, listing ${listMs.toFixed(1)} ms, count ${countMs.toFixed(0)} ms, ${large.dam.folders.length} folders`);
    } finally {
      await large.close();
    }
  });
});
