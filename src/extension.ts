/**
 * Wiring only: builds the pieces, connects their events, registers everything with VS Code.
 * Nothing slow happens here: no request is made until the view is visible or a command runs.
 */
import * as vscode from 'vscode';
import { connectFromEnvironment, promptOnRejectedCredentials, registerConnectCommands } from './commands/connect';
import { registerJobCommands } from './commands/jobCommands';
import { registerLogCommands } from './commands/logCommands';
import { recentPathsStore, registerStartCommand } from './commands/startJob';
import { Connections } from './connection/connections';
import { FullLogDocuments } from './logs/fullLogDocument';
import { LogFollowing } from './logs/logFollowing';
import { systemClock } from './model/clock';
import { JobService } from './model/jobService';
import { JobStore } from './model/jobStore';
import { Monitor } from './model/monitor';
import type { JobsTreeProvider } from './tree/jobsTreeProvider';
import { JobsView } from './tree/jobsView';
import { registerNotifications } from './ui/notifications';
import { JobsStatusBar } from './ui/statusBar';
import { initLogger, log } from './util/logger';
import { DetailsPanels, registerShowDetails } from './webview/detailsPanel';

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
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('aemGuides');
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0');

  // Model: the active server, the jobs we know, the engine that keeps them current, user actions.
  const connections = new Connections(context.secrets, `aem-guides-vscode/${version}`);
  const store = new JobStore({ onListenerError: (e) => log.error('A view failed to update', e) });
  const monitor = new Monitor(store, systemClock, {
    pollIntervalMs: () => Math.max(1, config().get<number>('pollInterval', 5)) * 1000,
    onListenerError: (e) => log.error('A view failed to update', e),
  });
  const service = new JobService(store, monitor, () => connections.active?.client, systemClock);
  const jobLookup = { get: (id: string) => store.get(id), all: () => store.all(), fetch: (id: string) => service.lookup(id) };

  // Views: log channels, full-log documents, the tree, status bar, notifications, details panels.
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
  const jobsView = new JobsView({ store, monitor, connections, isFollowing: (id) => following.isFollowing(id) });
  const detailsPanels = new DetailsPanels({
    extensionUri: context.extensionUri,
    store,
    monitor,
    isFollowing: (id) => following.isFollowing(id),
    onDidChangeFollowing: following.onDidChange,
    lookup: (id) => service.lookup(id),
  });
  context.subscriptions.push(connections, store, monitor, following, fullLogs, jobsView, detailsPanels, new JobsStatusBar(store), registerNotifications(store));

  // Events between them.
  const connectDeps = { connections, globalState: context.globalState };
  context.subscriptions.push(
    connections.onDidChange((active) => {
      following.stopAll();
      monitor.setSource(active?.hasSecret ? active.client : undefined);
      jobsView.update();
      following.restore();
    }),
    monitor.onDidChangeState(() => jobsView.update()),
    following.onDidChange(() => {
      for (const tracked of store.all()) jobsView.tree.refreshJob(tracked.job.processingId);
    }),
    promptOnRejectedCredentials(connectDeps, monitor),
    vscode.window.onDidChangeWindowState((e) => monitor.setFocused(e.focused)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aemGuides.pollInterval')) monitor.reschedule();
    }),
  );

  /** A job started, re-run or resumed from here: reveal it and, by default, follow its log. */
  const onStarted = (id: string): void => {
    jobsView.reveal(id);
    if (!config().get<boolean>('logs.followOnStart', true)) return;
    try {
      following.follow(id, { reveal: true });
    } catch (e) {
      log.error(`Could not follow the log of ${id}`, e);
    }
  };

  // Commands.
  registerConnectCommands(context, connectDeps);
  registerStartCommand(context, {
    isConnected: () => connections.active?.hasSecret === true,
    start: (request, signal) => service.start(request, { signal }),
    listFolder: async (path, offset, signal) => {
      const client = connections.active?.client;
      if (!client) throw new Error(vscode.l10n.t('Connect to a server first.'));
      return client.listFolder(path, { offset, limit: 100 }, { signal });
    },
    recentPaths: recentPathsStore(context.globalState, () => connections.active?.config.url ?? ''),
    onStarted,
  });
  registerJobCommands(context, { service, lookup: jobLookup, refresh: () => monitor.refresh(), onStarted });
  registerLogCommands(context, { lookup: jobLookup, following, fullLogs, client: () => connections.active?.client });
  registerShowDetails(context, detailsPanels, jobLookup);
  context.subscriptions.push(vscode.commands.registerCommand('aemGuides.showLog', () => log.show()));

  void connections.reload().then(async () => {
    jobsView.update();
    await connectFromEnvironment(connectDeps, process.env['AEM_GUIDES_CONNECT']);
  });
  return { store, monitor, tree: jobsView.tree, following, detailsPanels, connectionState: () => jobsView.connectionState };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
