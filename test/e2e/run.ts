/**
 * `npm run test:e2e`: the end-to-end suites (test/e2e/*.e2e.ts) in Mocha, in this Node process; each suite
 * starts its own emulator, code-server and Chromium through test/support/. Exit code 0 only when all pass.
 * Screenshots: test-results/screenshots/; UPDATE_SCREENSHOTS=1 also refreshes the README pictures in media/screenshots/
 * (sidebar.png, details-light.png, details-dark.png, follow-log.png; see jobs.e2e.ts).
 * Environment: AEM_GUIDES_TEST_TIMEOUT (seconds, default 600), AEM_GUIDES_HEADED=1, AEM_GUIDES_CHROMIUM.
 */
import Mocha from 'mocha';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer } from '../support/codeServer';
import { main, secondsFromEnv } from '../support/lifecycle';
import { SetupError, step } from '../support/log';
import { paths } from '../support/paths';
import { ensureSystemPackages } from '../support/systemPackages';

async function runE2e(): Promise<number> {
  const started = Date.now();
  for (const file of [paths.extensionBundle, paths.emulatorMain]) {
    if (!existsSync(file)) throw new SetupError(`${file} is missing; build first with: node esbuild.mjs --tests`);
  }
  await ensureSystemPackages(['chromium']);
  await ensureCodeServer();
  // Only this run's pictures, so that a stale one is never mistaken for the current UI.
  rmSync(paths.screenshots, { recursive: true, force: true });

  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60000 });
  const grep = process.env.AEM_GUIDES_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const name of readdirSync(__dirname).sort()) {
    if (name.endsWith('.e2e.js')) mocha.addFile(join(__dirname, name));
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  step(`End-to-end tests finished in ${Math.round((Date.now() - started) / 1000)} s; screenshots in ${paths.screenshots}`);
  return failures > 0 ? 1 : 0;
}

main(runE2e, { timeoutMs: secondsFromEnv('AEM_GUIDES_TEST_TIMEOUT', 600), timeoutMessage: 'End-to-end tests timed out' });
