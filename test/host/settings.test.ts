import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { emulatorEnv, manifest } from './helpers';

describe('Settings', () => {
  it('reads the server list the runner wrote to the user settings', () => {
    const { url, user } = emulatorEnv();
    const servers = vscode.workspace.getConfiguration('aemGuides').get<unknown[]>('servers');
    assert.deepEqual(servers, [{ name: 'emulator', url, authType: 'basic', username: user }]);
  });

  it('reads the active server', () => {
    assert.equal(vscode.workspace.getConfiguration('aemGuides').get('activeServer'), 'emulator');
  });

  it('falls back to the default request timeout of package.json', () => {
    const timeout = vscode.workspace.getConfiguration('aemGuides').inspect<number>('requestTimeout');
    assert.equal(timeout?.globalValue, undefined, 'the runner does not set it');
    assert.equal(timeout?.defaultValue, manifest().contributes.configuration.properties['aemGuides.requestTimeout'].default);
  });

  it('registers every contributed setting with its package.json default', () => {
    const config = vscode.workspace.getConfiguration();
    for (const [key, schema] of Object.entries(manifest().contributes.configuration.properties)) {
      assert.deepEqual(config.inspect(key)?.defaultValue, schema.default, `default of ${key}`);
    }
  });
});
