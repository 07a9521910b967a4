/**
 * Wiring only: builds the pieces, connects their events, registers everything with VS Code.
 * Nothing slow happens here: no request is made until the view is visible or a command runs.
 */
import * as vscode from 'vscode';
import { registerConnectCommands, signIn, connectFromEnvironment } from './commands/connect';
import { registerJobCommands } from './commands/jobCommands';
import { registerLogCommands } from './commands/logCommands';
import { FullLogDocuments } from './logs/fullLogDocument';
import { LogFollowing } from './logs/logFollowing';
import { recentPathsStore, startJobCommand } from './commands/startJob';
import { Connections } from './connection/connections';
import { isAemError } from './api/errors';
import { systemClock } from './model/clock';
import { JobService } from './model/jobService';
import { JobStore } from './model/jobStore';
import { Monitor, type MonitorState } from './model/monitor';
import { JobsTreeProvider, type TreeNode } from './tree/jobsTreeProvider';
import { describeError, shortReason } from './ui/messages';
import { registerNotifications } from './ui/notifications';
import { JobsStatusBar } from './ui/statusBar';
import { initLogger, log } from './util/logger';
import { DetailsPanels } from './webview/detailsPanel';
import { guarded } from './commands/guard';
import { resolveJob } from './commands/pickJob';

/** Drives the welcome views (`aemGuides.connectionState` in package.json's viewsWelcome). */
type ConnectionState = 'noServer' | 'signedOut' | 'unauthorized' | 'unreachable' | 'connected';

/**
 * What activate returns. The host tests read the model and views through it (what a tree row or a
 * webview shows cannot be read through VS Code's API); nothing here is needed to use the extension.
 */
export interface ExtensionApi {
  readonly store: JobStore;
  readonly monitor: Monitor;
  readonly tree: JobsTreeProvider;
  readonly following: LogFollowing;
  readonly detailsPanels: DetailsPanels;
  /** The value of the `aemGuides.connectionState` context key (welcome views). */
  connectionState(): string | undefined;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  initLogger(context);
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0');
  const connections = new Connections(context.secrets, `aem-guides-vscode/${version}`);
  const store = new JobStore({ onListenerError: (e) => log.error('A view failed to update', e) });
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('aemGuides');
  const monitor = new Monitor(store, systemClock, {
    pollIntervalMs: () => Math.max(1, config().get<number>('pollInterval', 5)) * 1000,
    onListenerError: (e) => log.error('A view failed to update', e),
  });
  const service = new JobService(store, monitor, () => connections.active?.client, systemClock);
  context.subscriptions.push(connections, store, monitor);

  const following = new LogFollowing({
    store,
    monitor,
    state: context.workspaceState,
    clock: systemClock,
    source: () => {
      const active = connections.active;
      return active?.hasSecret ? { key: active.config.url, logs: active.client } : undefined;
    },
  });
  const fullLogs = new FullLogDocuments();
  context.subscriptions.push(following, fullLogs);

  const tree = new JobsTreeProvider({
    store,
    isFollowing: (id) => following.isFollowing(id),
    state: () => {
      const active = connections.active;
      if (!active?.hasSecret || unauthorized(monitor.state)) return undefined;
      return { serverName: active.config.name, monitor: monitor.state };
    },
  });
  const view = vscode.window.createTreeView<TreeNode>('aemGuides.jobs', { treeDataProvider: tree, showCollapseAll: false });
  context.subscriptions.push(tree, view, new JobsStatusBar(store), registerNotifications(store));

