import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, basicAuth, emulatorEnv } from './helpers';

const CSRF_PATH = '/libs/granite/csrf/token.json';

interface ServerSetting {
  name: string;
  url: string;
  authType: string;
  username?: string;
}

describe('Reaching the emulator', () => {
  it('is reachable from the extension host with basic auth', async () => {
    const { url, user, password } = emulatorEnv();
    const response = await fetch(`${url}${CSRF_PATH}`, { headers: { Authorization: basicAuth(user, password) } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { token?: unknown };
    assert.equal(typeof body.token, 'string');
  });

  it('refuses requests without credentials', async () => {
    const response = await fetch(`${emulatorEnv().url}${CSRF_PATH}`);
    assert.equal(response.status, 401);
  });

  describe('aemGuides.connect with an argument object', () => {
    const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('aemGuides');
    let savedServers: unknown;
    let savedActive: unknown;

    before(async () => {
      await activated();
      savedServers = config().inspect('servers')?.globalValue;
      savedActive = config().inspect('activeServer')?.globalValue;
    });

    // Later suites expect the settings the runner wrote.
    after(async () => {
      await config().update('servers', savedServers, vscode.ConfigurationTarget.Global);
      await config().update('activeServer', savedActive, vscode.ConfigurationTarget.Global);
    });

    it('connects, saves the server without its password and makes it active', async () => {
      const { url, user, password } = emulatorEnv();
      const connected = await vscode.commands.executeCommand<boolean>('aemGuides.connect', {
        name: 'host-test',
        url,
        authType: 'basic',
        username: user,
        password,
      });
      assert.equal(connected, true);
      const servers = config().get<ServerSetting[]>('servers') ?? [];
      const saved = servers.find((s) => s.name === 'host-test');
      assert.ok(saved, `host-test is not in aemGuides.servers: ${JSON.stringify(servers)}`);
      assert.equal(saved.authType, 'basic');
      assert.equal(saved.username, user);
      assert.equal(new URL(saved.url).origin, new URL(url).origin);
      for (const server of servers) {
        assert.ok(!('password' in server) && !('token' in server), `a secret is in settings: ${server.name}`);
      }
      assert.equal(config().get('activeServer'), 'host-test');
    });

    it('fails with an error for a wrong password and saves nothing', async () => {
      // Otherwise "command not found" would pass for a failed connection.
      assert.ok((await vscode.commands.getCommands(true)).includes('aemGuides.connect'), 'aemGuides.connect is not registered');
      const { url, user } = emulatorEnv();
      let outcome: unknown;
      try {
        outcome = await vscode.commands.executeCommand('aemGuides.connect', {
          name: 'host-test-wrong',
          url,
          authType: 'basic',
          username: user,
          password: 'not-the-password',
        });
      } catch (error) {
        assert.ok(error instanceof Error && error.message.length > 0, 'the rejection carries a message');
        outcome = false;
      }
      assert.equal(outcome, false);
      const servers = config().get<ServerSetting[]>('servers') ?? [];
      assert.ok(!servers.some((s) => s.name === 'host-test-wrong'), 'a server that failed to connect was saved');
    });
  });
});
