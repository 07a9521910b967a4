/**
 * The Asset Processing tree: Active and History groups read from the job store; errors shown in
 * place as nodes with a Retry action. It only translates the model; it never calls HTTP.
 */
import * as vscode from 'vscode';
import type { Job } from '../api/types';
import type { JobChange, JobStore, TrackedJob } from '../model/jobStore';
import type { MonitorState } from '../model/monitor';
import { dateTime, durationWords, etaText, folderLabel, progressText, stateIcon, stateLabel } from '../ui/format';
import { shortReason } from '../ui/messages';
import { contextTags, layoutOf, renderPlan, type GroupId, type TreeLayout } from './treeModel';

export class GroupNode {
  readonly kind = 'group';
  constructor(readonly group: GroupId) {}
}

export class JobNode {
  readonly kind = 'job';
  constructor(readonly processingId: string) {}
}

export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly key: string,
    readonly label: string,
    readonly icon: vscode.ThemeIcon,
    readonly command?: vscode.Command,
    readonly tooltip?: string,
    readonly contextValue?: string,
  ) {}
}

export type TreeNode = GroupNode | JobNode | MessageNode;

export interface TreeSource {
  readonly store: JobStore;
  /** Whether the job's log is followed (adds the `following` tag). */
  isFollowing(processingId: string): boolean;
  /** Current monitor state and the active server's name (undefined: nothing to show, welcome view instead). */
  state(): { serverName: string; monitor: MonitorState } | undefined;
}

const HISTORY_LIMIT = 50;

