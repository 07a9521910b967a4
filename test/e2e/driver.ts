/**
 * Drives the VS Code workbench as a person does: activity bar, command palette (F1), quick inputs, tree rows,
 * output panel, screenshots. Selectors are VS Code's own class names (stable across 1.9x/1.100).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { paths } from '../support/paths';

/** What an open quick input (palette, input box, pick list) shows. */
export interface QuickInputState {
  title: string;
  /** The input box's prompt or validation message. */
  message: string;
  placeholder: string;
  rows: string[];
}

/** One step of a multi-step input: when `match` finds the prompt (title, message or placeholder), type `answer`. */
export interface PromptAnswer {
  match: RegExp;
  answer: string;
  /** Save a screenshot of the page under this name before answering (a wizard step worth showing). */
  screenshot?: string;
}

/**
 * Polls `read` until `done` accepts its value (Playwright's expect.poll, without the test runner): returns that
 * value, or fails after `timeoutMs` with `what` and the last value read.
 */
export async function waitUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}

export class WorkbenchDriver {
  constructor(readonly page: Page) {}

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  get sidebar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  get panel(): Locator {
    return this.page.locator('.part.panel');
  }

  get statusBar(): Locator {
    return this.page.locator('.part.statusbar');
  }

  get editor(): Locator {
    return this.page.locator('.part.editor');
  }

  /** Rows of the side bar's tree at `level` (1: Active and History, 2: jobs). */
  treeRows(level: 1 | 2): Locator {
    return this.sidebar.locator(`.monaco-list-row[aria-level="${level}"]`);
  }

  /** The tree row of a job by its label (the folder below /content/dam), exactly. */
  jobRow(label: string): Locator {
    return this.treeRows(2).filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
  }

  /** A button in the side bar's title bar (Start Processing..., Refresh) by its tooltip. */
  viewAction(label: string): Locator {
    return this.sidebar.locator(`.composite.title .action-label[aria-label="${label}"]`);
  }

  /** Hovers a tree row so that its inline buttons show, and clicks the one named `label`. */
  async clickInlineAction(row: Locator, label: string): Promise<void> {
    await row.hover();
    const button = row.locator(`.actions .action-label[aria-label="${label}"]`);
    await button.waitFor();
    await button.click();
  }

  /** Opens the row's context menu and picks `item`. */
  async contextMenu(row: Locator, item: string): Promise<void> {
    await row.click({ button: 'right' });
    // Context menus are drawn in a shadow root; CSS locators pierce open ones.
    const entry = this.page.locator('.monaco-menu .action-item', { hasText: new RegExp(`^${escapeRegExp(item)}$`) }).first();
    await entry.waitFor();
    // A click can land while the menu still places itself; hovering focuses the item, Enter runs it.
    await entry.hover();
    await this.page.locator('.monaco-menu .action-item.focused', { hasText: new RegExp(`^${escapeRegExp(item)}$`) }).waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.monaco-menu').first().waitFor({ state: 'hidden' });
  }

  /** Asks the extension for news now, as a person does with the view's Refresh button. */
  async refreshJobs(): Promise<void> {
    await this.viewAction('Refresh').click();
  }

