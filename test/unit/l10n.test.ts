/**
 * Localisation stays complete: every %key% of package.json has an English text, and the committed
 * l10n bundle holds exactly the strings the sources pass to vscode.l10n.t (`npm run l10n` refreshes it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

describe('localisation', () => {
  it('has an English text for every %key% in package.json', () => {
    const manifest = readFileSync(join(root, 'package.json'), 'utf8');
    const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const keys = [...manifest.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]!);
    assert.ok(keys.length > 10);
    const missing = keys.filter((k) => !(k in nls));
    assert.deepEqual(missing, []);
    const unused = Object.keys(nls).filter((k) => !keys.includes(k));
    assert.deepEqual(unused, [], 'package.nls.json has no stale keys');
  });

  it('keeps l10n/bundle.l10n.json in step with the sources', function () {
    this.timeout(60_000);
    const out = mkdtempSync(join(tmpdir(), 'aem-l10n-'));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/@vscode/l10n-dev/dist/cli.js'), 'export', '--outDir', out, join(root, 'src')], { stdio: 'pipe' });
      const fresh = JSON.parse(readFileSync(join(out, 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
      const committed = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(committed).sort(), Object.keys(fresh).sort(), 'run `npm run l10n` and commit l10n/bundle.l10n.json');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
