/**
 * What the suites that work with jobs share: a workbench already connected to a seeded emulator (its view open,
 * the seeded jobs listed), and the small steps they all take on it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startSession, type Session } from '../support/session';
import { launchBrowser, newWorkbenchPage, workbenchUrl } from '../support/workbench';
import { WorkbenchDriver } from './driver';
import { EmulatorControl } from './emulatorControl';
import { containerTitle } from './manifest';

/** The extension's view container, as the activity bar names it. */
export const CONTAINER = containerTitle('aemGuides');

/** The first eight characters of a processing id, as channel names and log tabs show it. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export interface ConnectedWorkbench {
  session: Session;
  page: Page;
  workbench: WorkbenchDriver;
  emulator: EmulatorControl;
  /** Every dialog (alert, confirm) a page opened: none should. */
  dialogs: string[];
}

export interface ConnectedWorkbenchOptions {
  label: string;
  seedJobs: number;
  emulatorArgs?: string[];
  /** Seconds between status checks while a watched job runs (`aemGuides.pollInterval`), as a person may set it. */
  pollInterval?: number;
}

/**
 * A fresh emulator with `seedJobs` finished jobs and a code-server whose extension connected at activation;
 * the page shows the Asset Processing view with the seeded jobs, a wide side bar and no notification.
 */
export async function openConnectedWorkbench(options: ConnectedWorkbenchOptions): Promise<ConnectedWorkbench> {
  const session = await startSession({
    label: options.label,
    connect: true,
    emulatorArgs: ['--seed-jobs', String(options.seedJobs), ...(options.emulatorArgs ?? [])],
  });
  const emulator = new EmulatorControl(session.emulator.url);
  if (options.pollInterval !== undefined) {
    const settingsFile = join(session.userDataDir, 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(settingsFile, `${JSON.stringify({ ...settings, 'aemGuides.pollInterval': options.pollInterval }, null, 2)}\n`);
  }

  const page = await newWorkbenchPage(await launchBrowser());
  // "Copy ID" and copying from an editor write to the clipboard; the tests read it back.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.codeServer.url });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(workbenchUrl(session, { developExtension: true }));
  const workbench = new WorkbenchDriver(page);
  await workbench.waitUntilReady(CONTAINER);
  await workbench.openContainer(CONTAINER);
  // Connected at activation (AEM_GUIDES_CONNECT): the seeded jobs are listed without a prompt.
  await workbench.treeRows(2).nth(options.seedJobs - 1).waitFor({ timeout: 30000 });
  await workbench.resizeSidebar(440);
  await workbench.clearNotifications();
  return { session, page, workbench, emulator, dialogs };
}
