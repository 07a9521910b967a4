/**
 * Whatever a runner starts, it stops: on success, on failure, on its overall timeout and on Ctrl+C.
 * Children run in process groups of their own (see processes.ts) so that Ctrl+C in the terminal does not reach
 * them half-way; this module is the only place that ends them.
 */
import { SetupError, step } from './log';

type Cleanup = () => Promise<void> | void;

const cleanups: Cleanup[] = [];
/** Process groups still alive; killed synchronously on `exit` as a last resort. */
const liveGroups = new Set<number>();
let cleaning: Promise<void> | undefined;

/** Registers work for the end of the run (run in reverse order). Returns a function that unregisters it. */
export function onCleanup(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.indexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

export function trackGroup(pid: number): void {
  liveGroups.add(pid);
}

export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** Sends a signal to a whole process group; a group that is already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** True once the run is ending: a child that exits now was stopped by us, not by a crash. */
export function isStopping(): boolean {
  return cleaning !== undefined;
}

/** Runs every registered cleanup once, newest first; a failing cleanup does not stop the others. */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop() as Cleanup;
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`[aem-guides] cleanup failed: ${String(error)}\n`);
      }
    }
  })();
  return cleaning;
}

export interface MainOptions {
  /** Overall limit; when it passes, everything is stopped and the process exits with 124 (like `timeout`). */
  timeoutMs?: number;
  timeoutMessage?: string;
}

/**
 * Runs a runner's body and exits with its code after cleaning up. Ctrl+C (SIGINT), SIGTERM and SIGHUP clean up and
 * exit with 128 + signal number; a second Ctrl+C kills what is left at once.
 */
export function main(body: () => Promise<number>, options: MainOptions = {}): void {
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
  const finish = async (code: number): Promise<never> => {
    await runCleanups();
    process.exit(code);
  };
  const signalCodes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(signalCodes) as [NodeJS.Signals, number][]) {
    process.on(signal, () => {
      if (cleaning) process.exit(code); // second signal: the `exit` handler kills the groups
      step(`${signal} received: stopping everything`);
      void finish(code);
    });
  }
  if (options.timeoutMs) {
    const timeoutMs = options.timeoutMs;
    setTimeout(() => {
      process.stderr.write(
        `[aem-guides] ${options.timeoutMessage ?? 'timed out'} after ${Math.round(timeoutMs / 1000)} s; stopping everything\n`,
      );
      void finish(124);
    }, timeoutMs).unref();
  }
  body().then(
    (code) => finish(code),
    (error: unknown) => {
      // Stopping children on a signal or timeout makes the body fail too; that failure is no news.
      if (isStopping()) return undefined;
      const message = error instanceof SetupError ? error.message : error instanceof Error ? error.stack : String(error);
      process.stderr.write(`[aem-guides] ${message}\n`);
      return finish(1);
    },
  );
}

/** Milliseconds from an environment variable holding seconds, or the default. */
export function secondsFromEnv(name: string, defaultSeconds: number): number {
  const raw = process.env[name];
  const seconds = raw === undefined || raw === '' ? defaultSeconds : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new SetupError(`${name} must be a number of seconds, not "${raw}"`);
  return seconds * 1000;
}
