/**
 * Job commands take a tree node, a processing id (keybindings, automation, notifications) or nothing
 * (palette: a quick pick of the jobs the command applies to).
 */
import * as vscode from 'vscode';
import type { TrackedJob } from '../model/jobStore';
import { checkProcessingId } from '../api/damPath';
import { JobNode } from '../tree/jobsTreeProvider';
import { folderLabel, progressText, shortId, stateLabel, dateTime } from '../ui/format';

export interface JobLookup {
  get(processingId: string): TrackedJob | undefined;
  all(): TrackedJob[];
  /** Asks the server for a job this window has not seen yet. */
  fetch(processingId: string): Promise<TrackedJob>;
}

/** The processing id an argument names, if any. */
export function idFromArgument(arg: unknown): string | undefined {
  if (arg instanceof JobNode) return arg.processingId;
  if (typeof arg === 'string') return arg.trim();
  if (typeof arg === 'object' && arg !== null) {
    const id = (arg as { processingId?: unknown }).processingId;
    if (typeof id === 'string') return id.trim();
  }
  return undefined;
}

/**
 * Resolves the job a command acts on. Returns undefined when the user dismissed the pick; throws an
 * Error with a clear message for an invalid id, or when no job qualifies.
 */
export async function resolveJob(
  lookup: JobLookup,
  arg: unknown,
  applies: (t: TrackedJob) => boolean,
  texts: { placeholder: string; none: string },
): Promise<TrackedJob | undefined> {
  const id = idFromArgument(arg);
  if (id !== undefined) {
    if (!checkProcessingId(id)) throw new Error(vscode.l10n.t('"{0}" is not a processing id.', id));
    return lookup.get(id) ?? (await lookup.fetch(id));
  }
  const candidates = lookup.all().filter(applies);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(texts.none);
    return undefined;
  }
  type Item = vscode.QuickPickItem & { tracked: TrackedJob };
  const items: Item[] = candidates.map((tracked) => {
    const job = tracked.job;
    return {
      label: folderLabel(job.path),
      description: [stateLabel(job), progressText(job)].filter(Boolean).join(' · '),
      detail: [shortId(job.processingId), dateTime(job.startedAt), job.createdBy].filter(Boolean).join(' · '),
      tracked,
    };
  });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: texts.placeholder, matchOnDescription: true, matchOnDetail: true });
  return picked?.tracked;
}
