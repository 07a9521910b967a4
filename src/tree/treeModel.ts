/**
 * What the jobs tree shows, computed without `vscode` so it is unit-tested in Node:
 * which job sits in which group, each job's context tags, and what to re-render after a change.
 */
import type { JobChange, TrackedJob } from '../model/jobStore';

export type GroupId = 'active' | 'history';

export interface TreeLayout {
  readonly active: readonly string[];
  readonly history: readonly string[];
}

export function layoutOf(active: readonly TrackedJob[], recent: readonly TrackedJob[], historyLimit: number): TreeLayout {
  return {
    active: active.map((t) => t.job.processingId),
    history: recent.slice(0, historyLimit).map((t) => t.job.processingId),
  };
}

/**
 * A job's `contextValue`: space-separated tags matched by `when` clauses with `=~`, e.g.
 * `job active cancellable hasLogs`. Actions follow the capability flags, never the status.
 */
export function contextTags(tracked: TrackedJob, following = false): string {
  const { job } = tracked;
  const tags = ['job', job.active ? 'active' : 'finished'];
  if (tracked.pending) tags.push('pending');
  if (following) tags.push('following');
  if (job.cancellable) tags.push('cancellable');
  if (job.resumable) tags.push('resumable');
  if (job.restartable) tags.push('restartable');
  if (job.hasLogs) tags.push('hasLogs');
  if (job.path !== '') tags.push('hasPath');
  return tags.join(' ');
}

export interface RenderPlan {
  /** Groups whose children (membership or order) changed: re-render them whole. */
  readonly groups: readonly GroupId[];
  /** Jobs that changed in place: re-render just them. */
  readonly jobs: readonly string[];
}

/** Only what changed is re-rendered: a group when its list changed, else the changed job rows. */
export function renderPlan(before: TreeLayout, after: TreeLayout, changes: readonly JobChange[]): RenderPlan {
  const groups: GroupId[] = [];
  if (!sameList(before.active, after.active)) groups.push('active');
  if (!sameList(before.history, after.history)) groups.push('history');
  const jobs: string[] = [];
  for (const change of changes) {
    if (change.kind !== 'updated') continue;
    const group = groupOf(after, change.id);
    if (group !== undefined && !groups.includes(group)) jobs.push(change.id);
  }
  return { groups, jobs };
}

export function groupOf(layout: TreeLayout, id: string): GroupId | undefined {
  if (layout.active.includes(id)) return 'active';
  if (layout.history.includes(id)) return 'history';
  return undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
