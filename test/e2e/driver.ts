/**
 * Drives the VS Code workbench as a person does: activity bar, command palette (F1), quick inputs, tree rows,
 * output panel, screenshots. Selectors are VS Code's own class names (stable across 1.9x/1.100).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
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

  /** Runs a command by its palette title ("Category: Title"); fails when that command is not the top match. */
  async runCommand(title: string): Promise<void> {
    await this.openPalette(title);
    const focused = this.quickInput.locator('.monaco-list-row.focused');
    await focused.filter({ hasText: title }).waitFor({ timeout: 5000 });
    await this.page.keyboard.press('Enter');
  }

  async closeQuickInput(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.quickInput.waitFor({ state: 'hidden' });
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
      const input = this.quickInput.locator('.quick-input-box input').first();
      await input.fill(next.answer);
      await this.page.waitForTimeout(200); // validation and filtering run on input
      await this.page.keyboard.press('Enter');
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
  ): Promise<{ prompt: string; answer: string } | undefined> {
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
      if (answer) return { prompt: last, answer: answer.answer };
      await this.page.waitForTimeout(100);
    }
    throw new Error(
      last === previous ? `The quick input still shows "${previous}" after 10 s` : `No answer for the prompt "${last}"`,
    );
  }

  /** Text of the output panel's visible lines once it matches `expected`. */
  async waitForOutput(expected: RegExp, timeoutMs = 10000): Promise<string> {
    const lines = this.panel.locator('.monaco-editor .view-lines');
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = (await lines.count()) > 0 ? await lines.first().innerText() : '';
      if (expected.test(text)) return text;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`The output panel does not show ${expected} within ${timeoutMs / 1000} s; it shows:\n${text}`);
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