  /**
   * Clicks a job's row and returns the frame of the details page that opens. A running job's row is drawn again at
   * every update; a click that lands while it is replaced is lost, so it is repeated (a person would click again).
   */
  async openJobDetails(label: string, path: string): Promise<Frame> {
    for (let attempt = 1; ; attempt++) {
      await this.jobRow(label).click();
      try {
        return await this.webviewFrame(path, 7000);
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  /**
   * Gives the window the keyboard focus a person's window has. Headless Chromium leaves the page unfocused after
   * it reloaded itself or after a focused webview closed; VS Code then counts the window as unfocused (an
   * extension polls slowly, the clipboard refuses). A click on the side bar's title focuses it as a person's click.
   */
  async focusWindow(): Promise<void> {
    await this.page.bringToFront();
    await this.sidebar.locator('.composite.title .title-label').first().click();
    await waitUntil('the window to have focus', () => this.page.evaluate(() => document.hasFocus()), (f) => f, 5000);
  }

  /** Closes whatever a failed step may have left open (a quick input, a context menu). */
  async dismissOverlays(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const open = (await this.quickInput.isVisible()) || (await this.page.locator('.monaco-menu').first().isVisible());
      if (!open) return;
      await this.page.keyboard.press('Escape');
    }
  }

  /** Closes every notification toast, so that none covers a screenshot. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notification-toast').first().waitFor({ state: 'hidden' });
  }

  /**
   * The frame of a webview whose page shows `text` (a webview is an iframe holding the page's own iframe;
   * hidden panels keep theirs, so the frame is found by what it shows).
   */
  async webviewFrame(text: string, timeoutMs = 20000): Promise<Frame> {
    const shows = async (frame: Frame): Promise<boolean> => {
      try {
        return (await frame.locator('#root').count()) > 0 && (await frame.locator('#root').innerText()).includes(text);
      } catch {
        return false; // detached or navigating
      }
    };
    const found = await waitUntil(
      `a webview showing "${text}"`,
      async () => {
        for (const frame of this.page.frames()) if (await shows(frame)) return frame;
        return undefined;
      },
      (frame) => frame !== undefined,
      timeoutMs,
    );
    return found as Frame;
  }

  /** Picks a color theme through "Preferences: Color Theme" as a person does; returns the theme it replaced. */
  async setColorTheme(name: string): Promise<string> {
    await this.runCommand('Preferences: Color Theme');
    // The list opens on the current theme.
    const current = (await this.quickInput.locator('.monaco-list-row.focused .label-name').first().innerText()).trim();
    await this.quickInput.locator('.quick-input-box input').first().fill(name);
    await this.quickInput.locator('.monaco-list-row.focused', { hasText: name }).waitFor();
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden' });
    return current;
  }

  activityBarItem(label: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a[aria-label^="${label}"]`);
  }

  /** Waits until the workbench has restored and the extension's container is in the activity bar. */
  async waitUntilReady(containerTitle: string): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
    await this.activityBarItem(containerTitle).waitFor({ timeout: 60000 });
  }

  /** Clicks the container's activity-bar icon unless it is open already (a second click would close it). */
  async openContainer(title: string): Promise<void> {
    const header = this.sidebar.locator('.composite.title', { hasText: new RegExp(title, 'i') });
    if (await header.isVisible()) return;
    await this.activityBarItem(title).click();
    await header.waitFor();
    // The tooltip of the clicked icon would otherwise be in every screenshot.
    await this.page.mouse.move(700, 450);
  }

  /** Visible rows of the trees in the side bar, as their text. */
  async sidebarRows(): Promise<string[]> {
    return this.sidebar.locator('.monaco-list-row').allInnerTexts();
  }

  /** Opens the command palette and types `text` after its `>`. */
  async openPalette(text: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.quickInput.waitFor();
    await this.page.keyboard.type(text);
    await this.page.waitForTimeout(300); // the list filters as you type
  }

  /**
   * Runs a command by its palette title ("Category: Title"): Enter when it is the top match, else a click on its
   * row (e.g. "Preferences: Color Theme" comes after "Preferences: Browse Color Themes in Marketplace").
   */
  async runCommand(title: string): Promise<void> {
    await this.openPalette(title);
    const row = this.quickInput
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) });
    await row.first().waitFor({ timeout: 5000 });
    if ((await row.first().getAttribute('class'))?.includes('focused')) await this.page.keyboard.press('Enter');
    else await row.first().click();
  }

  async closeQuickInput(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.quickInput.waitFor({ state: 'hidden' });
  }

  /** The quick input's title, or a marker when it is closed. */
  private async visibleTitle(): Promise<string> {
    if (!(await this.quickInput.isVisible())) return '\u0000closed';
    const title = this.quickInput.locator('.quick-input-title');
    return (await title.isVisible()) ? title.innerText() : '';
  }

  async quickInputState(): Promise<QuickInputState> {
    const text = async (selector: string): Promise<string> => {
      const found = this.quickInput.locator(selector);
      return (await found.count()) > 0 && (await found.first().isVisible()) ? found.first().innerText() : '';
    };
    const input = this.quickInput.locator('.quick-input-box input').first();
    return {
      title: await text('.quick-input-title'),
      message: await text('.quick-input-message'),
      placeholder: (await input.getAttribute('placeholder')) ?? '',
      rows: await this.quickInput.locator('.quick-input-list .monaco-list-row').allInnerTexts(),
    };
  }

  /**
   * Answers the steps of a multi-step input until it closes: each step's prompt must match one of `answers`.
   * Returns the prompts seen, for the test's assertions.
   */
  async answerPrompts(answers: PromptAnswer[], maxSteps = 10): Promise<string[]> {
    const seen: string[] = [];
    let previous = '';
    for (let step = 0; step < maxSteps; step++) {
      const next = await this.waitForNextPrompt(previous, answers);
      if (next === undefined) return seen;
      seen.push(next.prompt);
      if (next.screenshot) {
        // A pick list renders its rows after its placeholder: wait for the row to be chosen.
        const rows = this.quickInput.locator('.quick-input-list .monaco-list-row');
        if (next.answer !== '' && (await rows.count()) > 0) {
          await rows.filter({ hasText: next.answer, visible: true }).first().waitFor();
        }
        await this.screenshot(next.screenshot);
      }
      const input = this.quickInput.locator('.quick-input-box input').first();
      await input.fill(next.answer);
      await this.page.waitForTimeout(200); // validation and filtering run on input
      const title = await this.visibleTitle();
      await this.page.keyboard.press('Enter');
      // The widget keeps showing the step it just accepted for a moment: wait for the next step (its title has
      // the step number) or for the input to close, so that the same step is never answered twice.
      await waitUntil(`"${next.prompt}" to accept "${next.answer}"`, () => this.visibleTitle(), (t) => t !== title, 10000, 50);
      previous = next.prompt;
    }
    throw new Error(`The input had more than ${maxSteps} steps: ${seen.join(' | ')}`);
  }

  /**
   * The next prompt that differs from `previous` and has an answer, or undefined once the quick input has closed.
   * A step renders its title, message and placeholder one after the other, so a prompt without an answer may
   * only be incomplete: it fails only when it stays so.
   */
  private async waitForNextPrompt(
    previous: string,
    answers: PromptAnswer[],
  ): Promise<{ prompt: string; answer: string; screenshot?: string } | undefined> {
    const deadline = Date.now() + 10000;
    let last = previous;
    while (Date.now() < deadline) {
      if (!(await this.quickInput.isVisible())) {
        await this.page.waitForTimeout(300);
        if (!(await this.quickInput.isVisible())) return undefined;
        continue;
      }
      const state = await this.quickInputState();
      last = [state.title, state.message, state.placeholder].filter(Boolean).join(' / ');
      const answer = last !== previous ? answers.find((a) => a.match.test(last)) : undefined;
      if (answer) return { prompt: last, answer: answer.answer, screenshot: answer.screenshot };
      await this.page.waitForTimeout(100);
    }
    throw new Error(
      last === previous ? `The quick input still shows "${previous}" after 10 s` : `No answer for the prompt "${last}"`,
    );
  }

  /** Text of the output panel's visible lines once it matches `expected` (spaces as plain spaces). */
  async waitForOutput(expected: RegExp, timeoutMs = 10000): Promise<string> {
    return this.waitForEditorText(this.panel, expected, timeoutMs, 'The output panel');
  }

  /**
   * The rendered lines of the shown editors in `part` (an editor renders only the lines in view), once they match
   * `expected`. Monaco draws spaces as no-break spaces; they are read as plain spaces.
   */
  async waitForEditorText(part: Locator, expected: RegExp, timeoutMs = 10000, what = 'The editor'): Promise<string> {
    const lines = part.locator('.monaco-editor .view-lines');
    const read = async (): Promise<string> => {
      const texts = await lines.evaluateAll((els) =>
        els.filter((e) => e.getBoundingClientRect().width > 0).map((e) => (e as HTMLElement).innerText),
      );
      return texts.join('\n').replace(/\u00a0/g, ' ');
    };
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await read();
      if (expected.test(text)) return text;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`${what} does not show ${expected} within ${timeoutMs / 1000} s; it shows:\n${text}`);
  }

  /** The names in the Output panel's channel list (its drop-down), once the panel has been shown. */
  async outputChannels(): Promise<string[]> {
    return this.panel
      .locator('select')
      .evaluateAll((selects) => selects.flatMap((s) => Array.from((s as HTMLSelectElement).options, (o) => o.text)));
  }

  /** The channel the Output panel shows (the selected entry of its drop-down). */
  async selectedOutputChannel(): Promise<string[]> {
    return this.panel
      .locator('select')
      .evaluateAll((selects) => selects.map((s) => (s as HTMLSelectElement).selectedOptions[0]?.text ?? ''));
  }

  /**
   * Shows an output channel: the Output view ("Output: Focus on Output View"), then the channel picked from its
   * drop-down once it lists it (the channel may only just be created by an extension still starting).
   */
  async showOutputChannel(name: string, timeoutMs = 20000): Promise<void> {
    await this.runCommand('Output: Focus on Output View');
    await waitUntil(`"${name}" in the Output panel's channel list`, () => this.outputChannels(), (c) => c.includes(name), timeoutMs);
    const list = this.panel.locator('select', { has: this.page.locator('option', { hasText: name }) });
    await list.filter({ visible: true }).first().selectOption({ label: name });
    await waitUntil('the Output panel to show the channel', () => this.selectedOutputChannel(), (s) => s.includes(name));
  }

  /**
   * The whole text of the editor shown in `part` (an editor renders only the lines in view): a click into it,
   * Ctrl+A, Ctrl+C, and the clipboard read back (the page needs the clipboard permissions). Line ends as "\n".
   */
  async copyEditorText(part: Locator): Promise<string> {
    // The shown editor: hidden ones (other channels, other views) keep their elements with no size.
    const boxes = await part.locator('.monaco-editor').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
    );
    const box = boxes.filter((b) => b.width > 0 && b.height > 0).sort((a, b) => b.width * b.height - a.width * a.height)[0];
    if (!box) throw new Error('No editor is shown there');
    await this.page.evaluate(() => navigator.clipboard.writeText(''));
    await this.page.mouse.click(box.x + Math.min(200, box.width / 2), box.y + Math.min(10, box.height / 2));
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    const text = await waitUntil(
      'the copied text in the clipboard',
      () => this.page.evaluate(() => navigator.clipboard.readText()),
      (t) => t !== '',
      5000,
    );
    return text.replace(/\r\n/g, '\n');
  }

  /** Screenshot named after a failed test, and nothing left open (a wizard, a menu) to take the next test's keys. */
  async captureFailure(title: string): Promise<void> {
    await this.screenshot(`failed-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
    await this.dismissOverlays();
  }

  /** Drags the side bar's edge so that it is `width` pixels wide (long job paths then fit). */
  async resizeSidebar(width: number): Promise<void> {
    const box = await this.sidebar.boundingBox();
    if (!box) throw new Error('The side bar is not visible');
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width - 1, y, { steps: 5 });
    await this.page.mouse.up();
    await this.page.mouse.move(box.x + width + 300, y);
  }

  /**
   * Saves a PNG of the smallest rectangle around `parts` (e.g. activity bar and side bar), cut below `until`
   * (plus a margin) when given, so that a short tree does not leave a tall empty picture.
   */
  async screenshotParts(name: string, parts: Locator[], until?: Locator): Promise<string> {
    const boxes = await Promise.all(parts.map((part) => part.boundingBox()));
    if (boxes.some((box) => box === null)) throw new Error(`Cannot take ${name}: a part is not visible`);
    const visible = boxes as { x: number; y: number; width: number; height: number }[];
    const x = Math.min(...visible.map((b) => b.x));
    const y = Math.min(...visible.map((b) => b.y));
    const right = Math.max(...visible.map((b) => b.x + b.width));
    let bottom = Math.max(...visible.map((b) => b.y + b.height));
    const end = until ? await until.boundingBox() : null;
    if (end) bottom = Math.min(bottom, Math.max(end.y + end.height + 24, y + 320));
    mkdirSync(paths.screenshots, { recursive: true });
    const file = join(paths.screenshots, `${name}.png`);
    await this.page.screenshot({ path: file, clip: { x, y, width: right - x, height: bottom - y } });
    return file;
  }

  /** Saves a PNG of the page (or of one part) in test-results/screenshots/ and returns its path. */
  async screenshot(name: string, part?: Locator): Promise<string> {
    mkdirSync(paths.screenshots, { recursive: true });
    const file = join(paths.screenshots, `${name}.png`);
    await (part ?? this.page).screenshot({ path: file });
    return file;
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
