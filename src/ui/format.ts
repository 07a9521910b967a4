/** Localised presentation of job fields, shared by the tree, the status bar, notifications and the webview host. */
import * as vscode from 'vscode';
import type { Job, JobState } from '../api/types';
import { DAM_ROOT } from '../api/damPath';
import { remainingTime } from '../model/eta';
import type { ProgressSample } from '../model/jobStore';

export function stateLabel(job: Pick<Job, 'state' | 'status'>): string {
  switch (job.state) {
    case 'waiting':
      return vscode.l10n.t('Waiting');
    case 'running':
      return vscode.l10n.t('Running');
    case 'succeeded':
      return vscode.l10n.t('Succeeded');
    case 'failed':
      return vscode.l10n.t('Failed');
    case 'cancelled':
      return vscode.l10n.t('Cancelled');
    case 'unknown':
      // Never seen before: show the server's word as it is.
      return job.status || vscode.l10n.t('Unknown');
  }
}

/** "42%" once files are counted; "counting files" while the server counts. */
export function progressText(job: Job): string | undefined {
  if (!job.active) return undefined;
  if (job.progress !== undefined) return `${Math.floor(job.progress * 100)}%`;
  if (job.state === 'waiting' || (job.calculationStatus !== undefined && job.totalFiles === undefined)) return vscode.l10n.t('counting files');
  return job.triggeredCount > 0 ? vscode.l10n.t('{0} processed', job.triggeredCount) : undefined;
}

/** A duration in plain words: "less than a minute", "about 4 min", "about 2 h 5 min". */
export function durationWords(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return seconds <= 1 ? vscode.l10n.t('a few seconds') : vscode.l10n.t('{0} s', seconds);
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return vscode.l10n.t('{0} min', minutes);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? vscode.l10n.t('{0} h', hours) : vscode.l10n.t('{0} h {1} min', hours, rest);
  return vscode.l10n.t('{0} days', Math.round(hours / 24));
}

/**
 * Time left in plain words: the server's ETA, or our estimate from the observed rate (marked "~") when
 * the server gives none while the job runs; an ETA in a unit we do not know is shown as sent.
 */
export function etaText(job: Job, samples: readonly ProgressSample[] = []): string | undefined {
  const left = remainingTime(job, samples);
  if (!left) return undefined;
  if (left.kind === 'verbatim') return vscode.l10n.t('ETA {0} {1}', left.value, left.unit);
  return left.source === 'server'
    ? vscode.l10n.t('about {0} left', durationWords(left.ms))
    : vscode.l10n.t('~{0} left (estimate)', durationWords(left.ms));
}

/** The folder as a label: the path below /content/dam, or the path itself. */
export function folderLabel(path: string): string {
  if (path === '') return vscode.l10n.t('(no path)');
  if (path.startsWith(`${DAM_ROOT}/`)) return path.slice(DAM_ROOT.length + 1);
  return path;
}

export function shortId(processingId: string): string {
  return processingId.length > 8 ? processingId.slice(0, 8) : processingId;
}

export function dateTime(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs).toLocaleString();
}

export function stateIcon(state: JobState): vscode.ThemeIcon {
  switch (state) {
    case 'waiting':
      return new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.blue'));
    case 'running':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue'));
    case 'succeeded':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.yellow'));
    case 'unknown':
      return new vscode.ThemeIcon('question', new vscode.ThemeColor('charts.purple'));
  }
}
