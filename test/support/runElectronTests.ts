/**
 * `npm run test:electron`: the same host suites (test/host/) in VS Code desktop through @vscode/test-electron,
 * against a fresh emulator. It downloads VS Code from Microsoft (into .vscode-test/), so it needs internet; on a
 * Linux machine without a display run it under `xvfb-run -a`. Without internet use `npm run test:host`.
 *
 * Environment: AEM_GUIDES_VSCODE_VERSION (default 1.100.3, the oldest VS Code that engines.vscode allows;
 * "stable" for the newest), AEM_GUIDES_TEST_TIMEOUT (seconds, default 900).
 */
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from './emulator';
import { main, onCleanup, secondsFromEnv } from './lifecycle';
import { SetupError, step, warn } from './log';
import { paths } from './paths';
import { emulatorTestEnv, writeSettings } from './session';

async function runElectronTests(): Promise<number> {
  for (const file of [paths.hostTestsIndex, paths.extensionBundle, paths.emulatorMain]) {
    if (!existsSync(file)) throw new SetupError(`${file} is missing; build first with: node esbuild.mjs --tests`);
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    warn('no DISPLAY: VS Code desktop needs one; run this under `xvfb-run -a npm run test:electron`');
  }
  const vscodeExecutablePath = await downloadVSCode(process.env.AEM_GUIDES_VSCODE_VERSION || '1.100.3');

  const sessionDir = mkdtempSync(join(tmpdir(), 'aem-guides-electron-'));
  onCleanup(() => rmSync(sessionDir, { recursive: true, force: true }));
  const emulator = await startEmulator({
    dataDir: join(sessionDir, 'emulator-data'),
    logFile: join(paths.results, 'electron-emulator.log'),
  });
  step(`Emulator listening on ${emulator.url}`);
  const userDataDir = join(sessionDir, 'user-data');
  const workspace = join(sessionDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeSettings(userDataDir, emulator.url);
  // runTests does not hand out VS Code's pid; on a timeout or SIGTERM we end our own children by parent pid.
  onCleanup(killOwnChildren);

  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: paths.root,
      extensionTestsPath: paths.hostTestsIndex,
      extensionTestsEnv: emulatorTestEnv(emulator.url),
      launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', join(sessionDir, 'extensions')],
      // Our own user-data and extensions folders above replace the profile arguments it would add.
      reuseMachineInstall: true,
    });
    return 0;
  } catch (error) {
    if (error instanceof TestRunFailedError) return typeof error.code === 'number' ? error.code : 1;
    throw error;
  }
}

/** Downloads (once, into .vscode-test/) the VS Code desktop build; explains what to do when it cannot. */
async function downloadVSCode(version: string): Promise<string> {
  step(`Getting VS Code ${version} (downloaded once into ${paths.cache})`);
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: paths.cache, timeout: 30000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SetupError(
      `Could not download VS Code ${version} from Microsoft (${reason}).\n` +
        'npm run test:electron needs internet access to update.code.visualstudio.com. ' +
        'Without it, run the same suites in code-server: npm run test:host',
    );
  }
}

/** SIGTERM to the processes whose parent is this runner (VS Code desktop); nothing else. */
function killOwnChildren(): void {
  const found = spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' });
  for (const pid of (found.stdout ?? '').split('\n').map(Number).filter((n) => n > 0)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

main(runElectronTests, {
  timeoutMs: secondsFromEnv('AEM_GUIDES_TEST_TIMEOUT', 900),
  timeoutMessage: 'VS Code desktop tests timed out',
});
