/**
 * aemGuides.jobs.downloadLogs: a ZIP answer goes to a file the user picks, written completely or not
 * at all (temporary file, then rename), with progress and cancellation; a `{logFilePaths}` answer is
 * shown as a list to copy from.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { RequestOptions } from '../api/client';
import type { Job, LogDownload } from '../api/types';
import { folderLabel } from '../ui/format';

export interface LogDownloader {
  downloadLogs(processingId: string, options?: RequestOptions): Promise<LogDownload>;
}

export interface DownloadOptions {
  /** Where to save, for automation and tests; otherwise a save dialog asks. */
  readonly target?: vscode.Uri;
}

/** Returns the written file, the listed paths, or undefined when the user cancelled. */
export async function downloadLogs(client: LogDownloader, job: Job, options: DownloadOptions = {}): Promise<vscode.Uri | readonly string[] | undefined> {
  if (!job.hasLogs) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The job on {0} has no logs to download.', folderLabel(job.path)));
    return undefined;
  }
  const target =
    options.target ??
    (await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save the logs of {0}', folderLabel(job.path)),
      defaultUri: vscode.Uri.joinPath(defaultFolder(), `${job.processingId}-logs.zip`),
      filters: { [vscode.l10n.t('ZIP archives')]: ['zip'] },
    }));
  if (!target) return undefined;

  const answer = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading the logs of {0}', folderLabel(job.path)), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        const result = await client.downloadLogs(job.processingId, {
          signal: abort.signal,
          onDownloadProgress: (loaded, total) => {
            const increment = total ? ((loaded - reported) / total) * 100 : undefined;
            reported = loaded;
            progress.report({ message: formatBytes(loaded) + (total ? ` / ${formatBytes(total)}` : ''), ...(increment !== undefined ? { increment } : {}) });
          },
        });
        if (result.kind === 'zip') await writeAtomically(target, result.data);
        return result;
      } finally {
        sub.dispose();
      }
    },
  );

  if (answer.kind === 'paths') {
    await showPaths(job, answer.paths);
    return answer.paths;
  }
  const reveal = vscode.l10n.t('Reveal in File Explorer');
  const open = vscode.l10n.t('Open Folder');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Saved the logs of {0} to {1}.', folderLabel(job.path), target.fsPath), target.scheme === 'file' ? reveal : open)
    .then((choice) => {
      if (choice === reveal) void vscode.commands.executeCommand('revealFileInOS', target);
      else if (choice === open) void vscode.env.openExternal(vscode.Uri.joinPath(target, '..'));
    });
  return target;
}

/** Writes next to the target, then renames: a cancelled or failed download leaves no partial file. */
async function writeAtomically(target: vscode.Uri, data: Uint8Array): Promise<void> {
  if (target.scheme !== 'file') {
    await vscode.workspace.fs.writeFile(target, data);
    return;
  }
  const temp = join(dirname(target.fsPath), `.${basename(target.fsPath)}.${randomBytes(4).toString('hex')}.part`);
  try {
    await writeFile(temp, data, { flush: true });
    await rename(temp, target.fsPath);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

async function showPaths(job: Job, paths: readonly string[]): Promise<void> {
  const copyAll = { label: `$(copy) ${vscode.l10n.t('Copy all {0} paths', paths.length)}`, all: true };
  const items = [copyAll, ...paths.map((p) => ({ label: p, all: false }))];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Log files of {0} on the server', folderLabel(job.path)),
    placeHolder: vscode.l10n.t('The server lists its log files instead of sending them. Pick one to copy its path.'),
  });
  if (!picked) return;
  await vscode.env.clipboard.writeText(picked.all ? paths.join('\n') : picked.label);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied'), 3000);
}

function defaultFolder(): vscode.Uri {
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
