/**
 * The Asset Processing view: the tree, its description (the active server), its message and the
 * `aemGuides.connectionState` context key that picks the welcome content, and the interest lease
 * that makes the monitor poll at the normal pace only while the view is visible.
 */
import * as vscode from 'vscode';
import { isAemError } from '../api/errors';
import type { Connections } from '../connection/connections';
import type { JobStore } from '../model/jobStore';
import type { Monitor, MonitorState } from '../model/monitor';
import { describeError, shortReason } from '../ui/messages';
import { JobsTreeProvider, type TreeNode } from './jobsTreeProvider';

/** Drives the welcome views (`aemGuides.connectionState` in package.json's viewsWelcome). */
export type ConnectionState = 'noServer' | 'signedOut' | 'unauthorized' | 'unreachable' | 'connected';

export interface JobsViewDeps {
  readonly store: JobStore;
  readonly monitor: Monitor;
  readonly connections: Connections;
  isFollowing(processingId: string): boolean;
}

export function isUnauthorized(state: MonitorState): boolean {
  return state.kind === 'error' && isAemError(state.error) && state.error.kind === 'unauthorized';
}

export class JobsView implements vscode.Disposable {
  readonly tree: JobsTreeProvider;
  private readonly view: vscode.TreeView<TreeNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private viewLease: { dispose(): void } | undefined;
  private state: ConnectionState | undefined;
  private treeKey: string | undefined;

  constructor(private readonly deps: JobsViewDeps) {
    const { store, monitor, connections } = deps;
    this.tree = new JobsTreeProvider({
      store,
      isFollowing: (id) => deps.isFollowing(id),
      state: () => {
        const active = connections.active;
        if (!active?.hasSecret || isUnauthorized(monitor.state)) return undefined;
        return { serverName: active.config.name, monitor: monitor.state };
      },
    });
    this.view = vscode.window.createTreeView<TreeNode>('aemGuides.jobs', { treeDataProvider: this.tree, showCollapseAll: false });
    this.onVisibility(this.view.visible);
    this.disposables.push(this.tree, this.view, this.view.onDidChangeVisibility((e) => this.onVisibility(e.visible)));
  }

  /** The value of the `aemGuides.connectionState` context key. */
  get connectionState(): ConnectionState | undefined {
    return this.state;
  }

  /** Recomputes the connection state, the view's description and message, and the tree's root. */
  update(): void {
    const { connections, monitor, store } = this.deps;
    const active = connections.active;
    const state: ConnectionState = !active
      ? 'noServer'
      : !active.hasSecret
        ? 'signedOut'
        : isUnauthorized(monitor.state)
          ? 'unauthorized'
          : monitor.state.kind === 'error' && store.all().length === 0
            ? 'unreachable'
            : 'connected';
    const m = monitor.state;
    // Called at every monitor tick: set the view's texts only when they change (each set is a message to the workbench).
    const description = active?.config.name;
    const message = (state === 'unreachable' || state === 'unauthorized') && m.kind === 'error' ? describeError(m.error) : undefined;
    if (this.view.description !== description) this.view.description = description;
    if (this.view.message !== message) this.view.message = message;
    if (state !== this.state) {
      this.state = state;
      void vscode.commands.executeCommand('setContext', 'aemGuides.connectionState', state);
    }
    // The monitor reports every tick; the tree's root changes only with the kind of state or its error.
    const treeKey = `${active?.config.name}|${state}|${m.kind}|${m.kind === 'error' ? shortReason(m.error) : ''}`;
    if (treeKey !== this.treeKey) {
      this.treeKey = treeKey;
      this.tree.refreshAll();
    }
  }

  /** Selects a job's row when the view is visible (after a start from here). */
  reveal(processingId: string): void {
    const node = this.tree.nodeFor(processingId);
    // reveal fails when the row is not rendered yet; the row is there anyway, so nothing is lost.
    if (node && this.view.visible) void this.view.reveal(node, { select: true, focus: false }).then(undefined, () => undefined);
  }

  private onVisibility(visible: boolean): void {
    if (visible && !this.viewLease) this.viewLease = this.deps.monitor.acquire('view');
    if (!visible && this.viewLease) {
      this.viewLease.dispose();
      this.viewLease = undefined;
    }
  }

  dispose(): void {
    this.viewLease?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
