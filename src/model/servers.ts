/**
 * Server configurations as kept in settings (`aemGuides.servers`): no secrets here, ever.
 * Pure functions, no `vscode`: validation of what a user typed or a settings file holds.
 */

export type AuthType = 'basic' | 'bearer';

export interface ServerConfig {
  readonly name: string;
  /** Base URL without a trailing slash, e.g. `http://localhost:4502`. */
  readonly url: string;
  readonly authType: AuthType;
  readonly username?: string;
}

export type ServerProblem = 'nameEmpty' | 'urlEmpty' | 'urlInvalid' | 'urlScheme' | 'urlHasPath' | 'urlHasCredentials' | 'usernameEmpty';

/** The first problem with a server URL as typed, or undefined. */
export function checkServerUrl(raw: string): ServerProblem | undefined {
  const text = raw.trim();
  if (text === '') return 'urlEmpty';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'urlInvalid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'urlScheme';
  // Credentials in a URL end up in logs and settings: refuse them.
  if (url.username || url.password) return 'urlHasCredentials';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return 'urlHasPath';
  return undefined;
}

export function normaliseServerUrl(raw: string): string {
  const url = new URL(raw.trim());
  return `${url.protocol}//${url.host}`;
}

/** Basic credentials over plain HTTP to another machine travel readable by anyone on the way. */
export function isInsecureBasic(config: Pick<ServerConfig, 'url' | 'authType'>): boolean {
  if (config.authType !== 'basic') return false;
  const url = new URL(config.url);
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Reads the `aemGuides.servers` setting, keeping the valid entries and reporting the others
 * (a hand-edited settings file must not break the extension).
 */
export function readServers(raw: unknown): { servers: ServerConfig[]; invalid: number } {
  const servers: ServerConfig[] = [];
  let invalid = 0;
  for (const item of Array.isArray(raw) ? raw : []) {
    const config = toServerConfig(item);
    if (config && !servers.some((s) => s.name === config.name)) servers.push(config);
    else invalid++;
  }
  return { servers, invalid };
}

function toServerConfig(item: unknown): ServerConfig | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { name, url, authType, username } = item as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  if (typeof url !== 'string' || checkServerUrl(url) !== undefined) return undefined;
  if (authType !== 'basic' && authType !== 'bearer') return undefined;
  const config: ServerConfig = { name: name.trim(), url: normaliseServerUrl(url), authType };
  return typeof username === 'string' && username !== '' ? { ...config, username } : config;
}

/** The key under which a server's password or token lives in SecretStorage. */
export function secretKey(config: Pick<ServerConfig, 'name' | 'url'>): string {
  return `aemGuides.secret:${config.name}@${config.url}`;
}
