/** A strict ZIP reader for tests: the log downloads must be real archives. */
import assert from 'node:assert/strict';
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly data: Buffer;
}

/**
 * Reads a ZIP archive by its end-of-central-directory record and central directory, checks each
 * local header against its central entry, inflates and checks size and CRC-32.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  assert.ok(zip.length >= 22 + 30, `too short for a ZIP: ${zip.length} bytes`);
  assert.equal(zip.readUInt32LE(0), 0x04034b50, 'no local file header signature (PK\\x03\\x04) at the start');
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  assert.equal(cdOffset + cdSize, eocd, 'the central directory does not end where the EOCD record starts');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50, `no central directory header for entry ${k}`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;

    assert.equal(zip.readUInt32LE(localOffset), 0x04034b50, `no local header for ${name}`);
    const localNameLength = zip.readUInt16LE(localOffset + 26);
    const localExtraLength = zip.readUInt16LE(localOffset + 28);
    assert.equal(zip.subarray(localOffset + 30, localOffset + 30 + localNameLength).toString('utf8'), name, 'local and central names differ');
    const start = localOffset + 30 + localNameLength + localExtraLength;
    const raw = zip.subarray(start, start + compressedSize);
    assert.ok(method === 0 || method === 8, `unsupported compression method ${method} for ${name}`);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    assert.equal(data.length, size, `size of ${name}`);
    assert.equal(crc32(data) >>> 0, crc >>> 0, `CRC-32 of ${name}`);
    entries.push({ name, method, data });
  }
  assert.equal(p, eocd, 'the central directory holds more than its entries');
  return entries;
}
