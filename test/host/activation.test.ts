import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activated, extension } from './helpers';

describe('Activation', () => {
  it('is installed under its publisher.name id', () => {
    assert.equal(extension().id, EXTENSION_ID);
  });

  it('activates without error', async () => {
    const ext = await activated();
    assert.equal(ext.isActive, true);
  });

  it('runs in a VS Code that satisfies engines.vscode', () => {
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major > 1 || (major === 1 && minor >= 100), `VS Code ${vscode.version} is older than 1.100`);
  });
});
