/** Reads a job's whole log page by page, reporting progress; no `vscode` here. */
import type { RequestOptions } from '../api/client';
import type { LogSource } from './logFollower';

export interface FullLogProgress {
  readonly linesRead: number;
  /** True when the server said more pages follow. */
  readonly hasMore: boolean;
}

export interface FullLog {
  readonly lines: string[];
  /** False when reading was cancelled before the end. */
  readonly complete: boolean;
}

/** Pages through the log from line 0; stops early (complete: false) when the signal aborts. */
export async function readFullLog(
  source: LogSource,
  processingId: string,
  options: { pageSize?: number; signal?: AbortSignal; onProgress?: (p: FullLogProgress) => void } = {},
): Promise<FullLog> {
  const lines: string[] = [];
  const pageSize = options.pageSize ?? 10_000;
  const request: RequestOptions = options.signal ? { signal: options.signal } : {};
  for (;;) {
    if (options.signal?.aborted) return { lines, complete: false };
    const page = await source.getLogs(processingId, { offset: lines.length, limit: pageSize }, request);
    // Lines already read are never appended again, whatever offset the server claims.
    const skip = Math.max(0, lines.length - page.offset);
    for (let i = skip; i < page.lines.length; i++) lines.push(page.lines[i]!);
    options.onProgress?.({ linesRead: lines.length, hasMore: page.hasMore });
    if (!page.hasMore || page.lines.length === 0) return { lines, complete: true };
  }
}
