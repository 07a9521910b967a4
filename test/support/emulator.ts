/** The local emulator of the AEM Guides HTTP API (test/emulator/), started as a child process. */
import { existsSync } from 'node:fs';
import { SetupError } from './log';
import { paths } from './paths';
import { GroupProcess, spawnGroup } from './processes';

/** The emulator's default basic-auth user. */
export const EMULATOR_USER = 'admin';
export const EMULATOR_PASSWORD = 'admin';

export interface EmulatorOptions {
  /** Its state lives here; reusing the folder keeps jobs and settings between starts. */
  dataDir: string;
  logFile: string;
  /** 0 lets the emulator pick a free port (it prints the one it took). */
  port?: number;
  /** Further flags, e.g. ['--seed-jobs', '8']; see `node out/test/emulator/main.js --help`. */
  args?: string[];
  echo?: boolean;
}

export interface RunningEmulator {
  process: GroupProcess;
  /** e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
}

/** Starts the emulator and resolves with its URL once it listens. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  if (!existsSync(paths.emulatorMain)) {
    throw new SetupError(`The emulator is not built (${paths.emulatorMain} is missing); run: node esbuild.mjs --tests`);
  }
  const args = [
    '--enable-source-maps',
    paths.emulatorMain,
    '--port',
    String(options.port ?? 0),
    '--data-dir',
    options.dataDir,
    ...(options.args ?? []),
  ];
  const child = spawnGroup('emulator', process.execPath, args, {
    cwd: paths.root,
    logFile: options.logFile,
    echo: options.echo,
  });
  const match = await child.waitForLine(
    /AEM Guides emulator listening on (http:\/\/\S+?)\/?$/,
    20000,
    'The emulator did not start',
  );
  return { process: child, url: match[1] };
}
