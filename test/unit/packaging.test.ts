/**
 * The .vsix holds only what runs: the bundles, icons and styles, localisation and the docs. No sources,
 * tests, source maps, screenshots or the emulator (what `vsce ls` lists is what `npm run package` ships).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

describe('packaging', () => {
  it('ships only what runs', function () {
    this.timeout(60_000);
    const out = execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    const files = out.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
    assert.deepEqual(files, [
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'dist/extension.js',
      'dist/webview/details.js',
      'l10n/bundle.l10n.json',
      'media/aem-guides.svg',
      'media/details.css',
      'package.json',
      'package.nls.json',
    ]);
  });
});
