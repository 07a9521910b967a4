/**
 * The job engine: the state machine of bulk asset processing, driven by one timer.
 *
 * WAITING (counting, `calculationStatus` WAITING) --countMs--> IN_PROGRESS (`calculationStatus` SUCCESS)
 *   --all assets done--> SUCCESS | FAILED (some assets failed); cancel -> CANCELLED; resume of FAILED or
 *   CANCELLED -> IN_PROGRESS again (or WAITING when it was cancelled before counting finished).
 *
 * Per job only bit sets over its asset range are kept (members, done, failed); log lines go straight to disk.
 * `triggeredCount` is the number of distinct assets attempted, so it never exceeds `totalFiles` and a resume
 * that retries failed assets does not count them twice.
 */
import { randomUUID } from 'node:crypto';
import { ASSET_KINDS, AssetRange, Dam, FILE_TYPES, normaliseDamPath, pathsOverlap } from './dam';
import { LogFile, LogStore } from './logStore';
import { DebouncedWriter, readJson } from './persistence';
import { BitSet, hashUnit, hashUuid } from './prng';

export type JobStatus = 'WAITING' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'CANCELLED';
export const ASSET_PROCESSING = 'ASSET_PROCESSING';

/** Settings that may change while the emulator runs. */
export interface BehaviourOptions {
  /** Assets processed per second, per job. */
  rate: number;
  /** How long a job stays WAITING while "counting" its files. */
  countMs: number;
  /** Probability (0..1) that processing an asset fails; drawn per asset and attempt from the DAM seed. */
  failRate: number;
  /** Probability (0..1) of a WARN line for an asset. */
  warnRate: number;
  /** `zip`: `/logs/download` answers a ZIP; `paths`: it answers `{logFilePaths}` as the docs' example does. */
  downloadMode: 'zip' | 'paths';
  /** Unauthenticated requests get AEM's 200 HTML login page instead of a 401. */
  loginPage: boolean;
  /** How many jobs `/history` returns. */
  historySize: number;
}

export interface JobFilter {
  fileTypes: string[];
  filterProcessedAssets: boolean;
  startTime?: number;
  endTime?: number;
}

export interface StartRequest {
  path: string;
  excludedPaths: string[];
  type: string;
  filter: JobFilter;
}

/** The job as the API shows it (status response and history items). */
export interface JobView {
  processingId: string;
  path: string;
  excludedPaths: string[];
  status: string;
  triggeredCount: number;
  startedAt: number;
  completedAt: number;
  hasLogs: boolean;
  createdBy: string;
  type: string;
  migrationSet: { totalFiles: number; calculationStatus: 'WAITING' | 'SUCCESS' };
  eta: { value: number; unit: 'SECONDS' };
  comments: string;
  restartable: boolean;
  resumable: boolean;
  cancellable: boolean;
  filter: JobFilter;
}

/** An error the HTTP layer answers as `{message}` with this status. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface Job {
  id: string;
  path: string;
  excludedPaths: string[];
  type: string;
  createdBy: string;
  status: JobStatus;
  startedAt: number;
  completedAt: number;
  comments: string;
  filter: JobFilter;
  totalFiles: number;
  triggeredCount: number;
  range: AssetRange;
  /** Bit sets relative to `range.start`; absent until counting has finished. */
  members?: BitSet;
  done?: BitSet;
  failed?: BitSet;
  succeeded: number;
  failedCount: number;
  /** 1 for the first run, +1 per resume; part of the per-asset failure draw so a retry may succeed. */
  runs: number;
  logLines: number;
  // Transient progress of the current phase.
  cursor: number;
  phaseStartedAt: number;
  lastTickAt: number;
  carry: number;
  runProcessed: number;
}

const ACTIVE: ReadonlySet<string> = new Set(['WAITING', 'IN_PROGRESS']);

export function isActive(status: string): boolean {
  return ACTIVE.has(status);
}

