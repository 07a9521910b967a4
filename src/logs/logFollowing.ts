/**
 * aemGuides.jobs.followLogs / stopFollowing: one output channel per followed job (language `log`, so
 * levels are coloured), fed by a LogFollower. Followed jobs and their cursors live in workspaceState,
 * so following resumes after a window reload without repeating a line.
 */
import * as vscode from 'vscode';
import type { Job } from '../api/types';
import type { Clock } from '../model/clock';
import type { JobStore } from '../model/jobStore';
import { LogFollower, type CursorStore, type FollowSummary, type LogSink, type LogSource } from '../model/logFollower';
import type { Monitor } from '../model/monitor';
import { durationWords, folderLabel, shortId, stateLabel } from '../ui/format';
import { describeError } from '../ui/messages';
import { log } from '../util/logger';

interface Followed {
  readonly follower: LogFollower;
  readonly lease: { dispose(): void };
}

export interface LogFollowingDeps {
  readonly store: JobStore;
  readonly monitor: Monitor;
  readonly state: vscode.Memento;
  readonly clock: Clock;
  /** The active server's log source and a key naming it (cursors are per server). */
  source(): { key: string; logs: LogSource } | undefined;
}

export class LogFollowing implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a job starts or stops being followed (context keys, webview buttons). */
  readonly onDidChange = this.changed.event;
  private readonly closedEmitter = new vscode.EventEmitter<{ readonly processingId: string; readonly summary: FollowSummary }>();
  /** Fires when a follower ends: the job finished and its log is drained, it was stopped, or it is gone. */
  readonly onDidClose = this.closedEmitter.event;
  private readonly subscription: { dispose(): void };
  private serverKey: string | undefined;

  constructor(private readonly deps: LogFollowingDeps) {
    this.subscription = deps.store.onDidChangeJobs((changes) => {
      for (const change of changes) {
        const entry = this.followed.get(change.id);
        if (!entry) continue;
        if (change.current) entry.follower.update(change.current.job);
      }
    });
  }

  isFollowing(processingId: string): boolean {
    return this.followed.has(processingId);
  }

  followedIds(): string[] {
    return [...this.followed.keys()];
  }

  /** Starts following (or shows the channel of a job already followed). */
  follow(processingId: string, options: { reveal?: boolean } = {}): void {
    const source = this.deps.source();
    if (!source) throw new Error(vscode.l10n.t('Connect to a server first.'));
    const tracked = this.deps.store.get(processingId);
    const channel = this.channel(processingId, tracked?.job);
    if (options.reveal !== false) channel.show(true);
    if (this.followed.has(processingId)) return;
    if (tracked && !tracked.job.active && !tracked.job.hasLogs) {
      channel.appendLine(vscode.l10n.t('This job has no logs.'));
      return;
    }
    this.serverKey = source.key;
    const follower = new LogFollower(processingId, source.logs, this.sink(processingId, channel), this.cursors(), {
      initialLines: Math.max(0, vscode.workspace.getConfiguration('aemGuides').get<number>('logs.initialLines', 500)),
      intervalMs: () => Math.max(1, vscode.workspace.getConfiguration('aemGuides').get<number>('pollInterval', 5)) * 1000,
      clock: this.deps.clock,
      onError: (e) => log.warn(`Reading the log of ${processingId} failed, will retry: ${describeError(e)}`),
    });
    this.followed.set(processingId, { follower, lease: this.deps.monitor.acquire('log') });
    void this.saveFollowedList();
    follower.start(tracked?.job);
    this.changed.fire();
  }

  stop(processingId: string): boolean {
    const entry = this.followed.get(processingId);
    if (!entry) return false;
    entry.follower.stop();
    return true;
  }

  /** Resumes following the jobs that were followed on this server before a reload. */
  restore(): void {
    const source = this.deps.source();
    if (!source) return;
    for (const id of this.deps.state.get<string[]>(listKey(source.key), [])) {
      try {
        this.follow(id, { reveal: false });
      } catch (e) {
        log.error(`Could not resume following ${id}`, e);
      }
    }
  }

  /** Server switch or sign-out: followers stop (their channels stay readable); saved state stays for next time. */
  stopAll(): void {
    const ids = [...this.followed.keys()];
    for (const id of ids) {
      const entry = this.followed.get(id)!;
      this.followed.delete(id);
      entry.lease.dispose();
      entry.follower.stop();
    }
    if (ids.length > 0) this.changed.fire();
  }

  private channel(processingId: string, job: Job | undefined): vscode.OutputChannel {
    let channel = this.channels.get(processingId);
    if (!channel) {
      // Resumed after a reload, the job store is still empty: the name saved when following started keeps the folder.
      const name = job
        ? `AEM Guides: ${folderLabel(job.path)} (${shortId(processingId)})`
        : (this.deps.state.get<string>(channelNameKey(processingId)) ?? `AEM Guides: ${shortId(processingId)}`);
      if (job) void this.deps.state.update(channelNameKey(processingId), name);
      channel = vscode.window.createOutputChannel(name, 'log');
      this.channels.set(processingId, channel);
    }
    return channel;
  }

  private sink(processingId: string, channel: vscode.OutputChannel): LogSink {
    return {
      skipped: (earlier) =>
        channel.appendLine(
          vscode.l10n.t('[{0} earlier lines not shown. Run "AEM Guides: Open Full Log" to read the whole log.]', earlier.toLocaleString()),
        ),
      // One append per page: a job writing thousands of lines a second costs one call per read.
      append: (lines) => channel.append(lines.join('\n') + '\n'),
      close: (summary) => this.closed(processingId, channel, summary),
    };
  }

  private closed(processingId: string, channel: vscode.OutputChannel, summary: FollowSummary): void {
    const entry = this.followed.get(processingId);
    if (entry) {
      this.followed.delete(processingId);
      entry.lease.dispose();
    }
    if (summary.reason === 'finished' && summary.job) {
      channel.appendLine(closingLine(summary.job));
      void this.forgetCursor(processingId);
    } else if (summary.reason === 'notFound') {
      channel.appendLine(vscode.l10n.t('[The server no longer knows this job; following stopped.]'));
      void this.forgetCursor(processingId);
    } else if (entry) {
      channel.appendLine(vscode.l10n.t('[Following stopped.]'));
    }
    if (summary.reason !== 'stopped' || entry) void this.saveFollowedList();
    this.changed.fire();
    this.closedEmitter.fire({ processingId, summary });
  }

  private cursors(): CursorStore {
    const key = this.serverKey ?? '';
    return {
      get: (id) => this.deps.state.get<number>(cursorKey(key, id)),
      set: async (id, next) => {
        await this.deps.state.update(cursorKey(key, id), next);
      },
    };
  }

  private async forgetCursor(processingId: string): Promise<void> {
    await this.deps.state.update(channelNameKey(processingId), undefined);
    if (this.serverKey !== undefined) await this.deps.state.update(cursorKey(this.serverKey, processingId), undefined);
  }

  private async saveFollowedList(): Promise<void> {
    if (this.serverKey !== undefined) await this.deps.state.update(listKey(this.serverKey), [...this.followed.keys()]);
  }

  dispose(): void {
    // A window closing is not a user stopping: keep the followed list and cursors for the next session.
    for (const entry of this.followed.values()) entry.lease.dispose();
    this.followed.clear();
    this.subscription.dispose();
    for (const channel of this.channels.values()) channel.dispose();
    this.changed.dispose();
    this.closedEmitter.dispose();
  }
}

function listKey(server: string): string {
  return `aemGuides.followed:${server}`;
}

function channelNameKey(id: string): string {
  return `aemGuides.logChannelName:${id}`;
}

function cursorKey(server: string, id: string): string {
  return `aemGuides.logCursor:${server}:${id}`;
}

export function closingLine(job: Job): string {
  const took = job.startedAt !== undefined && job.completedAt !== undefined ? durationWords(job.completedAt - job.startedAt) : undefined;
  const counts = job.totalFiles !== undefined ? `${job.triggeredCount} / ${job.totalFiles}` : String(job.triggeredCount);
  return took
    ? vscode.l10n.t('──── {0} ({1}) after {2}: {3} assets processed. Following stopped. ────', stateLabel(job), job.status, took, counts)
    : vscode.l10n.t('──── {0} ({1}): {2} assets processed. Following stopped. ────', stateLabel(job), job.status, counts);
}
