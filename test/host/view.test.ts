import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, manifest } from './helpers';

const CONTAINER = 'aemGuides';
const VIEW = 'aemGuides.jobs';

describe('AEM Guides view', () => {
  before(async () => {
    await activated();
  });

  it('contributes the activity-bar container and the jobs view', () => {
    const { viewsContainers, views } = manifest().contributes;
    assert.ok(viewsContainers.activitybar.some((c) => c.id === CONTAINER), `no activity-bar container ${CONTAINER}`);
    assert.ok((views[CONTAINER] ?? []).some((v) => v.id === VIEW), `no view ${VIEW} in ${CONTAINER}`);
  });

  it('is known to the workbench (it registered the view commands)', async () => {
    // The workbench creates these commands only for containers and views it has registered.
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has(`workbench.view.extension.${CONTAINER}`), 'the container has no open command');
    assert.ok(registered.has(`${VIEW}.focus`), 'the view has no focus command');
  });

  it('opens the container and focuses the view', async () => {
    await vscode.commands.executeCommand(`workbench.view.extension.${CONTAINER}`);
    await vscode.commands.executeCommand(`${VIEW}.focus`);
  });
});
