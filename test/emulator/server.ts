/**
 * A local AEM Guides author server for trying, testing and benchmarking the extension without AEM.
 *
 * In-process use (tests):
 * ```ts
 * import { startEmulator } from '../emulator/server';
 * const emu = await startEmulator({ rate: 2000, countMs: 50, tickMs: 20 });
 * const auth = emu.basicAuthHeader();               // 'Basic YWRtaW46YWRtaW4='
 * await fetch(`${emu.url}/bin/guides/v1/assets/process/history`, { headers: { Authorization: auth } });
 * await emu.close();
 * ```
 * Without `dataDir` each emulator gets a fresh temporary folder that `close()` deletes; pass `dataDir` to keep
 * state across emulators (a restart test) or to inspect it.
 *
 * HTTP surface (all need auth except `/emulator/control/*`):
 * - `POST /bin/guides/v1/assets/process`, `GET .../status|logs|logs/download|history`, `POST .../cancel|resume`
 *   as in `/work/shared/api-contract.md`; errors are `{"message": "..."}` with 400, 404, 405 or 409.
 * - `GET /libs/granite/csrf/token.json` -> `{token}`; every authenticated POST needs header `CSRF-Token`,
 *   else 403 `{"message": ...}` (JSON).
 * - `GET /api/assets[/<path>].json?offset=&limit=` (Siren; see assetsApi.ts, dam.ts for the fixed folders).
 * - Unauthenticated: 401 `{"message": ...}` with `WWW-Authenticate: Basic realm="Sling (Development)"`, or with
 *   `loginPage` a 200 `text/html` login form.
 *
 * Control endpoint (loopback only, no auth, never faulted), JSON in and out:
 * - `GET|POST /emulator/control/faults`: read, or replace the fault settings (missing fields take defaults).
 * - `GET|POST /emulator/control/behaviour`: read, or change some of rate, countMs, failRate, warnRate,
 *   downloadMode, loginPage, historySize.
 * - `POST /emulator/control/csrf/expire`: invalidate every CSRF token issued so far.
 * - `POST /emulator/control/auth` body `{users?: [{name, password}], tokens?: [string]}`: replace the accepted
 *   credentials (a changed password, a revoked token); `GET` lists the user names and the token count.
 * - `POST /emulator/control/jobs/<id>/fail` body `{comments?}`: fail an active job now (409 if not active).
 * - `POST /emulator/control/jobs/<id>/append-lines` body `{count}`: append synthetic lines -> `{lineCount}`.
 * - `GET /emulator/control/stats`: `{requests, faults: {reset, stall, unavailable, error, malformed}, memory, jobs}`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetsResponse } from './assetsApi';
import { Dam } from './dam';
import {
  ApiError, BehaviourOptions, Engine, JobView, parseStartRequest, readStoredDamParams,
} from './engine';
import { DEFAULT_FAULTS, FaultDecision, FaultInjector, FaultOptions, malformJson, parseFaults } from './faults';
import { LogStore } from './logStore';
import { createZip, storedZipLength, streamStoredZip } from './zip';

export type { BehaviourOptions, JobView } from './engine';
export type { FaultOptions } from './faults';

export interface BasicUser {
  name: string;
  password: string;
}

export interface EmulatorOptions extends BehaviourOptions {
  /** 0 = any free port. */
  port: number;
  host: string;
  /** Where state and logs live; undefined = a fresh temporary folder deleted by `close()`. */
  dataDir: string | undefined;
  /** DAM generation; an existing data folder keeps the values it was created with. */
  assets: number;
  depth: number;
  seed: number;
  users: BasicUser[];
  /** Bearer tokens; requests with one act as user `tokenUser`. */
  tokens: string[];
  tokenUser: string;
  csrfTtlMs: number;
  /** Engine timer period; smaller = finer state transitions (tests use 10-20 ms). */
  tickMs: number;
  persistDebounceMs: number;
  /** Adds finished MAP_COLLECTION / BASELINE_MIGRATION jobs and one with nulls to the history. */
  otherJobTypes: boolean;
  /** Finished jobs created when the data folder is new. */
  seedJobs: number;
  faults: FaultOptions;
}

