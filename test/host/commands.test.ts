import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, manifest } from './helpers';

describe('Commands', () => {
  before(async () => {
    await activated();
  });

  it('contributes at least the connection commands', () => {
    const ids = manifest().contributes.commands.map((c) => c.command);
    for (const id of ['aemGuides.connect', 'aemGuides.switchServer', 'aemGuides.signOut', 'aemGuides.showLog']) {
      assert.ok(ids.includes(id), `package.json does not contribute ${id}`);
    }
  });

  it('registers every command that package.json contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest()
      .contributes.commands.map((c) => c.command)
      .filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered after activation: ${missing.join(', ')}`);
  });

  it('gives every contributed command a title', () => {
    const untitled = manifest().contributes.commands.filter((c) => !c.title);
    assert.deepEqual(untitled, []);
  });
});
