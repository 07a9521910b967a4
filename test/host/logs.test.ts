/**
 * Issue "Logs": following a job's log, stopping, downloading the logs (a ZIP, or the server's list of
 * paths) and the full log in an editor, each compared with what the emulator holds.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { connectedSuite, nextEvent, readZip, textLines, waitFor, waitForJob, type ConnectedSuite } from './helpers';

const GUIDES = '/content/dam/techdocs/guides';
const RELEASE_NOTES = '/content/dam/techdocs/release-notes';

describe('Job logs', function () {
  this.timeout(30_000);
  let suite: ConnectedSuite;
  let folder = '';
  /** A finished job with a log, from the first test. */
  let finishedId = '';

  before(async () => {
    suite = await connectedSuite({ rate: 2000 });
    folder = mkdtempSync(join(tmpdir(), 'aem-guides-host-logs-'));
  });

  after(async () => {
    await suite?.restore();
    rmSync(folder, { recursive: true, force: true });
  });

  it('aemGuides.jobs.followLogs follows a running job to its end and writes every line of its log', async () => {
    const { api, emulator } = suite;
    await emulator.behaviour({ rate: 100 });
    const id = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: GUIDES });
    await waitForJob(api, id, 'to be known to the server', (t) => !t.pending && t.job.active);
    const closed = nextEvent(api.following.onDidClose, 'following to end', (e) => e.processingId === id, 25_000);
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.followLogs', id), true);
    assert.equal(api.following.isFollowing(id), true);
    // Still running when following started, so the follower saw it finish.
    assert.ok(api.store.get(id)?.job.active, 'the job was still active when following began');
    const { summary } = await closed;
    assert.equal(summary.reason, 'finished');
    assert.equal(summary.job?.state, 'succeeded');
    assert.equal(api.following.isFollowing(id), false);
    const serverLines = await emulator.logLines(id);
    assert.ok(summary.linesWritten > 0);
    // Followed from its first lines, so each line of the server's log was written once.
    assert.equal(summary.linesWritten, serverLines.length);
    finishedId = id;
  });

  it('aemGuides.jobs.stopFollowing stops following a running job (reason stopped)', async () => {
    const { api, emulator } = suite;
    await emulator.behaviour({ rate: 20 });
    const id = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: RELEASE_NOTES });
    await waitForJob(api, id, 'to run', (t) => t.job.state === 'running');
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.followLogs', id), true);
    assert.equal(api.following.isFollowing(id), true);
    const closed = nextEvent(api.following.onDidClose, 'following to stop', (e) => e.processingId === id);
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.stopFollowing', id), true);
    const { summary } = await closed;
    assert.equal(summary.reason, 'stopped');
    assert.equal(api.following.isFollowing(id), false);
    assert.ok(api.store.get(id)?.job.active, 'stopping to follow does not stop the job');
    assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.cancel', id), true);
    await waitForJob(api, id, 'to be cancelled', (t) => t.job.state === 'cancelled');
  });

  it('aemGuides.jobs.downloadLogs with a target path writes a valid ZIP holding the server log', async () => {
    const { emulator } = suite;
    assert.ok(finishedId, 'needs the job of the first test');
    const target = join(folder, 'logs.zip');
    const result = await vscode.commands.executeCommand<string>('aemGuides.jobs.downloadLogs', finishedId, target);
    assert.equal(result, target);
    const zip = readFileSync(target);
    assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    const entries = readZip(zip);
    assert.deepEqual(entries.map((e) => e.name), [`${finishedId}.log`]);
    assert.deepEqual(textLines(entries[0]!.data.toString('utf8')), await emulator.logLines(finishedId));
  });

  it('aemGuides.jobs.downloadLogs answers the list of paths when the server sends paths (a pick to copy from)', async () => {
    const { emulator } = suite;
    await emulator.behaviour({ downloadMode: 'paths' });
    try {
      let settled: { value?: unknown; error?: unknown } | undefined;
      void Promise.resolve(vscode.commands.executeCommand('aemGuides.jobs.downloadLogs', finishedId, join(folder, 'unused.zip'))).then(
        (value) => (settled = { value }),
        (error: unknown) => (settled = { error }),
      );
      // The command resolves once its quick pick of paths is closed: close it until it does.
      const outcome = await waitFor('the paths pick to be shown and closed', () => settled, {
        intervalMs: 100,
        nudge: () => vscode.commands.executeCommand('workbench.action.closeQuickOpen'),
      });
      assert.equal(outcome.error, undefined);
      assert.deepEqual(outcome.value, [`/var/log/aem-guides/asset-processing/${finishedId}.log`]);
    } finally {
      await emulator.behaviour({ downloadMode: 'zip' });
    }
  });

  it('aemGuides.jobs.openFullLog opens exactly the server log in a read-only log document', async () => {
    const { emulator } = suite;
    const uri = await vscode.commands.executeCommand<string>('aemGuides.jobs.openFullLog', finishedId);
    assert.equal(typeof uri, 'string');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(doc, `${uri} is among the open documents`);
    assert.equal(doc.languageId, 'log');
    assert.equal(doc.uri.scheme, 'aem-guides-log');
    const serverLines = await emulator.logLines(finishedId);
    assert.equal(doc.getText(), serverLines.join('\n'));
  });

  it('aemGuides.jobs.openFullLog reads a long log page by page without losing or repeating a line', async () => {
    const { emulator } = suite;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const total = await emulator.appendLines(finishedId, 25_000);
    const uri = await vscode.commands.executeCommand<string>('aemGuides.jobs.openFullLog', finishedId);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(doc);
    assert.equal(doc.lineCount, total);
    const serverLines = await emulator.logLines(finishedId);
    assert.equal(serverLines.length, total);
    for (const n of [0, 1, 9_999, 10_000, 10_001, 19_999, 20_000, total - 1]) {
      assert.equal(doc.lineAt(n).text, serverLines[n], `line ${n}`);
    }
  });
});