/** What `startEmulator` accepts: any subset of the options, and of the fault settings. */
export type EmulatorInit = Partial<Omit<EmulatorOptions, 'faults'>> & { faults?: Partial<FaultOptions> };

export const DEFAULT_OPTIONS: EmulatorOptions = {
  port: 0,
  host: '127.0.0.1',
  dataDir: undefined,
  assets: 2000,
  depth: 3,
  seed: 1,
  users: [{ name: 'admin', password: 'admin' }],
  tokens: [],
  tokenUser: 'token-user',
  rate: 25,
  countMs: 1500,
  failRate: 0,
  warnRate: 0.05,
  downloadMode: 'zip',
  loginPage: false,
  historySize: 20,
  csrfTtlMs: 600_000,
  tickMs: 100,
  persistDebounceMs: 200,
  otherJobTypes: false,
  seedJobs: 0,
  faults: DEFAULT_FAULTS,
};

export interface EmulatorStats {
  requests: number;
  faults: Record<string, number>;
  jobs: number;
  memory: NodeJS.MemoryUsage;
}

export interface Emulator {
  /** `http://<host>:<port>`, no trailing slash. */
  url: string;
  port: number;
  options: EmulatorOptions;
  users: BasicUser[];
  tokens: string[];
  dataDir: string;
  /** The generated tree, for tests that compute expected sets. */
  dam: Dam;
  /** The job engine, for tests (e.g. `memberIndices`). */
  engine: Engine;
  /** `Basic ...` for the first user. */
  basicAuthHeader(): string;
  /** Replaces the fault settings (missing fields take defaults) and restarts the fault generator. */
  setFaults(f: Partial<FaultOptions>): void;
  getFaults(): FaultOptions;
  /** Changes some run-time settings; the rest stay. */
  setBehaviour(b: Partial<BehaviourOptions>): void;
  getBehaviour(): BehaviourOptions;
  expireCsrfTokens(): void;
  /** Replaces the accepted basic users and/or bearer tokens (a changed password, a revoked token). */
  setAuth(auth: { users?: BasicUser[]; tokens?: string[] }): void;
  /** Fails an active job at once; throws if it is not active. */
  failJob(id: string, comments?: string): JobView;
  /** Appends synthetic lines to a job's log; returns the new line count. */
  appendLogLines(id: string, count: number): number;
  stats(): EmulatorStats;
  /** Stops the engine, writes the state, closes every socket (keep-alive and stalled ones too). */
  close(): Promise<void>;
}

type Reply =
  | { status: number; headers?: Record<string, string>; json: unknown }
  | { status: number; headers?: Record<string, string>; body: string | Buffer; contentType: string }
  | { status: number; headers: Record<string, string>; stream: (res: ServerResponse) => Promise<void> };

const PROCESS = '/bin/guides/v1/assets/process';
const MAX_BODY = 1 << 20;

function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, json: body, headers };
}

function message(status: number, text: string): Reply {
  return json(status, { message: text });
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function parseBehaviour(input: unknown, base: BehaviourOptions): BehaviourOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ApiError(400, 'behaviour must be a JSON object');
  const out = { ...base };
  for (const [key, v] of Object.entries(input as Record<string, unknown>)) {
    const num = (ok: (n: number) => boolean, what: string): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ApiError(400, `${key} must be ${what}`);
      return v;
    };
    switch (key) {
      case 'rate': out.rate = num((n) => n > 0, 'a number > 0'); break;
      case 'countMs': out.countMs = num((n) => n >= 0, 'a number >= 0'); break;
      case 'failRate': out.failRate = num((n) => n >= 0 && n <= 1, 'a number from 0 to 1'); break;
      case 'warnRate': out.warnRate = num((n) => n >= 0 && n <= 1, 'a number from 0 to 1'); break;
      case 'historySize': out.historySize = num((n) => Number.isInteger(n) && n >= 0, 'an integer >= 0'); break;
      case 'downloadMode':
        if (v !== 'zip' && v !== 'paths') throw new ApiError(400, 'downloadMode must be "zip" or "paths"');
        out.downloadMode = v;
        break;
      case 'loginPage':
        if (typeof v !== 'boolean') throw new ApiError(400, 'loginPage must be a boolean');
        out.loginPage = v;
        break;
      default:
        throw new ApiError(400, `unknown behaviour setting ${key}`);
    }
  }
  return out;
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html><head><title>AEM Sign In</title></head>
<body><form name="login" method="POST" action="/libs/granite/core/content/login.html/j_security_check">
<input type="text" name="j_username" placeholder="User name"><input type="password" name="j_password" placeholder="Password">
<button type="submit">Sign In</button></form></body></html>
`;

const ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error (500)</h1><p>The server encountered an internal error (emulated fault).</p></body></html>
`;