/** Validates a start request; every problem is a 400 naming the field. */
export function parseStartRequest(body: unknown, dam: Dam): StartRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'The request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.path !== 'string' || b.path.trim() === '') throw new ApiError(400, 'path is required and must be a string');
  if (!b.path.startsWith('/')) throw new ApiError(400, `path must be absolute (start with /): ${b.path}`);
  const path = normaliseDamPath(b.path);
  if (!dam.exists(path)) throw new ApiError(400, `path does not exist: ${path}`);
  if (b.type === undefined || b.type === null) throw new ApiError(400, 'type is required');
  if (typeof b.type !== 'string') throw new ApiError(400, 'type must be a string');
  if (b.type !== ASSET_PROCESSING) throw new ApiError(400, `Unsupported type ${b.type}; expected ${ASSET_PROCESSING}`);
  let excludedPaths: string[] = [];
  if (b.excludedPaths !== undefined && b.excludedPaths !== null) {
    if (!Array.isArray(b.excludedPaths) || !b.excludedPaths.every((p) => typeof p === 'string' && p.trim() !== '')) {
      throw new ApiError(400, 'excludedPaths must be an array of non-empty strings');
    }
    excludedPaths = [...new Set((b.excludedPaths as string[]).map(normaliseDamPath))];
  }
  const filter: JobFilter = { fileTypes: [], filterProcessedAssets: false };
  if (b.filter !== undefined && b.filter !== null) {
    if (typeof b.filter !== 'object' || Array.isArray(b.filter)) throw new ApiError(400, 'filter must be an object');
    const f = b.filter as Record<string, unknown>;
    if (f.fileTypes !== undefined && f.fileTypes !== null) {
      if (!Array.isArray(f.fileTypes) || !f.fileTypes.every((t) => typeof t === 'string')) {
        throw new ApiError(400, 'filter.fileTypes must be an array of strings');
      }
      for (const t of f.fileTypes as string[]) {
        if (!(FILE_TYPES as readonly string[]).includes(t)) {
          throw new ApiError(400, `Unknown file type ${t}; allowed: ${FILE_TYPES.join(', ')}`);
        }
      }
      filter.fileTypes = [...new Set(f.fileTypes as string[])];
    }
    for (const key of ['startTime', 'endTime'] as const) {
      const v = f[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ApiError(400, `filter.${key} must be epoch milliseconds`);
      filter[key] = v;
    }
    if (filter.startTime !== undefined && filter.endTime !== undefined && filter.startTime > filter.endTime) {
      throw new ApiError(400, 'filter.startTime is after filter.endTime');
    }
    if (f.filterProcessedAssets !== undefined && f.filterProcessedAssets !== null) {
      if (typeof f.filterProcessedAssets !== 'boolean') throw new ApiError(400, 'filter.filterProcessedAssets must be a boolean');
      filter.filterProcessedAssets = f.filterProcessedAssets;
    }
  }
  return { path, excludedPaths, type: b.type, filter };
}

/** AEM's log timestamp, local time: `2026-12-04 15:30:01.123`. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

const WARNINGS = [
  'unresolved key reference "product-name"',
  'image reference has no alt text',
  'conref target not found; kept as is',
  'deprecated element <indexterm> in prolog',
];
const FAILURES = [
  'javax.jcr.InvalidItemStateException: item has been modified externally',
  'org.xml.sax.SAXParseException: The element type "p" must be terminated by the matching end-tag "</p>"',
  'java.util.concurrent.TimeoutException: rendition generation timed out after 60000 ms',
];

export interface EngineOptions {
  tickMs: number;
  persistDebounceMs: number;
  stateFile: string;
  otherJobTypes: boolean;
}

/** What the state file holds; DAM parameters are stored so the same tree comes back after a restart. */
export interface StoredDamParams {
  assets: number;
  depth: number;
  seed: number;
  epochMs: number;
}

