/**
 * The extension-host test module: VS Code (code-server through test/support/runHostTests.ts, or desktop through
 * @vscode/test-electron) loads it inside the extension host and awaits `run()`; a rejection means failure.
 * Set AEM_GUIDES_TEST_GREP to run only the tests whose full title matches.
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    // The host forwards console output as plain text; escape codes would only clutter it.
    color: false,
    // The first test also waits for activation and the first request to the emulator.
    timeout: 30000,
  });
  const grep = process.env.AEM_GUIDES_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = testFiles(__dirname);
  for (const file of files) mocha.addFile(file);
  // test/support/runHostTests.ts starts printing the forwarded output at this line.
  console.log(`Host tests: ${files.length} suites in ${vscode.env.appName} ${vscode.version}`);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} host test(s) failed`)) : resolve()));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** Compiled suites below this folder, in a stable order. */
function testFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...testFiles(full));
    else if (name.endsWith('.test.js')) found.push(full);
  }
  return found;
}
