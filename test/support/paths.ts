/** Where the test tooling keeps things. Every path is absolute so that child processes can start anywhere. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file whose package.json names the extension. */
function findRepoRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === 'aem-guides-asset-processing') return dir;
  }
  throw new Error(`Cannot find the repository root above ${start}`);
}

function readPackageName(manifest: string): string | undefined {
  const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
  return typeof parsed.name === 'string' ? parsed.name : undefined;
}

const root = findRepoRoot(__dirname);

export const paths = {
  root,
  /** Git-ignored cache for code-server, VS Code downloads and `npm start`'s emulator data. */
  cache: join(root, '.vscode-test'),
  codeServer: join(root, '.vscode-test', 'code-server'),
  /** `npm start` keeps its emulator state here so that a second start shows the same jobs. */
  startEmulatorData: join(root, '.vscode-test', 'emulator-data'),
  startSession: join(root, '.vscode-test', 'start'),
  /** Git-ignored: logs and screenshots of the last runs. */
  results: join(root, 'test-results'),
  screenshots: join(root, 'test-results', 'screenshots'),
  /** The sidebar picture that the README shows; refreshed by `UPDATE_SCREENSHOTS=1 npm run test:e2e`. */
  readmeScreenshot: join(root, 'media', 'screenshots', 'sidebar.png'),
  emulatorMain: join(root, 'out', 'test', 'emulator', 'main.js'),
  hostTestsIndex: join(root, 'out', 'test', 'host', 'index.js'),
  extensionBundle: join(root, 'dist', 'extension.js'),
} as const;

/** The extension's identifier as VS Code knows it: `publisher.name`. */
export const EXTENSION_ID = 'aem-guides-community.aem-guides-asset-processing';
