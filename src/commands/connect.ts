/**
 * aemGuides.connect, aemGuides.signIn, aemGuides.switchServer, aemGuides.signOut.
 * With an argument object, connect runs without prompts (automation, tests, `npm start`).
 */
import * as vscode from 'vscode';
import type { AemGuidesClient, Credentials } from '../api/client';
import { isAemError } from '../api/errors';
import type { Connections } from '../connection/connections';
import type { Monitor } from '../model/monitor';
import { checkServerUrl, isInsecureBasic, normaliseServerUrl, type AuthType, type ServerConfig } from '../model/servers';
import { describeError, describeServerProblem } from '../ui/messages';
import { InputFlow } from '../ui/multiStepInput';
import { log } from '../util/logger';

/** The argument object of `aemGuides.connect`. */
export interface ConnectArgs {
  readonly name?: string;
  readonly url: string;
  readonly authType: AuthType;
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
}

export interface ConnectDeps {
  readonly connections: Connections;
  readonly globalState: vscode.Memento;
}

export function registerConnectCommands(context: vscode.ExtensionContext, deps: ConnectDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('aemGuides.connect', (args?: unknown) =>
      args !== undefined && typeof args === 'object' && args !== null && 'url' in args
        ? connectWithArgs(deps, args)
        : connectInteractively(deps),
    ),
    vscode.commands.registerCommand('aemGuides.signIn', () => signIn(deps)),
    vscode.commands.registerCommand('aemGuides.switchServer', () => switchServer(deps)),
    vscode.commands.registerCommand('aemGuides.signOut', () => signOut(deps)),
  );
}

/** Tests the server with these credentials: a CSRF token (auth) and the history (AEM Guides present). */
async function testConnection(client: AemGuidesClient, signal?: AbortSignal): Promise<void> {
  await client.fetchCsrfToken({ signal });
  await client.getHistory({ signal });
}

function toCredentials(config: ServerConfig, secret: string): Credentials {
  return config.authType === 'bearer' ? { kind: 'bearer', token: secret } : { kind: 'basic', username: config.username ?? '', password: secret };
}

/** Validates the argument object; returns the config and secret or throws an Error a caller can show. */
function parseArgs(raw: object): { config: ServerConfig; secret: string } {
  const args = raw as Partial<Record<keyof ConnectArgs, unknown>>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const url = str(args.url) ?? '';
  const urlProblem = checkServerUrl(url);
  if (urlProblem) throw new Error(describeServerProblem(urlProblem));
  if (args.authType !== 'basic' && args.authType !== 'bearer') {
    throw new Error(vscode.l10n.t('authType must be "basic" or "bearer".'));
  }
  const normalised = normaliseServerUrl(url);
  const name = (str(args.name) ?? '').trim() || new URL(normalised).host;
  const username = str(args.username)?.trim();
  const secret = args.authType === 'bearer' ? str(args.token) : str(args.password);
  if (args.authType === 'basic' && !username) throw new Error(describeServerProblem('usernameEmpty'));
  if (!secret) {
    throw new Error(args.authType === 'bearer' ? vscode.l10n.t('A token is required.') : vscode.l10n.t('A password is required.'));
  }
  const config: ServerConfig = args.authType === 'basic' ? { name, url: normalised, authType: 'basic', username: username! } : { name, url: normalised, authType: 'bearer' };
  return { config, secret };
}

async function connectWithArgs(deps: ConnectDeps, raw: object): Promise<boolean> {
  const { config, secret } = parseArgs(raw);
  warnIfInsecure(deps, config);
  const client = deps.connections.createClient(config, toCredentials(config, secret));
  try {
    await testConnection(client);
  } catch (e) {
    log.error(`Connecting to ${config.name} failed`, e);
    throw new Error(describeError(e));
  }
  await deps.connections.save(config, secret);
  log.info(`Connected to ${config.name} (${config.url})`);
  return true;
}

function warnIfInsecure(deps: ConnectDeps, config: ServerConfig): void {
  if (!isInsecureBasic(config)) return;
  const key = `aemGuides.insecureWarned:${config.url}`;
  if (deps.globalState.get<boolean>(key)) return;
  void deps.globalState.update(key, true);
  void vscode.window.showWarningMessage(
    vscode.l10n.t('{0} uses plain http: your user name and password travel unencrypted to {1}. Use https for servers that are not on this machine.', config.name, new URL(config.url).host),
  );
}

