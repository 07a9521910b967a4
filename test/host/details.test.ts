/**
 * Issue "Job details webview": what the real webview page renders (it reports its text, buttons and
 * element counts after each render), live updates, actions by capability, and server text as text only.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DetailsPanel } from '../../src/webview/detailsPanel';
import { connectedSuite, waitFor, waitForJob, type ConnectedSuite } from './helpers';

const SAMPLES = '/content/dam/shared/samples-1';
const TROUBLESHOOT = '/content/dam/shared/troubleshoot-2';

type Rendered = NonNullable<DetailsPanel['lastRendered']>;

describe('Job details webview', function () {
  this.timeout(30_000);
  let suite: ConnectedSuite;

  before(async () => {
    suite = await connectedSuite({ rate: 2000 });
  });

  after(async () => {
    await suite?.restore();
  });

  async function openPanel(id: string): Promise<DetailsPanel> {
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.showDetails', id), id);
    const panel = suite.api.detailsPanels.get(id);
    assert.ok(panel, `a details panel for ${id}`);
    return panel;
  }

  /** Waits for a render the predicate accepts (the page reports each render), refreshing the monitor meanwhile. */
  function rendered(panel: DetailsPanel, what: string, predicate: (r: Rendered) => boolean): Promise<Rendered> {
    return waitFor(what, () => (panel.lastRendered && predicate(panel.lastRendered) ? panel.lastRendered : undefined), {
      timeoutMs: 20_000,
      intervalMs: 100,
      nudge: () => suite.api.monitor.refresh(),
      describe: () => JSON.stringify(panel.lastRendered ?? 'nothing rendered'),
    });
  }

  function counts(r: Rendered): string | undefined {
    return /[\d,]+ of [\d,]+ assets \(\d+%\)/.exec(r.text)?.[0];
  }

  let finishedId = '';
  /** Scripts in a page that shows no server markup (see the first test). */
  let pageScripts = 0;
  it('shows a finished job: path, status, and the actions a finished job allows', async () => {
    const { api } = suite;
    finishedId = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: TROUBLESHOOT });
    const job = (await waitForJob(api, finishedId, 'to succeed', (t) => t.job.state === 'succeeded')).job;
    const panel = await openPanel(finishedId);
    const r = await rendered(panel, 'the succeeded state', (x) => x.text.includes('SUCCESS'));
    assert.ok(r.text.includes(TROUBLESHOOT), 'the path');
    assert.ok(r.text.includes('Succeeded (SUCCESS)'), 'the state and the raw status');
    assert.ok(r.text.includes(`${job.totalFiles} of ${job.totalFiles} assets (100%)`), 'the final counts');
    assert.ok(r.text.includes(finishedId), 'the processing id');
    assert.deepEqual(r.buttons, ['rerun', 'followLogs', 'openFullLog', 'downloadLogs', 'copyId']);
    assert.equal(r.imgCount, 0);
    // The page's own bundle, plus the script VS Code itself puts into every webview with scripts enabled
    // (`_vscodeApiScript`, which defines acquireVsCodeApi): the count every render of this page must keep.
    assert.equal(r.scriptCount, 2, 'the page bundle and VS Code\'s API script');
    pageScripts = r.scriptCount;
  });

  it('runAction("copyId") copies the id, as the page button does', async () => {
    const panel = suite.api.detailsPanels.get(finishedId);
    assert.ok(panel);
    await vscode.env.clipboard.writeText('');
    await panel.runAction('copyId');
    assert.equal(await vscode.env.clipboard.readText(), finishedId);
  });

  it('opening the same job again reveals its one panel', async () => {
    const { api } = suite;
    const first = api.detailsPanels.get(finishedId);
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    const again = await openPanel(finishedId);
    assert.equal(again, first, 'the same panel object');
    const detailsTabs = (): vscode.Tab[] =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('aemGuides.jobDetails'));
    assert.equal(detailsTabs().length, 1, `details tabs: ${detailsTabs().map((t) => t.label).join(', ')}`);
    await waitFor('the panel to be revealed (its tab active again)', () => detailsTabs()[0]?.isActive, { describe: () => String(vscode.window.tabGroups.activeTabGroup.activeTab?.label) });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the panel to be disposed', () => api.detailsPanels.get(finishedId) === undefined);
  });

  let runningId = '';
  it('follows a running job live: the counts change as it advances; running actions start with Cancel', async () => {
    const { api, emulator } = suite;
    await emulator.behaviour({ rate: 20 });
    runningId = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: SAMPLES });
    await waitForJob(api, runningId, 'to run', (t) => t.job.state === 'running' && t.job.hasLogs);
    const panel = await openPanel(runningId);
    const first = await rendered(panel, 'a running render with counts', (r) => r.text.includes('IN_PROGRESS') && counts(r) !== undefined);
    assert.ok(first.text.includes(SAMPLES));
    assert.ok(first.text.includes('Running (IN_PROGRESS)'));
    assert.deepEqual(first.buttons, ['cancel', 'followLogs', 'openFullLog', 'downloadLogs', 'copyId']);
    const before = counts(first);
    const later = await rendered(panel, 'the counts to move on', (r) => counts(r) !== undefined && counts(r) !== before);
    const processed = (r: Rendered): number => Number(counts(r)!.split(' ')[0]!.replace(/,/g, ''));
    assert.ok(processed(later) > processed(first), `${counts(later)} after ${before}`);
  });

  it('renders server text as text: failure comments with markup create no element', async () => {
    const { api, emulator } = suite;
    assert.ok(runningId);
    const comments = '<img src=x onerror=alert(1)> and <script>alert(2)</script>';
    await emulator.failJob(runningId, comments);
    await waitForJob(api, runningId, 'to fail', (t) => t.job.state === 'failed');
    const panel = api.detailsPanels.get(runningId);
    assert.ok(panel);
    const r = await rendered(panel, 'the failed state', (x) => x.text.includes('FAILED'));
    assert.equal(r.comment, comments, 'the comments exactly as the server sent them');
    assert.equal(r.imgCount, 0, 'no <img> element');
    assert.ok(pageScripts > 0, 'needs the first test');
    assert.equal(r.scriptCount, pageScripts, 'no <script> beyond those of a page without markup');
    // Failed: resumable and restartable, nothing to cancel.
    assert.deepEqual(r.buttons, ['resume', 'rerun', 'followLogs', 'openFullLog', 'downloadLogs', 'copyId']);
  });
});