export function readStoredDamParams(stateFile: string): StoredDamParams | undefined {
  const state = readJson(stateFile);
  if (typeof state !== 'object' || state === null) return undefined;
  const dam = (state as Record<string, unknown>).dam;
  if (typeof dam !== 'object' || dam === null) return undefined;
  const d = dam as Record<string, unknown>;
  if ([d.assets, d.depth, d.seed, d.epochMs].every((v) => typeof v === 'number')) {
    return { assets: d.assets as number, depth: d.depth as number, seed: d.seed as number, epochMs: d.epochMs as number };
  }
  return undefined;
}

export class Engine {
  private readonly jobs = new Map<string, Job>();
  /** Jobs of other types, shown as the real server may (null fields, missing `excludedPaths`); read-only. */
  private readonly foreign: Array<Record<string, unknown>> = [];
  private processed: BitSet;
  private timer: NodeJS.Timeout | undefined;
  private readonly writer: DebouncedWriter;
  /** True when the state file did not exist: a fresh data folder. */
  readonly fresh: boolean;

  constructor(
    readonly dam: Dam,
    readonly logs: LogStore,
    public behaviour: BehaviourOptions,
    private readonly options: EngineOptions,
  ) {
    this.processed = dam.newAssetSet();
    this.writer = new DebouncedWriter(options.stateFile, () => this.snapshot(), options.persistDebounceMs);
    this.fresh = !this.restore(Date.now());
    if (options.otherJobTypes) this.addForeignJobs(Date.now());
  }

  start(): void {
    this.timer = setInterval(() => this.tick(Date.now()), this.options.tickMs);
    this.timer.unref();
  }

  /** Stops the timer and writes the state; jobs still active stay active in the file (see `restore`). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.writer.flush();
    this.logs.closeAll();
  }

  // ---- API operations -------------------------------------------------------------------------------

  create(req: StartRequest, user: string, now = Date.now()): JobView {
    this.refuseOverlap(req.path, undefined);
    const range = this.dam.range(req.path);
    if (!range) throw new ApiError(400, `path does not exist: ${req.path}`);
    const job: Job = {
      id: randomUUID(), path: req.path, excludedPaths: req.excludedPaths, type: req.type, createdBy: user,
      status: 'WAITING', startedAt: now, completedAt: 0, comments: '', filter: req.filter, totalFiles: 0,
      triggeredCount: 0, range, succeeded: 0, failedCount: 0, runs: 1, logLines: 0,
      cursor: range.start, phaseStartedAt: now, lastTickAt: now, carry: 0, runProcessed: 0,
    };
    this.jobs.set(job.id, job);
    this.append(job, [
      `${formatTimestamp(now)} INFO [BulkAssetProcessing] Job ${job.id} of type ${job.type} created by ${user}: path=${job.path}, excludedPaths=${JSON.stringify(job.excludedPaths)}, filter=${JSON.stringify(job.filter)}`,
      `${formatTimestamp(now)} INFO [BulkAssetProcessing] Counting assets under ${job.path}`,
    ]);
    this.changed();
    return this.view(job, now);
  }

  cancel(id: string, user: string, now = Date.now()): JobView {
    const job = this.ownJob(id, 'cancel');
    if (!isActive(job.status)) throw new ApiError(409, `Job ${id} is not running (status ${job.status}); only a running job can be cancelled`);
    job.status = 'CANCELLED';
    job.completedAt = now;
    job.comments = `Cancelled by ${user} after ${job.triggeredCount} of ${job.totalFiles} assets`;
    this.append(job, [`${formatTimestamp(now)} WARN [BulkAssetProcessing] Job ${id} cancelled by ${user} after ${job.triggeredCount} of ${job.totalFiles} assets`]);
    this.logs.get(id).close();
    this.changed();
    return this.view(job, now);
  }

  resume(id: string, user: string, now = Date.now()): JobView {
    const job = this.ownJob(id, 'resume');
    if (isActive(job.status)) throw new ApiError(409, `Job ${id} is already running (status ${job.status})`);
    if (job.status === 'SUCCESS') throw new ApiError(409, `Job ${id} completed successfully; there is nothing to resume`);
    this.refuseOverlap(job.path, id);
    job.runs++;
    job.completedAt = 0;
    job.comments = '';
    job.phaseStartedAt = now;
    job.lastTickAt = now;
    job.carry = 0;
    job.runProcessed = 0;
    job.cursor = job.range.start;
    const ts = formatTimestamp(now);
    if (!job.members) {
      job.status = 'WAITING';
      this.append(job, [`${ts} INFO [BulkAssetProcessing] Resumed by ${user} before counting had finished; counting assets under ${job.path} again`]);
    } else {
      job.status = 'IN_PROGRESS';
      this.append(job, [
        `${ts} INFO [BulkAssetProcessing] Resumed from checkpoint at asset ${job.succeeded + 1} of ${job.totalFiles} by ${user}; ${job.failedCount} failed assets will be retried`,
      ]);
    }
    this.changed();
    return this.view(job, now);
  }

  /** Run-time hook: fail an active job at once, as a crash of the processing would. */
  failNow(id: string, comments: string | undefined, now = Date.now()): JobView {
    const job = this.ownJob(id, 'fail');
    if (!isActive(job.status)) throw new ApiError(409, `Job ${id} is not running (status ${job.status})`);
    job.status = 'FAILED';
    job.completedAt = now;
    job.comments = comments ?? `Processing failed at asset ${job.triggeredCount + 1} of ${job.totalFiles} (failure injected by the emulator)`;
    this.append(job, [`${formatTimestamp(now)} ERROR [BulkAssetProcessing] Job ${id} failed: ${job.comments}`]);
    this.logs.get(id).close();
    this.changed();
    return this.view(job, now);
  }