  // Interest: polling at the normal pace only while someone looks at the view.
  let viewLease: { dispose(): void } | undefined;
  const onVisibility = (visible: boolean): void => {
    if (visible && !viewLease) viewLease = monitor.acquire('view');
    if (!visible && viewLease) {
      viewLease.dispose();
      viewLease = undefined;
    }
  };
  onVisibility(view.visible);
  context.subscriptions.push(
    view.onDidChangeVisibility((e) => onVisibility(e.visible)),
    { dispose: () => viewLease?.dispose() },
    vscode.window.onDidChangeWindowState((e) => monitor.setFocused(e.focused)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aemGuides.pollInterval')) monitor.reschedule();
    }),
  );

  const connectDeps = { connections, globalState: context.globalState };
  let lastState: ConnectionState | undefined;
  let lastTreeKey: string | undefined;
  let promptedForCredentials = false;
  const updateViewState = (): void => {
    const active = connections.active;
    const state: ConnectionState = !active
      ? 'noServer'
      : !active.hasSecret
        ? 'signedOut'
        : unauthorized(monitor.state)
          ? 'unauthorized'
          : monitor.state.kind === 'error' && store.all().length === 0
            ? 'unreachable'
            : 'connected';
    view.description = active?.config.name;
    view.message =
      state === 'unreachable' || state === 'unauthorized'
        ? describeError((monitor.state as { error: unknown }).error)
        : undefined;
    if (state !== lastState) {
      lastState = state;
      void vscode.commands.executeCommand('setContext', 'aemGuides.connectionState', state);
    }
    // The monitor reports every tick; the tree's root changes only with the kind of state or its error.
    const m = monitor.state;
    const treeKey = `${active?.config.name}|${state}|${m.kind}|${m.kind === 'error' ? shortReason(m.error) : ''}`;
    if (treeKey !== lastTreeKey) {
      lastTreeKey = treeKey;
      tree.refreshAll();
    }
  };

  context.subscriptions.push(
    connections.onDidChange((active) => {
      promptedForCredentials = false;
      following.stopAll();
      monitor.setSource(active?.hasSecret ? active.client : undefined);
      updateViewState();
      following.restore();
    }),
    following.onDidChange(() => {
      for (const tracked of store.all()) tree.refreshJob(tracked.job.processingId);
    }),
    monitor.onDidChangeState((state) => {
      if (state.kind === 'ok') promptedForCredentials = false;
      if (unauthorized(state)) {
        log.warn(shortReason(state.kind === 'error' ? state.error : undefined));
        // A 401 asks once for new credentials; if they do not work the view says so (no loop).
        if (!promptedForCredentials) {
          promptedForCredentials = true;
          void signIn(connectDeps).then((ok) => (ok ? monitor.refresh() : undefined));
        }
      }
      updateViewState();
    }),
  );

  registerConnectCommands(context, connectDeps);
  const startDeps = {
    start: (request: Parameters<JobService['start']>[0], signal: AbortSignal) => service.start(request, { signal }),
    listFolder: async (path: string, offset: number, signal: AbortSignal) => {
      const client = connections.active?.client;
      if (!client) throw new Error(vscode.l10n.t('Connect to a server first.'));
      return client.listFolder(path, { offset, limit: 100 }, { signal });
    },
    recentPaths: recentPathsStore(context.globalState, () => connections.active?.config.url ?? ''),
    onStarted: (id: string) => onStarted(id),
  };
  /** A job started, re-run or resumed from here: reveal it and, by default, follow its log. */
  const onStarted = (id: string): void => {
    const node = tree.nodeFor(id);
    if (node && view.visible) void view.reveal(node, { select: true, focus: false }).then(undefined, () => undefined);
    if (config().get<boolean>('logs.followOnStart', true)) {
      try {
        following.follow(id, { reveal: true });
      } catch (e) {
        log.error(`Could not follow the log of ${id}`, e);
      }
    }
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('aemGuides.jobs.start', async (args?: unknown) => {
      if (!connections.active?.hasSecret) {
        if (args !== undefined) throw new Error(vscode.l10n.t('Connect to an AEM Guides server first.'));
        const connect = vscode.l10n.t('Connect');
        const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Connect to an AEM Guides server first.'), connect);
        if (choice === connect) await vscode.commands.executeCommand('aemGuides.connect');
        return undefined;
      }
      return startJobCommand(startDeps, args);
    }),
    vscode.commands.registerCommand('aemGuides.showLog', () => log.show()),
  );
  const jobLookup = { get: (id: string) => store.get(id), all: () => store.all(), fetch: (id: string) => service.lookup(id) };
  registerJobCommands(context, {
    service,
    lookup: jobLookup,
    refresh: () => monitor.refresh(),
    onStarted,
  });
  registerLogCommands(context, { lookup: jobLookup, following, fullLogs, client: () => connections.active?.client });

  const detailsPanels = new DetailsPanels({
    extensionUri: context.extensionUri,
    store,
    monitor,
    isFollowing: (id) => following.isFollowing(id),
    onDidChangeFollowing: following.onDidChange,
    lookup: (id) => service.lookup(id),
  });
  context.subscriptions.push(
    detailsPanels,
    vscode.commands.registerCommand('aemGuides.jobs.showDetails', (arg?: unknown) =>
      guarded(arg, 'Showing job details', async () => {
        const tracked = await resolveJob(jobLookup, arg, () => true, {
          placeholder: vscode.l10n.t('Pick the job to show'),
          none: vscode.l10n.t('No jobs are known yet.'),
        });
        if (!tracked) return undefined;
        await detailsPanels.show(tracked.job.processingId);
        return tracked.job.processingId;
      }),
    ),
  );

  void connections.reload().then(async () => {
    updateViewState();
    await connectFromEnvironment(connectDeps, process.env['AEM_GUIDES_CONNECT']);
  });
  return { store, monitor, tree, following, detailsPanels, connectionState: () => lastState };
}

function unauthorized(state: MonitorState): boolean {
  return state.kind === 'error' && isAemError(state.error) && state.error.kind === 'unauthorized';
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