function parseAuth(input: unknown): { users?: BasicUser[]; tokens?: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ApiError(400, 'auth must be a JSON object');
  const { users, tokens } = input as { users?: unknown; tokens?: unknown };
  const out: { users?: BasicUser[]; tokens?: string[] } = {};
  if (users !== undefined) {
    if (!Array.isArray(users) || users.length === 0) throw new ApiError(400, 'users must be a non-empty array');
    out.users = users.map((u: unknown) => {
      const { name, password } = (u ?? {}) as { name?: unknown; password?: unknown };
      if (typeof name !== 'string' || name === '' || typeof password !== 'string') throw new ApiError(400, 'each user needs a name and a password');
      return { name, password };
    });
  }
  if (tokens !== undefined) {
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string' || t === '')) throw new ApiError(400, 'tokens must be an array of strings');
    out.tokens = tokens as string[];
  }
  return out;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Starts an emulator; see the module comment. Resolves once it listens. */
export async function startEmulator(init: EmulatorInit = {}): Promise<Emulator> {
  const { faults: faultInit, ...rest } = init;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<EmulatorOptions>;
  const options: EmulatorOptions = {
    ...DEFAULT_OPTIONS,
    ...defined,
    faults: parseFaults(faultInit ?? {}, DEFAULT_FAULTS),
  };
  if (options.tokens.length === 0) options.tokens = [`emu-${randomBytes(24).toString('base64url')}`];
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'aem-guides-emulator-'));
  mkdirSync(dataDir, { recursive: true });
  const stateFile = join(dataDir, 'state.json');

  // The tree must be the one the stored jobs were counted on, whatever the flags now say.
  const stored = readStoredDamParams(stateFile);
  const today = new Date();
  const damParams = stored ?? {
    assets: options.assets, depth: options.depth, seed: options.seed,
    epochMs: Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()),
  };
  options.assets = damParams.assets;
  options.depth = damParams.depth;
  options.seed = damParams.seed;
  const dam = new Dam(damParams);
  const behaviour: BehaviourOptions = {
    rate: options.rate, countMs: options.countMs, failRate: options.failRate, warnRate: options.warnRate,
    downloadMode: options.downloadMode, loginPage: options.loginPage, historySize: options.historySize,
  };
  const engine = new Engine(dam, new LogStore(join(dataDir, 'logs')), behaviour, {
    tickMs: options.tickMs, persistDebounceMs: options.persistDebounceMs, stateFile, otherJobTypes: options.otherJobTypes,
  });
  if (engine.fresh && options.seedJobs > 0) engine.seedJobs(options.seedJobs);
  engine.start();

  const faults = new FaultInjector(options.faults);
  const csrfSecret = randomBytes(32);
  let csrfGeneration = 0;
  let requests = 0;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const issueCsrf = (): string => {
    const now = Date.now();
    const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(JSON.stringify({ iat: Math.floor(now / 1000), exp: now + options.csrfTtlMs, gen: csrfGeneration, jti: randomBytes(8).toString('hex') }));
    const sig = createHmac('sha256', csrfSecret).update(`${head}.${payload}`).digest('base64url');
    return `${head}.${payload}.${sig}`;
  };

  const csrfValid = (token: string | undefined): boolean => {
    if (!token) return false;
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const expected = Buffer.from(createHmac('sha256', csrfSecret).update(`${parts[0]}.${parts[1]}`).digest('base64url'));
    const got = Buffer.from(parts[2]);
    if (expected.length !== got.length || !timingSafeEqual(expected, got)) return false;
    try {
      const p = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown; gen?: unknown };
      return typeof p.exp === 'number' && p.exp > Date.now() && p.gen === csrfGeneration;
    } catch {
      return false;
    }
  };

  const setAuth = (auth: { users?: BasicUser[]; tokens?: string[] }): void => {
    if (auth.users) options.users.splice(0, options.users.length, ...auth.users);
    if (auth.tokens) options.tokens.splice(0, options.tokens.length, ...auth.tokens);
  };

  const authenticate = (req: IncomingMessage): string | undefined => {
    const h = req.headers.authorization;
    if (!h) return undefined;
    const space = h.indexOf(' ');
    const scheme = h.slice(0, space).toLowerCase();
    const value = h.slice(space + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const name = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      return colon > 0 && options.users.some((u) => u.name === name && u.password === password) ? name : undefined;
    }
    if (scheme === 'bearer') return options.tokens.includes(value) ? options.tokenUser : undefined;
    return undefined;
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new ApiError(413, 'Request body too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const parseJsonBody = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(400, 'The request body is not valid JSON');
    }
  };

  /** `processingId` from the query, else from a JSON body (we accept both, as the contract sends both). */
  const idFrom = (url: URL, body: string): string => {
    const q = url.searchParams.get('processingId');
    if (q) return q;
    if (body.trim()) {
      const parsed = parseJsonBody(body);
      if (typeof parsed === 'object' && parsed !== null) {
        const v = (parsed as Record<string, unknown>).processingId;
        if (typeof v === 'string' && v) return v;
      }
    }
    throw new ApiError(400, 'processingId is required');
  };

  const intParam = (url: URL, name: string): number | undefined => {
    const raw = url.searchParams.get(name);
    if (raw === null) return undefined;
    if (!/^\d+$/.test(raw)) throw new ApiError(400, `${name} must be a non-negative integer`);
    return Number(raw);
  };

  const logsReply = (url: URL): Reply => {
    const id = url.searchParams.get('processingId');
    if (!id) throw new ApiError(400, 'processingId is required');
    const offsetParam = intParam(url, 'offset');
    const limitParam = intParam(url, 'limit');
    const tail = intParam(url, 'tail');
    const log = engine.log(id);
    const total = log?.lineCount ?? 0;
    if (tail !== undefined) {
      const n = Math.min(tail, limitParam ?? 10_000, 10_000);
      const start = Math.max(0, total - n);
      return json(200, { lines: log ? log.read(start, total) : [], limit: n, offset: start, hasMore: false });
    }
    const offset = offsetParam ?? 0;
    const limit = Math.min(limitParam ?? 1000, 10_000);
    const lines = log ? log.read(offset, offset + limit) : [];
    return json(200, { lines, limit, offset, hasMore: offset + lines.length < total });
  };

  const downloadReply = (url: URL): Reply => {
    const id = url.searchParams.get('processingId');
    if (!id) throw new ApiError(400, 'processingId is required');
    const log = engine.log(id);
    const size = log?.byteLength ?? 0;
    if (!log || size === 0) throw new ApiError(404, `Job ${id} has no logs`);
    if (engine.behaviour.downloadMode === 'paths') {
      return json(200, { logFilePaths: [`/var/log/aem-guides/asset-processing/${id}.log`] });
    }
    const name = `${id}.log`;
    const headers = { 'Content-Disposition': `attachment; filename="${id}-logs.zip"` };
    if (size <= 8 << 20) {
      const data = readFileSync(log.path).subarray(0, size);
      return { status: 200, headers, contentType: 'application/zip', body: createZip([{ name, data }]) };
    }
    return {
      status: 200,
      headers: { ...headers, 'Content-Type': 'application/zip', 'Content-Length': String(storedZipLength(name, size)) },
      stream: (res) =>
        streamStoredZip(name, log.path, size, new Date(), (c) => res.write(c), () => new Promise((r) => res.once('drain', () => r()))),
    };
  };

  const processRoute = async (req: IncomingMessage, url: URL, user: string): Promise<Reply> => {
    const sub = url.pathname.slice(PROCESS.length);
    const method = req.method ?? 'GET';
    const routes: Record<string, string> = {
      '': 'POST', '/status': 'GET', '/logs': 'GET', '/logs/download': 'GET', '/cancel': 'POST', '/resume': 'POST', '/history': 'GET',
    };
    const allowed = routes[sub];
    if (!allowed) return message(404, `No resource at ${url.pathname}`);
    if (method !== allowed) return json(405, { message: `Method ${method} not allowed on ${url.pathname}` }, { Allow: allowed });
    const body = method === 'POST' ? await readBody(req) : '';
    switch (sub) {
      case '': {
        const job = engine.create(parseStartRequest(parseJsonBody(body), dam), user);
        return json(200, { processingId: job.processingId });
      }
      case '/status': {
        const id = url.searchParams.get('processingId');
        if (!id) throw new ApiError(400, 'processingId is required');
        return json(200, engine.status(id));
      }
      case '/logs':
        return logsReply(url);
      case '/logs/download':
        return downloadReply(url);
      case '/cancel': {
        const job = engine.cancel(idFrom(url, body), user);
        return json(200, { processingId: job.processingId, status: job.status });
      }
      case '/resume': {
        const job = engine.resume(idFrom(url, body), user);
        return json(200, { processingId: job.processingId, status: job.status });
      }
      default:
        return json(200, { executionHistory: engine.history() });
    }
  };

  const controlRoute = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    if (!isLoopback(req.socket.remoteAddress)) return message(403, 'The control endpoint answers loopback clients only');
    const method = req.method ?? 'GET';
    const sub = url.pathname.slice('/emulator/control'.length);
    const body = method === 'POST' ? await readBody(req) : '';
    const input = (): unknown => (body.trim() ? parseJsonBody(body) : {});
    if (sub === '/faults' && method === 'GET') return json(200, faults.options);
    if (sub === '/faults' && method === 'POST') {
      try {
        faults.set(parseFaults(input(), DEFAULT_FAULTS));
      } catch (e) {
        throw e instanceof ApiError ? e : new ApiError(400, (e as Error).message);
      }
      return json(200, faults.options);
    }
    if (sub === '/behaviour' && method === 'GET') return json(200, engine.behaviour);
    if (sub === '/behaviour' && method === 'POST') {
      engine.behaviour = parseBehaviour(input(), engine.behaviour);
      return json(200, engine.behaviour);
    }
    if (sub === '/csrf/expire' && method === 'POST') {
      csrfGeneration++;
      return json(200, { expired: true });
    }
    if (sub === '/auth' && method === 'GET') return json(200, { users: options.users.map((u) => u.name), tokens: options.tokens.length });
    if (sub === '/auth' && method === 'POST') {
      // Changes who may sign in, as an administrator changing a password or revoking a token would.
      setAuth(parseAuth(input()));
      return json(200, { users: options.users.map((u) => u.name), tokens: options.tokens.length });
    }
    if (sub === '/stats' && method === 'GET') return json(200, stats());
    const m = /^\/jobs\/([^/]+)\/(fail|append-lines)$/.exec(sub);
    if (m && method === 'POST') {
      const id = decodeURIComponent(m[1]);
      const b = input() as Record<string, unknown>;
      if (m[2] === 'fail') return json(200, engine.failNow(id, typeof b.comments === 'string' ? b.comments : undefined));
      const count = b.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new ApiError(400, 'count must be an integer >= 0');
      return json(200, { lineCount: engine.appendSyntheticLines(id, count) });
    }
    return message(404, `No control resource ${method} ${url.pathname}`);
  };

  const route = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    const user = authenticate(req);
    if (!user) {
      if (engine.behaviour.loginPage) return { status: 200, contentType: 'text/html;charset=utf-8', body: LOGIN_PAGE };
      return json(401, { message: 'Authentication required' }, { 'WWW-Authenticate': 'Basic realm="Sling (Development)"' });
    }
    if (req.method === 'POST' && !csrfValid(req.headers['csrf-token'] as string | undefined)) {
      return message(403, 'Invalid or missing CSRF token; fetch one from /libs/granite/csrf/token.json');
    }
    const p = url.pathname;
    if (p === '/libs/granite/csrf/token.json') {
      if (req.method !== 'GET') return json(405, { message: `Method ${req.method} not allowed` }, { Allow: 'GET' });
      return json(200, { token: issueCsrf() });
    }
    if (p === PROCESS || p.startsWith(`${PROCESS}/`)) return processRoute(req, url, user);
    const assets = /^\/api\/assets((?:\/[^]*)?)\.json$/.exec(p);
    if (assets) {
      if (req.method !== 'GET') return json(405, { message: `Method ${req.method} not allowed` }, { Allow: 'GET' });
      let rest: string;
      try {
        rest = decodeURIComponent(assets[1]);
      } catch {
        throw new ApiError(400, 'Malformed path');
      }
      return json(200, assetsResponse(dam, rest, url.searchParams, `http://${req.headers.host ?? `${options.host}:${port}`}`));
    }
    return message(404, `No resource at ${p}`);
  };

  const send = async (res: ServerResponse, reply: Reply, fault: FaultDecision | undefined): Promise<void> => {
    if (closed || res.destroyed) return;
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if ('stream' in reply) {
      res.writeHead(reply.status, headers);
      await reply.stream(res);
      res.end();
      return;
    }
    let body: string | Buffer;
    if ('json' in reply) {
      body = JSON.stringify(reply.json);
      headers['Content-Type'] = 'application/json;charset=utf-8';
      if (fault?.kind === 'malformed' && reply.status === 200) body = malformJson(body, fault.variant);
    } else {
      body = reply.body;
      headers['Content-Type'] = reply.contentType;
      if (fault?.kind === 'malformed' && reply.status === 200) {
        const bytes = Buffer.from(body);
        body = bytes.subarray(0, Math.floor(bytes.length / 2));
      }
    }
    headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith('/emulator/control/')) {
      await send(res, await controlRoute(req, url), undefined);
      return;
    }
    const fault = faults.applies(url.pathname) ? faults.decide() : undefined;
    if (fault && fault.delayMs > 0) await sleep(fault.delayMs);
    if (closed) return;
    switch (fault?.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall':
        if (faults.options.stallMs > 0) {
          await sleep(faults.options.stallMs);
          req.socket.destroy();
        }
        return;
      case 'unavailable':
        await send(res, json(503, { message: 'Service Unavailable (emulated fault)' }, { 'Retry-After': String(faults.options.retryAfterSeconds) }), undefined);
        return;
      case 'error':
        await send(
          res,
          fault.variant < 0.5
            ? json(500, { message: 'Internal Server Error (emulated fault)' })
            : { status: 500, contentType: 'text/html;charset=utf-8', body: ERROR_PAGE },
          undefined,
        );
        return;
      default:
        await send(res, await route(req, url), fault);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const reply = e instanceof ApiError ? message(e.status, e.message) : message(500, `Emulator error: ${(e as Error).message}`);
      if (!res.headersSent) send(res, reply, undefined).catch(() => res.destroy());
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;

  const stats = (): EmulatorStats => ({
    requests, faults: { ...faults.counts }, jobs: engine.jobCount(), memory: process.memoryUsage(),
  });

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    options,
    users: options.users,
    tokens: options.tokens,
    dataDir,
    dam,
    engine,
    basicAuthHeader: () => `Basic ${Buffer.from(`${options.users[0].name}:${options.users[0].password}`).toString('base64')}`,
    setFaults: (f) => faults.set(parseFaults(f, DEFAULT_FAULTS)),
    getFaults: () => faults.options,
    setBehaviour: (b) => {
      engine.behaviour = parseBehaviour(b, engine.behaviour);
    },
    getBehaviour: () => ({ ...engine.behaviour }),
    setAuth,
    expireCsrfTokens: () => {
      csrfGeneration++;
    },
    failJob: (id, comments) => engine.failNow(id, comments),
    appendLogLines: (id, count) => engine.appendSyntheticLines(id, count),
    stats,
    close: async () => {
      if (closed) return;
      closed = true;
      engine.close();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
