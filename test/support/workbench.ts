/** The VS Code workbench of a running code-server, opened in Chromium through playwright-core. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { onCleanup } from './lifecycle';
import { paths } from './paths';
import type { Session } from './session';
import { chromiumPath } from './systemPackages';

/** Flags from the recipe: no sandbox (root in a container), no GPU, nothing that calls home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Headless unless AEM_GUIDES_HEADED=1 (for watching a run on a desktop). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: process.env.AEM_GUIDES_HEADED !== '1',
    args: CHROMIUM_ARGS,
    // Playwright's own handlers would exit at once on Ctrl+C and skip our cleanup (lifecycle.ts closes the browser).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup(() => browser.close());
  return browser;
}

/** A page the size of a laptop screen, so that screenshots look like what a person sees. */
export async function newWorkbenchPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  return context.newPage();
}

/** A path on the code-server machine as the web workbench names it. */
function remoteUri(session: Session, path: string): string {
  return `vscode-remote://127.0.0.1:${session.codeServer.port}${path}`;
}

export interface WorkbenchUrlOptions {
  /** Load the repository as the extension under development (not needed when the extension is linked). */
  developExtension?: boolean;
  /** A compiled test index whose `run()` the extension host runs; the workbench reports its result. */
  extensionTestsPath?: string;
}

/** The workbench URL with the folder and, when asked, the development/test payload. */
export function workbenchUrl(session: Session, options: WorkbenchUrlOptions = {}): string {
  const payload: [string, string][] = [['skipWelcome', 'true']];
  if (options.developExtension) payload.push(['extensionDevelopmentPath', remoteUri(session, paths.root)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(session, options.extensionTestsPath)]);
  const query = `folder=${encodeURIComponent(session.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return `${session.codeServer.url}/?${query}`;
}
