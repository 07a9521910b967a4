/**
 * aemGuides.jobs.openFullLog: the whole log in a read-only editor (search, folding, copy work on it),
 * loaded page by page with progress and cancellation before the document opens.
 */
import * as vscode from 'vscode';
import { readFullLog } from '../model/fullLog';
import type { LogSource } from '../model/logFollower';
import { folderLabel, shortId } from '../ui/format';

export const FULL_LOG_SCHEME = 'aem-guides-log';
/** VS Code does not hand a document longer than this to extensions: openTextDocument fails for it. */
const MODEL_SYNC_LIMIT = 50 * 1024 * 1024;

export class FullLogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  /** Loaded logs by URI, dropped when their document closes. */
  private readonly contents = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** A reload of a log whose document VS Code still holds: it asks for the new text. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(FULL_LOG_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === FULL_LOG_SCHEME) this.contents.delete(doc.uri.toString());
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('This log is no longer loaded. Run "AEM Guides: Open Full Log" again.');
  }

  /** Loads the log with a cancellable progress notification, then opens it; its URI, or undefined when cancelled. */
  async open(source: LogSource, processingId: string, path: string): Promise<vscode.Uri | undefined> {
    const uri = vscode.Uri.from({ scheme: FULL_LOG_SCHEME, path: `/${folderLabel(path).replace(/[\\:*?"<>|]/g, '_')} (${shortId(processingId)}).log`, query: `id=${encodeURIComponent(processingId)}` });
    const text = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading the log of {0}', folderLabel(path)), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const log = await readFullLog(source, processingId, {
            signal: abort.signal,
            onProgress: (p) => progress.report({ message: vscode.l10n.t('{0} lines', p.linesRead.toLocaleString()) }),
          });
          return log.complete ? log.lines.join('\n') : undefined;
        } catch (e) {
          if (abort.signal.aborted) return undefined;
          throw e;
        } finally {
          sub.dispose();
        }
      },
    );
    if (text === undefined) return undefined;
    this.contents.set(uri.toString(), text);
    if (text.length > MODEL_SYNC_LIMIT) {
      // Too large for openTextDocument ("Files above 50MB cannot be synchronized with extensions"): the editor
      // opens it all the same, as a `log` by its name. A copy VS Code still holds reads the new text first.
      this.changed.fire(uri);
      await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
      // VS Code never reports closing a document this large to extensions, so the text would stay here
      // for the window's life: the editor has its copy now, and opening it again loads it again.
      this.contents.delete(uri.toString());
      return uri;
    }
    await this.refreshHeldDocument(uri, text);
    const opened = await vscode.workspace.openTextDocument(uri);
    const doc = opened.languageId === 'log' ? opened : await vscode.languages.setTextDocumentLanguage(opened, 'log');
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.uri;
  }

  /**
   * VS Code keeps a closed document's model for a while and openTextDocument then returns it as it
   * was: without this, opening the log again (after it grew) showed the old text.
   */
  private async refreshHeldDocument(uri: vscode.Uri, text: string): Promise<void> {
    const key = uri.toString();
    const held = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!held || held.getText() === text) return;
    let sub: vscode.Disposable | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const updated = new Promise<void>((resolve) => {
      sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === key) resolve();
      });
      timer = setTimeout(resolve, 5000);
    });
    this.changed.fire(uri);
    await updated;
    sub?.dispose();
    clearTimeout(timer);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.contents.clear();
  }
}
