/**
 * `npm start`: try the extension with nothing but Node. Starts the emulator (seeded, data kept in
 * .vscode-test/emulator-data) and code-server on 127.0.0.1 with the extension installed and already connected,
 * prints the URL to open, and stops both on Ctrl+C. A second start reuses code-server, settings and the data.
 *
 * Environment: AEM_GUIDES_PORT (code-server, default 8080), AEM_GUIDES_EMULATOR_PORT (default 4502, AEM's own);
 * a busy port falls back to a free one.
 */
import { existsSync } from 'node:fs';
import { ensureCodeServer } from './codeServer';
import { isStopping, main } from './lifecycle';
import { SetupError, step } from './log';
import { paths } from './paths';
import { freePort } from './processes';
import { startSession, type Session } from './session';

const SEEDED_JOBS = 8;

async function start(): Promise<number> {
  for (const file of [paths.extensionBundle, paths.emulatorMain]) {
    if (!existsSync(file)) throw new SetupError(`${file} is missing; build first with: node esbuild.mjs --tests`);
  }
  await ensureCodeServer();
  const session = await startSession({
    label: 'start',
    sessionDir: paths.startSession,
    emulatorDataDir: paths.startEmulatorData,
    emulatorPort: await freePort(portFromEnv('AEM_GUIDES_EMULATOR_PORT', 4502)),
    // Only a new data folder gets these; later starts show the jobs as they were left.
    emulatorArgs: ['--seed-jobs', String(SEEDED_JOBS)],
    preferredPort: portFromEnv('AEM_GUIDES_PORT', 8080),
    linkExtension: true,
    connect: true,
    keepUserSettings: true,
  });
  printWelcome(session);
  return waitForExit(session);
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SetupError(`${name} must be a port number, not "${raw}"`);
  return port;
}

function printWelcome(session: Session): void {
  const url = `${session.codeServer.url}/?folder=${encodeURIComponent(session.workspace).replace(/%2F/g, '/')}`;
  process.stdout.write(
    [
      '',
      '  AEM Guides Asset Processing is running in VS Code (code-server).',
      '',
      `  Open:      ${url}`,
      `  Emulator:  ${session.emulator.url}  (user admin, password admin)`,
      `  Logs:      test-results/start-code-server.log, test-results/start-emulator.log`,
      `  Data:      ${paths.startEmulatorData} (delete it for fresh jobs)`,
      '',
      '  Press Ctrl+C to stop.',
      '',
    ].join('\n') + '\n',
  );
}

/** Runs until Ctrl+C (handled by main), or fails when code-server or the emulator stops by itself. */
async function waitForExit(session: Session): Promise<number> {
  const which = await Promise.race([
    session.codeServer.process.exited.then((code) => `code-server (exit code ${String(code)})`),
    session.emulator.process.exited.then((code) => `the emulator (exit code ${String(code)})`),
  ]);
  if (isStopping()) return new Promise<number>(() => undefined); // main exits with the signal's code
  step(`${which} stopped by itself; see its log in test-results/`);
  return 1;
}

main(start);