async function connectInteractively(deps: ConnectDeps, prefill?: ServerConfig): Promise<boolean> {
  const title = vscode.l10n.t('Connect to AEM Guides');
  let url = prefill?.url ?? 'http://localhost:4502';
  let authType: AuthType = prefill?.authType ?? 'basic';
  let username = prefill?.username ?? 'admin';
  let secret = '';
  let name = prefill?.name ?? '';
  const existing = deps.connections.servers();

  const completed = await InputFlow.run([
    async (flow) => {
      url = await flow.input({
        title,
        prompt: vscode.l10n.t('The AEM author server URL (scheme, host and port)'),
        value: url,
        placeholder: 'https://author-p12345-e67890.adobeaemcloud.com',
        validate: (v) => {
          const problem = checkServerUrl(v);
          return problem ? describeServerProblem(problem) : undefined;
        },
      });
      url = normaliseServerUrl(url);
      return 1;
    },
    async (flow) => {
      const items: (vscode.QuickPickItem & { value: AuthType })[] = [
        { label: vscode.l10n.t('User name and password'), description: vscode.l10n.t('AEM 6.5 and on-premise'), value: 'basic' },
        { label: vscode.l10n.t('Access token'), description: vscode.l10n.t('AEM as a Cloud Service (Developer Console token)'), value: 'bearer' },
      ];
      const [picked] = await flow.pick({ title, placeholder: vscode.l10n.t('How do you sign in?'), items, active: items.find((i) => i.value === authType) });
      authType = picked!.value;
      return authType === 'basic' ? 2 : 3;
    },
    async (flow) => {
      username = (
        await flow.input({
          title,
          prompt: vscode.l10n.t('User name'),
          value: username,
          validate: (v) => (v.trim() === '' ? describeServerProblem('usernameEmpty') : undefined),
        })
      ).trim();
      return 3;
    },
    async (flow) => {
      secret = await flow.input({
        title,
        prompt: authType === 'basic' ? vscode.l10n.t('Password for {0} (kept in VS Code secret storage)', username) : vscode.l10n.t('Access token (kept in VS Code secret storage)'),
        password: true,
        validate: (v) => (v === '' ? (authType === 'basic' ? vscode.l10n.t('A password is required.') : vscode.l10n.t('A token is required.')) : undefined),
      });
      return 4;
    },
    async (flow) => {
      const host = new URL(url).host;
      name = (
        await flow.input({
          title,
          prompt: vscode.l10n.t('A name for this server'),
          value: name || host,
          validate: (v) => {
            if (v.trim() === '') return describeServerProblem('nameEmpty');
            const clash = existing.find((s) => s.name === v.trim() && s.url !== url);
            return clash ? { message: vscode.l10n.t('Replaces the saved server "{0}" ({1}).', clash.name, clash.url), severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
          },
        })
      ).trim();
      return undefined;
    },
  ]);
  if (!completed) return false;

  const config: ServerConfig = authType === 'basic' ? { name, url, authType, username } : { name, url, authType };
  warnIfInsecure(deps, config);
  const client = deps.connections.createClient(config, toCredentials(config, secret));
  const ok = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Connecting to {0}...', url), cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        await testConnection(client, abort.signal);
        return true;
      } catch (e) {
        if (isAemError(e) && e.kind === 'cancelled') return false;
        log.error(`Connecting to ${url} failed`, e);
        const retry = vscode.l10n.t('Try Again');
        const choice = await vscode.window.showErrorMessage(describeError(e), retry);
        if (choice === retry) return connectInteractively(deps, config);
        return false;
      } finally {
        sub.dispose();
      }
    },
  );
  if (!ok) return false;
  await deps.connections.save(config, secret);
  log.info(`Connected to ${config.name} (${config.url})`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Connected to {0}.', name));
  return true;
}

/** New credentials for the active server (after a 401 or sign-out). Asks once; returns whether they work. */
export async function signIn(deps: ConnectDeps): Promise<boolean> {
  const active = deps.connections.active;
  if (!active) return connectInteractively(deps);
  const config = active.config;
  const secret = await vscode.window.showInputBox({
    title: vscode.l10n.t('Sign in to {0}', config.name),
    prompt: config.authType === 'basic' ? vscode.l10n.t('Password for {0} at {1}', config.username ?? '', config.url) : vscode.l10n.t('A new access token for {0}', config.url),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v === '' ? vscode.l10n.t('Enter a value, or press Escape to cancel.') : undefined),
  });
  if (secret === undefined) return false;
  const client = deps.connections.createClient(config, toCredentials(config, secret));
  try {
    await testConnection(client);
  } catch (e) {
    log.error(`Signing in to ${config.name} failed`, e);
    void vscode.window.showErrorMessage(describeError(e));
    return false;
  }
  await deps.connections.storeSecret(config, secret);
  return true;
}

async function switchServer(deps: ConnectDeps): Promise<boolean> {
  const servers = deps.connections.servers();
  const activeName = deps.connections.active?.config.name;
  type Item = vscode.QuickPickItem & { server?: ServerConfig };
  const items: Item[] = servers.map((s) => ({
    label: s.name,
    description: s.url,
    detail: s.name === activeName ? vscode.l10n.t('Active') : undefined,
    server: s,
  }));
  items.push({ label: '$(add) ' + vscode.l10n.t('Add a server...') });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Switch AEM Guides server'), placeHolder: vscode.l10n.t('Pick the server to work with') });
  if (!picked) return false;
  if (!picked.server) return connectInteractively(deps);
  await deps.connections.setActive(picked.server.name);
  return true;
}

async function signOut(deps: ConnectDeps): Promise<void> {
  const config = await deps.connections.signOut();
  if (config) void vscode.window.showInformationMessage(vscode.l10n.t('Signed out of {0}. Its password or token was removed from secret storage.', config.name));
}

/**
 * A 401 while polling (token expired, password changed) asks once for new credentials; if they are
 * refused or the prompt is dismissed, the view says so and polling stays halted: no loop.
 */
export function promptOnRejectedCredentials(deps: ConnectDeps, monitor: Monitor): vscode.Disposable {
  let prompted = false;
  const subscriptions = [
    deps.connections.onDidChange(() => (prompted = false)),
    monitor.onDidChangeState((state) => {
      if (state.kind === 'ok') prompted = false;
      if (state.kind !== 'error' || !isAemError(state.error) || state.error.kind !== 'unauthorized' || prompted) return;
      prompted = true;
      log.warn(`The server rejected the stored credentials: ${state.error.message}`);
      void signIn(deps);
    }),
  ];
  return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
}

/** `npm start` and automation: connect from the AEM_GUIDES_CONNECT environment variable (JSON ConnectArgs). */
export async function connectFromEnvironment(deps: ConnectDeps, value: string | undefined): Promise<void> {
  if (!value) return;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    const { config } = parseArgs(parsed);
    if (deps.connections.active?.config.name === config.name && deps.connections.active.hasSecret) return;
    await connectWithArgs(deps, parsed);
  } catch (e) {
    log.error('AEM_GUIDES_CONNECT is set but connecting with it failed', e);
  }
}
