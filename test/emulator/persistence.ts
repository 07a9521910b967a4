/** Atomic, debounced JSON state: a crash leaves either the previous file or the new one, never half of one. */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export function writeJsonAtomic(file: string, data: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(data));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** The parsed file, undefined when absent; a corrupt file is moved aside so that start-up still succeeds. */
export function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    renameSync(file, `${file}.corrupt-${Date.now()}`);
    return undefined;
  }
}

/** Coalesces many state changes (one per engine tick) into at most one write per `delayMs`. */
export class DebouncedWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => unknown,
    private readonly delayMs: number,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    writeJsonAtomic(this.file, this.snapshot());
  }

  /** True when a change is waiting to be written. */
  get pending(): boolean {
    return this.timer !== undefined;
  }
}
