/**
 * aemGuides.jobs.showDetails: one webview panel per job, live from the job store and the monitor,
 * restored after a window reload. CSP `default-src 'none'` with a fresh nonce per render; the page
 * says `ready` before it gets state; buttons run the same commands as the tree.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { JobStore, TrackedJob } from '../model/jobStore';
import type { Monitor } from '../model/monitor';
import { guarded } from '../commands/guard';
import { resolveJob, type JobLookup } from '../commands/pickJob';
import { describeError } from '../ui/messages';
import { log } from '../util/logger';
import { buildDetailsView, detailsStrings, panelTitle } from './detailsView';
import { isPageToHost, type DetailsAction, type HostToPage, type PageToHost } from './protocol';

export const DETAILS_VIEW_TYPE = 'aemGuides.jobDetails';

export interface DetailsDeps {
  readonly extensionUri: vscode.Uri;
  readonly store: JobStore;
  readonly monitor: Monitor;
  isFollowing(processingId: string): boolean;
  readonly onDidChangeFollowing: vscode.Event<void>;
  /** Fetches a job the store does not hold yet (restored panel, id from a script). */
  lookup(processingId: string): Promise<TrackedJob>;
}

const COMMANDS: Record<DetailsAction, string> = {
  cancel: 'aemGuides.jobs.cancel',
  resume: 'aemGuides.jobs.resume',
  rerun: 'aemGuides.jobs.rerun',
  followLogs: 'aemGuides.jobs.followLogs',
  stopFollowing: 'aemGuides.jobs.stopFollowing',
  openFullLog: 'aemGuides.jobs.openFullLog',
  downloadLogs: 'aemGuides.jobs.downloadLogs',
  copyId: 'aemGuides.jobs.copyId',
};

export class DetailsPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<{ processingId?: unknown }> {
  private readonly panels = new Map<string, DetailsPanel>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly deps: DetailsDeps) {
    this.registration = vscode.window.registerWebviewPanelSerializer(DETAILS_VIEW_TYPE, this);
  }

  /** Opens the job's panel, or reveals it when already open. */
  async show(processingId: string): Promise<DetailsPanel> {
    const open = this.panels.get(processingId);
    if (open) {
      open.reveal();
      return open;
    }
    const tracked = this.deps.store.get(processingId) ?? (await this.deps.lookup(processingId));
    const panel = vscode.window.createWebviewPanel(DETAILS_VIEW_TYPE, panelTitle(tracked), vscode.ViewColumn.Active, panelOptions(this.deps.extensionUri));
    return this.adopt(panel, processingId);
  }

  /** After a reload VS Code hands back the panels it had, with the state the page saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: { processingId?: unknown } | undefined): Promise<void> {
    const id = typeof state?.processingId === 'string' ? state.processingId : undefined;
    if (!id) {
      panel.dispose();
      return;
    }
    panel.webview.options = panelOptions(this.deps.extensionUri);
    this.adopt(panel, id);
  }

  get(processingId: string): DetailsPanel | undefined {
    return this.panels.get(processingId);
  }

  private adopt(panel: vscode.WebviewPanel, processingId: string): DetailsPanel {
    const details = new DetailsPanel(panel, processingId, this.deps, () => this.panels.delete(processingId));
    this.panels.set(processingId, details);
    return details;
  }

  dispose(): void {
    this.registration.dispose();
    for (const panel of [...this.panels.values()]) panel.dispose();
  }
}

/** aemGuides.jobs.showDetails: from a tree row, a notification, a processing id or the palette. */
export function registerShowDetails(context: vscode.ExtensionContext, panels: DetailsPanels, lookup: JobLookup): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('aemGuides.jobs.showDetails', (arg?: unknown) =>
      guarded(arg, 'Showing job details', async () => {
        const tracked = await resolveJob(lookup, arg, () => true, {
          placeholder: vscode.l10n.t('Pick the job to show'),
          none: vscode.l10n.t('No jobs are known yet.'),
        });
        if (!tracked) return undefined;
        await panels.show(tracked.job.processingId);
        return tracked.job.processingId;
      }),
    ),
  );
}

function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    // The page loads only its bundle and its stylesheet.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class DetailsPanel {
  private ready = false;
  /** The last state sent, serialised: an unchanged view is not sent again (the page keeps focus and scroll). */
  private lastSent: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly lease: { dispose(): void };
  private disposed = false;
  /** The last `rendered` report from the page (what it shows, as text): for tests and diagnostics. */
  lastRendered: Extract<PageToHost, { type: 'rendered' }> | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<Extract<PageToHost, { type: 'rendered' }>>();
  readonly onDidRender = this.renderedEmitter.event;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    readonly processingId: string,
    private readonly deps: DetailsDeps,
    private readonly onDispose: () => void,
  ) {
    this.lease = deps.monitor.acquire('details');
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'aem-guides.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      deps.store.onDidChangeJobs((changes) => {
        if (changes.some((c) => c.id === processingId)) this.post();
      }),
      deps.monitor.onDidChangeState((state) => {
        // The stale banner appears or goes with the error state.
        if (state.kind === 'error' || state.kind === 'ok') this.post();
      }),
      deps.onDidChangeFollowing(() => this.post()),
      this.renderedEmitter,
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Runs what a page button asks, exactly as the tree would. */
  async runAction(action: DetailsAction): Promise<void> {
    try {
      await vscode.commands.executeCommand(COMMANDS[action], this.processingId);
    } catch (e) {
      log.error(`The details panel action ${action} failed`, e);
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : describeError(e));
    }
  }

  private onMessage(message: unknown): void {
    if (!isPageToHost(message)) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.lastSent = undefined;
        this.send({ type: 'init', strings: detailsStrings() });
        void this.postOrFetch();
        break;
      case 'action':
        void this.runAction(message.action);
        break;
      case 'rendered':
        this.lastRendered = message;
        this.renderedEmitter.fire(message);
        break;
    }
  }

  private async postOrFetch(): Promise<void> {
    if (this.deps.store.get(this.processingId)) {
      this.post();
      return;
    }
    try {
      await this.deps.lookup(this.processingId);
      this.post();
    } catch (e) {
      this.send({ type: 'gone', message: describeError(e) });
    }
  }

  private post(): void {
    if (!this.ready || this.disposed) return;
    const tracked = this.deps.store.get(this.processingId);
    if (!tracked) return;
    this.panel.title = panelTitle(tracked);
    const message: HostToPage = { type: 'state', view: buildDetailsView(tracked, this.deps.monitor.state, this.deps.isFollowing(this.processingId), Date.now()) };
    const serialised = JSON.stringify(message);
    if (serialised === this.lastSent) return;
    this.lastSent = serialised;
    this.send(message);
  }

  private send(message: HostToPage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview', 'details.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'details.css'));
    // style-src allows inline styles because the toolkit's components set style attributes; scripts
    // stay nonce-only, and no server text is ever parsed as HTML.
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(vscode.l10n.t('Job details'))}</title>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lease.dispose();
    this.onDispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** Only for the host's own constant texts in the page skeleton; server text never goes through HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
