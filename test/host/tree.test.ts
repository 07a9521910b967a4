/**
 * Issue "Jobs sidebar": the tree's groups and rows, their context values, and which commands the
 * `view/item/context` menus of package.json offer for them (their `when` clauses evaluated here).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { connectedSuite, evaluateWhen, iconId, jobRow, labelOf, manifestFromDisk, offeredCommands, rootRows, waitFor, waitForJob, type ConnectedSuite, type MenuItem } from './helpers';

const GAMMA = '/content/dam/projects/gamma';
const VIEW = 'aemGuides.jobs';

/** What each menu offers for a row with this context value: inline buttons and the context menu. */
function menusFor(contextValue: string): { inline: Set<string>; context: Set<string> } {
  const menu: MenuItem[] = manifestFromDisk().contributes.menus?.['view/item/context'] ?? [];
  assert.ok(menu.length > 0, 'package.json has view/item/context menus');
  const context = { view: VIEW, viewItem: contextValue };
  return {
    inline: offeredCommands(menu, context, (g) => g.startsWith('inline')),
    context: offeredCommands(menu, context, (g) => !g.startsWith('inline')),
  };
}

function tags(contextValue: string | undefined): string[] {
  return (contextValue ?? '').split(' ');
}

describe('Jobs tree: groups, context values and menus', function () {
  this.timeout(30_000);
  let suite: ConnectedSuite;
  let runningId = '';

  before(async () => {
    suite = await connectedSuite({ rate: 2000 });
  });

  after(async () => {
    await suite?.restore();
  });

  it('evaluates when clauses the way VS Code does (the evaluator itself)', () => {
    const ctx = { view: VIEW, viewItem: 'job active cancellable hasLogs hasPath' };
    assert.equal(evaluateWhen('view == aemGuides.jobs && viewItem =~ /\\bcancellable\\b/', ctx), true);
    assert.equal(evaluateWhen('view == aemGuides.jobs && viewItem =~ /\\bresumable\\b/', ctx), false);
    assert.equal(evaluateWhen('view == other && viewItem =~ /\\bcancellable\\b/', ctx), false);
    assert.equal(evaluateWhen('!(viewItem =~ /\\bfollowing\\b/)', ctx), true);
    assert.equal(evaluateWhen('viewItem =~ /^job\\b/ && !(viewItem =~ /\\bactive\\b/)', ctx), false);
    assert.equal(evaluateWhen('viewItem == error || view != aemGuides.jobs', ctx), false);
    assert.equal(evaluateWhen('viewItem == error', { viewItem: 'error' }), true);
    // `cancellable` must not match inside a longer word.
    assert.equal(evaluateWhen('viewItem =~ /\\bcancellable\\b/', { viewItem: 'job notcancellable' }), false);
  });

  it('shows the Active and History groups at the root when connected', async () => {
    const { api } = suite;
    const roots = rootRows(api);
    assert.deepEqual(roots.map((r) => labelOf(r.item)), ['Active', 'History']);
    assert.deepEqual(roots.map((r) => r.item.contextValue), ['group active', 'group history']);
    assert.deepEqual(roots.map((r) => r.item.collapsibleState), [vscode.TreeItemCollapsibleState.Expanded, vscode.TreeItemCollapsibleState.Expanded]);
    // A group row offers no job command.
    for (const root of roots) {
      const { inline, context } = menusFor(String(root.item.contextValue));
      assert.deepEqual([...inline, ...context], [], `menus offered on ${labelOf(root.item)}`);
    }
  });

  it('a running job: spinning icon, tags job active cancellable hasLogs, and only the menus those allow', async () => {
    const { api, emulator } = suite;
    await emulator.behaviour({ rate: 20 });
    runningId = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: GAMMA });
    await waitForJob(api, runningId, 'to run with logs', (t) => t.job.state === 'running' && t.job.hasLogs && t.job.totalFiles !== undefined);
    const row = jobRow(api, runningId);
    assert.ok(row, 'the job has a row');
    assert.equal(row.group, 'active');
    assert.equal(labelOf(row.item), 'projects/gamma');
    assert.equal(iconId(row.item), 'sync~spin');
    assert.match(String(row.item.description), /Running/);
    assert.deepEqual(tags(row.item.contextValue), ['job', 'active', 'cancellable', 'hasLogs', 'hasPath']);
    assert.equal(row.item.command?.command, 'aemGuides.jobs.showDetails', 'a click shows the details');

    const { inline, context } = menusFor(String(row.item.contextValue));
    assert.deepEqual([...inline].sort(), ['aemGuides.jobs.cancel', 'aemGuides.jobs.followLogs']);
    assert.deepEqual([...context].sort(), [
      'aemGuides.jobs.cancel',
      'aemGuides.jobs.copyId',
      'aemGuides.jobs.copyPath',
      'aemGuides.jobs.downloadLogs',
      'aemGuides.jobs.followLogs',
      'aemGuides.jobs.openFullLog',
      'aemGuides.jobs.showDetails',
    ]);
  });

  it('a followed job gets the following tag: Stop Following instead of Follow Log', async () => {
    const { api } = suite;
    assert.ok(runningId);
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.followLogs', runningId), true);
    const row = await waitFor('the row to show following', () => {
      const r = jobRow(api, runningId);
      return r && tags(r.item.contextValue).includes('following') ? r : undefined;
    });
    const { inline, context } = menusFor(String(row.item.contextValue));
    assert.ok(!inline.has('aemGuides.jobs.followLogs') && !context.has('aemGuides.jobs.followLogs'));
    assert.ok(context.has('aemGuides.jobs.stopFollowing'));
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.stopFollowing', runningId), true);
    await waitFor('the following tag to go', () => !tags(jobRow(api, runningId)?.item.contextValue).includes('following'));
  });

  it('a cancelled job: finished, resumable and restartable, no cancel; Resume and Re-run offered', async () => {
    const { api } = suite;
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.cancel', runningId), true);
    await waitForJob(api, runningId, 'to be cancelled', (t) => t.job.state === 'cancelled');
    const row = await waitFor('the row in History', () => {
      const r = jobRow(api, runningId);
      return r?.group === 'history' ? r : undefined;
    });
    assert.equal(iconId(row.item), 'circle-slash');
    assert.deepEqual(tags(row.item.contextValue), ['job', 'finished', 'resumable', 'restartable', 'hasLogs', 'hasPath']);
    const { inline, context } = menusFor(String(row.item.contextValue));
    assert.deepEqual([...inline].sort(), ['aemGuides.jobs.followLogs', 'aemGuides.jobs.rerun', 'aemGuides.jobs.resume']);
    assert.ok(!context.has('aemGuides.jobs.cancel'));
    for (const command of ['aemGuides.jobs.resume', 'aemGuides.jobs.rerun', 'aemGuides.jobs.openFullLog', 'aemGuides.jobs.downloadLogs', 'aemGuides.jobs.copyPath']) {
      assert.ok(context.has(command), `${command} offered on a cancelled job`);
    }
  });

  it('a succeeded job: restartable only (Re-run, no Resume, no Cancel), with logs', async () => {
    const { api, emulator } = suite;
    await emulator.behaviour({ rate: 2000 });
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.resume', runningId), true);
    await waitForJob(api, runningId, 'to succeed', (t) => t.job.state === 'succeeded');
    const row = await waitFor('the succeeded row', () => {
      const r = jobRow(api, runningId);
      return r && iconId(r.item) === 'pass' ? r : undefined;
    });
    assert.deepEqual(tags(row.item.contextValue), ['job', 'finished', 'restartable', 'hasLogs', 'hasPath']);
    assert.match(String(row.item.description), /Succeeded/);
    const { inline, context } = menusFor(String(row.item.contextValue));
    assert.deepEqual([...inline].sort(), ['aemGuides.jobs.followLogs', 'aemGuides.jobs.rerun']);
    assert.ok(!context.has('aemGuides.jobs.resume') && !context.has('aemGuides.jobs.cancel'));
    assert.ok(context.has('aemGuides.jobs.rerun') && context.has('aemGuides.jobs.openFullLog') && context.has('aemGuides.jobs.downloadLogs'));
  });

  it('a finished job without a path or logs offers neither Re-run, Copy Path nor the log commands', () => {
    // The store only ever holds what the server sent; this row is what an older server's history item gives.
    const { inline, context } = menusFor('job finished restartable');
    assert.deepEqual([...inline], []);
    assert.deepEqual([...context].sort(), ['aemGuides.jobs.copyId', 'aemGuides.jobs.showDetails']);
  });

  it('the view title offers Start only when connected, Refresh whenever a server is set', () => {
    const menu = manifestFromDisk().contributes.menus?.['view/title'] ?? [];
    const offered = (state: string): Set<string> => offeredCommands(menu, { view: VIEW, 'aemGuides.connectionState': state });
    assert.ok(offered('connected').has('aemGuides.jobs.start'));
    for (const state of ['noServer', 'signedOut', 'unauthorized', 'unreachable']) assert.ok(!offered(state).has('aemGuides.jobs.start'), `Start offered when ${state}`);
    assert.ok(!offered('noServer').has('aemGuides.jobs.refresh'));
    assert.ok(offered('unreachable').has('aemGuides.jobs.refresh'));
    assert.ok(!offered('signedOut').has('aemGuides.signOut') && offered('connected').has('aemGuides.signOut'));
  });
});
