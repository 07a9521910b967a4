/**
 * A minimal ZIP writer (no ZIP64, so entries stay below 4 GiB): enough for "download the job's logs".
 * Small entries are DEFLATEd in memory; `streamStoredZip` writes a large file STOREd, streaming it twice
 * (CRC first, then the data) so a 100 MB log never sits in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipInput {
  name: string;
  data: Buffer;
  /** Defaults to DEFLATE; STORE is used anyway when deflating does not make the entry smaller. */
  method?: 'store' | 'deflate';
  mtime?: Date;
}

const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;

interface EntryMeta {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  dosTime: number;
  dosDate: number;
}

function dosDateTime(d: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    dosTime: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

function localHeader(e: EntryMeta): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6); // UTF-8 names
  h.writeUInt16LE(e.method, 8);
  h.writeUInt16LE(e.dosTime, 10);
  h.writeUInt16LE(e.dosDate, 12);
  h.writeUInt32LE(e.crc >>> 0, 14);
  h.writeUInt32LE(e.compressedSize, 18);
  h.writeUInt32LE(e.size, 22);
  h.writeUInt16LE(e.name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, e.name]);
}

function centralDirectory(entries: EntryMeta[], cdOffset: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0
    h.writeUInt16LE(20, 6);
    h.writeUInt16LE(0x0800, 8);
    h.writeUInt16LE(e.method, 10);
    h.writeUInt16LE(e.dosTime, 12);
    h.writeUInt16LE(e.dosDate, 14);
    h.writeUInt32LE(e.crc >>> 0, 16);
    h.writeUInt32LE(e.compressedSize, 20);
    h.writeUInt32LE(e.size, 24);
    h.writeUInt16LE(e.name.length, 28);
    h.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    h.writeUInt32LE(e.offset, 42);
    parts.push(h, e.name);
  }
  const cd = Buffer.concat(parts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([cd, end]);
}

/** Builds a whole archive in memory. */
export function createZip(inputs: ZipInput[]): Buffer {
  const parts: Buffer[] = [];
  const metas: EntryMeta[] = [];
  let offset = 0;
  for (const input of inputs) {
    let data = input.data;
    let method = METHOD_STORE;
    if (input.method !== 'store') {
      const deflated = deflateRawSync(input.data);
      if (deflated.length < input.data.length) {
        data = deflated;
        method = METHOD_DEFLATE;
      }
    }
    const meta: EntryMeta = {
      name: Buffer.from(input.name, 'utf8'), method, crc: crc32(input.data), compressedSize: data.length,
      size: input.data.length, offset, ...dosDateTime(input.mtime ?? new Date()),
    };
    const header = localHeader(meta);
    parts.push(header, data);
    metas.push(meta);
    offset += header.length + data.length;
  }
  parts.push(centralDirectory(metas, offset));
  return Buffer.concat(parts);
}

const CHUNK = 1 << 20;

/**
 * Writes a one-entry STORE archive of a file to `write`, which returns false when the consumer wants a pause
 * and `drain` resolves when it may continue. `size` is the number of bytes to include (a snapshot of a log
 * that may still be growing).
 */
export async function streamStoredZip(
  name: string,
  filePath: string,
  size: number,
  mtime: Date,
  write: (chunk: Buffer) => boolean,
  drain: () => Promise<void>,
): Promise<void> {
  const fd = openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let crc = 0;
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
      if (n <= 0) throw new Error(`${filePath} shrank while zipping`);
      crc = crc32(buf.subarray(0, n), crc);
      pos += n;
    }
    const meta: EntryMeta = {
      name: Buffer.from(name, 'utf8'), method: METHOD_STORE, crc, compressedSize: size, size, offset: 0,
      ...dosDateTime(mtime),
    };
    const header = localHeader(meta);
    if (!write(header)) await drain();
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
      pos += n;
      // A copy, because `buf` is reused before the socket may have sent the previous chunk.
      if (!write(Buffer.from(buf.subarray(0, n)))) await drain();
    }
    write(centralDirectory([meta], header.length + size));
  } finally {
    closeSync(fd);
  }
}

/** The length of a one-entry STORE archive, so the response can carry a Content-Length. */
export function storedZipLength(name: string, size: number): number {
  const n = Buffer.byteLength(name, 'utf8');
  return 30 + n + size + 46 + n + 22;
}
