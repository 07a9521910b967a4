/** Test helpers for the emulator suites: a small fetch-based client, a waiter and a ZIP reader. */
import type { Emulator, JobView } from './server';

export const PROCESS = '/bin/guides/v1/assets/process';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  body: unknown;
}

export class TestClient {
  /** `auth` null = anonymous. */
  constructor(readonly emu: Emulator, readonly auth: string | null = emu.basicAuthHeader()) {}

  async request(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.auth) headers.Authorization = this.auth;
    if (method === 'POST' && init.csrf !== false) headers['CSRF-Token'] = await this.csrf();
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${this.emu.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  get(path: string): Promise<HttpResult> {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown, csrf = true): Promise<HttpResult> {
    return this.request('POST', path, { body, csrf });
  }

  async csrf(): Promise<string> {
    const res = await fetch(`${this.emu.url}/libs/granite/csrf/token.json`, { headers: this.auth ? { Authorization: this.auth } : {} });
    return ((await res.json()) as { token: string }).token;
  }

  async start(body: Record<string, unknown>): Promise<string> {
    const res = await this.post(PROCESS, { type: 'ASSET_PROCESSING', ...body });
    if (res.status !== 200) throw new Error(`start failed: ${res.status} ${res.text}`);
    return (res.body as { processingId: string }).processingId;
  }

  async status(id: string): Promise<JobView> {
    const res = await this.get(`${PROCESS}/status?processingId=${id}`);
    if (res.status !== 200) throw new Error(`status failed: ${res.status} ${res.text}`);
    return res.body as JobView;
  }

  async waitFor(id: string, pred: (j: JobView) => boolean, timeoutMs = 10_000): Promise<JobView> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const j = await this.status(id);
      if (pred(j)) return j;
      if (Date.now() > until) throw new Error(`timed out waiting; last status ${JSON.stringify(j)}`);
      await sleep(10);
    }
  }

  waitDone(id: string, timeoutMs = 10_000): Promise<JobView> {
    return this.waitFor(id, (j) => !j.cancellable, timeoutMs);
  }

  /** The whole log, read page by page the way a following client does. */
  async allLogs(id: string, page = 5000): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const res = await this.get(`${PROCESS}/logs?processingId=${id}&offset=${out.length}&limit=${page}`);
      const b = res.body as { lines: string[]; hasMore: boolean };
      out.push(...b.lines);
      if (!b.hasMore) return out;
    }
  }

  control(path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.emu.url}/emulator/control${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Counts lines `Processed <path> (` per path. */
export function processedCounts(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of lines) {
    const m = / INFO \[AssetProcessor\] Processed (\S+) \(uuid /.exec(l);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
}

export { readZip, type ZipEntry } from '../support/zipReader';