  /** Run-time hook: appends `count` synthetic lines fast (a million in about a second) to grow a log. */
  appendSyntheticLines(id: string, count: number, now = Date.now()): number {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError(404, `No job with processing id ${id}`);
    const ts = formatTimestamp(now);
    const batch = 50_000;
    for (let done = 0; done < count; ) {
      const n = Math.min(batch, count - done);
      const lines = new Array<string>(n);
      for (let k = 0; k < n; k++) lines[k] = `${ts} DEBUG [Synthetic] line ${job.logLines + k} of job ${id}`;
      this.append(job, lines);
      done += n;
    }
    if (!isActive(job.status)) this.logs.get(id).close();
    this.changed();
    return job.logLines;
  }

  status(id: string, now = Date.now()): JobView | Record<string, unknown> {
    const job = this.jobs.get(id);
    if (job) return this.view(job, now);
    const other = this.foreign.find((j) => j.processingId === id);
    if (other) return other;
    throw new ApiError(404, `No job with processing id ${id}`);
  }

  history(now = Date.now()): Array<JobView | Record<string, unknown>> {
    const all: Array<{ at: number; item: JobView | Record<string, unknown> }> = [];
    for (const job of this.jobs.values()) all.push({ at: job.startedAt, item: this.view(job, now) });
    for (const f of this.foreign) all.push({ at: typeof f.startedAt === 'number' ? f.startedAt : 0, item: f });
    all.sort((a, b) => b.at - a.at);
    return all.slice(0, Math.max(0, this.behaviour.historySize)).map((e) => e.item);
  }

  /** The job's log, or undefined when there is no such job of ours (foreign jobs have no logs). */
  log(id: string): LogFile | undefined {
    if (this.jobs.has(id)) return this.logs.get(id);
    if (this.foreign.some((j) => j.processingId === id)) return undefined;
    throw new ApiError(404, `No job with processing id ${id}`);
  }

  /** Every job known, ours and foreign, beyond the history bound. */
  jobCount(): number {
    return this.jobs.size + this.foreign.length;
  }

  hasJob(id: string): boolean {
    return this.jobs.has(id) || this.foreign.some((j) => j.processingId === id);
  }

