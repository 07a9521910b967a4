/**
 * Issue "Jobs sidebar": the welcome states (`aemGuides.connectionState`), reconnecting after a 401,
 * and recovery when the server goes away and comes back (an emulator started in this process).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { startEmulator, type Emulator } from '../emulator/server';
import {
  EmulatorClient,
  SettingsSnapshot,
  connectWith,
  delay,
  emulatorConnectArgs,
  emulatorEnv,
  evaluateWhen,
  extension,
  extensionApi,
  jobRow,
  labelOf,
  manifestFromDisk,
  offeredCommands,
  rootRows,
  setSetting,
  waitFor,
  waitForConnectionState,
  waitForJob,
} from './helpers';

const STATES = ['noServer', 'signedOut', 'unauthorized', 'unreachable', 'connected'] as const;

/** The welcome contents shown for a state (those whose `when` holds), with package.nls.json's texts. */
function welcomeFor(state: string): string[] {
  const welcome = manifestFromDisk().contributes.viewsWelcome ?? [];
  const nls = JSON.parse(readFileSync(join(extension().extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
  return welcome
    .filter((w) => w.view === 'aemGuides.jobs' && w.when !== undefined && evaluateWhen(w.when, { 'aemGuides.connectionState': state }))
    .map((w) => w.contents.replace(/^%(.+)%$/, (_m, key: string) => nls[key] ?? `%${key}%`));
}

describe('Welcome states and reconnecting', function () {
  this.timeout(40_000);
  let api: ExtensionApi;
  const runner = EmulatorClient.runner();
  const settings = SettingsSnapshot.take(['servers', 'activeServer', 'logs.followOnStart', 'notifications']);

  before(async () => {
    api = await extensionApi();
    await setSetting('logs.followOnStart', false);
    await setSetting('notifications', 'off');
  });

  after(async () => {
    // Whatever failed above: the runner's password back, its server active and signed out again.
    await runner.setUsers([{ name: emulatorEnv().user, password: emulatorEnv().password }]);
    // Connecting makes the runner's server the active one for sure; signing out then forgets its secret.
    await connectWith(api, emulatorConnectArgs());
    await vscode.commands.executeCommand('aemGuides.signOut');
    await settings.restore();
    await waitFor('the runner server, signed out', () => api.connectionState() === 'signedOut');
  });

  it('each state but connected has exactly one welcome content', () => {
    for (const state of STATES) {
      assert.equal(welcomeFor(state).length, state === 'connected' ? 0 : 1, `welcome contents for ${state}`);
    }
    assert.match(welcomeFor('signedOut')[0]!, /command:aemGuides\.signIn/);
    assert.match(welcomeFor('noServer')[0]!, /command:aemGuides\.connect/);
    assert.match(welcomeFor('unauthorized')[0]!, /command:aemGuides\.signIn/);
    assert.match(welcomeFor('unreachable')[0]!, /command:aemGuides\.jobs\.refresh/);
  });

  it('is signedOut before connect (a server is set but no secret is stored): no tree, only the welcome', () => {
    assert.equal(api.connectionState(), 'signedOut');
    assert.equal(vscode.workspace.getConfiguration('aemGuides').get('activeServer'), 'emulator');
    assert.deepEqual(api.tree.getChildren(), []);
  });

  it('is connected after aemGuides.connect with arguments', async () => {
    await connectWith(api, emulatorConnectArgs());
    assert.equal(api.connectionState(), 'connected');
    assert.deepEqual(rootRows(api).map((r) => labelOf(r.item)), ['Active', 'History']);
  });

  it('is unauthorized after the password changed on the server: asks once, no loop; connect again -> connected', async () => {
    const { user, password } = emulatorEnv();
    await runner.setUsers([{ name: user, password: 'changed-by-an-administrator' }]);
    await vscode.commands.executeCommand('aemGuides.jobs.refresh');
    await waitForConnectionState(api, 'unauthorized');
    // The 401 opened one password box (signIn): dismiss it as a person pressing Escape would.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.deepEqual(api.tree.getChildren(), [], 'the welcome view shows instead of the tree');

    // No retry loop: the emulator sees no request over a few seconds (only the stats call itself).
    const before = await runner.requestCount();
    await delay(3000);
    const after = await runner.requestCount();
    assert.equal(after - before, 1, `${after - before - 1} requests were made while unauthorized`);
    assert.equal(api.connectionState(), 'unauthorized');
    assert.equal(api.monitor.nextTickAt, undefined, 'no poll is scheduled');

    await runner.setUsers([{ name: user, password }]);
    assert.equal(await vscode.commands.executeCommand('aemGuides.connect', emulatorConnectArgs()), true);
    await waitFor('connected again without a manual refresh', () => api.connectionState() === 'connected' && api.monitor.state.kind === 'ok', {
      timeoutMs: 5000,
      describe: () => `${String(api.connectionState())}, monitor ${api.monitor.state.kind}`,
    });
  });

  describe('a server that stops and starts again', () => {
    let emulator: Emulator | undefined;
    let dataDir = '';
    let port = 0;
    let client: EmulatorClient;
    let knownId = '';
    let interruptedId = '';
    const args = (): object => ({ name: 'host-recovery', url: `http://127.0.0.1:${port}`, authType: 'basic', username: 'admin', password: 'admin' });
    const start = async (): Promise<void> => {
      emulator = await startEmulator({ port, dataDir, rate: 2000, countMs: 50, tickMs: 20, persistDebounceMs: 20 });
      port = emulator.port;
      client = new EmulatorClient(emulator.url, emulator.basicAuthHeader());
    };
    const stop = async (): Promise<void> => {
      await emulator?.close();
      emulator = undefined;
    };

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'aem-guides-host-recovery-'));
      await start();
    });

    after(async () => {
      // Forget this server's secret while it is active, then the runner's server comes back with the settings.
      if (vscode.workspace.getConfiguration('aemGuides').get('activeServer') === 'host-recovery' && api.connectionState() !== 'signedOut') {
        await vscode.commands.executeCommand('aemGuides.signOut');
      }
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('unreachable when no job is known: the welcome state, no tree', async () => {
      await connectWith(api, args());
      assert.equal(api.store.all().length, 0, 'a fresh server has no jobs');
      await stop();
      await vscode.commands.executeCommand('aemGuides.jobs.refresh');
      await waitForConnectionState(api, 'unreachable');
      assert.deepEqual(api.tree.getChildren(), []);
      assert.equal(welcomeFor('unreachable').length, 1);
    });

    it('connected again once the server is back and a refresh reaches it', async () => {
      await start();
      await waitForConnectionState(api, 'connected');
      assert.equal(api.monitor.state.kind, 'ok');
    });

    it('with jobs known, an unreachable server is an error row (Retry) above the last known jobs', async () => {
      knownId = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: '/content/dam/techdocs/guides' });
      await waitForJob(api, knownId, 'to succeed', (t) => t.job.state === 'succeeded');
      await client.behaviour({ rate: 10 });
      interruptedId = await vscode.commands.executeCommand<string>('aemGuides.jobs.start', { path: '/content/dam/techdocs/reference' });
      await waitForJob(api, interruptedId, 'to run', (t) => t.job.state === 'running');

      await stop();
      await vscode.commands.executeCommand('aemGuides.jobs.refresh');
      const [first, ...rest] = await waitFor('the error row', () => {
        const rows = rootRows(api);
        return rows[0]?.item.contextValue === 'error' ? rows : undefined;
      });
      assert.match(labelOf(first!.item), /^Cannot reach host-recovery/);
      assert.equal(first!.item.command?.command, 'aemGuides.jobs.refresh', 'clicking it retries');
      assert.deepEqual(rest.map((r) => labelOf(r.item)), ['Active', 'History'], 'the last known jobs stay below it');
      assert.equal(api.connectionState(), 'connected', 'not the welcome view: jobs are known');
      assert.ok(jobRow(api, knownId) && jobRow(api, interruptedId), 'both jobs still shown');
      const menu = manifestFromDisk().contributes.menus?.['view/item/context'] ?? [];
      assert.deepEqual([...offeredCommands(menu, { view: 'aemGuides.jobs', viewItem: 'error' })], ['aemGuides.jobs.refresh']);
    });

    it('recovers after the restart: the error row goes, jobs are back, the interrupted one resumes to success', async () => {
      await start();
      await waitFor('the groups without the error row', () => rootRows(api)[0]?.item.contextValue === 'group active', { nudge: () => api.monitor.refresh(), intervalMs: 100 });
      assert.equal(api.monitor.state.kind, 'ok');
      assert.equal(api.store.get(knownId)?.job.state, 'succeeded');
      // The server marks a job it was running when it stopped as failed and resumable.
      const interrupted = await waitForJob(api, interruptedId, 'to be failed by the restart', (t) => t.job.state === 'failed');
      assert.equal(interrupted.job.resumable, true);
      assert.match(interrupted.job.comments ?? '', /restarted/);
      await client.behaviour({ rate: 2000 });
      assert.equal(await vscode.commands.executeCommand('aemGuides.jobs.resume', interruptedId), true);
      const done = await waitForJob(api, interruptedId, 'to succeed after the resume', (t) => t.job.state === 'succeeded');
      assert.equal(done.job.triggeredCount, done.job.totalFiles);
    });
  });
});
