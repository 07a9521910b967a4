/**
 * `npm run test:host`: runs the host suites (test/host/) inside the extension host of a real VS Code (code-server)
 * whose settings point the extension at a fresh emulator, prints their output and exits with their exit code.
 *
 * Environment: AEM_GUIDES_TEST_TIMEOUT (seconds, default 600), AEM_GUIDES_HEADED=1 (show the browser),
 * AEM_GUIDES_CHROMIUM (browser executable, default /usr/bin/chromium).
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer } from './codeServer';
import { formatForwarded } from './hostOutput';
import { main, secondsFromEnv } from './lifecycle';
import { SetupError, step } from './log';
import { paths } from './paths';
import { startSession } from './session';
import { ensureSystemPackages } from './systemPackages';
import { launchBrowser, newWorkbenchPage, workbenchUrl } from './workbench';

async function runHostTests(): Promise<number> {
  const started = Date.now();
  requireBuilt();
  await ensureSystemPackages(['chromium']);
  await ensureCodeServer();
  mkdirSync(paths.results, { recursive: true });
  const browserLog = join(paths.results, 'host-browser.log');
  writeFileSync(browserLog, '');

  const session = await startSession({ label: 'host' });
  const browser = await launchBrowser();
  const page = await newWorkbenchPage(browser);
  page.on('console', (message) => appendFileSync(browserLog, `[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => appendFileSync(browserLog, `[pageerror] ${error.stack ?? error.message}\n`));

  let streaming = false;
  // The workbench calls these two when it runs an extension test module (VS Code's browser test protocol).
  const testsExited = new Promise<number>((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
  });
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    const line = formatForwarded(args);
    appendFileSync(browserLog, `[forwarded ${type}] ${line}\n`);
    if (HOST_TESTS_STARTED.test(line)) streaming = true;
    // Until the suites start, the forwarded lines are the workbench's own start-up chatter; errors still show.
    if (isOfflineNoise(line) || (!streaming && type !== 'error')) return;
    (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
  });

  step('Opening the workbench; the host suites start when the extension host is up');
  await page.goto(workbenchUrl(session, { developExtension: true, extensionTestsPath: paths.hostTestsIndex }));
  const code = await Promise.race([
    testsExited,
    session.codeServer.process.exited.then((exit) => {
      throw new SetupError(`code-server exited (code ${String(exit)}) during the tests; see test-results/host-code-server.log`);
    }),
  ]);
  step(`Host tests finished with exit code ${code} in ${Math.round((Date.now() - started) / 1000)} s`);
  return code;
}

/** The first line test/host/index.ts prints. */
const HOST_TESTS_STARTED = /^Host tests: /;

/** code-server looks up its extension gallery, which fails offline and does not matter here. */
function isOfflineNoise(line: string): boolean {
  return line.includes('open-vsx.org');
}

/** The npm script builds first; a direct `node out/...` start without a build gets told what to run. */
function requireBuilt(): void {
  for (const file of [paths.hostTestsIndex, paths.extensionBundle, paths.emulatorMain]) {
    if (!existsSync(file)) throw new SetupError(`${file} is missing; build first with: node esbuild.mjs --tests`);
  }
}

main(runHostTests, { timeoutMs: secondsFromEnv('AEM_GUIDES_TEST_TIMEOUT', 600), timeoutMessage: 'Host tests timed out' });
