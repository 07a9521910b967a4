/**
 * Our model of what the AEM Guides bulk asset processing API returns, after validation and
 * normalisation at the edge (see schema.ts). Nothing outside src/api sees the wire format.
 */

/** The file types the start request's `filter.fileTypes` accepts (api-contract.md). */
export const FILE_TYPES = ['DITATOPIC', 'DITAMAP', 'MARKDOWN', 'HTML/CSS', 'DITAVAL', 'OTHERS'] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** The only job type the start endpoint is documented to take; history may hold others. */
export const ASSET_PROCESSING = 'ASSET_PROCESSING';

/**
 * Our reading of the server's `status`. The docs show only WAITING and SUCCESS, so anything we do
 * not recognise counts as active (`unknown`) and its raw value is shown verbatim.
 */
export type JobState = 'waiting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

export interface JobFilter {
  /** As the server sent them; unknown values are kept. */
  readonly fileTypes: readonly string[];
  readonly startTime?: number;
  readonly endTime?: number;
  readonly filterProcessedAssets?: boolean;
}

export interface Eta {
  readonly value: number;
  /** Verbatim from the server (`SECONDS` is the only documented unit). */
  readonly unit: string;
  /** The ETA in milliseconds when the unit is one we know; absent for unknown units. */
  readonly ms?: number;
}

/** One bulk processing job, from the status endpoint or a history item. */
export interface Job {
  readonly processingId: string;
  /** The processed folder or asset; empty when the server did not say. */
  readonly path: string;
  readonly excludedPaths: readonly string[];
  /** The server's status, verbatim (`WAITING`, `SUCCESS`, or values never seen before). */
  readonly status: string;
  readonly state: JobState;
  /** True unless the status is a terminal one we recognise. */
  readonly active: boolean;
  readonly triggeredCount: number;
  /** Epoch ms; absent when the server sent 0, null or nothing ("not yet"). */
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly hasLogs: boolean;
  readonly createdBy?: string;
  /** `ASSET_PROCESSING` or another Bulk Processor feature type; empty when missing. */
  readonly type: string;
  /** Known only once the server has counted the files (`calculationStatus` SUCCESS). */
  readonly totalFiles?: number;
  readonly calculationStatus?: string;
  /** `triggeredCount / totalFiles` clamped to [0, 1], only when `totalFiles` is known and positive. */
  readonly progress?: number;
  readonly eta?: Eta;
  readonly comments?: string;
  readonly cancellable: boolean;
  readonly resumable: boolean;
  readonly restartable: boolean;
  readonly filter?: JobFilter;
}

export interface LogPage {
  readonly lines: readonly string[];
  /** Index of the first line in `lines`. */
  readonly offset: number;
  readonly limit: number;
  /** True when the log holds lines after the last one returned. */
  readonly hasMore: boolean;
}

/** The log download answers either the ZIP itself or, as the docs' example shows, a list of paths. */
export type LogDownload =
  | { readonly kind: 'zip'; readonly data: Uint8Array; readonly fileName?: string }
  | { readonly kind: 'paths'; readonly paths: readonly string[] };

/** What we send to start a job, after input checks (see damPath.ts). */
export interface StartRequest {
  readonly path: string;
  readonly excludedPaths?: readonly string[];
  readonly type?: string;
  readonly filter?: StartFilter;
}

export interface StartFilter {
  readonly fileTypes?: readonly string[];
  readonly startTime?: number;
  readonly endTime?: number;
  readonly filterProcessedAssets?: boolean;
}

/** One entry of a DAM folder listing (Assets HTTP API). */
export interface DamEntry {
  readonly name: string;
  readonly title?: string;
  readonly path: string;
  readonly kind: 'folder' | 'asset';
}

export interface DamFolderPage {
  readonly path: string;
  readonly title?: string;
  readonly entries: readonly DamEntry[];
  readonly total?: number;
  readonly offset: number;
  /** Offset of the next page when the server says there is one. */
  readonly nextOffset?: number;
}
