/**
 * The emulator seen from the test's side (Node, plain fetch): its loopback control endpoint (behaviour, injected
 * failures, accepted credentials; see the JSDoc of test/emulator/server.ts) and its AEM Guides API as another
 * person or a script would use it (start a job the extension did not start, read a job's status).
 */
import { EMULATOR_PASSWORD, EMULATOR_USER } from '../support/emulator';

/** What the emulator's history and status answers hold (the fields the tests read). */
export interface EmulatorJob {
  processingId: string;
  path: string;
  status: string;
  triggeredCount: number;
  migrationSet?: { totalFiles: number; calculationStatus: string } | null;
  comments?: string | null;
}

export interface Behaviour {
  /** Assets processed per second per job. */
  rate?: number;
  /** How long a job counts its files (WAITING) before it processes. */
  countMs?: number;
  failRate?: number;
  downloadMode?: 'zip' | 'paths';
  loginPage?: boolean;
}

const PROCESS = '/bin/guides/v1/assets/process';
const FINISHED = new Set(['SUCCESS', 'FAILED', 'CANCELLED']);

export class EmulatorControl {
  /** The password the API calls use; follows `setPassword`. */
  private password = EMULATOR_PASSWORD;

  constructor(readonly url: string) {}

  // ---- control endpoint (no auth) ----

  behaviour(changes: Behaviour): Promise<Behaviour> {
    return this.control('POST', '/behaviour', changes) as Promise<Behaviour>;
  }

  /** Fails an active job now, as a repository error would, with these comments. */
  failJob(processingId: string, comments: string): Promise<EmulatorJob> {
    return this.control('POST', `/jobs/${encodeURIComponent(processingId)}/fail`, { comments }) as Promise<EmulatorJob>;
  }

  /** Appends `count` synthetic lines to a job's log (a finished job's too); returns the log's new line count. */
  async appendLines(processingId: string, count: number): Promise<number> {
    const answer = (await this.control('POST', `/jobs/${encodeURIComponent(processingId)}/append-lines`, { count })) as {
      lineCount: number;
    };
    return answer.lineCount;
  }

  /** The administrator changes the password of the default user. */
  async setPassword(password: string): Promise<void> {
    await this.control('POST', '/auth', { users: [{ name: EMULATOR_USER, password }] });
    this.password = password;
  }

  stats(): Promise<{ requests: number; jobs: number }> {
    return this.control('GET', '/stats') as Promise<{ requests: number; jobs: number }>;
  }

  private async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}/emulator/control${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /emulator/control${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }

  // ---- the AEM Guides API, as another user of the server ----

  /** Starts processing a folder outside VS Code (someone else, a script); returns the processing id. */
  async startJob(path: string): Promise<string> {
    const token = ((await this.api('GET', '/libs/granite/csrf/token.json')) as { token: string }).token;
    const started = (await this.api('POST', PROCESS, { path, type: 'ASSET_PROCESSING', excludedPaths: [] }, token)) as {
      processingId: string;
    };
    return started.processingId;
  }

  async history(): Promise<EmulatorJob[]> {
    return ((await this.api('GET', `${PROCESS}/history`)) as { executionHistory: EmulatorJob[] }).executionHistory;
  }

  async job(processingId: string): Promise<EmulatorJob> {
    return (await this.api('GET', `${PROCESS}/status?processingId=${encodeURIComponent(processingId)}`)) as EmulatorJob;
  }

  /** The job's whole log, read page by page as any client of the API would. */
  async logLines(processingId: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const page = (await this.api(
        'GET',
        `${PROCESS}/logs?processingId=${encodeURIComponent(processingId)}&offset=${lines.length}&limit=10000`,
      )) as { lines: string[]; hasMore: boolean };
      lines.push(...page.lines);
      if (!page.hasMore || page.lines.length === 0) return lines;
    }
  }

  /** Polls the job's status until `done` holds for it. */
  async waitForJob(processingId: string, done: (job: EmulatorJob) => boolean, timeoutMs = 20000): Promise<EmulatorJob> {
    const deadline = Date.now() + timeoutMs;
    let job = await this.job(processingId);
    while (!done(job)) {
      if (Date.now() > deadline) throw new Error(`Job ${processingId} is still ${JSON.stringify(job)} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await this.job(processingId);
    }
    return job;
  }

  /** The newest unfinished job on `path`, once the emulator has it (a job someone just started). */
  async activeJobOn(path: string, timeoutMs = 10000): Promise<EmulatorJob> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = (await this.history()).find((j) => j.path === path && !FINISHED.has(j.status));
      if (job) return job;
      if (Date.now() > deadline) throw new Error(`No active job on ${path} in the emulator after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Waits until the job has counted its files and returns how many it will process. */
  async counted(processingId: string): Promise<number> {
    const job = await this.waitForJob(processingId, (j) => j.migrationSet?.calculationStatus === 'SUCCESS');
    return job.migrationSet?.totalFiles ?? 0;
  }

  private async api(method: 'GET' | 'POST', path: string, body?: unknown, csrf?: string): Promise<unknown> {
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${EMULATOR_USER}:${this.password}`).toString('base64')}`,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (csrf) headers['CSRF-Token'] = csrf;
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
}
