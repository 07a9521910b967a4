/** What the host suites share: the extension under test, its manifest and the emulator the runner started. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'aem-guides-community.aem-guides-asset-processing';

/** The parts of package.json that the suites compare with what VS Code reports. */
export interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

export function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in this host`);
  return found;
}

/** package.json as VS Code read it (placeholders such as %command.connect% are not resolved). */
export function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

export async function activated(): Promise<vscode.Extension<unknown>> {
  const ext = extension();
  await ext.activate();
  return ext;
}

/** Where the runner's emulator listens and how to sign in; set by test/support/session.ts. */
export interface EmulatorEnv {
  url: string;
  user: string;
  password: string;
}

export function emulatorEnv(): EmulatorEnv {
  const read = (name: string): string => {
    const value = process.env[name];
    assert.ok(value, `${name} is not set: run the host tests through npm run test:host or test:electron`);
    return value;
  };
  return {
    url: read('AEM_GUIDES_TEST_EMULATOR_URL'),
    user: read('AEM_GUIDES_TEST_USER'),
    password: read('AEM_GUIDES_TEST_PASSWORD'),
  };
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
