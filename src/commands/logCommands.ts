/** aemGuides.jobs.followLogs / stopFollowing / openFullLog / downloadLogs. */
import * as vscode from 'vscode';
import type { AemGuidesClient } from '../api/client';
import { downloadLogs } from '../logs/downloadLogs';
import type { FullLogDocuments } from '../logs/fullLogDocument';
import type { LogFollowing } from '../logs/logFollowing';
import { guarded } from './guard';
import { resolveJob, type JobLookup } from './pickJob';

export interface LogCommandDeps {
  readonly lookup: JobLookup;
  readonly following: LogFollowing;
  readonly fullLogs: FullLogDocuments;
  client(): AemGuidesClient | undefined;
}

function requireClient(deps: LogCommandDeps): AemGuidesClient {
  const client = deps.client();
  if (!client) throw new Error(vscode.l10n.t('Connect to a server first.'));
  return client;
}

export function registerLogCommands(context: vscode.ExtensionContext, deps: LogCommandDeps): void {
  const { lookup, following } = deps;
  context.subscriptions.push(
    vscode.commands.registerCommand('aemGuides.jobs.followLogs', (arg?: unknown) =>
      guarded(arg, 'A log command', async () => {
        const tracked = await resolveJob(lookup, arg, (t) => t.job.active || t.job.hasLogs, {
          placeholder: vscode.l10n.t('Pick the job whose log to follow'),
          none: vscode.l10n.t('No job has a log to follow.'),
        });
        if (!tracked) return false;
        following.follow(tracked.job.processingId);
        return true;
      }),
    ),
    vscode.commands.registerCommand('aemGuides.jobs.stopFollowing', (arg?: unknown) =>
      guarded(arg, 'A log command', async () => {
        const tracked = await resolveJob(lookup, arg, (t) => following.isFollowing(t.job.processingId), {
          placeholder: vscode.l10n.t('Pick the log to stop following'),
          none: vscode.l10n.t('No log is being followed.'),
        });
        return tracked ? following.stop(tracked.job.processingId) : false;
      }),
    ),
    vscode.commands.registerCommand('aemGuides.jobs.openFullLog', (arg?: unknown) =>
      guarded(arg, 'A log command', async () => {
        const tracked = await resolveJob(lookup, arg, (t) => t.job.hasLogs || t.job.active, {
          placeholder: vscode.l10n.t('Pick the job whose whole log to open'),
          none: vscode.l10n.t('No job has a log.'),
        });
        if (!tracked) return undefined;
        const uri = await deps.fullLogs.open(requireClient(deps), tracked.job.processingId, tracked.job.path);
        return uri?.toString();
      }),
    ),
    vscode.commands.registerCommand('aemGuides.jobs.downloadLogs', (arg?: unknown, target?: unknown) =>
      guarded(arg, 'A log command', async () => {
        const tracked = await resolveJob(lookup, arg, (t) => t.job.hasLogs, {
          placeholder: vscode.l10n.t('Pick the job whose logs to download'),
          none: vscode.l10n.t('No job has logs to download.'),
        });
        if (!tracked) return undefined;
        const targetUri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
        const result = await downloadLogs(requireClient(deps), tracked.job, targetUri ? { target: targetUri } : {});
        return result instanceof vscode.Uri ? result.fsPath : result;
      }),
    ),
  );
}
