/**
 * The AEM Guides bulk asset processing client: one axios instance per server, every endpoint of
 * api-contract.md, answers validated at the edge (schema.ts), failures as typed AemErrors.
 * Knows nothing of VS Code, so it is tested in plain Node against the emulator.
 */
import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { checkProcessingId, checkStartRequest, englishProblem, DAM_ROOT, checkDamPath } from './damPath';
import { AemError, type AemErrorDetails, type AemOperation } from './errors';
import {
  parseCsrfToken,
  parseDamFolder,
  parseHistory,
  parseJob,
  parseLogFilePaths,
  parseLogPage,
  parseStartResponse,
  SchemaError,
} from './schema';
import type { DamFolderPage, Job, LogDownload, LogPage, StartRequest } from './types';

export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

/**
 * Supplies credentials per request, so a refreshed token or a new password is used at once without
 * rebuilding the client. Undefined means "none known": the request goes out unauthenticated and the
 * server's 401 tells the caller to ask for credentials.
 */
export type CredentialsProvider = () => Promise<Credentials | undefined> | Credentials | undefined;

export interface ClientOptions {
  /** e.g. `http://localhost:4502`; a trailing slash is ignored. */
  readonly baseUrl: string;
  /** How messages name the server; defaults to the URL's host. */
  readonly serverName?: string;
  readonly credentials: CredentialsProvider;
  /** Per-request timeout in ms; a function so a settings change applies to the next request. */
  readonly timeoutMs?: number | (() => number);
  /** Never a browser's: AEM's referrer filter would then demand a Referer on POSTs. */
  readonly userAgent?: string;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  readonly timeoutMs?: number;
  /** Bytes received so far and the total when the server said it (log download). */
  readonly onDownloadProgress?: (loaded: number, total: number | undefined) => void;
}

export interface LogQuery {
  readonly offset?: number;
  readonly limit?: number;
  readonly tail?: number;
}

const PROCESS_BASE = '/bin/guides/v1/assets/process';
const CSRF_PATH = '/libs/granite/csrf/token.json';
const DEFAULT_TIMEOUT_MS = 30_000;
/** A JSON answer larger than this is not a log page or a job list; refuse it rather than exhaust memory. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

interface RawRequest {
  readonly operation: AemOperation;
  readonly method: Method;
  readonly path: string;
  readonly params?: Record<string, string | number>;
  readonly body?: unknown;
  readonly binary?: boolean;
  /** A JSON 404 means the named thing is missing (job, folder) rather than the endpoint. */
  readonly notFoundMeansItem?: boolean;
  readonly options?: RequestOptions;
}

