import * as vscode from 'vscode';

/**
 * The extension's own log ("AEM Guides" in the Output panel, level from the channel's menu).
 * Never pass credentials, tokens or request headers here: AemError messages are safe by design.
 */
let channel: vscode.LogOutputChannel | undefined;

export function initLogger(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  channel = vscode.window.createOutputChannel('AEM Guides', { log: true });
  context.subscriptions.push(channel);
  return channel;
}

export const log = {
  info(message: string): void {
    channel?.info(message);
  },
  warn(message: string): void {
    channel?.warn(message);
  },
  error(message: string, error?: unknown): void {
    channel?.error(error === undefined ? message : `${message}: ${errorText(error)}`);
  },
  debug(message: string): void {
    channel?.debug(message);
  },
  show(): void {
    channel?.show(true);
  },
};

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
