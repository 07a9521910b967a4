/** Child processes that the runners start, watch and always stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { killGroup, onCleanup, trackGroup, untrackGroup } from './lifecycle';
import { SetupError } from './log';

export interface GroupOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr go to this file (created with its folder). */
  logFile?: string;
  /** Also print every line to the runner's stdout, prefixed with `[name]`. */
  echo?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL when stopping. */
  graceMs?: number;
}

/** A child that leads a process group of its own, so that stopping it also stops everything it started. */
export class GroupProcess {
  readonly exited: Promise<number | null>;
  private readonly listeners = new Set<(line: string) => void>();
  private readonly log: WriteStream | undefined;
  private exitCode: number | null | undefined;
  private stopping: Promise<void> | undefined;
  private readonly unregister: () => void;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly options: GroupOptions,
  ) {
    const pid = child.pid as number;
    trackGroup(pid);
    this.unregister = onCleanup(() => this.stop());
    if (options.logFile) {
      mkdirSync(dirname(options.logFile), { recursive: true });
      this.log = createWriteStream(options.logFile);
    }
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    }
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        resolve(this.exitCode);
      });
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  onOutput(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the first output line that matches; rejects when the process exits first or the time is up.
   * `describe` names the wait in the error, e.g. "code-server did not start".
   */
  waitForLine(pattern: RegExp, timeoutMs: number, describe: string): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const where = this.options.logFile ? `; its log is in ${this.options.logFile}` : '';
      const done = (): void => {
        clearTimeout(timer);
        off();
      };
      const timer = setTimeout(() => {
        done();
        reject(new SetupError(`${describe} within ${Math.round(timeoutMs / 1000)} s${where}`));
      }, timeoutMs);
      const off = this.onOutput((line) => {
        const match = pattern.exec(line);
        if (match) {
          done();
          resolve(match);
        }
      });
      void this.exited.then((code) => {
        done();
        reject(new SetupError(`${describe}: ${this.name} exited with code ${String(code)}${where}`));
      });
    });
  }

  /** SIGTERM to the whole group, SIGKILL after the grace period; also kills stragglers whose leader is gone. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unregister();
      killGroup(this.pid, 'SIGTERM');
      const graceMs = this.options.graceMs ?? 5000;
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      killGroup(this.pid, 'SIGKILL');
      untrackGroup(this.pid);
      await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    })();
    return this.stopping;
  }

  private onLine(line: string): void {
    this.log?.write(`${line}\n`);
    if (this.options.echo) process.stdout.write(`[${this.name}] ${line}\n`);
    for (const listener of this.listeners) listener(line);
  }
}

/** Starts `command` detached (a new process group) with piped output. */
export function spawnGroup(name: string, command: string, args: string[], options: GroupOptions = {}): GroupProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new SetupError(`Could not start ${name} (${command})`);
  return new GroupProcess(name, child, options);
}

/**
 * Runs a command to completion with its output shown to the person (installers). Rejects with `failure` when the
 * exit code is not 0. It shares our process group, so Ctrl+C reaches it directly.
 */
export function runVisible(command: string, args: string[], env: NodeJS.ProcessEnv, failure: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => reject(new SetupError(`${failure}: ${error.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new SetupError(`${failure} (exit ${code ?? signal ?? '?'})`)),
    );
  });
}

/** A TCP port on 127.0.0.1 that is free right now: `preferred` when it is, otherwise one the system picks. */
export async function freePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && (await tryListen(preferred)) !== undefined) return preferred;
  const port = await tryListen(0);
  if (port === undefined) throw new SetupError('No free TCP port on 127.0.0.1');
  return port;
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}
