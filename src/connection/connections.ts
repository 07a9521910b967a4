/**
 * The active server: which one (settings), its secret (SecretStorage), and the client that talks to
 * it. The api layer never sees VS Code: it gets a credentials provider backed by SecretStorage.
 */
import * as vscode from 'vscode';
import { AemGuidesClient, type Credentials } from '../api/client';
import { Emitter, type Event } from '../model/events';
import { readServers, secretKey, type ServerConfig } from '../model/servers';
import { log } from '../util/logger';

export interface ActiveConnection {
  readonly config: ServerConfig;
  readonly client: AemGuidesClient;
  /** A secret is stored for this server. */
  readonly hasSecret: boolean;
}

const SECTION = 'aemGuides';

export class Connections implements vscode.Disposable {
  private readonly changed = new Emitter<ActiveConnection | undefined>();
  /** Fires when the active server, its settings or its secret change. */
  readonly onDidChange: Event<ActiveConnection | undefined> = this.changed.event;
  private current: ActiveConnection | undefined;
  /** Read once per server from SecretStorage, then kept: the credentials provider runs per request. */
  private readonly secretCache = new Map<string, string | undefined>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly userAgent: string,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.servers`) || e.affectsConfiguration(`${SECTION}.activeServer`)) void this.reload();
      }),
      secrets.onDidChange((e) => {
        if (!e.key.startsWith('aemGuides.secret:')) return;
        this.secretCache.delete(e.key);
        void this.reload();
      }),
    );
  }

  get active(): ActiveConnection | undefined {
    return this.current;
  }

  servers(): ServerConfig[] {
    const { servers, invalid } = readServers(vscode.workspace.getConfiguration(SECTION).get<unknown>('servers'));
    if (invalid > 0) log.warn(`${invalid} entr${invalid === 1 ? 'y' : 'ies'} of aemGuides.servers ignored: each needs a unique name, an http(s) URL and authType "basic" or "bearer".`);
    return servers;
  }

  /** Re-reads settings and secrets; fires onDidChange when anything that matters changed. */
  async reload(): Promise<void> {
    const servers = this.servers();
    const activeName = vscode.workspace.getConfiguration(SECTION).get<string>('activeServer', '');
    const config = servers.find((s) => s.name === activeName) ?? (activeName === '' && servers.length === 1 ? servers[0] : undefined);
    if (!config) {
      this.setCurrent(undefined);
      return;
    }
    const hasSecret = (await this.secret(config)) !== undefined;
    const same = this.current && sameConfig(this.current.config, config) && this.current.hasSecret === hasSecret;
    if (same) return;
    const client =
      this.current && sameConfig(this.current.config, config) ? this.current.client : this.createClient(config);
    this.setCurrent({ config, client, hasSecret });
  }

  /** A client for any server config (the connect flow tests a server before saving it). */
  createClient(config: ServerConfig, override?: Credentials): AemGuidesClient {
    return new AemGuidesClient({
      baseUrl: config.url,
      serverName: config.name,
      userAgent: this.userAgent,
      timeoutMs: () => vscode.workspace.getConfiguration(SECTION).get<number>('requestTimeout', 30) * 1000,
      credentials: async () => override ?? this.credentialsFor(config),
    });
  }

  async credentialsFor(config: ServerConfig): Promise<Credentials | undefined> {
    const secret = await this.secret(config);
    if (secret === undefined) return undefined;
    return config.authType === 'bearer'
      ? { kind: 'bearer', token: secret }
      : { kind: 'basic', username: config.username ?? '', password: secret };
  }

  /** Saves a server (settings) and its secret (SecretStorage), and makes it the active one. */
  async save(config: ServerConfig, secret: string): Promise<void> {
    const key = secretKey(config);
    await this.secrets.store(key, secret);
    this.secretCache.set(key, secret);
    const settings = vscode.workspace.getConfiguration(SECTION);
    const others = this.servers().filter((s) => s.name !== config.name);
    await settings.update('servers', [...others.map(plain), plain(config)], vscode.ConfigurationTarget.Global);
    await settings.update('activeServer', config.name, vscode.ConfigurationTarget.Global);
    await this.reloadWithNewCredentials();
  }

  async storeSecret(config: ServerConfig, secret: string): Promise<void> {
    const key = secretKey(config);
    await this.secrets.store(key, secret);
    this.secretCache.set(key, secret);
    await this.reloadWithNewCredentials();
  }

  /** New credentials for the same server are a change too: listeners restart polling with them. */
  private async reloadWithNewCredentials(): Promise<void> {
    this.current = undefined;
    await this.reload();
  }

  async setActive(name: string): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update('activeServer', name, vscode.ConfigurationTarget.Global);
    await this.reload();
  }

  /** Forgets the active server's secret; the server stays configured. */
  async signOut(): Promise<ServerConfig | undefined> {
    const config = this.current?.config;
    if (!config) return undefined;
    const key = secretKey(config);
    await this.secrets.delete(key);
    this.secretCache.set(key, undefined);
    await this.reload();
    return config;
  }

  private async secret(config: ServerConfig): Promise<string | undefined> {
    const key = secretKey(config);
    if (this.secretCache.has(key)) return this.secretCache.get(key);
    let value: string | undefined;
    try {
      value = await this.secrets.get(key);
    } catch (e) {
      // A broken keyring must not stop the extension: the user is asked to sign in again.
      log.error('Could not read the secret store', e);
    }
    this.secretCache.set(key, value);
    return value;
  }

  private setCurrent(next: ActiveConnection | undefined): void {
    if (this.current === next) return;
    this.current = next;
    this.changed.fire(next);
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function sameConfig(a: ServerConfig, b: ServerConfig): boolean {
  return a.name === b.name && a.url === b.url && a.authType === b.authType && a.username === b.username;
}

/** The settings form of a config (only the keys the settings schema allows). */
function plain(config: ServerConfig): Record<string, string> {
  const entry: Record<string, string> = { name: config.name, url: config.url, authType: config.authType };
  if (config.username) entry['username'] = config.username;
  return entry;
}
