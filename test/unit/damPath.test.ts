import assert from 'node:assert/strict';
import { checkDamPath, checkStartRequest, englishProblem, normaliseExcludedPath } from '../../src/api/damPath';

describe('damPath: input rules', () => {
  it('accepts DAM folders', () => {
    for (const ok of ['/content/dam', '/content/dam/a', '/content/dam/a b/c-d_e.f', '/content/dam/ünï']) {
      assert.equal(checkDamPath(ok), undefined, ok);
    }
  });

  const refused: [string, string][] = [
    ['', 'pathEmpty'],
    ['   ', 'pathEmpty'],
    ['content/dam/a', 'pathNotAbsolute'],
    ['/content/da', 'pathNotUnderDam'],
    ['/content/damage', 'pathNotUnderDam'],
    ['/etc/passwd', 'pathNotUnderDam'],
    ['/content/dam/a/../b', 'pathDotSegment'],
    ['/content/dam/./a', 'pathDotSegment'],
    ['/content/dam//a', 'pathDoubleSlash'],
    ['/content/dam/a\nb', 'pathControlChar'],
    ['/content/dam/a\u0000', 'pathControlChar'],
    ['/content/dam/a/', 'pathTrailingSlash'],
  ];
  for (const [path, code] of refused) {
    it(`refuses ${JSON.stringify(path)} (${code}) with a message`, () => {
      const problem = checkDamPath(path);
      assert.equal(problem?.code, code);
      assert.ok(englishProblem(problem!).length > 5);
    });
  }

  it('normalises excluded paths written without the leading slash', () => {
    assert.equal(normaliseExcludedPath('content/dam/a/x'), '/content/dam/a/x');
    assert.equal(normaliseExcludedPath(' /content/dam/a/x/ '), '/content/dam/a/x');
  });

  it('checks a whole start request and normalises it', () => {
    const result = checkStartRequest({
      path: '/content/dam/a',
      excludedPaths: ['content/dam/a/x', '/content/dam/a/x', ' ', '/content/dam/a/y'],
      filter: { fileTypes: ['DITAMAP', 'DITAMAP', 'HTML/CSS'], startTime: 1, endTime: 2, filterProcessedAssets: false },
    });
    assert.ok(result.ok);
    assert.deepEqual(result.request, {
      path: '/content/dam/a',
      type: 'ASSET_PROCESSING',
      excludedPaths: ['/content/dam/a/x', '/content/dam/a/y'],
      filter: { fileTypes: ['DITAMAP', 'HTML/CSS'], startTime: 1, endTime: 2 },
    });
  });

  it('sends no filter when nothing is set, and filterProcessedAssets only when true', () => {
    const none = checkStartRequest({ path: '/content/dam/a', filter: { fileTypes: [], filterProcessedAssets: false } });
    assert.ok(none.ok && !('filter' in none.request));
    const skip = checkStartRequest({ path: '/content/dam/a', filter: { filterProcessedAssets: true } });
    assert.ok(skip.ok);
    assert.deepEqual(skip.request.filter, { filterProcessedAssets: true });
  });

  it('lists every problem of a bad request', () => {
    const result = checkStartRequest({
      path: '/content/dam/a',
      excludedPaths: ['/content/dam/b/x', '/content/dam/a', '/content/dam/a/../z'],
      filter: { fileTypes: ['PDF'], startTime: 5, endTime: 4 },
    });
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => p.code), ['excludedNotUnderPath', 'excludedNotUnderPath', 'excludedInvalid', 'fileTypeUnknown', 'timeRange']);
    assert.match(englishProblem(result.problems[2]!), /\.\./);
  });

  it('refuses times that are not epoch milliseconds', () => {
    const result = checkStartRequest({ path: '/content/dam/a', filter: { startTime: -3, endTime: 1.5 } });
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => p.code), ['timeInvalid', 'timeInvalid']);
  });
});
