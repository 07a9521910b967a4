/**
 * A person's first minutes with the extension, in a real VS Code (code-server) against a seeded emulator:
 * find the view, look at the commands, connect through the prompts, see the jobs, read the log.
 * Screenshots of each screen go to test-results/screenshots/.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { EMULATOR_PASSWORD, EMULATOR_USER } from '../support/emulator';
import { EMULATOR_SERVER_NAME, startSession, type Session } from '../support/session';
import { launchBrowser, newWorkbenchPage, workbenchUrl } from '../support/workbench';
import { WorkbenchDriver } from './driver';
import { containerTitle, paletteTitle, paletteTitles, viewName } from './manifest';

/** Finished jobs the emulator creates in its fresh data folder; the History node lists them. */
const SEEDED_JOBS = 8;
/** Job rows (under Active or History) end with their status. */
const JOB_STATUS = /Succeeded|Failed|Cancelled|Running|Waiting|Queued/;

describe('AEM Guides in the VS Code workbench', function () {
  this.timeout(60000);
  let session: Session;
  let page: Page;
  let workbench: WorkbenchDriver;
  const container = containerTitle('aemGuides');

  before(async function () {
    this.timeout(180000);
    // Not connected at start: the settings name the emulator but no password is stored yet.
    session = await startSession({ label: 'e2e', emulatorArgs: ['--seed-jobs', String(SEEDED_JOBS)] });
    page = await newWorkbenchPage(await launchBrowser());
    await page.goto(workbenchUrl(session, { developExtension: true }));
    workbench = new WorkbenchDriver(page);
    await workbench.waitUntilReady(container);
  });

  // The screen at the moment of failure says more than the assertion.
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed' && workbench) {
      await workbench.screenshot(`failed-${test.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
    }
  });

  after(async () => {
    await session?.stop();
  });

  it('opens the workbench with the AEM Guides icon in the activity bar', async () => {
    await workbench.screenshot('01-workbench');
    assert.equal(await workbench.activityBarItem(container).count(), 1);
  });

  it('shows the Asset Processing view, not yet signed in, from the activity bar', async () => {
    await workbench.openContainer(container);
    const title = await workbench.sidebar.locator('.composite.title').innerText();
    assert.match(title, new RegExp(viewName('aemGuides', 'aemGuides.jobs'), 'i'));
    // Welcome content (a message with buttons) stands in for the tree until a password is stored.
    const welcome = workbench.sidebar.locator('.welcome-view-content');
    await welcome.waitFor();
    assert.ok((await welcome.locator('a.monaco-button, .monaco-button').count()) > 0, 'the welcome view has no button');
    await workbench.screenshot('02-view-signed-out');
  });

  it('signs in from the button in the view and reports a wrong password', async () => {
    await workbench.sidebar.locator('.welcome-view-content .monaco-button', { hasText: /Sign In/ }).click();
    const prompts = await workbench.answerPrompts([{ match: /Password for/i, answer: 'not-the-password' }]);
    assert.equal(prompts.length, 1, `expected one password prompt, saw: ${prompts.join(' | ')}`);
    const error = page.locator('.notification-toast', { has: page.locator('.codicon-error') });
    await error.waitFor({ timeout: 15000 });
    await workbench.screenshot('03-wrong-password');
    // Still signed out: the welcome content stays.
    assert.equal(await workbench.sidebar.locator('.welcome-view-content').isVisible(), true);
  });

  it('lists the commands that are always available in the command palette', async () => {
    await workbench.openPalette(`${container}: `);
    const rows = (await workbench.quickInputState()).rows;
    await workbench.screenshot('04-command-palette');
    await workbench.closeQuickInput();
    const expected = [...paletteTitles(true).values()];
    assert.ok(expected.length > 0);
    for (const title of expected) assert.ok(rows.includes(title), `"${title}" is not in the palette:\n${rows.join('\n')}`);
  });

  it('connects through the prompts of "Connect to Server..." and shows the jobs', async () => {
    await workbench.runCommand(paletteTitle('aemGuides.connect'));
    const prompts = await workbench.answerPrompts([
      { match: /server URL/i, answer: session.emulator.url },
      { match: /How do you sign in/i, answer: 'User name and password' },
      { match: /^.*\/ User name/i, answer: EMULATOR_USER },
      { match: /Password/i, answer: EMULATOR_PASSWORD },
      { match: /name for this server/i, answer: EMULATOR_SERVER_NAME },
    ]);
    assert.ok(prompts.length >= 4, `expected the URL, sign-in, user and password steps, saw: ${prompts.join(' | ')}`);
    await workbench.sidebar.locator('.monaco-list-row', { hasText: /History/ }).waitFor({ timeout: 20000 });
    const jobs = workbench.sidebar.locator('.monaco-list-row[aria-level="2"]').filter({ hasText: JOB_STATUS });
    await jobs.nth(SEEDED_JOBS - 1).waitFor();
    const rows = await workbench.sidebarRows();
    assert.ok(rows.some((r) => /Active/.test(r)), `no Active node: ${rows.join(' | ')}`);
    await page.locator('.notification-toast', { hasText: `Connected to ${EMULATOR_SERVER_NAME}` }).waitFor();
    await workbench.screenshot('05-view-connected');
    await workbench.resizeSidebar(460);
    // The README's sidebar.png comes from jobs.e2e.ts, where jobs run.
    await workbench.screenshotParts(
      'sidebar',
      [page.locator('.part.activitybar'), workbench.sidebar],
      workbench.sidebar.locator('.monaco-list-row').last(),
    );
  });

  it('shows what happened in the output panel ("Show Extension Log")', async () => {
    await workbench.runCommand(paletteTitle('aemGuides.showLog'));
    // The failed sign-in above is logged with its reason.
    const text = await workbench.waitForOutput(new RegExp(`\\[error\\].*${EMULATOR_SERVER_NAME}.*failed`));
    assert.ok(!text.includes('not-the-password'), 'the log shows a password');
    await workbench.screenshot('06-output-log');
  });

  it('opens the details of a job in a webview when its row is clicked', async () => {
    await workbench.openContainer(container);
    const row = workbench.sidebar.locator('.monaco-list-row[aria-level="2"]').filter({ hasText: JOB_STATUS }).first();
    const path = (await row.locator('.label-name').innerText()).trim();
    await row.click();
    // A webview is an iframe holding the page's own iframe.
    const details = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await details.locator('body', { hasText: path }).waitFor({ timeout: 20000 });
    assert.ok((await details.locator('[data-action]').count()) > 0, 'the details page shows no action buttons');
    await page.mouse.move(700, 450);
    await workbench.screenshot('07-job-details');
  });
});