export class AemGuidesClient {
  readonly baseUrl: string;
  readonly serverName: string;
  private readonly http: AxiosInstance;

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    const url = new URL(this.baseUrl); // throws on a malformed URL: the caller validated it
    this.serverName = opts.serverName ?? url.host;
    this.http = axios.create({
      baseURL: this.baseUrl,
      // We map every status ourselves and parse bodies ourselves (to tell HTML from JSON).
      validateStatus: () => true,
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      // Leave proxying to the host (VS Code patches Node's agents); axios' own env handling would fight it.
      proxy: false,
      headers: { 'User-Agent': opts.userAgent ?? 'aem-guides-vscode', Accept: 'application/json' },
    });
  }

  // ---- endpoints -------------------------------------------------------------------------------

  /** Starts bulk processing; input is checked first and refused without a request. Returns the processing id. */
  async startProcessing(input: StartRequest, options?: RequestOptions): Promise<string> {
    const checked = checkStartRequest(input);
    if (!checked.ok) {
      throw this.error('invalidInput', 'start', { problems: checked.problems.map(englishProblem) });
    }
    const body = await this.json({ operation: 'start', method: 'POST', path: PROCESS_BASE, body: checked.request, options });
    return this.parse('start', () => parseStartResponse(body));
  }

  async getStatus(processingId: string, options?: RequestOptions): Promise<Job> {
    const params = this.idParams('status', processingId);
    const body = await this.json({ operation: 'status', method: 'GET', path: `${PROCESS_BASE}/status`, params, notFoundMeansItem: true, options });
    return this.parse('status', () => parseJob(body));
  }

  /** One page of a job's log: `offset`/`limit` to page forward, or `tail` for the last lines. */
  async getLogs(processingId: string, query: LogQuery = {}, options?: RequestOptions): Promise<LogPage> {
    const params: Record<string, string | number> = this.idParams('logs', processingId);
    for (const key of ['offset', 'limit', 'tail'] as const) {
      const value = query[key];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 0) {
        throw this.error('invalidInput', 'logs', { problems: [`${key} must be a non-negative integer`] });
      }
      params[key] = value;
    }
    const body = await this.json({ operation: 'logs', method: 'GET', path: `${PROCESS_BASE}/logs`, params, notFoundMeansItem: true, options });
    return this.parse('logs', () => parseLogPage(body, query.offset));
  }

  /**
   * The job's log files: the ZIP itself when the server sends one, or the list of paths when it
   * sends `{logFilePaths}`. The answer's content type decides; a body that matches neither is an error.
   */
  async downloadLogs(processingId: string, options?: RequestOptions): Promise<LogDownload> {
    const params = this.idParams('downloadLogs', processingId);
    const res = await this.send({ operation: 'downloadLogs', method: 'GET', path: `${PROCESS_BASE}/logs/download`, params, binary: true, notFoundMeansItem: true, options });
    const data = toBytes(res.data);
    const type = contentType(res);
    if (type.includes('json')) {
      const body = this.parseJsonText('downloadLogs', new TextDecoder().decode(data), type);
      return { kind: 'paths', paths: this.parse('downloadLogs', () => parseLogFilePaths(body)) };
    }
    const isZip = data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
    const empty = data.length === 22 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x05 && data[3] === 0x06;
    if (!isZip && !empty) {
      throw this.error('protocol', 'downloadLogs', { status: res.status, detail: type ? `a ${type} body that is not a ZIP` : 'a body that is not a ZIP' });
    }
    const fileName = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(String(res.headers['content-disposition'] ?? ''))?.[1];
    return fileName ? { kind: 'zip', data, fileName: decodeURIComponent(fileName) } : { kind: 'zip', data };
  }

  async cancel(processingId: string, options?: RequestOptions): Promise<void> {
    await this.jobAction('cancel', processingId, options);
  }

  /** Resumes a cancelled or failed job from its last checkpoint (same processing id). */
  async resume(processingId: string, options?: RequestOptions): Promise<void> {
    await this.jobAction('resume', processingId, options);
  }

  /** The server's recent executions, in the server's order (newest first). */
  async getHistory(options?: RequestOptions): Promise<Job[]> {
    const body = await this.json({ operation: 'history', method: 'GET', path: `${PROCESS_BASE}/history`, options });
    return this.parse('history', () => parseHistory(body));
  }

  async fetchCsrfToken(options?: RequestOptions): Promise<string> {
    const body = await this.json({ operation: 'csrf', method: 'GET', path: CSRF_PATH, options });
    return this.parse('csrf', () => parseCsrfToken(body));
  }

  /** One page of a DAM folder through the Assets HTTP API; hidden entries are left out. */
  async listFolder(folderPath: string, page: { offset?: number; limit?: number } = {}, options?: RequestOptions): Promise<DamFolderPage> {
    const problem = checkDamPath(folderPath);
    if (problem) throw this.error('invalidInput', 'listFolder', { problems: [englishProblem(problem)] });
    const below = folderPath.slice(DAM_ROOT.length); // '' or '/a/b'
    const path = `/api/assets${below.split('/').map(encodeURIComponent).join('/')}.json`;
    const offset = page.offset ?? 0;
    const params: Record<string, number> = { offset };
    if (page.limit !== undefined) params['limit'] = page.limit;
    const body = await this.json({ operation: 'listFolder', method: 'GET', path, params, notFoundMeansItem: true, options });
    return this.parse('listFolder', () => parseDamFolder(body, folderPath, offset));
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private idParams(operation: AemOperation, processingId: string): Record<string, string> {
    if (!checkProcessingId(processingId)) {
      throw this.error('invalidInput', operation, { problems: [`"${processingId}" is not a processing id`] });
    }
    return { processingId };
  }

  /** cancel and resume: the docs do not say where the id goes, so it goes both in the query and the body. */
  private async jobAction(operation: 'cancel' | 'resume', processingId: string, options?: RequestOptions): Promise<void> {
    const params = this.idParams(operation, processingId);
    await this.send({ operation, method: 'POST', path: `${PROCESS_BASE}/${operation}`, params, body: { processingId }, notFoundMeansItem: true, options });
  }

  private async json(req: RawRequest): Promise<unknown> {
    const res = await this.send(req);
    return this.parseJsonText(req.operation, typeof res.data === 'string' ? res.data : '', contentType(res), res.status);
  }

  private parseJsonText(operation: AemOperation, text: string, type: string, status?: number): unknown {
    if (type.includes('html') || /^\s*</.test(text)) {
      // AEM's habit: the login form with 200 instead of 401.
      if (looksLikeLoginPage(text)) throw this.error('unauthorized', operation, { status, loginPage: true });
      throw this.error('protocol', operation, { status, detail: 'an HTML page instead of JSON' });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.error('protocol', operation, { status, detail: text.trim() === '' ? 'an empty body' : 'a body that is not valid JSON' });
    }
  }

  private parse<T>(operation: AemOperation, parse: () => T): T {
    try {
      return parse();
    } catch (e) {
      if (e instanceof SchemaError) throw this.error('protocol', operation, { detail: e.message });
      throw e;
    }
  }

  /** Sends one request; POSTs carry a fresh CSRF token and are retried once on 403 with a new one. */
  private async send(req: RawRequest): Promise<AxiosResponse> {
    if (req.method !== 'POST') return this.sendOnce(req, undefined);
    const first = await this.sendOnce(req, await this.fetchCsrfToken(req.options));
    if (first.status !== 403) return first;
    return this.sendOnce(req, await this.fetchCsrfToken(req.options), true);
  }

  private async sendOnce(req: RawRequest, csrfToken: string | undefined, lastTry = false): Promise<AxiosResponse> {
    const headers: Record<string, string> = {};
    const credentials = await this.opts.credentials();
    if (credentials?.kind === 'basic') {
      headers['Authorization'] = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
    } else if (credentials?.kind === 'bearer') {
      headers['Authorization'] = `Bearer ${credentials.token}`;
    }
    if (csrfToken !== undefined) headers['CSRF-Token'] = csrfToken;
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';

    const timeoutMs = req.options?.timeoutMs ?? this.timeoutMs();
    const deadline = new AbortController();
    let timer = setTimeout(() => deadline.abort(), timeoutMs);
    // A download may take long; it times out when no byte came for timeoutMs, not after timeoutMs in all.
    const onProgress = req.binary
      ? (loaded: number, total: number | undefined): void => {
          clearTimeout(timer);
          timer = setTimeout(() => deadline.abort(), timeoutMs);
          req.options?.onDownloadProgress?.(loaded, total);
        }
      : undefined;
    const outer = req.options?.signal;
    if (outer?.aborted) throw this.error('cancelled', req.operation, {});
    const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
    let res: AxiosResponse;
    try {
      res = await this.http.request({
        method: req.method,
        url: req.path,
        params: req.params,
        data: req.body === undefined ? undefined : JSON.stringify(req.body),
        headers,
        signal,
        responseType: req.binary ? 'arraybuffer' : 'text',
        maxContentLength: req.binary ? -1 : MAX_JSON_BYTES,
        ...(onProgress ? { onDownloadProgress: progressReporter(onProgress) } : {}),
      });
    } catch (e) {
      if (outer?.aborted) throw this.error('cancelled', req.operation, {});
      if (deadline.signal.aborted) throw this.error('timeout', req.operation, {});
      throw this.networkError(req.operation, e);
    } finally {
      clearTimeout(timer);
    }
    this.checkStatus(req, res, lastTry || csrfToken === undefined);
    return res;
  }

  private checkStatus(req: RawRequest, res: AxiosResponse, final403: boolean): void {
    const status = res.status;
    if (status >= 200 && status < 300) return;
    if (status === 403 && !final403) return; // the caller retries with a fresh CSRF token
    const text = req.binary ? new TextDecoder().decode(toBytes(res.data)) : typeof res.data === 'string' ? res.data : '';
    const serverMessage = messageFromBody(text);
    const base: AemErrorDetails = { server: this.serverName, operation: req.operation, status, ...(serverMessage ? { serverMessage } : {}) };
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    switch (true) {
      case status === 401:
        throw new AemError('unauthorized', base);
      case status === 403:
        throw new AemError('forbidden', base);
      case status === 404:
        throw new AemError(req.notFoundMeansItem && isJson(res, text) ? 'notFound' : 'endpointMissing', base);
      case status === 400 || status === 422:
        throw new AemError('invalidInput', base);
      case status === 409:
        throw new AemError('conflict', base);
      case status >= 300 && status < 400:
        // A redirect here is almost always the login page of an SSO setup.
        throw new AemError('unauthorized', { ...base, loginPage: true });
      default:
        throw new AemError('server', retryAfterMs !== undefined ? { ...base, retryAfterMs } : base);
    }
  }

  private networkError(operation: AemOperation, e: unknown): AemError {
    // Only the code and a short reason: the axios error holds the request config, headers included.
    const code = (e as { code?: unknown }).code;
    const causeCode = ((e as { cause?: { code?: unknown } }).cause ?? {}).code;
    const chosen = typeof causeCode === 'string' ? causeCode : typeof code === 'string' ? code : undefined;
    if (chosen === 'ECONNABORTED' || chosen === 'ETIMEDOUT') return this.error('timeout', operation, {});
    return this.error('network', operation, chosen ? { code: chosen } : {});
  }

  private error(kind: AemError['kind'], operation: AemOperation, details: Partial<AemErrorDetails>): AemError {
    return new AemError(kind, { ...details, server: this.serverName, operation });
  }

  private timeoutMs(): number {
    const t = typeof this.opts.timeoutMs === 'function' ? this.opts.timeoutMs() : this.opts.timeoutMs;
    return t !== undefined && t > 0 ? t : DEFAULT_TIMEOUT_MS;
  }
}

function progressReporter(report: (loaded: number, total: number | undefined) => void) {
  return (event: { loaded: number; total?: number }): void => report(event.loaded, event.total || undefined);
}

function contentType(res: AxiosResponse): string {
  return String(res.headers['content-type'] ?? '').toLowerCase();
}

function isJson(res: AxiosResponse, text: string): boolean {
  if (contentType(res).includes('json')) return true;
  try {
    JSON.parse(text);
    return /^\s*[{[]/.test(text);
  } catch {
    return false;
  }
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return new Uint8Array();
}

function looksLikeLoginPage(html: string): boolean {
  return /j_username|j_security_check|granite-login|login-box|<form[^>]+login/i.test(html);
}

/** The server's explanation from a JSON error body, if it sent one. */
function messageFromBody(text: string): string | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['message', 'error', 'errorMessage', 'msg', 'title']) {
      const value = body[key];
      if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 500);
    }
  } catch {
    // Not JSON after all: no message to report.
  }
  return undefined;
}

export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
