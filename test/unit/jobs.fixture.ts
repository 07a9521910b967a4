/** Job values for unit tests: a running job, and a finished one derived from it. */
import type { Job } from '../../src/api/types';

export function running(id: string, over: Partial<Job> = {}): Job {
  return {
    processingId: id,
    path: `/content/dam/${id}`,
    excludedPaths: [],
    status: 'RUNNING',
    state: 'running',
    active: true,
    triggeredCount: 0,
    hasLogs: true,
    type: 'ASSET_PROCESSING',
    cancellable: true,
    resumable: false,
    restartable: false,
    ...over,
  };
}

export function finished(id: string, over: Partial<Job> = {}): Job {
  return running(id, { status: 'SUCCESS', state: 'succeeded', active: false, cancellable: false, restartable: true, completedAt: 5_000, ...over });
}
