/** What the host suites share: the extension under test, its manifest and the emulator the runner started. */
import * as assert from 'node:assert/strict';
import type { BehaviourOptions } from '../emulator/engine';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { TrackedJob } from '../../src/model/jobStore';
import type { TreeNode } from '../../src/tree/jobsTreeProvider';

export const EXTENSION_ID = 'aem-guides-community.aem-guides-asset-processing';

/** One entry of a `contributes.menus` list. */
export interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

/** The parts of package.json that the suites compare with what VS Code reports. */
export interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome?: { view: string; contents: string; when?: string }[];
    menus?: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

export function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in this host`);
  return found;
}

/** package.json as VS Code read it (placeholders such as %command.connect% are not resolved). */
export function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

/** package.json as the file on disk says it, read from the extension's own folder. */
export function manifestFromDisk(): Manifest {
  return JSON.parse(readFileSync(join(extension().extensionPath, 'package.json'), 'utf8')) as Manifest;
}

export async function activated(): Promise<vscode.Extension<unknown>> {
  const ext = extension();
  await ext.activate();
  return ext;
}

/** What activate() returns: the model and the views, for reading what a person would see. */
export async function extensionApi(): Promise<ExtensionApi> {
  const api = (await extension().activate()) as ExtensionApi | undefined;
  assert.ok(api && typeof api.connectionState === 'function', 'activate() did not return the extension API');
  return api;
}

/** Where the runner's emulator listens and how to sign in; set by test/support/session.ts. */
export interface EmulatorEnv {
  url: string;
  user: string;
  password: string;
}

export function emulatorEnv(): EmulatorEnv {
  const read = (name: string): string => {
    const value = process.env[name];
    assert.ok(value, `${name} is not set: run the host tests through npm run test:host or test:electron`);
    return value;
  };
  return {
    url: read('AEM_GUIDES_TEST_EMULATOR_URL'),
    user: read('AEM_GUIDES_TEST_USER'),
    password: read('AEM_GUIDES_TEST_PASSWORD'),
  };
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

// ---- waiting ----------------------------------------------------------------------------------------

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** Pause between probes; default 50 ms. */
  intervalMs?: number;
  /** Runs between probes, e.g. a monitor refresh so the condition need not wait for the next poll. */
  nudge?: () => unknown;
  /** Shown when the wait times out (the last state seen). */
  describe?: () => string;
}

/**
 * Probes until the probe returns something other than undefined, null or false, and returns that.
 * A probe that throws counts as "not yet"; its error is reported if the wait times out.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = options.describe ? `; last seen: ${options.describe()}` : '';
      const failed = lastError !== undefined ? `; the probe threw: ${lastError instanceof Error ? lastError.message : String(lastError)}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${seen}${failed}`);
    }
    if (options.nudge) await options.nudge();
    await delay(options.intervalMs ?? 50);
  }
}

/** Resolves with the first event that satisfies the predicate (and stops listening). */
export function nextEvent<T>(event: vscode.Event<T>, what: string, predicate: (value: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** Waits until the store holds the job in a state the predicate accepts, refreshing the monitor meanwhile. */
export function waitForJob(api: ExtensionApi, id: string, what: string, predicate: (t: TrackedJob) => boolean, timeoutMs = 20_000): Promise<TrackedJob> {
  return waitFor(
    `job ${id} ${what}`,
    () => {
      const tracked = api.store.get(id);
      return tracked && predicate(tracked) ? tracked : undefined;
    },
    {
      timeoutMs,
      intervalMs: 100,
      nudge: () => api.monitor.refresh(),
      describe: () => {
        const t = api.store.get(id);
        return t ? `${t.job.status} (${t.job.state}), ${t.job.triggeredCount}/${t.job.totalFiles ?? '?'}, pending ${t.pending}` : 'not in the store';
      },
    },
  );
}

/** Polls `connectionState()` until it is `state`, refreshing the monitor meanwhile. */
export function waitForConnectionState(api: ExtensionApi, state: string, timeoutMs = 10_000): Promise<string> {
  return waitFor(`connectionState ${state}`, () => api.connectionState() === state && state, {
    timeoutMs,
    intervalMs: 100,
    nudge: () => api.monitor.refresh(),
    describe: () => `${String(api.connectionState())}, monitor ${api.monitor.state.kind}`,
  });
}

// ---- the emulator -----------------------------------------------------------------------------------

export type Behaviour = BehaviourOptions;

/** The API's job as the emulator answers it (the wire format). */
export interface ServerJob {
  processingId: string;
  path: string;
  excludedPaths: string[];
  status: string;
  triggeredCount: number;
  hasLogs: boolean;
  comments: string;
  cancellable: boolean;
  resumable: boolean;
  restartable: boolean;
  migrationSet: { totalFiles: number; calculationStatus: string };
  filter: { fileTypes: string[]; filterProcessedAssets: boolean; startTime?: number; endTime?: number };
}

const PROCESS = '/bin/guides/v1/assets/process';

/** The emulator's control endpoint and its API, straight over HTTP (what the server really holds). */
export class EmulatorClient {
  constructor(
    readonly url: string,
    private readonly authorization: string,
  ) {}

  /** The emulator the runner started, signed in as the runner's user. */
  static runner(): EmulatorClient {
    const { url, user, password } = emulatorEnv();
    return new EmulatorClient(url, basicAuth(user, password));
  }

  async control<T>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/emulator/control${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    assert.ok(response.ok, `control ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  behaviour(change?: Partial<Behaviour>): Promise<Behaviour> {
    return this.control<Behaviour>('/behaviour', change);
  }

  /** Total requests the emulator has answered (this call included). */
  async requestCount(): Promise<number> {
    return (await this.control<{ requests: number }>('/stats')).requests;
  }

  failJob(id: string, comments: string): Promise<ServerJob> {
    return this.control<ServerJob>(`/jobs/${encodeURIComponent(id)}/fail`, { comments });
  }

  async appendLines(id: string, count: number): Promise<number> {
    return (await this.control<{ lineCount: number }>(`/jobs/${encodeURIComponent(id)}/append-lines`, { count })).lineCount;
  }

  setUsers(users: { name: string; password: string }[]): Promise<unknown> {
    return this.control('/auth', { users });
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: { Authorization: this.authorization } });
    const text = await response.text();
    assert.ok(response.ok, `GET ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  status(id: string): Promise<ServerJob> {
    return this.get<ServerJob>(`${PROCESS}/status?processingId=${encodeURIComponent(id)}`);
  }

  /** The job's whole log as the server holds it, page by page. */
  async logLines(id: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const page = await this.get<{ lines: string[]; hasMore: boolean }>(`${PROCESS}/logs?processingId=${encodeURIComponent(id)}&offset=${lines.length}&limit=10000`);
      lines.push(...page.lines);
      if (!page.hasMore || page.lines.length === 0) return lines;
    }
  }

  /** Starts a job behind the extension's back (as another user or tool would), with a CSRF token. */
  async startDirectly(path: string): Promise<string> {
    const { token } = await this.get<{ token: string }>('/libs/granite/csrf/token.json');
    const response = await fetch(`${this.url}${PROCESS}`, {
      method: 'POST',
      headers: { Authorization: this.authorization, 'CSRF-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ path, type: 'ASSET_PROCESSING' }),
    });
    const text = await response.text();
    assert.ok(response.ok, `starting ${path} answered ${response.status}: ${text}`);
    return (JSON.parse(text) as { processingId: string }).processingId;
  }
}

// ---- settings and connection -------------------------------------------------------------------------

const SECTION = 'aemGuides';

/** The user-level values of some `aemGuides.*` settings, to put back as they were. */
export class SettingsSnapshot {
  private constructor(private readonly values: Map<string, unknown>) {}

  static take(keys: readonly string[]): SettingsSnapshot {
    const config = vscode.workspace.getConfiguration(SECTION);
    return new SettingsSnapshot(new Map(keys.map((key) => [key, config.inspect(key)?.globalValue])));
  }

  async restore(): Promise<void> {
    for (const [key, value] of this.values) {
      const config = vscode.workspace.getConfiguration(SECTION);
      if (JSON.stringify(config.inspect(key)?.globalValue) !== JSON.stringify(value)) {
        await config.update(key, value, vscode.ConfigurationTarget.Global);
      }
    }
  }
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/** The argument object of `aemGuides.connect` for the runner's emulator, under the runner's server name. */
export function emulatorConnectArgs(): { name: string; url: string; authType: 'basic'; username: string; password: string } {
  const { url, user, password } = emulatorEnv();
  return { name: 'emulator', url, authType: 'basic', username: user, password };
}

/** Connects with an argument object and waits until the first history answer came. */
export async function connectWith(api: ExtensionApi, args: object): Promise<void> {
  const ok = await vscode.commands.executeCommand<boolean>('aemGuides.connect', args);
  assert.equal(ok, true, 'aemGuides.connect did not report success');
  await waitForConnectionState(api, 'connected');
  await waitFor('the monitor to have a first answer', () => api.monitor.state.kind === 'ok', { nudge: () => api.monitor.refresh(), intervalMs: 100 });
}

const SUITE_SETTINGS = ['servers', 'activeServer', 'confirmCancel', 'logs.followOnStart', 'notifications'] as const;

/**
 * A suite connected to the runner's emulator: saves the settings and emulator behaviour it changes,
 * connects (the runner leaves the extension signed out), and `restore()` puts everything back:
 * no job left running, nothing followed, no panel open, signed out again, settings and behaviour as before.
 */
export interface ConnectedSuite {
  readonly api: ExtensionApi;
  readonly emulator: EmulatorClient;
  restore(): Promise<void>;
}

export async function connectedSuite(behaviour: Partial<Behaviour> = {}): Promise<ConnectedSuite> {
  const api = await extensionApi();
  const emulator = EmulatorClient.runner();
  const settings = SettingsSnapshot.take(SUITE_SETTINGS);
  const savedBehaviour = await emulator.behaviour();
  // Cancel without a modal; logs followed only when a test asks; no notification toasts in the way.
  await setSetting('confirmCancel', false);
  await setSetting('logs.followOnStart', false);
  await setSetting('notifications', 'off');
  await emulator.behaviour({ countMs: 100, rate: 2000, ...behaviour });
  await connectWith(api, emulatorConnectArgs());
  return {
    api,
    emulator,
    restore: async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await finishActiveJobs(api);
      for (const tracked of api.store.all()) {
        if (api.following.isFollowing(tracked.job.processingId)) api.following.stop(tracked.job.processingId);
      }
      if (api.connectionState() !== 'signedOut' && api.connectionState() !== 'noServer') {
        await vscode.commands.executeCommand('aemGuides.signOut');
      }
      await settings.restore();
      await emulator.behaviour(savedBehaviour);
      await waitFor('the runner server, signed out', () => api.connectionState() === 'signedOut');
    },
  };
}

/** Cancels every active job this window knows, so later suites can use the folders again. */
export async function finishActiveJobs(api: ExtensionApi): Promise<void> {
  await api.monitor.refresh();
  for (const tracked of api.store.active()) {
    if (!tracked.job.cancellable) continue;
    try {
      await vscode.commands.executeCommand('aemGuides.jobs.cancel', tracked.job.processingId);
    } catch {
      // It finished meanwhile.
    }
  }
  await waitFor('no active jobs', () => api.store.active().length === 0, { nudge: () => api.monitor.refresh(), intervalMs: 100 });
}

// ---- the tree ---------------------------------------------------------------------------------------

export interface Row {
  readonly node: TreeNode;
  readonly item: vscode.TreeItem;
}

export function rootRows(api: ExtensionApi): Row[] {
  return api.tree.getChildren().map((node) => ({ node, item: api.tree.getTreeItem(node) }));
}

/** The job's row as the tree shows it, found by walking from the root like VS Code does. */
export function jobRow(api: ExtensionApi, id: string): (Row & { group: string }) | undefined {
  for (const root of api.tree.getChildren()) {
    if (root.kind !== 'group') continue;
    for (const node of api.tree.getChildren(root)) {
      if (node.kind === 'job' && node.processingId === id) return { node, item: api.tree.getTreeItem(node), group: root.group };
    }
  }
  return undefined;
}

export function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

export function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

// ---- `when` clauses ---------------------------------------------------------------------------------

export type WhenContext = Record<string, string | boolean | undefined>;

type Token = { kind: 'op'; value: string } | { kind: 'word'; value: string } | { kind: 'regex'; value: RegExp };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = expr.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '==' || two === '!=' || two === '=~') {
      tokens.push({ kind: 'op', value: two });
      i += 2;
      continue;
    }
    if (c === '(' || c === ')' || c === '!') {
      tokens.push({ kind: 'op', value: c });
      i++;
      continue;
    }
    const previous = tokens[tokens.length - 1];
    if (c === '/' && previous?.kind === 'op' && previous.value === '=~') {
      let j = i + 1;
      let source = '';
      while (j < expr.length && expr[j] !== '/') {
        if (expr[j] === '\\') {
          source += expr.slice(j, j + 2);
          j += 2;
        } else {
          source += expr[j];
          j++;
        }
      }
      assert.ok(j < expr.length, `unterminated regular expression in "${expr}"`);
      j++;
      let flags = '';
      while (j < expr.length && /[a-z]/i.test(expr[j]!)) flags += expr[j++];
      tokens.push({ kind: 'regex', value: new RegExp(source, flags) });
      i = j;
      continue;
    }
    let j = i;
    while (j < expr.length && !/[\s()!&|=]/.test(expr[j]!)) j++;
    assert.ok(j > i, `cannot read "${expr}" at ${i}`);
    tokens.push({ kind: 'word', value: expr.slice(i, j) });
    i = j;
  }
  return tokens;
}

/**
 * Evaluates the `when` clause forms package.json uses: `key`, `key == value`, `key != value`,
 * `key =~ /re/`, `!expr`, `(expr)`, `&&` and `||` (with `&&` binding tighter, as in VS Code).
 */
export function evaluateWhen(expr: string, context: WhenContext): boolean {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (value: string): boolean => {
    const t = peek();
    return t?.kind === 'op' && t.value === value;
  };
  const or = (): boolean => {
    let value = and();
    while (isOp('||')) {
      pos++;
      const right = and();
      value = value || right;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (isOp('&&')) {
      pos++;
      const right = unary();
      value = value && right;
    }
    return value;
  };
  const unary = (): boolean => {
    if (isOp('!')) {
      pos++;
      return !unary();
    }
    if (isOp('(')) {
      pos++;
      const value = or();
      assert.ok(isOp(')'), `missing ) in "${expr}"`);
      pos++;
      return value;
    }
    const key = tokens[pos++];
    assert.ok(key?.kind === 'word', `expected a context key in "${expr}"`);
    const actual = context[key.value];
    if (isOp('==') || isOp('!=') || isOp('=~')) {
      const op = (tokens[pos++] as { value: string }).value;
      const right = tokens[pos++];
      assert.ok(right, `missing right-hand side in "${expr}"`);
      if (op === '=~') {
        assert.ok(right.kind === 'regex', `=~ needs a regular expression in "${expr}"`);
        return typeof actual === 'string' && right.value.test(actual);
      }
      assert.ok(right.kind === 'word', `expected a value in "${expr}"`);
      const equal = String(actual) === right.value;
      return op === '==' ? equal : !equal;
    }
    return actual !== undefined && actual !== false && actual !== '';
  };
  const value = or();
  assert.equal(pos, tokens.length, `unexpected text after position ${pos} in "${expr}"`);
  return value;
}

/** The commands of a menu whose `when` holds in this context (groups kept, e.g. inline@1). */
export function offeredCommands(menu: readonly MenuItem[], context: WhenContext, group?: (g: string) => boolean): Set<string> {
  return new Set(menu.filter((m) => (group ? group(m.group ?? '') : true) && (m.when === undefined || evaluateWhen(m.when, context))).map((m) => m.command));
}

// ---- ZIP files --------------------------------------------------------------------------------------

export { readZip, type ZipEntry } from '../support/zipReader';

/** A log file's text as lines (a final newline ends the last line; it does not start another). */
export function textLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
