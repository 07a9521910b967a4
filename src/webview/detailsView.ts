/** Turns a tracked job into what the details page shows: localised, plain text only. */
import * as vscode from 'vscode';
import { observedRate, remainingTime } from '../model/eta';
import type { TrackedJob } from '../model/jobStore';
import type { MonitorState } from '../model/monitor';
import { dateTime, durationWords, folderLabel, stateLabel } from '../ui/format';
import { shortReason } from '../ui/messages';
import type { DetailsAction, DetailsStrings, DetailsView, Fact } from './protocol';

export function detailsStrings(): DetailsStrings {
  return {
    progress: vscode.l10n.t('Progress'),
    eta: vscode.l10n.t('Time left'),
    estimate: vscode.l10n.t('our estimate from the observed rate'),
    throughput: vscode.l10n.t('Throughput'),
    chartLabel: vscode.l10n.t('Assets processed over time'),
    details: vscode.l10n.t('Details'),
    comments: vscode.l10n.t('Comments'),
    staleTitle: vscode.l10n.t('The server cannot be reached; this is the last known state.'),
    counting: vscode.l10n.t('Counting files'),
    actions: {
      cancel: vscode.l10n.t('Cancel'),
      resume: vscode.l10n.t('Resume'),
      rerun: vscode.l10n.t('Re-run'),
      followLogs: vscode.l10n.t('Follow Log'),
      stopFollowing: vscode.l10n.t('Stop Following'),
      openFullLog: vscode.l10n.t('Open Full Log'),
      downloadLogs: vscode.l10n.t('Download Logs'),
      copyId: vscode.l10n.t('Copy ID'),
    },
  };
}

export function panelTitle(tracked: TrackedJob): string {
  return `${folderLabel(tracked.job.path)} · ${stateLabel(tracked.job)}`;
}

export function buildDetailsView(tracked: TrackedJob, monitor: MonitorState, following: boolean, now: number): DetailsView {
  const { job, samples } = tracked;
  const actions: DetailsAction[] = [];
  if (job.cancellable) actions.push('cancel');
  if (job.resumable) actions.push('resume');
  if (job.restartable && job.path !== '') actions.push('rerun');
  if (following) actions.push('stopFollowing');
  else if (job.active || job.hasLogs) actions.push('followLogs');
  if (job.hasLogs) actions.push('openFullLog', 'downloadLogs');
  actions.push('copyId');

  const progressText =
    job.totalFiles !== undefined
      ? vscode.l10n.t('{0} of {1} assets ({2}%)', job.triggeredCount.toLocaleString(), job.totalFiles.toLocaleString(), Math.floor((job.progress ?? (job.totalFiles === 0 ? 1 : 0)) * 100))
      : job.active
        ? vscode.l10n.t('Counting files... {0} processed so far', job.triggeredCount.toLocaleString())
        : vscode.l10n.t('{0} assets processed', job.triggeredCount.toLocaleString());

  const left = remainingTime(job, samples);
  const etaText =
    left?.kind === 'verbatim'
      ? vscode.l10n.t('{0} {1} (as the server says)', left.value, left.unit)
      : left && vscode.l10n.t('about {0}', durationWords(left.ms));
  const etaEstimated = left?.kind === 'ms' && left.source === 'estimate';
  const rate = job.active ? observedRate(samples) : undefined;
  const throughputText = rate !== undefined ? vscode.l10n.t('{0} assets per minute', Math.round(rate * 60_000).toLocaleString()) : averageThroughput(tracked);

  const first = samples[0]?.at ?? 0;
  const chart = samples.map((s) => ({ t: s.at - first, count: s.triggeredCount }));
  // Samples are taken while the job is active: a finished job's line ends at its final count, not at the last sample.
  const last = samples[samples.length - 1];
  if (!job.active && last && job.triggeredCount !== last.triggeredCount) {
    chart.push({ t: Math.max(tracked.updatedAt, last.at) - first, count: job.triggeredCount });
  }

  const facts: Fact[] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') facts.push({ label, value });
  };
  add(vscode.l10n.t('Status'), `${stateLabel(job)} (${job.status || '?'})`);
  add(vscode.l10n.t('Started'), dateTime(job.startedAt));
  add(vscode.l10n.t('Completed'), dateTime(job.completedAt));
  const end = job.completedAt ?? (job.active ? now : undefined);
  if (job.startedAt !== undefined && end !== undefined) add(vscode.l10n.t('Duration'), durationWords(end - job.startedAt));
  add(vscode.l10n.t('Created by'), job.createdBy);
  add(vscode.l10n.t('Type'), job.type);
  add(vscode.l10n.t('Path'), job.path);
  add(vscode.l10n.t('Excluded paths'), job.excludedPaths.join('\n') || vscode.l10n.t('none'));
  if (job.filter) {
    add(vscode.l10n.t('File types'), job.filter.fileTypes.length > 0 ? job.filter.fileTypes.join(', ') : vscode.l10n.t('all'));
    add(vscode.l10n.t('Created after'), dateTime(job.filter.startTime));
    add(vscode.l10n.t('Created before'), dateTime(job.filter.endTime));
    add(vscode.l10n.t('Skip processed assets'), job.filter.filterProcessedAssets ? vscode.l10n.t('yes') : vscode.l10n.t('no'));
  }
  add(vscode.l10n.t('Counting'), job.calculationStatus);
  add(vscode.l10n.t('Processing ID'), job.processingId);

  const view: DetailsView = {
    processingId: job.processingId,
    title: folderLabel(job.path),
    path: job.path,
    stateLabel: tracked.pending ? vscode.l10n.t('Starting') : stateLabel(job),
    status: job.status,
    state: job.state,
    active: job.active,
    ...(progressOf(tracked) !== undefined ? { progress: progressOf(tracked)! } : {}),
    progressText,
    ...(etaText !== undefined ? { etaText } : {}),
    etaEstimated,
    ...(throughputText !== undefined ? { throughputText } : {}),
    chart,
    ...(job.totalFiles !== undefined ? { chartTotal: job.totalFiles } : {}),
    facts,
    ...(job.comments !== undefined ? { comments: job.comments } : {}),
    actions,
  };
  if (monitor.kind === 'error') {
    return { ...view, stale: { age: vscode.l10n.t('updated {0} ago', durationWords(now - tracked.updatedAt)), reason: shortReason(monitor.error) } };
  }
  return view;
}

/** The bar's fill; undefined while files are still counted (the page shows a spinner). */
function progressOf({ job }: TrackedJob): number | undefined {
  if (job.progress !== undefined) return job.progress;
  if (job.totalFiles === 0 || job.state === 'succeeded') return 1;
  return job.active ? undefined : 0;
}

function averageThroughput(tracked: TrackedJob): string | undefined {
  const { job } = tracked;
  if (job.startedAt === undefined || job.completedAt === undefined || job.completedAt <= job.startedAt || job.triggeredCount === 0) return undefined;
  const perMinute = (job.triggeredCount / (job.completedAt - job.startedAt)) * 60_000;
  return vscode.l10n.t('{0} assets per minute on average', Math.round(perMinute).toLocaleString());
}