  /** For tests: which assets a job counted, as absolute indices. */
  memberIndices(id: string): number[] {
    const job = this.jobs.get(id);
    const out: number[] = [];
    if (!job?.members) return out;
    for (let i = job.range.start; i < job.range.end; i++) if (job.members.get(i - job.range.start)) out.push(i);
    return out;
  }

  // ---- the timer -----------------------------------------------------------------------------------

  tick(now: number): void {
    let changed = false;
    for (const job of this.jobs.values()) {
      if (job.status === 'WAITING' && now - job.phaseStartedAt >= this.behaviour.countMs) {
        this.count(job, now);
        changed = true;
      } else if (job.status === 'IN_PROGRESS') {
        job.carry = Math.min(job.carry + (this.behaviour.rate * (now - job.lastTickAt)) / 1000, this.behaviour.rate * 2 + 1);
        const n = Math.floor(job.carry);
        job.carry -= n;
        if (n > 0 || job.cursor >= job.range.end) {
          this.process(job, n, job.lastTickAt, now, this.behaviour.failRate);
          changed = true;
        }
        job.lastTickAt = now;
      }
    }
    if (changed) this.changed();
  }

  private count(job: Job, now: number): void {
    const { start, end } = job.range;
    const members = job.members ?? new BitSet(end - start);
    const excluded = job.excludedPaths.map((p) => this.dam.range(p)).filter((r): r is AssetRange => r !== undefined);
    const f = job.filter;
    const types = f.fileTypes.length ? new Set(f.fileTypes) : undefined;
    let total = 0;
    let skippedByExclusion = 0;
    for (let i = start; i < end; i++) {
      if (excluded.some((r) => i >= r.start && i < r.end)) {
        skippedByExclusion++;
        continue;
      }
      if (types && !types.has(this.dam.fileType(i))) continue;
      const created = this.dam.assetCreated[i];
      if (f.startTime !== undefined && created < f.startTime) continue;
      if (f.endTime !== undefined && created > f.endTime) continue;
      if (f.filterProcessedAssets && this.processed.get(i)) continue;
      members.set(i - start);
      total++;
    }
    job.members = members;
    job.done = new BitSet(end - start);
    job.failed = new BitSet(end - start);
    job.totalFiles = total;
    job.status = 'IN_PROGRESS';
    job.cursor = start;
    job.phaseStartedAt = now;
    job.lastTickAt = now;
    job.carry = 0;
    job.runProcessed = 0;
    this.append(job, [
      `${formatTimestamp(now)} INFO [BulkAssetProcessing] Counted ${total} assets to process (${skippedByExclusion} excluded by path, ${end - start - skippedByExclusion - total} filtered out)`,
    ]);
    if (total === 0) this.finish(job, now);
  }

  /** Processes up to `n` pending assets, spreading their timestamps over `[from, to]`. */
  private process(job: Job, n: number, from: number, to: number, failRate: number): void {
    const { members, done, failed } = job;
    if (!members || !done || !failed) return;
    const lines: string[] = [];
    const seed = this.dam.options.seed;
    const warnRate = this.behaviour.warnRate;
    let k = 0;
    const { start, end } = job.range;
    while (k < n && job.cursor < end) {
      const i = job.cursor++;
      const rel = i - start;
      if (!members.get(rel) || done.get(rel)) continue;
      const ts = formatTimestamp(from + ((to - from) * (k + 1)) / Math.max(1, n));
      k++;
      const path = this.dam.assetPath(i);
      const uuid = hashUuid(seed, i);
      if (hashUnit(seed, i, job.runs, 2) < warnRate) {
        lines.push(`${ts} WARN [AssetProcessor] ${path}: ${WARNINGS[Math.floor(hashUnit(seed, i, 3) * WARNINGS.length)]}`);
      }
      const wasFailed = failed.get(rel);
      if (hashUnit(seed, i, job.runs, 1) < failRate) {
        lines.push(`${ts} ERROR [AssetProcessor] Failed to process ${path} (uuid ${uuid}): ${FAILURES[Math.floor(hashUnit(seed, i, 4) * FAILURES.length)]}`);
        if (!wasFailed) {
          failed.set(rel);
          job.failedCount++;
          job.triggeredCount++;
        }
      } else {
        if (ASSET_KINDS[this.dam.assetKind[i]].ext === 'ditamap') {
          lines.push(`${ts} INFO [MapProcessor] Resolved key definitions and topic references of ${path}`);
        }
        lines.push(`${ts} INFO [AssetProcessor] Processed ${path} (uuid ${uuid})`);
        if (wasFailed) {
          failed.clear(rel);
          job.failedCount--;
        } else {
          job.triggeredCount++;
        }
        done.set(rel);
        job.succeeded++;
        this.processed.set(i);
      }
      job.runProcessed++;
    }
    this.append(job, lines);
    if (job.cursor >= end) this.finish(job, to);
  }

