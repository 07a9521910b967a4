/**
 * One emulator plus one code-server whose settings point the extension at that emulator: what the host tests, the
 * end-to-end tests and `npm start` all need. Fresh folders by default; `npm start` passes persistent ones.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { EMULATOR_PASSWORD, EMULATOR_USER, startEmulator, type RunningEmulator } from './emulator';
import { onCleanup } from './lifecycle';
import { step } from './log';
import { EXTENSION_ID, paths } from './paths';
import { freePort } from './processes';

/** Variables that tell host tests where the emulator is; code-server's extension host inherits them. */
export const TEST_ENV = {
  url: 'AEM_GUIDES_TEST_EMULATOR_URL',
  user: 'AEM_GUIDES_TEST_USER',
  password: 'AEM_GUIDES_TEST_PASSWORD',
} as const;

/** The server entry that the runners put in `aemGuides.servers`. */
export const EMULATOR_SERVER_NAME = 'emulator';

export interface SessionOptions {
  /** Prefix of the log files in test-results/, e.g. "host" gives host-code-server.log. */
  label: string;
  /** Folder for user data, extensions and the workspace; a fresh temporary one (deleted at the end) by default. */
  sessionDir?: string;
  /** The emulator's data folder; a fresh one inside the session folder by default. */
  emulatorDataDir?: string;
  emulatorArgs?: string[];
  /** The emulator's port; 0 (any free port) by default. */
  emulatorPort?: number;
  /** Keep settings a person changed in an earlier session; only the emulator entries are rewritten. */
  keepUserSettings?: boolean;
  /** Try this code-server port first (npm start); any free port otherwise. */
  preferredPort?: number;
  /**
   * Install the extension into code-server's extensions folder (a symbolic link to the repository) so that the
   * plain workbench URL loads it. Tests instead load it as the extension under development through the URL.
   */
  linkExtension?: boolean;
  /**
   * Let the extension connect to the emulator at activation (AEM_GUIDES_CONNECT), so the view starts signed in and
   * the password lands in SecretStorage without a prompt.
   */
  connect?: boolean;
  /** More environment for code-server and so for the extension host. */
  env?: NodeJS.ProcessEnv;
  echoCodeServer?: boolean;
}

export interface Session {
  emulator: RunningEmulator;
  codeServer: RunningCodeServer;
  /** The folder the workbench opens. */
  workspace: string;
  userDataDir: string;
  stop(): Promise<void>;
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const temporary = options.sessionDir === undefined;
  const sessionDir = options.sessionDir ?? mkdtempSync(join(tmpdir(), `aem-guides-${options.label}-`));
  if (temporary) onCleanup(() => rmSync(sessionDir, { recursive: true, force: true }));
  const userDataDir = join(sessionDir, 'user-data');
  const extensionsDir = join(sessionDir, 'extensions');
  const workspace = join(sessionDir, 'workspace');
  mkdirSync(workspace, { recursive: true });

  const emulator = await startEmulator({
    dataDir: options.emulatorDataDir ?? join(sessionDir, 'emulator-data'),
    logFile: join(paths.results, `${options.label}-emulator.log`),
    port: options.emulatorPort,
    args: options.emulatorArgs,
  });
  step(`Emulator listening on ${emulator.url}`);

  writeSettings(userDataDir, emulator.url, options.keepUserSettings);
  if (options.linkExtension) linkExtension(extensionsDir);
  const port = await freePort(options.preferredPort);
  const logFile = join(paths.results, `${options.label}-code-server.log`);
  const codeServer = await startCodeServer({
    port,
    userDataDir,
    extensionsDir,
    workspace,
    env: codeServerEnv(emulator.url, { ...(options.connect ? connectEnv(emulator.url) : {}), ...options.env }),
    logFile,
    echo: options.echoCodeServer,
  });
  step(`code-server listening on ${codeServer.url} (log: ${logFile})`);
  return {
    emulator,
    codeServer,
    workspace,
    userDataDir,
    stop: async () => {
      await codeServer.process.stop();
      await emulator.process.stop();
    },
  };
}

/**
 * Our environment without VS Code's own variables: inside a VS Code terminal, VSCODE_IPC_HOOK_CLI would make
 * code-server hand the folder to that VS Code instead of starting a server.
 */
function codeServerEnv(emulatorUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  return { ...env, ...emulatorTestEnv(emulatorUrl), ...extra };
}

/** The variables through which host tests find the emulator (see test/host/helpers.ts). */
export function emulatorTestEnv(emulatorUrl: string): Record<string, string> {
  return {
    [TEST_ENV.url]: emulatorUrl,
    [TEST_ENV.user]: EMULATOR_USER,
    [TEST_ENV.password]: EMULATOR_PASSWORD,
  };
}

/** The extension's own start-up connect (see src/commands/connect.ts): same fields as aemGuides.connect's argument. */
function connectEnv(emulatorUrl: string): NodeJS.ProcessEnv {
  const args = {
    name: EMULATOR_SERVER_NAME,
    url: emulatorUrl,
    authType: 'basic',
    username: EMULATOR_USER,
    password: EMULATOR_PASSWORD,
  };
  return { AEM_GUIDES_CONNECT: JSON.stringify(args) };
}

/** Settings that point the extension at the emulator and keep the workbench quiet (no tours, trust prompts). */
export function writeSettings(userDataDir: string, emulatorUrl: string, keepUserSettings = false): void {
  const file = join(userDataDir, 'User', 'settings.json');
  const kept = keepUserSettings ? readSettings(file) : {};
  const emulator = { name: EMULATOR_SERVER_NAME, url: emulatorUrl, authType: 'basic', username: EMULATOR_USER };
  const otherServers = Array.isArray(kept['aemGuides.servers'])
    ? (kept['aemGuides.servers'] as { name?: unknown }[]).filter((s) => s.name !== EMULATOR_SERVER_NAME)
    : [];
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // Sessions live inside this repository's .vscode-test/; do not offer to open the repository.
    'git.openRepositoryInParentFolders': 'never',
    ...kept,
    // The emulator's port can change between starts; other servers a person added stay.
    'aemGuides.servers': [emulator, ...otherServers],
    'aemGuides.activeServer': EMULATOR_SERVER_NAME,
  };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/** The settings file as an object; VS Code writes plain JSON, a file it cannot parse we start over. */
function readSettings(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A symbolic link named like an installed extension; VS Code scans the folder at start-up. */
function linkExtension(extensionsDir: string): void {
  mkdirSync(extensionsDir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(paths.root, 'package.json'), 'utf8')) as { version: string };
  const version = manifest.version;
  const link = join(extensionsDir, `${EXTENSION_ID}-${version}`);
  rmSync(link, { recursive: true, force: true });
  symlinkSync(paths.root, link, 'dir');
}
