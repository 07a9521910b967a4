/**
 * aemGuides.jobs.cancel / resume / rerun / refresh / copyId / copyPath. Each takes a tree node, a
 * processing id or nothing (quick pick of the jobs it applies to), and returns what automation needs.
 */
import * as vscode from 'vscode';
import type { TrackedJob } from '../model/jobStore';
import type { JobService } from '../model/jobService';
import { folderLabel } from '../ui/format';
import { log } from '../util/logger';
import { guarded } from './guard';
import { resolveJob, type JobLookup } from './pickJob';

export interface JobCommandDeps {
  readonly service: JobService;
  readonly lookup: JobLookup;
  refresh(): Promise<void>;
  /** After a re-run started a job or a resume restarted one (follow its logs, reveal it). */
  onStarted(processingId: string): void;
}

export function registerJobCommands(context: vscode.ExtensionContext, deps: JobCommandDeps): void {
  const { service, lookup } = deps;

  const cancel = (arg?: unknown): Promise<boolean | undefined> =>
    guarded(arg, 'Cancelling a job', async () => {
      const tracked = await resolveJob(lookup, arg, (t) => t.job.cancellable, {
        placeholder: vscode.l10n.t('Pick the job to cancel'),
        none: vscode.l10n.t('No job can be cancelled right now.'),
      });
      if (!tracked) return false;
      if (!tracked.job.cancellable) throw new Error(vscode.l10n.t('The job on {0} cannot be cancelled now (it is {1}).', tracked.job.path, tracked.job.status || '?'));
      if (!(await confirmCancel(tracked))) return false;
      await service.cancel(tracked.job.processingId);
      log.info(`Cancel requested for ${tracked.job.processingId}`);
      return true;
    });

  const resume = (arg?: unknown): Promise<boolean | undefined> =>
    guarded(arg, 'Resuming a job', async () => {
      const tracked = await resolveJob(lookup, arg, (t) => t.job.resumable, {
        placeholder: vscode.l10n.t('Pick the job to resume from its checkpoint'),
        none: vscode.l10n.t('No job can be resumed: only cancelled or failed jobs resume.'),
      });
      if (!tracked) return false;
      if (!tracked.job.resumable) throw new Error(vscode.l10n.t('The job on {0} cannot be resumed (it is {1}).', tracked.job.path, tracked.job.status || '?'));
      await service.resume(tracked.job.processingId);
      log.info(`Resumed ${tracked.job.processingId}`);
      deps.onStarted(tracked.job.processingId);
      return true;
    });

  const rerun = (arg?: unknown): Promise<string | undefined> =>
    guarded(arg, 'Re-running a job', async () => {
      const tracked = await resolveJob(lookup, arg, (t) => t.job.restartable && t.job.path !== '', {
        placeholder: vscode.l10n.t('Pick the job to run again (same folder, exclusions and filter)'),
        none: vscode.l10n.t('No finished job can be run again.'),
      });
      if (!tracked) return undefined;
      if (!tracked.job.restartable || tracked.job.path === '') throw new Error(vscode.l10n.t('The job on {0} cannot be run again.', tracked.job.path || tracked.job.processingId));
      const id = await service.rerun(tracked.job);
      log.info(`Re-ran ${tracked.job.processingId} as ${id}`);
      deps.onStarted(id);
      return id;
    });

  const copy = (field: 'processingId' | 'path') => (arg?: unknown): Promise<string | undefined> =>
    guarded(arg, 'Copying', async () => {
      const tracked = await resolveJob(lookup, arg, (t) => (field === 'path' ? t.job.path !== '' : true), {
        placeholder: vscode.l10n.t('Pick a job'),
        none: vscode.l10n.t('No jobs are known yet.'),
      });
      if (!tracked) return undefined;
      const value = tracked.job[field];
      await vscode.env.clipboard.writeText(value);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', value), 3000);
      return value;
    });

  context.subscriptions.push(
    vscode.commands.registerCommand('aemGuides.jobs.cancel', cancel),
    vscode.commands.registerCommand('aemGuides.jobs.resume', resume),
    vscode.commands.registerCommand('aemGuides.jobs.rerun', rerun),
    vscode.commands.registerCommand('aemGuides.jobs.refresh', () => deps.refresh()),
    vscode.commands.registerCommand('aemGuides.jobs.copyId', copy('processingId')),
    vscode.commands.registerCommand('aemGuides.jobs.copyPath', copy('path')),
  );
}

async function confirmCancel(tracked: TrackedJob): Promise<boolean> {
  if (!vscode.workspace.getConfiguration('aemGuides').get<boolean>('confirmCancel', true)) return true;
  const yes = vscode.l10n.t('Cancel Job');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Cancel processing of {0}?', folderLabel(tracked.job.path)),
    { modal: true, detail: vscode.l10n.t('Assets processed so far stay processed. A cancelled job can be resumed from its checkpoint.') },
    yes,
  );
  return choice === yes;
}
