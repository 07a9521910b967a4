import assert from 'node:assert/strict';
import { parseDamFolder, parseHistory, parseJob, parseLogPage, SchemaError, stateOf } from '../../src/api/schema';

const documented = {
  processingId: '165f1de6-68c4-4dcd-9223-2b7242b62306',
  path: '/content/dam/22858',
  status: 'SUCCESS',
  triggeredCount: 6,
  startedAt: 1761291362776,
  completedAt: 1761291364026,
  hasLogs: true,
  createdBy: 'user',
  type: 'ASSET_PROCESSING',
  migrationSet: { totalFiles: 6, calculationStatus: 'SUCCESS' },
  eta: { value: 0, unit: 'SECONDS' },
  comments: '',
  filter: { fileTypes: [], filterProcessedAssets: false },
  cancellable: false,
  resumable: false,
  restartable: true,
};

describe('schema: job', () => {
  it('reads the documented history item', () => {
    const job = parseJob(documented);
    assert.equal(job.processingId, documented.processingId);
    assert.equal(job.state, 'succeeded');
    assert.equal(job.active, false);
    assert.equal(job.totalFiles, 6);
    assert.equal(job.progress, 1);
    assert.equal(job.startedAt, 1761291362776);
    assert.deepEqual(job.eta, { value: 0, unit: 'SECONDS', ms: 0 });
    assert.equal(job.comments, undefined, 'an empty comment is no comment');
    assert.deepEqual(job.filter, { fileTypes: [], filterProcessedAssets: false });
    assert.deepEqual(job.excludedPaths, []);
    assert.equal(job.restartable, true);
  });

  it('tolerates missing and null fields', () => {
    const job = parseJob({ processingId: 'x', path: null, status: null, migrationSet: null, eta: null, excludedPaths: null });
    assert.equal(job.path, '');
    assert.equal(job.status, '');
    assert.equal(job.state, 'unknown');
    assert.equal(job.active, true, 'an unknown status counts as active');
    assert.equal(job.triggeredCount, 0);
    assert.equal(job.totalFiles, undefined);
    assert.equal(job.progress, undefined);
    assert.equal(job.startedAt, undefined);
    assert.equal(job.cancellable, false);
    assert.equal(job.hasLogs, false);
    assert.ok(!('eta' in job), 'absent fields are not present as undefined keys');
  });

  it('treats 0 times as "not yet"', () => {
    const job = parseJob({ processingId: 'x', status: 'WAITING', startedAt: 0, completedAt: 0 });
    assert.equal(job.startedAt, undefined);
    assert.equal(job.completedAt, undefined);
    assert.equal(job.state, 'waiting');
  });

  it('knows totalFiles only once counting succeeded', () => {
    const counting = parseJob({ processingId: 'x', status: 'WAITING', triggeredCount: 0, migrationSet: { totalFiles: 0, calculationStatus: 'WAITING' } });
    assert.equal(counting.totalFiles, undefined);
    assert.equal(counting.progress, undefined);
    const running = parseJob({ processingId: 'x', status: 'IN_PROGRESS', triggeredCount: 25, migrationSet: { totalFiles: 100, calculationStatus: 'SUCCESS' } });
    assert.equal(running.totalFiles, 100);
    assert.equal(running.progress, 0.25);
    const empty = parseJob({ processingId: 'x', status: 'SUCCESS', triggeredCount: 0, migrationSet: { totalFiles: 0, calculationStatus: 'SUCCESS' } });
    assert.equal(empty.totalFiles, 0);
    assert.equal(empty.progress, undefined, 'no fraction of zero files');
  });

  it('clamps progress when the server over-counts', () => {
    const job = parseJob({ processingId: 'x', status: 'IN_PROGRESS', triggeredCount: 12, migrationSet: { totalFiles: 10, calculationStatus: 'SUCCESS' } });
    assert.equal(job.progress, 1);
  });

  it('maps statuses and keeps unknown ones verbatim', () => {
    assert.equal(stateOf('COMPLETED'), 'succeeded');
    assert.equal(stateOf('ERROR'), 'failed');
    assert.equal(stateOf('CANCELED'), 'cancelled');
    assert.equal(stateOf('CANCELLED'), 'cancelled');
    assert.equal(stateOf('In Progress'), 'running');
    assert.equal(stateOf('PAUSED_BY_ADMIN'), 'unknown');
    const job = parseJob({ processingId: 'x', status: 'PAUSED_BY_ADMIN' });
    assert.equal(job.status, 'PAUSED_BY_ADMIN');
    assert.equal(job.active, true);
  });

  it('converts known ETA units and keeps unknown ones', () => {
    assert.equal(parseJob({ processingId: 'x', eta: { value: 3, unit: 'MINUTES' } }).eta?.ms, 180_000);
    assert.equal(parseJob({ processingId: 'x', eta: { value: 2, unit: 'HOURS' } }).eta?.ms, 7_200_000);
    assert.equal(parseJob({ processingId: 'x', eta: { value: 500, unit: 'MILLISECONDS' } }).eta?.ms, 500);
    assert.equal(parseJob({ processingId: 'x', eta: { value: 1, unit: 'DAYS' } }).eta?.ms, 86_400_000);
    assert.deepEqual(parseJob({ processingId: 'x', eta: { value: 4, unit: 'FORTNIGHTS' } }).eta, { value: 4, unit: 'FORTNIGHTS' });
  });

  it('refuses wrong types as protocol errors naming the field', () => {
    assert.throws(() => parseJob({ processingId: 'x', triggeredCount: '6' }), (e: unknown) => e instanceof SchemaError && /triggeredCount/.test(e.message));
    assert.throws(() => parseJob({ processingId: 'x', excludedPaths: 'a' }), /excludedPaths/);
    assert.throws(() => parseJob({ processingId: 'x', excludedPaths: ['a', 3] }), /excludedPaths\[1\]/);
    assert.throws(() => parseJob({ processingId: 'x', cancellable: 'true' }), /cancellable/);
    assert.throws(() => parseJob({ processingId: 'x', migrationSet: { totalFiles: 'many' } }), /migrationSet.totalFiles/);
    assert.throws(() => parseJob({ path: '/content/dam' }), /processingId/);
    assert.throws(() => parseJob('nope'), SchemaError);
    assert.throws(() => parseJob({ processingId: 'x', triggeredCount: Number.NaN }), /triggeredCount/);
  });

  it('reads history, names the failing item', () => {
    assert.equal(parseHistory({ executionHistory: [documented, { ...documented, processingId: 'b' }] }).length, 2);
    assert.deepEqual(parseHistory({}), []);
    assert.throws(() => parseHistory({ executionHistory: [documented, { ...documented, startedAt: 'yesterday' }] }), /executionHistory\[1\].startedAt/);
    assert.throws(() => parseHistory({ executionHistory: {} }), /executionHistory/);
  });
});