  private finish(job: Job, now: number): void {
    job.completedAt = now;
    const seconds = ((now - job.startedAt) / 1000).toFixed(1);
    if (job.failedCount > 0) {
      job.status = 'FAILED';
      job.comments = `${job.failedCount} of ${job.totalFiles} assets failed to process`;
      this.append(job, [`${formatTimestamp(now)} ERROR [BulkAssetProcessing] Job ${job.id} finished with status FAILED: ${job.succeeded} processed, ${job.failedCount} failed, ${seconds} s since start`]);
    } else {
      job.status = 'SUCCESS';
      job.comments = '';
      this.append(job, [`${formatTimestamp(now)} INFO [BulkAssetProcessing] Job ${job.id} finished with status SUCCESS: ${job.succeeded} processed, 0 failed, ${seconds} s since start`]);
    }
    this.logs.get(job.id).close();
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private ownJob(id: string, action: string): Job {
    const job = this.jobs.get(id);
    if (job) return job;
    const other = this.foreign.find((j) => j.processingId === id);
    if (other) throw new ApiError(409, `Job ${id} of type ${String(other.type)} cannot ${action} here; it is finished`);
    throw new ApiError(404, `No job with processing id ${id}`);
  }

  private refuseOverlap(path: string, except: string | undefined): void {
    for (const other of this.jobs.values()) {
      if (other.id !== except && isActive(other.status) && pathsOverlap(path, other.path)) {
        throw new ApiError(409, `Asset processing is already running on ${other.path} (processing id ${other.id})`);
      }
    }
  }

  private append(job: Job, lines: string[]): void {
    if (lines.length === 0) return;
    this.logs.get(job.id).append(lines);
    job.logLines += lines.length;
  }

  private changed(): void {
    this.writer.schedule();
  }

  private view(job: Job, now: number): JobView {
    const active = isActive(job.status);
    let eta = 0;
    if (job.status === 'IN_PROGRESS') {
      const remaining = Math.max(0, job.totalFiles - job.succeeded);
      const elapsed = (now - job.phaseStartedAt) / 1000;
      const observed = job.runProcessed > 0 && elapsed >= 0.2 ? job.runProcessed / elapsed : this.behaviour.rate;
      eta = observed > 0 ? Math.ceil(remaining / observed) : 0;
    }
    return {
      processingId: job.id,
      path: job.path,
      excludedPaths: [...job.excludedPaths],
      status: job.status,
      triggeredCount: job.triggeredCount,
      startedAt: job.startedAt,
      completedAt: job.completedAt,
      hasLogs: job.logLines > 0,
      createdBy: job.createdBy,
      type: job.type,
      migrationSet: { totalFiles: job.totalFiles, calculationStatus: job.members ? 'SUCCESS' : 'WAITING' },
      eta: { value: eta, unit: 'SECONDS' },
      comments: job.comments,
      restartable: !active,
      resumable: job.status === 'FAILED' || job.status === 'CANCELLED',
      cancellable: active,
      filter: { ...job.filter, fileTypes: [...job.filter.fileTypes] },
    };
  }

  // ---- persistence -----------------------------------------------------------------------------------

  private snapshot(): unknown {
    const d = this.dam.options;
    return {
      version: 1,
      savedAt: Date.now(),
      dam: { assets: d.assets, depth: d.depth, seed: d.seed, epochMs: d.epochMs },
      processed: this.processed.toBase64(),
      jobs: [...this.jobs.values()].map((j) => ({
        id: j.id, path: j.path, excludedPaths: j.excludedPaths, type: j.type, createdBy: j.createdBy, status: j.status,
        startedAt: j.startedAt, completedAt: j.completedAt, comments: j.comments, filter: j.filter, totalFiles: j.totalFiles,
        triggeredCount: j.triggeredCount, succeeded: j.succeeded, failedCount: j.failedCount, runs: j.runs, logLines: j.logLines,
        members: j.members?.toBase64() ?? null, done: j.done?.toBase64() ?? null, failed: j.failed?.toBase64() ?? null,
      })),
    };
  }

  /** Loads the state file; returns false when there was none. */
  private restore(now: number): boolean {
    const state = readJson(this.options.stateFile);
    if (typeof state !== 'object' || state === null) return false;
    const s = state as Record<string, unknown>;
    this.processed = BitSet.fromBase64(this.dam.assetCount, s.processed);
    const savedAt = typeof s.savedAt === 'number' ? s.savedAt : now;
    const list = Array.isArray(s.jobs) ? (s.jobs as Array<Record<string, unknown>>) : [];
    for (const r of list) {
      const path = String(r.path);
      const range = this.dam.range(path);
      if (!range || typeof r.id !== 'string') continue;
      const size = range.end - range.start;
      const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
      const job: Job = {
        id: r.id, path, excludedPaths: Array.isArray(r.excludedPaths) ? (r.excludedPaths as string[]) : [],
        type: String(r.type), createdBy: String(r.createdBy), status: r.status as JobStatus,
        startedAt: num(r.startedAt), completedAt: num(r.completedAt), comments: String(r.comments ?? ''),
        filter: (r.filter as JobFilter) ?? { fileTypes: [], filterProcessedAssets: false },
        totalFiles: num(r.totalFiles), triggeredCount: num(r.triggeredCount), range,
        members: r.members ? BitSet.fromBase64(size, r.members) : undefined,
        done: r.done ? BitSet.fromBase64(size, r.done) : undefined,
        failed: r.failed ? BitSet.fromBase64(size, r.failed) : undefined,
        succeeded: num(r.succeeded), failedCount: num(r.failedCount), runs: Math.max(1, num(r.runs)), logLines: num(r.logLines),
        cursor: range.start, phaseStartedAt: now, lastTickAt: now, carry: 0, runProcessed: 0,
      };
      this.jobs.set(job.id, job);
      if (isActive(job.status)) this.recoverInterrupted(job, savedAt, now);
    }
    this.changed();
    return true;
  }

  /**
   * A job that was running when the emulator stopped comes back FAILED and resumable. If the emulator was
   * killed, the log may hold lines written after the last state save: they are replayed into the bit sets so
   * a resume neither redoes those assets nor loses their lines.
   */
  private recoverInterrupted(job: Job, savedAt: number, now: number): void {
    const log = this.logs.get(job.id);
    const actual = log.lineCount;
    if (actual > job.logLines && job.members && job.done && job.failed) {
      const re = / (?:INFO|ERROR) \[AssetProcessor\] (Processed|Failed to process) (\/\S+) \(uuid /;
      for (let from = job.logLines; from < actual; from += 10_000) {
        for (const line of log.read(from, Math.min(actual, from + 10_000))) {
          const m = re.exec(line);
          const i = m ? this.dam.assetIndex(m[2]) : -1;
          if (i < job.range.start || i >= job.range.end) continue;
          const rel = i - job.range.start;
          if (m?.[1] === 'Processed') {
            if (job.done.get(rel)) continue;
            if (job.failed.get(rel)) {
              job.failed.clear(rel);
              job.failedCount--;
            } else {
              job.triggeredCount++;
            }
            job.done.set(rel);
            job.succeeded++;
            this.processed.set(i);
          } else if (!job.done.get(rel) && !job.failed.get(rel)) {
            job.failed.set(rel);
            job.failedCount++;
            job.triggeredCount++;
          }
        }
      }
    }
    job.logLines = actual;
    job.status = 'FAILED';
    job.completedAt = Math.max(savedAt, job.startedAt);
    job.comments = `The server restarted while the job was running (${job.triggeredCount} of ${job.totalFiles} assets done); resume it to continue from its checkpoint`;
    this.append(job, [`${formatTimestamp(now)} ERROR [BulkAssetProcessing] The server restarted while job ${job.id} was running; marked FAILED at asset ${job.triggeredCount} of ${job.totalFiles}, resumable from its checkpoint`]);
    log.close();
  }

  // ---- jobs that make a fresh emulator look used ----------------------------------------------------

  /** Creates `n` finished jobs (SUCCESS, FAILED, CANCELLED in turn) with real logs, dated in the past hours. */
  seedJobs(n: number, now = Date.now()): void {
    const leaves = this.dam.folders.filter((f) => f.children.length === 0 && f.ownCount > 0);
    if (leaves.length === 0) return;
    for (let k = 0; k < n; k++) {
      const folder = leaves[(k * 7) % leaves.length];
      const at = now - (n - k) * 3_600_000;
      const view = this.create({ path: folder.path, excludedPaths: [], type: ASSET_PROCESSING, filter: { fileTypes: [], filterProcessedAssets: false } }, 'admin', at);
      const job = this.jobs.get(view.processingId);
      if (!job) continue;
      this.count(job, at + 1500);
      const outcome = k % 3;
      const t0 = at + 1500;
      const span = Math.max(1000, job.totalFiles * 40);
      if (outcome === 2) {
        this.process(job, Math.floor(job.totalFiles / 2), t0, t0 + span / 2, 0);
        if (isActive(job.status)) this.cancel(job.id, 'admin', t0 + span / 2 + 10);
      } else {
        this.process(job, job.totalFiles, t0, t0 + span, outcome === 1 ? 0.3 : 0);
        // A tiny folder may draw no failure; the job must still end as the turn says.
        if (outcome === 1 && job.status === 'SUCCESS') {
          job.status = 'FAILED';
          job.comments = 'Processing was interrupted by a repository error';
        }
      }
    }
    this.changed();
  }

  private addForeignJobs(now: number): void {
    const base = {
      triggeredCount: 12, hasLogs: false, createdBy: 'admin', migrationSet: { totalFiles: 12, calculationStatus: 'SUCCESS' },
      eta: { value: 0, unit: 'SECONDS' }, comments: '', restartable: true, resumable: false, cancellable: false,
    };
    this.foreign.push(
      { processingId: 'a1c0ffee-0000-4000-8000-000000000001', path: '/content/dam/techdocs/guides', excludedPaths: [], status: 'SUCCESS', startedAt: now - 5_400_000, completedAt: now - 5_390_000, type: 'MAP_COLLECTION', ...base, filter: { fileTypes: [], filterProcessedAssets: false } },
      { processingId: 'a1c0ffee-0000-4000-8000-000000000002', path: '/content/dam/projects/alpha', excludedPaths: ['/content/dam/projects/alpha/archive'], status: 'FAILED', startedAt: now - 9_000_000, completedAt: now - 8_990_000, type: 'BASELINE_MIGRATION', ...base, comments: 'Baseline migration failed for 2 maps' },
      // As an older server may answer: no excludedPaths, no filter, nulls where values are unknown.
      { processingId: 'a1c0ffee-0000-4000-8000-000000000003', path: '/content/dam/shared', status: 'SUCCESS', triggeredCount: 3, startedAt: now - 12_600_000, completedAt: null, hasLogs: false, createdBy: null, type: 'ASSET_PROCESSING', migrationSet: null, eta: null, comments: null, restartable: null, resumable: false, cancellable: false },
    );
  }
}
