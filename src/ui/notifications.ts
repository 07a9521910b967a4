/**
 * A notification when a job finishes, fails or is cancelled, with Show Logs and Show Details.
 * `aemGuides.notifications`: "startedHere" (default), "all" or "off".
 */
import * as vscode from 'vscode';
import type { JobStore, TrackedJob } from '../model/jobStore';
import { durationWords, folderLabel } from './format';

export function registerNotifications(store: JobStore): vscode.Disposable {
  return store.onDidFinishJob((tracked) => void notify(tracked));
}

async function notify(tracked: TrackedJob): Promise<void> {
  const mode = vscode.workspace.getConfiguration('aemGuides').get<string>('notifications', 'startedHere');
  if (mode === 'off' || (mode === 'startedHere' && !tracked.startedHere)) return;
  const { job } = tracked;
  const folder = folderLabel(job.path);
  const took = job.startedAt !== undefined && job.completedAt !== undefined ? durationWords(job.completedAt - job.startedAt) : undefined;
  const showLogs = vscode.l10n.t('Show Logs');
  const showDetails = vscode.l10n.t('Show Details');
  const actions = job.hasLogs ? [showLogs, showDetails] : [showDetails];
  let choice: string | undefined;
  if (job.state === 'succeeded') {
    const text = took
      ? vscode.l10n.t('Processing of {0} finished: {1} assets in {2}.', folder, job.triggeredCount, took)
      : vscode.l10n.t('Processing of {0} finished: {1} assets.', folder, job.triggeredCount);
    choice = await vscode.window.showInformationMessage(text, ...actions);
  } else if (job.state === 'failed') {
    const why = job.comments ? ` ${job.comments}` : '';
    choice = await vscode.window.showErrorMessage(vscode.l10n.t('Processing of {0} failed.', folder) + why, ...actions);
  } else {
    choice = await vscode.window.showWarningMessage(vscode.l10n.t('Processing of {0} was cancelled after {1} assets.', folder, job.triggeredCount), ...actions);
  }
  const command = choice === showLogs ? 'aemGuides.jobs.followLogs' : choice === showDetails ? 'aemGuides.jobs.showDetails' : undefined;
  if (!command) return;
  try {
    await vscode.commands.executeCommand(command, job.processingId);
  } catch (e) {
    // Called with an id, the command rejects with its message instead of showing it.
    void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
  }
}
