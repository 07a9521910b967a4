/**
 * code-server: VS Code's server and web workbench as an npm package, the real VS Code that installs on a machine
 * that cannot download VS Code desktop.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetupError, step } from './log';
import { paths } from './paths';
import { GroupProcess, runVisible, spawnGroup } from './processes';
import { ensureSystemPackages } from './systemPackages';

/** The last code-server that runs on Node 20; it contains VS Code 1.100.3 (our `engines.vscode` is ^1.100.0). */
export const CODE_SERVER_VERSION = '4.100.3';

/** What @vscode/ripgrep@1.15.11 (code-server's) looks for before it tries to download from GitHub. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';

const packageDir = join(paths.codeServer, 'node_modules', 'code-server');
const entry = join(packageDir, 'out', 'node', 'entry.js');

function installedVersion(): string | undefined {
  const manifest = join(packageDir, 'package.json');
  if (!existsSync(manifest) || !existsSync(entry)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}

/** Installs code-server into .vscode-test/code-server unless the right version is already there. */
export async function ensureCodeServer(): Promise<void> {
  const found = installedVersion();
  if (found === CODE_SERVER_VERSION) return;
  step(
    found
      ? `code-server ${found} found, replacing it with ${CODE_SERVER_VERSION}`
      : `Installing code-server ${CODE_SERVER_VERSION} into ${paths.codeServer} (once; about a minute and 300 MB)`,
  );
  await ensureSystemPackages(['libkrb5-dev', 'ripgrep']);
  seedRipgrepCache();
  rmSync(paths.codeServer, { recursive: true, force: true });
  mkdirSync(paths.codeServer, { recursive: true });
  // A package.json of its own keeps npm from walking up into the extension's project.
  writeFileSync(join(paths.codeServer, 'package.json'), '{ "private": true }\n');
  const env = {
    ...process.env,
    // Its postinstall builds native modules; npm refuses that as root without unsafe-perm.
    npm_config_unsafe_perm: 'true',
    // A nested `npx node-gyp` would otherwise wait for a "yes".
    npm_config_yes: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const started = Date.now();
  const ticker = setInterval(
    () => step(`  still installing code-server (${Math.round((Date.now() - started) / 1000)} s)...`),
    15000,
  );
  try {
    await runVisible(
      npmCommand(),
      ['install', '--prefix', paths.codeServer, '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`],
      env,
      `Installing code-server ${CODE_SERVER_VERSION} failed; the npm output above says why`,
    );
  } finally {
    clearInterval(ticker);
  }
  if (installedVersion() !== CODE_SERVER_VERSION) {
    throw new SetupError(`npm finished but code-server ${CODE_SERVER_VERSION} is not in ${packageDir}`);
  }
  step(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/**
 * Puts a tarball of the system's `rg` where @vscode/ripgrep's postinstall looks first, so that it does not try to
 * download ripgrep from GitHub (unreachable offline).
 */
function seedRipgrepCache(): void {
  const target = ripgrepTarget();
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  if (existsSync(tarball)) return;
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'aem-guides-rg-'));
  try {
    copyFileSync('/usr/bin/rg', join(staging, 'rg'));
    const tar = spawnSync('tar', ['-czf', tarball, '-C', staging, 'rg']);
    if (tar.status !== 0) throw new SetupError(`Could not create ${tarball} with tar`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The target triple in @vscode/ripgrep's asset names for this machine. */
function ripgrepTarget(): string {
  switch (process.arch) {
    case 'x64':
      return 'x86_64-unknown-linux-musl';
    case 'arm64':
      return 'aarch64-unknown-linux-musl';
    default:
      throw new SetupError(`No offline ripgrep recipe for ${process.arch}; install code-server by hand`);
  }
}

export interface CodeServerOptions {
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** The folder the workbench opens. */
  workspace: string;
  /** Environment of code-server; the extension host inherits it. */
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Leave Restricted Mode on (for a test that needs it). */
  workspaceTrust?: boolean;
  /** Print code-server's output as it comes (npm start) rather than only to the log file. */
  echo?: boolean;
  startTimeoutMs?: number;
}

export interface RunningCodeServer {
  process: GroupProcess;
  /** e.g. http://127.0.0.1:8080 (no trailing slash). */
  url: string;
  port: number;
}

/** Starts code-server on 127.0.0.1 and resolves once its HTTP server listens. */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const settingsFile = join(options.userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) throw new SetupError(`Write ${settingsFile} before starting code-server`);
  mkdirSync(options.extensionsDir, { recursive: true });
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir',
    options.userDataDir,
    '--extensions-dir',
    options.extensionsDir,
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    options.workspace,
  ];
  const child = spawnGroup('code-server', process.execPath, args, {
    env: options.env,
    logFile: options.logFile,
    echo: options.echo,
  });
  const timeoutMs = options.startTimeoutMs ?? 60000;
  await child.waitForLine(/HTTP server listening on/, timeoutMs, 'code-server did not start');
  return { process: child, url: `http://127.0.0.1:${options.port}`, port: options.port };
}