describe('schema: logs and folders', () => {
  it('reads a log page', () => {
    assert.deepEqual(parseLogPage({ lines: ['a', 'b'], offset: 10, limit: 2, hasMore: true }, 10), { lines: ['a', 'b'], offset: 10, limit: 2, hasMore: true });
    assert.deepEqual(parseLogPage({ lines: [] }, 7), { lines: [], offset: 7, limit: 0, hasMore: false });
    assert.throws(() => parseLogPage({ lines: 'a' }, 0), /lines/);
    assert.throws(() => parseLogPage({ lines: [], offset: -1 }, 0), /offset/);
    assert.throws(() => parseLogPage({ lines: [], hasMore: 'yes' }, 0), /hasMore/);
  });

  it('reads a Siren folder, skipping hidden entities', () => {
    const page = parseDamFolder(
      {
        class: ['assets/folder'],
        properties: { name: 'docs', title: 'Docs', 'srn:paging': { total: 30, offset: 0, limit: 2 } },
        entities: [
          { class: ['assets/folder'], properties: { name: 'guides', title: 'Guides' }, links: [{ rel: ['self'], href: '/api/assets/docs/guides.json' }] },
          { class: ['assets/asset'], properties: { name: 'a.dita' } },
          { class: ['assets/folder'], properties: { name: '.hidden', hidden: true } },
        ],
        links: [{ rel: ['next'], href: '/api/assets/docs.json?offset=2&limit=2' }],
      },
      '/content/dam/docs',
      0,
    );
    assert.deepEqual(page.entries.map((e) => [e.name, e.kind, e.path]), [
      ['guides', 'folder', '/content/dam/docs/guides'],
      ['a.dita', 'asset', '/content/dam/docs/a.dita'],
    ]);
    assert.equal(page.total, 30);
    assert.equal(page.nextOffset, 2);
    assert.equal(page.title, 'Docs');
  });
});
