/**
 * Job logs on disk: one append-only file per job plus, in memory, only the byte offset of each line (a growing
 * Float64Array, 8 bytes a line) so that any page of a million-line log is one positioned read.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const SCAN_CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export class LogFile {
  /** `starts[i]` is where line i begins; `starts[count]` is the end of the last complete line. */
  private starts = new Float64Array(1024);
  private count = 0;
  private appendFd: number | undefined;
  private loaded = false;

  constructor(readonly path: string) {}

  /** Builds the index from an existing file once, lazily, so start-up does not read every old log. */
  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.starts[0] = 0;
    if (!existsSync(this.path)) return;
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(SCAN_CHUNK);
      for (let pos = 0; pos < size; ) {
        const n = readSync(fd, buf, 0, Math.min(SCAN_CHUNK, size - pos), pos);
        if (n <= 0) break;
        this.indexNewlines(buf.subarray(0, n), pos);
        pos += n;
      }
    } finally {
      closeSync(fd);
    }
  }

  private indexNewlines(buf: Buffer, base: number): void {
    let at = buf.indexOf(NEWLINE, 0);
    while (at !== -1) {
      this.push(base + at + 1);
      at = buf.indexOf(NEWLINE, at + 1);
    }
  }

  private push(start: number): void {
    if (this.count + 2 > this.starts.length) {
      const bigger = new Float64Array(this.starts.length * 2);
      bigger.set(this.starts);
      this.starts = bigger;
    }
    this.starts[++this.count] = start;
  }

  get lineCount(): number {
    this.load();
    return this.count;
  }

  /** Bytes of complete lines; what a download includes. */
  get byteLength(): number {
    this.load();
    return this.starts[this.count];
  }

  /**
   * Appends lines (without their newlines) in one write. A partial last line left by a crash is overwritten:
   * writes are positioned at the end of the last complete line, so the file never holds half a line twice.
   */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.load();
    if (this.appendFd === undefined) this.appendFd = openSync(this.path, existsSync(this.path) ? 'r+' : 'w+');
    const buf = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const base = this.starts[this.count];
    let written = 0;
    while (written < buf.length) written += writeSync(this.appendFd, buf, written, buf.length - written, base + written);
    this.indexNewlines(buf, base);
  }

  /** Lines `[from, to)`, clamped to what exists. */
  read(from: number, to: number): string[] {
    this.load();
    const a = Math.max(0, Math.min(from, this.count));
    const b = Math.max(a, Math.min(to, this.count));
    if (a === b) return [];
    const start = this.starts[a];
    const length = this.starts[b] - start;
    const buf = Buffer.alloc(length);
    const fd = openSync(this.path, 'r');
    try {
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, start + got);
        if (n <= 0) break;
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    const lines = buf.toString('utf8').split('\n');
    lines.pop();
    return lines;
  }

  /** Releases the write handle; the index stays so reads remain cheap. */
  close(): void {
    if (this.appendFd !== undefined) {
      closeSync(this.appendFd);
      this.appendFd = undefined;
    }
  }
}

export class LogStore {
  private readonly files = new Map<string, LogFile>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  pathFor(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  get(id: string): LogFile {
    let f = this.files.get(id);
    if (!f) {
      f = new LogFile(this.pathFor(id));
      this.files.set(id, f);
    }
    return f;
  }

  closeAll(): void {
    for (const f of this.files.values()) f.close();
  }
}
