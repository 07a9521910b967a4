/**
 * Working with jobs in a real VS Code (code-server) against the emulator, already connected at start: start a job
 * through the palette wizard and watch it run and finish (issue "Jobs sidebar"), sign in again after the password
 * changed (issue "Jobs sidebar"), follow a job's log and open the whole log (issue "Logs"), read a job's details in
 * a light and a dark theme, use a button in the page, and show hostile server text as text (issue "Job details
 * webview"). The emulator's control endpoint sets the pace of jobs, fails them and changes the password.
 * Screenshots go to test-results/screenshots/; with UPDATE_SCREENSHOTS=1 the README's pictures in media/screenshots/
 * are refreshed from them.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { EMULATOR_PASSWORD, EMULATOR_USER } from '../support/emulator';
import { paths } from '../support/paths';
import { EMULATOR_SERVER_NAME, type Session } from '../support/session';
import { waitUntil, WorkbenchDriver } from './driver';
import { EmulatorControl } from './emulatorControl';
import { openConnectedWorkbench, shortId } from './fixture';
import { paletteTitle } from './manifest';

const SEEDED_JOBS = 6;
/** Seconds between status checks while a watched job runs: quicker than the default 5, as a person may set it. */
const POLL_INTERVAL = 2;

/** The README's pictures, refreshed only on request. */
function publish(screenshot: string, name: string): void {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const target = join(dirname(paths.readmeScreenshot), name);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(screenshot, target);
}