export class JobsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly groups: Record<GroupId, GroupNode> = { active: new GroupNode('active'), history: new GroupNode('history') };
  /** Stable node objects per job, so VS Code can refresh one row. */
  private readonly jobNodes = new Map<string, JobNode>();
  private layout: TreeLayout = { active: [], history: [] };
  private readonly subscription: { dispose(): void };

  constructor(private readonly source: TreeSource) {
    this.subscription = source.store.onDidChangeJobs((changes) => this.onJobsChanged(changes));
  }

  /** Re-renders one job's row (its follow state changed). */
  refreshJob(processingId: string): void {
    if (this.nodeFor(processingId)) this.changed.fire(this.jobNode(processingId));
  }

  /** Everything again (server switch, monitor state change). */
  refreshAll(): void {
    this.layout = this.currentLayout();
    this.changed.fire(undefined);
  }

  private currentLayout(): TreeLayout {
    return layoutOf(this.source.store.active(), this.source.store.recent(), HISTORY_LIMIT);
  }

  private onJobsChanged(changes: readonly JobChange[]): void {
    const before = this.layout;
    const after = this.currentLayout();
    this.layout = after;
    for (const change of changes) if (change.kind === 'removed') this.jobNodes.delete(change.id);
    const wasEmpty = before.active.length + before.history.length === 0;
    if (wasEmpty) {
      // The root may have shown a message instead of groups.
      this.changed.fire(undefined);
      return;
    }
    const plan = renderPlan(before, after, changes);
    const nodes: TreeNode[] = [...plan.groups.map((g) => this.groups[g]), ...plan.jobs.map((id) => this.jobNode(id))];
    if (nodes.length > 0) this.changed.fire(nodes);
  }

  private jobNode(id: string): JobNode {
    let node = this.jobNodes.get(id);
    if (!node) {
      node = new JobNode(id);
      this.jobNodes.set(id, node);
    }
    return node;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (!element) return this.rootChildren();
    if (element.kind !== 'group') return [];
    const ids = element.group === 'active' ? this.layout.active : this.layout.history;
    if (ids.length > 0) return ids.map((id) => this.jobNode(id));
    return element.group === 'active'
      ? [new MessageNode('no-active', vscode.l10n.t('No active jobs'), new vscode.ThemeIcon('info'), { command: 'aemGuides.jobs.start', title: vscode.l10n.t('Start Processing...') }, vscode.l10n.t('Click to start processing a DAM folder.'))]
      : [new MessageNode('no-history', vscode.l10n.t('No jobs in the server history yet'), new vscode.ThemeIcon('info'))];
  }

  private rootChildren(): TreeNode[] {
    const state = this.source.state();
    if (!state) return [];
    const known = this.layout.active.length + this.layout.history.length > 0;
    const { monitor, serverName } = state;
    if (monitor.kind === 'error') {
      // Nothing known yet: the view's message and welcome content explain and offer Retry.
      if (!known) return [];
      const age = monitor.lastSuccessAt !== undefined ? ' ' + vscode.l10n.t('Showing what was known {0} ago.', durationWords(Date.now() - monitor.lastSuccessAt)) : '';
      return [
        new MessageNode(
          'error',
          vscode.l10n.t('Cannot reach {0}: {1}', serverName, shortReason(monitor.error)),
          new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
          { command: 'aemGuides.jobs.refresh', title: vscode.l10n.t('Retry') },
          vscode.l10n.t('Click to retry now.') + age,
          'error',
        ),
        this.groups.active,
        this.groups.history,
      ];
    }
    if (!known && monitor.kind !== 'ok') {
      return [new MessageNode('loading', vscode.l10n.t('Loading jobs from {0}...', serverName), new vscode.ThemeIcon('loading~spin'))];
    }
    return [this.groups.active, this.groups.history];
  }
  getTreeItem(element: TreeNode): vscode.TreeItem {
    switch (element.kind) {
      case 'group':
        return this.groupItem(element.group);
      case 'message': {
        const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
        item.id = `message:${element.key}`;
        item.iconPath = element.icon;
        if (element.command) item.command = element.command;
        if (element.tooltip) item.tooltip = element.tooltip;
        if (element.contextValue) item.contextValue = element.contextValue;
        return item;
      }
      case 'job': {
        const tracked = this.source.store.get(element.processingId);
        return tracked ? jobItem(tracked, this.source.isFollowing(element.processingId)) : new vscode.TreeItem(element.processingId);
      }
    }
  }

  getParent(element: TreeNode): TreeNode | undefined {
    if (element.kind !== 'job') return undefined;
    if (this.layout.active.includes(element.processingId)) return this.groups.active;
    if (this.layout.history.includes(element.processingId)) return this.groups.history;
    return undefined;
  }

  /** The node of a job, for reveal(). */
  nodeFor(processingId: string): JobNode | undefined {
    return this.layout.active.includes(processingId) || this.layout.history.includes(processingId) ? this.jobNode(processingId) : undefined;
  }

  private groupItem(group: GroupId): vscode.TreeItem {
    const count = group === 'active' ? this.layout.active.length : this.layout.history.length;
    const item = new vscode.TreeItem(
      group === 'active' ? vscode.l10n.t('Active') : vscode.l10n.t('History'),
      vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = `group:${group}`;
    item.description = count > 0 ? String(count) : undefined;
    item.contextValue = `group ${group}`;
    item.iconPath = new vscode.ThemeIcon(group === 'active' ? 'run-all' : 'history');
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function jobItem(tracked: TrackedJob, following: boolean): vscode.TreeItem {
  const { job } = tracked;
  const item = new vscode.TreeItem(folderLabel(job.path), vscode.TreeItemCollapsibleState.None);
  item.id = job.processingId;
  item.description = [tracked.pending ? vscode.l10n.t('Starting') : stateLabel(job), progressText(job), etaText(job, tracked.samples)].filter(Boolean).join(' · ');
  item.iconPath = tracked.pending ? new vscode.ThemeIcon('loading~spin') : stateIcon(job.state);
  item.contextValue = contextTags(tracked, following);
  item.tooltip = jobTooltip(tracked);
  item.command = { command: 'aemGuides.jobs.showDetails', title: vscode.l10n.t('Show Details'), arguments: [new JobNode(job.processingId)] };
  item.accessibilityInformation = { label: `${folderLabel(job.path)}, ${item.description}` };
  return item;
}

/** Every field, with server text added as text (never as Markdown or HTML). */
export function jobTooltip(tracked: TrackedJob): vscode.MarkdownString {
  const job: Job = tracked.job;
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = false;
  const row = (label: string, value: string | number | undefined): void => {
    if (value === undefined || value === '') return;
    md.appendMarkdown(`**${label}:** `);
    md.appendText(String(value));
    md.appendMarkdown('  \n');
  };
  md.appendMarkdown(`$(${stateIcon(job.state).id}) `);
  md.appendText(job.path || job.processingId);
  md.appendMarkdown('\n\n');
  row(vscode.l10n.t('Status'), job.status ? `${stateLabel(job)} (${job.status})` : stateLabel(job));
  if (job.totalFiles !== undefined) row(vscode.l10n.t('Progress'), `${job.triggeredCount} / ${job.totalFiles}${job.progress !== undefined ? ` (${Math.floor(job.progress * 100)}%)` : ''}`);
  else row(vscode.l10n.t('Processed'), job.triggeredCount);
  row(vscode.l10n.t('Counting'), job.calculationStatus);
  row(vscode.l10n.t('ETA'), etaText(job, tracked.samples));
  row(vscode.l10n.t('Started'), dateTime(job.startedAt));
  row(vscode.l10n.t('Completed'), dateTime(job.completedAt));
  if (job.startedAt !== undefined && job.completedAt !== undefined) row(vscode.l10n.t('Duration'), durationWords(job.completedAt - job.startedAt));
  row(vscode.l10n.t('Created by'), job.createdBy);
  row(vscode.l10n.t('Type'), job.type);
  row(vscode.l10n.t('Excluded'), job.excludedPaths.join(', '));
  if (job.filter) {
    row(vscode.l10n.t('File types'), job.filter.fileTypes.join(', '));
    row(vscode.l10n.t('Created after'), dateTime(job.filter.startTime));
    row(vscode.l10n.t('Created before'), dateTime(job.filter.endTime));
    if (job.filter.filterProcessedAssets) row(vscode.l10n.t('Skip processed assets'), vscode.l10n.t('yes'));
  }
  row(vscode.l10n.t('Comments'), job.comments);
  row(vscode.l10n.t('Logs'), job.hasLogs ? vscode.l10n.t('available') : vscode.l10n.t('none'));
  row(vscode.l10n.t('Processing id'), job.processingId);
  if (tracked.startedHere) md.appendMarkdown(`\n_${vscode.l10n.t('Started from this window')}_`);
  return md;
}
