/**
 * User actions on jobs: start, cancel, resume, re-run. Each goes to the server, then tells the store
 * (a started job shows at once) and the monitor (poll fast for a while). No `vscode` here.
 */
import type { RequestOptions } from '../api/client';
import { ASSET_PROCESSING, type Job, type StartFilter, type StartRequest } from '../api/types';
import type { Clock } from './clock';
import type { JobStore, TrackedJob } from './jobStore';

/** The part of AemGuidesClient that actions need. */
export interface JobActionsClient {
  startProcessing(request: StartRequest, options?: RequestOptions): Promise<string>;
  cancel(processingId: string, options?: RequestOptions): Promise<void>;
  resume(processingId: string, options?: RequestOptions): Promise<void>;
  getStatus(processingId: string, options?: RequestOptions): Promise<Job>;
}

export interface UserActionListener {
  noteUserAction(): void;
}

export class NoServerError extends Error {
  override readonly name = 'NoServerError';
  constructor() {
    super('No AEM Guides server is connected.');
  }
}

export class JobService {
  constructor(
    private readonly store: JobStore,
    private readonly monitor: UserActionListener,
    private readonly client: () => JobActionsClient | undefined,
    private readonly clock: Clock,
  ) {}

  /** Starts a job; input is checked by the client before any request. Returns the processing id. */
  async start(request: StartRequest, options?: RequestOptions): Promise<string> {
    const id = await this.requireClient().startProcessing(request, options);
    this.store.addStarted(id, request, this.clock.now());
    this.monitor.noteUserAction();
    return id;
  }

  async cancel(processingId: string, options?: RequestOptions): Promise<void> {
    await this.requireClient().cancel(processingId, options);
    this.monitor.noteUserAction();
  }

  /** Resumes from the checkpoint; the job keeps its id and this window follows it to the end. */
  async resume(processingId: string, options?: RequestOptions): Promise<void> {
    await this.requireClient().resume(processingId, options);
    this.store.markStartedHere(processingId);
    this.monitor.noteUserAction();
  }

  /** A new job with the same path, exclusions, type and filter (there is no restart endpoint). */
  async rerun(job: Job, options?: RequestOptions): Promise<string> {
    return this.start(rerunRequest(job), options);
  }

  /** A job this window has not seen yet (an id from a notification, a script or a keybinding). */
  async lookup(processingId: string, options?: RequestOptions): Promise<TrackedJob> {
    const job = await this.requireClient().getStatus(processingId, options);
    this.store.applyStatus(job, this.clock.now());
    const tracked = this.store.get(processingId);
    if (!tracked) throw new Error(`The server answered for ${processingId} but the job could not be kept.`);
    return tracked;
  }

  private requireClient(): JobActionsClient {
    const client = this.client();
    if (!client) throw new NoServerError();
    return client;
  }
}

/** The start request that repeats a job, as Adobe's "Restart" does. */
export function rerunRequest(job: Job): StartRequest {
  const request: { path: string; type: string; excludedPaths?: string[]; filter?: StartFilter } = {
    path: job.path,
    type: job.type || ASSET_PROCESSING,
  };
  if (job.excludedPaths.length > 0) request.excludedPaths = [...job.excludedPaths];
  const f = job.filter;
  if (f) {
    const filter: { fileTypes?: string[]; startTime?: number; endTime?: number; filterProcessedAssets?: boolean } = {};
    if (f.fileTypes.length > 0) filter.fileTypes = [...f.fileTypes];
    if (f.startTime !== undefined) filter.startTime = f.startTime;
    if (f.endTime !== undefined) filter.endTime = f.endTime;
    if (f.filterProcessedAssets) filter.filterProcessedAssets = true;
    if (Object.keys(filter).length > 0) request.filter = filter;
  }
  return request;
}