describe('Jobs, logs and details in the VS Code workbench', function () {
  this.timeout(60000);
  let session: Session;
  let page: Page;
  let workbench: WorkbenchDriver;
  let emulator: EmulatorControl;
  /** Every dialog (alert, confirm) a page opened: none should. */
  let dialogs: string[] = [];

  before(async function () {
    this.timeout(180000);
    ({ session, page, workbench, emulator, dialogs } = await openConnectedWorkbench({
      label: 'e2e-jobs',
      seedJobs: SEEDED_JOBS,
      emulatorArgs: ['--count-ms', '1000'],
      pollInterval: POLL_INTERVAL,
    }));
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed' && workbench) await workbench.captureFailure(test.title);
  });

  after(async () => {
    await session?.stop();
  });

  it('starts processing from the palette wizard, shows the job running, then in History as Succeeded', async () => {
    const path = '/content/dam/projects/alpha';
    // Slow until the files are counted; then a pace that lets the job run for about 7 s.
    await emulator.behaviour({ rate: 1 });
    await workbench.runCommand(paletteTitle('aemGuides.jobs.start'));
    const input = workbench.quickInput.locator('.quick-input-box input').first();
    await input.fill('content/dam');
    const invalid = await waitUntil(
      'the path is refused as you type',
      async () => (await workbench.quickInputState()).message,
      (message) => /start it with \/content\/dam\//.test(message),
    );
    assert.match(invalid, /"content\/dam" is not absolute/);
    await workbench.screenshot('10-start-invalid-path');
    // Enter does not accept a refused value.
    await page.keyboard.press('Enter');
    assert.equal((await workbench.quickInputState()).message, invalid);

    await input.fill(path);
    await waitUntil(
      'the path is accepted',
      async () => (await workbench.quickInputState()).message,
      (message) => /DAM folder to process/.test(message),
    );
    await workbench.screenshot('11-start-path');
    await page.keyboard.press('Enter');
    const prompts = await workbench.answerPrompts([
      { match: /Paths to skip/, answer: '' },
      { match: /File types to process/, answer: '' },
      { match: /created on or after/, answer: '' },
      { match: /created on or before/, answer: '' },
      { match: /Already processed assets/, answer: 'Process every matching asset' },
      { match: new RegExp(`Confirm: process ${path}\\?`), answer: 'Start processing', screenshot: '12-start-summary' },
    ]);
    assert.equal(prompts.length, 6, `expected six more steps, saw: ${prompts.join(' | ')}`);

    const job = await emulator.activeJobOn(path);
    const total = await emulator.counted(job.processingId);
    assert.ok(total > 0, `${path} has no assets to process`);
    await emulator.behaviour({ rate: Math.max(2, Math.ceil(total / 7)) });

    const row = workbench.jobRow('projects/alpha');
    await row.filter({ hasText: /Running · \d+%/ }).waitFor({ timeout: 15000 });
    assert.equal(await row.count(), 1, 'the job is listed twice');
    assert.ok((await row.locator('.codicon-modifier-spin').count()) > 0, 'the running job has no spinning icon');
    // Under Active: the first job row, right after the Active node.
    assert.match(await workbench.treeRows(2).first().innerText(), /projects\/alpha/);
    const status = workbench.statusBar.locator('.statusbar-item[aria-label*="AEM Guides jobs active"]');
    await status.waitFor();
    assert.match(await status.innerText(), /projects\/alpha/);
    await workbench.screenshot('13-job-running');

    await row.filter({ hasText: /Succeeded/ }).waitFor({ timeout: 30000 });
    await workbench.sidebar.locator('.monaco-list-row', { hasText: 'No active jobs' }).waitFor();
    await status.waitFor({ state: 'hidden' });
    // Newest first in History.
    const history = (await workbench.treeRows(2).allInnerTexts()).filter((r) => /Succeeded|Failed|Cancelled/.test(r));
    assert.match(history[0] ?? '', /^projects\/alpha\s*Succeeded/);
    await workbench.screenshot('14-job-succeeded');
  });

  it('follows the log of a running job from its row, to the closing line, then opens the whole log', async () => {
    const path = '/content/dam/projects/beta';
    await emulator.behaviour({ rate: 2 });
    // Started outside VS Code: the extension learns of it on the next update.
    const id = await emulator.startJob(path);
    await workbench.refreshJobs();
    const row = workbench.jobRow('projects/beta');
    await row.filter({ hasText: /Running|Waiting/ }).waitFor({ timeout: 15000 });
    await workbench.clickInlineAction(row, paletteTitle('aemGuides.jobs.followLogs').replace(/^.*: /, ''));

    const channel = `AEM Guides: projects/beta (${shortId(id)})`;
    await waitUntil(
      'the Output panel shows the job channel',
      () => workbench.panel.locator('select').evaluateAll((selects) =>
        selects.map((s) => (s as HTMLSelectElement).selectedOptions[0]?.text ?? '')),
      (selected) => selected.includes(channel),
    );
    // The panel shows the last lines; the whole log is checked in the editor below.
    await workbench.waitForOutput(/ INFO \[(BulkAssetProcessing|AssetProcessor)\] /);
    await workbench.clearNotifications();
    await workbench.screenshot('20-follow-log-running');
    // Now let it finish: the follower drains the log and says so.
    await emulator.behaviour({ rate: 500 });
    const text = await workbench.waitForOutput(/──── Succeeded \(SUCCESS\).*Following stopped\. ────/, 30000);
    // Long lines wrap in the panel: words may be separated by a line break.
    assert.match(text, /INFO \[AssetProcessor\] Processed\s+\/content\/dam\/projects\/beta\//);
    assert.match(text, /finished\s+with\s+status\s+SUCCESS/);
    await workbench.clearNotifications();
    const followed = await workbench.screenshot('21-follow-log-finished');
    publish(followed, 'follow-log.png');

    await row.filter({ hasText: /Succeeded/ }).waitFor({ timeout: 15000 });
    await workbench.contextMenu(row, 'Open Full Log');
    const tab = workbench.editor.locator('.tab', { hasText: `beta (${shortId(id)}).log` });
    await tab.waitFor({ timeout: 15000 });
    const whole = await workbench.waitForEditorText(workbench.editor, /INFO \[BulkAssetProcessing\] Job \S+ of type ASSET_PROCESSING created by admin: path=\/content\/dam\/projects\/beta,/);
    assert.match(whole, /INFO \[BulkAssetProcessing\] Counted \d+ assets to process/);
    await page.mouse.move(700, 450);
    await workbench.clearNotifications();
    await workbench.screenshot('22-full-log');
    await workbench.runCommand('View: Close All Editors');
  });

  it('shows a job in a details page, in a light and a dark theme, whose Copy ID button copies the id', async () => {
    await workbench.runCommand('View: Hide Panel');
    // The newest job that succeeded (projects/alpha after the first test).
    const job = (await emulator.history()).find((j) => j.status === 'SUCCESS');
    assert.ok(job, 'the emulator lists no job that succeeded');
    const frame = await workbench.openJobDetails(job.path.replace(/^\/content\/dam\//, ''), job.path);
    const copy = frame.locator('vscode-button[data-action="copyId"]');
    await copy.waitFor();
    assert.equal((await frame.locator('vscode-badge').innerText()).trim(), 'Succeeded');
    assert.match(await frame.locator('#counts').innerText(), /of .* assets \(100%\)/);
    // The chart of a finished job ends at its final count: the top of the chart (y = 2 of 80).
    const line = frame.locator('svg.chart polyline');
    if ((await line.count()) > 0) assert.match((await line.getAttribute('points')) ?? '', /,2\.0$/);
    await frame.locator('body.vscode-light').waitFor();
    await page.mouse.move(700, 850);
    publish(await workbench.screenshot('30-details-light'), 'details-light.png');

    const previousTheme = await workbench.setColorTheme('Dark Modern');
    try {
      await page.locator('.monaco-workbench.vs-dark').waitFor();
      // The page follows the theme through VS Code's CSS variables and body class.
      await frame.locator('body.vscode-dark').waitFor();
      await page.mouse.move(700, 850);
      publish(await workbench.screenshot('31-details-dark'), 'details-dark.png');

      await copy.click();
      await workbench.statusBar.getByText(`Copied ${job.processingId}`).waitFor({ timeout: 10000 });
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), job.processingId);
    } finally {
      await workbench.setColorTheme(previousTheme);
    }
    await page.locator('.monaco-workbench.vs').waitFor();
  });

  it('shows the comments of a failed job as plain text, never as HTML', async () => {
    const path = '/content/dam/projects/gamma';
    const comments = '<img src=x onerror=alert(1)>';
    await emulator.behaviour({ rate: 1 });
    const id = await emulator.startJob(path);
    await workbench.refreshJobs();
    const row = workbench.jobRow('projects/gamma');
    await row.filter({ hasText: /Running|Waiting/ }).waitFor({ timeout: 15000 });
    const failed = await emulator.failJob(id, comments);
    assert.equal(failed.status, 'FAILED');
    await workbench.refreshJobs();
    await row.filter({ hasText: /Failed/ }).waitFor({ timeout: 15000 });
    const frame = await workbench.openJobDetails('projects/gamma', path);
    const shown = frame.locator('#comments');
    await shown.waitFor();
    assert.equal(await shown.textContent(), comments);
    assert.equal(await frame.locator('img').count(), 0, 'the comments became an <img> element');
    assert.equal(await frame.locator('#root *[onerror]').count(), 0);
    assert.deepEqual(dialogs, [], 'a page opened a dialog');
    await page.mouse.move(700, 850);
    await workbench.screenshot('32-details-hostile-comments');
    await workbench.runCommand('View: Close All Editors');
  });

  it('asks once for the new password after the server rejected the stored one, and shows the jobs again', async () => {
    const prompt = workbench.quickInput.locator('.quick-input-title', { hasText: `Sign in to ${EMULATOR_SERVER_NAME}` });
    /** Counts how often the sign-in prompt opens, until stopped. */
    const watchPrompts = (): { stop(): Promise<number> } => {
      let opened = 0;
      let visible = false;
      let running = true;
      const loop = (async () => {
        while (running) {
          const now = await prompt.isVisible().catch(() => false);
          if (now && !visible) opened++;
          visible = now;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      return {
        stop: async () => {
          running = false;
          await loop;
          return opened;
        },
      };
    };
    const signInWith = async (password: string, screenshot?: string): Promise<void> => {
      await prompt.waitFor({ timeout: 15000 });
      const state = await workbench.quickInputState();
      assert.match(state.message, new RegExp(`Password for ${EMULATOR_USER} at ${session.emulator.url}`));
      assert.equal(await workbench.quickInput.locator('.quick-input-box input').first().getAttribute('type'), 'password');
      if (screenshot) await workbench.screenshot(screenshot);
      await workbench.quickInput.locator('.quick-input-box input').first().fill(password);
      await page.keyboard.press('Enter');
      await prompt.waitFor({ state: 'hidden' });
      // The jobs come back: the tree, not the "Sign In Again" welcome content, and no error above it.
      await workbench.treeRows(2).nth(SEEDED_JOBS - 1).waitFor({ timeout: 15000 });
      await workbench.refreshJobs();
      await workbench.treeRows(2).nth(SEEDED_JOBS - 1).waitFor();
      await workbench.sidebar.getByText(/credentials rejected/).waitFor({ state: 'hidden', timeout: 10000 });
    };

    const newPassword = 'changed-by-the-admin-1';
    const watcher = watchPrompts();
    await emulator.setPassword(newPassword);
    try {
      await workbench.refreshJobs();
      await signInWith(newPassword, '40-sign-in-after-401');
      await workbench.screenshot('41-signed-in-again');
    } finally {
      const opened = await watcher.stop();
      // Restore the emulator's password whatever happened; the extension then needs it once more.
      await emulator.setPassword(EMULATOR_PASSWORD);
      assert.equal(opened, 1, `the password prompt opened ${opened} times`);
    }
    assert.equal(await workbench.sidebar.locator('.welcome-view-content').isVisible(), false);

    const again = watchPrompts();
    await workbench.refreshJobs();
    await signInWith(EMULATOR_PASSWORD);
    assert.equal(await again.stop(), 1);
  });

  it('shows a running job with progress next to the history, and its details, for the README', async () => {
    const path = '/content/dam/techdocs';
    await workbench.clearNotifications();
    await emulator.behaviour({ rate: 1 });
    const id = await emulator.startJob(path);
    const total = await emulator.counted(id);
    // About 40 % in a few seconds, then nearly still, so the picture shows a job in mid-run.
    await emulator.behaviour({ rate: Math.max(2, Math.ceil(total / 6)) });
    await emulator.waitForJob(id, (j) => j.triggeredCount >= total * 0.4, 20000);
    await emulator.behaviour({ rate: Math.max(0.5, total / 300) });
    await workbench.refreshJobs();
    const row = workbench.jobRow('techdocs');
    await row.filter({ hasText: /Running · \d+%/ }).waitFor({ timeout: 15000 });
    const frame = await workbench.openJobDetails('techdocs', path);
    await frame.locator('.bar[role="progressbar"]').waitFor();
    await frame.locator('svg.chart').waitFor({ timeout: 15000 });
    await workbench.clearNotifications();
    await page.mouse.move(700, 880);
    const rows = await workbench.sidebarRows();
    assert.ok(rows.filter((r) => /Succeeded|Failed|Cancelled/.test(r)).length >= SEEDED_JOBS, rows.join(' | '));
    const picture = await workbench.screenshotParts('sidebar-and-details', [
      page.locator('.part.activitybar'),
      workbench.sidebar,
      workbench.editor,
    ]);
    publish(picture, 'sidebar.png');
    await emulator.behaviour({ rate: 1000 });
  });
});
