/**
 * Issue "Jobs sidebar": every job command called as automation would, with arguments, against the
 * runner's emulator; what the store, the tree, the clipboard and the server say afterwards.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobChange } from '../../src/model/jobStore';
import { connectWith, connectedSuite, emulatorConnectArgs, iconId, jobRow, nextEvent, waitFor, waitForConnectionState, waitForJob, type ConnectedSuite } from './helpers';

const ALPHA = '/content/dam/projects/alpha';
const BETA = '/content/dam/projects/beta';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Job commands with arguments', function () {
  this.timeout(30_000);
  let suite: ConnectedSuite;
  /** The job of the first test, re-run and copied later. */
  let alphaId = '';

  before(async () => {
    suite = await connectedSuite({ rate: 2000 });
  });

  after(async () => {
    await suite?.restore();
  });

  it('aemGuides.jobs.start returns the new id; the job shows at once as pending, then reconciles', async () => {
    const { api, emulator } = suite;
    // What the store and the tree hold at the moment the job is first added.
    const firstSeen = nextEvent<readonly JobChange[]>(api.store.onDidChangeJobs, 'the started job to be added', (changes) =>
      changes.some((c) => c.kind === 'added' && c.current?.job.path === ALPHA),
    ).then((changes) => {
      const change = changes.find((c) => c.kind === 'added' && c.current?.job.path === ALPHA)!;
      const row = jobRow(api, change.id);
      return { change, row };
    });
    const id = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', {
      path: ALPHA,
      excludedPaths: ['content/dam/projects/alpha/install-1'],
      filter: { fileTypes: ['DITATOPIC', 'DITAMAP'] },
    });
    assert.match(String(id), UUID);
    alphaId = id;
    const { change, row } = await firstSeen;
    assert.equal(change.id, id);
    assert.equal(change.current?.pending, true, 'the first state is the pending placeholder');
    assert.equal(change.current?.startedHere, true);
    assert.ok(row, 'the tree shows the job as soon as the store has it');
    assert.equal(row.group, 'active');
    assert.match(String(row.item.description), /Starting/);
    assert.equal(iconId(row.item), 'loading~spin');
    assert.match(String(row.item.contextValue), /\bpending\b/);

    const done = await waitForJob(api, id, 'to succeed', (t) => !t.pending && t.job.state === 'succeeded');
    // The relative excluded path went out absolute; the filter went out as given.
    assert.deepEqual(done.job.excludedPaths, [`${ALPHA}/install-1`]);
    assert.deepEqual([...(done.job.filter?.fileTypes ?? [])], ['DITATOPIC', 'DITAMAP']);
    const server = await emulator.status(id);
    assert.equal(server.status, 'SUCCESS');
    assert.deepEqual(server.excludedPaths, [`${ALPHA}/install-1`]);
    assert.deepEqual(server.filter.fileTypes, ['DITATOPIC', 'DITAMAP']);
    assert.equal(done.job.triggeredCount, server.triggeredCount);
    const finishedRow = jobRow(api, id);
    assert.equal(finishedRow?.group, 'history');
    assert.equal(iconId(finishedRow.item), 'pass');
  });

  it('refuses bad input before any request, with a message naming the problem, and adds no job', async () => {
    const { api, emulator } = suite;
    const jobsBefore = (await emulator.control<{ jobs: number }>('/stats')).jobs;
    const storeBefore = api.store.all().length;
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('aemGuides.jobs.start', { path: 'content/dam/x' })),
      (error: unknown) => error instanceof Error && error.message.includes('"content/dam/x"') && /not absolute/.test(error.message),
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('aemGuides.jobs.start', { path: ALPHA, excludedPaths: [BETA] })),
      (error: unknown) => error instanceof Error && error.message.includes(BETA),
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('aemGuides.jobs.start', { path: ALPHA, filter: { fileTypes: ['PDF'] } })),
      (error: unknown) => error instanceof Error && error.message.includes('PDF'),
    );
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('aemGuides.jobs.cancel', 'not a processing id!')), /not a processing id/);
    assert.equal(api.store.all().length, storeBefore, 'no job was added to the store');
    assert.equal((await emulator.control<{ jobs: number }>('/stats')).jobs, jobsBefore, 'no job reached the server');
  });

  let betaId = '';
  it('aemGuides.jobs.cancel with an id ends the job cancelled (no confirmation with confirmCancel off)', async () => {
    const { api, emulator } = suite;
    await emulator.behaviour({ rate: 20 });
    betaId = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: BETA });
    await waitForJob(api, betaId, 'to be cancellable', (t) => t.job.cancellable && t.job.state === 'running');
    const cancelled = await vscode.commands.executeCommand<boolean>('aemGuides.jobs.cancel', betaId);
    assert.equal(cancelled, true);
    const job = (await waitForJob(api, betaId, 'to be cancelled', (t) => t.job.state === 'cancelled')).job;
    assert.equal(job.resumable, true);
    assert.equal(job.cancellable, false);
    assert.ok(job.totalFiles !== undefined && job.triggeredCount < job.totalFiles, 'it stopped before the end');
    assert.equal((await emulator.status(betaId)).status, 'CANCELLED');
    // A second cancel is refused with a message (the job cannot be cancelled now), not silently.
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('aemGuides.jobs.cancel', betaId)), /cannot be cancelled/);
  });

  it('aemGuides.jobs.resume with an id runs the job again to success, under the same id', async () => {
    const { api, emulator } = suite;
    assert.ok(betaId, 'needs the cancelled job of the previous test');
    await emulator.behaviour({ rate: 2000 });
    const resumed = await vscode.commands.executeCommand<boolean>('aemGuides.jobs.resume', betaId);
    assert.equal(resumed, true);
    const tracked = await waitForJob(api, betaId, 'to succeed after the resume', (t) => t.job.state === 'succeeded');
    assert.equal(tracked.startedHere, true);
    assert.equal(tracked.job.triggeredCount, tracked.job.totalFiles);
    const server = await emulator.status(betaId);
    assert.equal(server.status, 'SUCCESS');
    assert.equal(server.triggeredCount, server.migrationSet.totalFiles);
  });

  it('aemGuides.jobs.rerun with an id starts a new job on the same path, exclusions and filter', async () => {
    const { api, emulator } = suite;
    assert.ok(alphaId, 'needs the job of the first test');
    const newId = await vscode.commands.executeCommand<string>('aemGuides.jobs.rerun', alphaId);
    assert.match(String(newId), UUID);
    assert.notEqual(newId, alphaId);
    const rerun = (await waitForJob(api, newId, 'to succeed', (t) => !t.pending && t.job.state === 'succeeded')).job;
    const original = api.store.get(alphaId)!.job;
    assert.equal(rerun.path, original.path);
    assert.deepEqual(rerun.excludedPaths, original.excludedPaths);
    assert.deepEqual(rerun.filter?.fileTypes, original.filter?.fileTypes);
    const server = await emulator.status(newId);
    assert.deepEqual([server.path, server.excludedPaths, server.filter.fileTypes], [ALPHA, [`${ALPHA}/install-1`], ['DITATOPIC', 'DITAMAP']]);
  });

  it('aemGuides.jobs.refresh asks the server now and brings jobs started elsewhere', async () => {
    const { api, emulator } = suite;
    const elsewhere = await emulator.startDirectly('/content/dam/status-fetch1/excluded-folder');
    assert.equal(api.store.get(elsewhere), undefined, 'not known before a refresh');
    const before = await emulator.requestCount();
    await vscode.commands.executeCommand('aemGuides.jobs.refresh');
    assert.ok((await emulator.requestCount()) > before + 1, 'the refresh made a request');
    assert.ok(api.store.get(elsewhere), 'the job started behind the extension is in the store right after the refresh');
    assert.equal(api.monitor.state.kind, 'ok');
    await waitForJob(api, elsewhere, 'to finish', (t) => !t.job.active);
  });

  it('aemGuides.jobs.copyId and copyPath with an id put them on the clipboard', async () => {
    assert.ok(alphaId);
    await vscode.env.clipboard.writeText('');
    assert.equal(await vscode.commands.executeCommand<string>('aemGuides.jobs.copyId', alphaId), alphaId);
    assert.equal(await vscode.env.clipboard.readText(), alphaId);
    assert.equal(await vscode.commands.executeCommand<string>('aemGuides.jobs.copyPath', alphaId), ALPHA);
    assert.equal(await vscode.env.clipboard.readText(), ALPHA);
  });

  it('aemGuides.jobs.showDetails with an id opens the job panel', async () => {
    const { api } = suite;
    assert.equal(await vscode.commands.executeCommand<string>('aemGuides.jobs.showDetails', alphaId), alphaId);
    const panel = api.detailsPanels.get(alphaId);
    assert.ok(panel, 'a panel for the job');
    const rendered = await waitFor('the panel to render', () => panel.lastRendered);
    assert.ok(rendered.text.includes(ALPHA));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('the panel to be disposed', () => api.detailsPanels.get(alphaId) === undefined);
  });

  it('aemGuides.signOut forgets the secret (signedOut, no jobs); aemGuides.connect with arguments connects again', async () => {
    const { api } = suite;
    await vscode.commands.executeCommand('aemGuides.signOut');
    await waitFor('signedOut', () => api.connectionState() === 'signedOut');
    assert.equal(api.store.all().length, 0, 'the jobs of the server are gone from the view');
    assert.equal(api.monitor.state.kind, 'idle', 'nothing polls without credentials');
    const servers = vscode.workspace.getConfiguration('aemGuides').get<object[]>('servers') ?? [];
    assert.ok(servers.every((s) => !('password' in s)), 'no secret in settings');

    await connectWith(api, emulatorConnectArgs());
    await waitForConnectionState(api, 'connected');
    await waitFor('the earlier jobs to be back from the server history', () => api.store.get(alphaId) && api.store.get(betaId), { nudge: () => api.monitor.refresh() });
  });
});
