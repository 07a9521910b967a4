/** How job and log commands report failures, in one place. */
import * as vscode from 'vscode';
import { isAemError } from '../api/errors';
import { NoServerError } from '../model/jobService';
import { describeError } from '../ui/messages';
import { log } from '../util/logger';
import { JobNode } from '../tree/jobsTreeProvider';

/**
 * A command called with a processing id or an argument object comes from a keybinding, a script or a
 * test: it rejects with the message so the caller sees it. From a click or the palette, the message
 * is shown instead.
 */
export function fromAutomation(arg: unknown): boolean {
  return typeof arg === 'string' || (typeof arg === 'object' && arg !== null && !(arg instanceof JobNode));
}

/** Runs a command body; a failure becomes a clear message, never a raw stack. */
export async function guarded<T>(arg: unknown, what: string, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (e) {
    if (isAemError(e) && e.kind === 'cancelled') return undefined;
    log.error(`${what} failed`, e);
    const message = isAemError(e)
      ? describeError(e)
      : e instanceof NoServerError
        ? vscode.l10n.t('Connect to an AEM Guides server first.')
        : e instanceof Error
          ? e.message
          : String(e);
    if (fromAutomation(arg)) throw new Error(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}
