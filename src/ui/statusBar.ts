/** A status-bar item while jobs are active: count and spinner; a click reveals the view. */
import * as vscode from 'vscode';
import type { JobStore } from '../model/jobStore';
import { folderLabel, progressText } from './format';

export class JobsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('aemGuides.activeJobs', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: JobStore) {
    this.item.name = vscode.l10n.t('AEM Guides: active jobs');
    this.item.command = 'aemGuides.jobs.focus';
    this.subscription = store.onDidChangeJobs(() => this.update());
    this.update();
  }

  update(): void {
    const active = this.store.active();
    if (active.length === 0) {
      this.item.hide();
      return;
    }
    const first = active[0]!.job;
    this.item.text =
      active.length === 1
        ? `$(sync~spin) ${folderLabel(first.path)} ${progressText(first) ?? ''}`.trimEnd()
        : `$(sync~spin) ${vscode.l10n.t('{0} AEM jobs', active.length)}`;
    this.item.tooltip = active.map((t) => `${folderLabel(t.job.path)}: ${progressText(t.job) ?? t.job.status}`).join('\n');
    this.item.accessibilityInformation = { label: vscode.l10n.t('{0} AEM Guides jobs active', active.length) };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
