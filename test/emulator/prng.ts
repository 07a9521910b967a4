/**
 * Seeded randomness for the emulator. Everything that must be reproducible (the DAM tree, which assets fail,
 * which requests get a fault) draws from here instead of `Math.random`.
 */

/** A mulberry32 generator: tiny, fast and good enough for test data; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A stateless hash of a few integers to [0, 1). Per-asset decisions use it rather than a stream so that the
 * outcome for asset N does not depend on how many assets were processed before it (resume, rate changes).
 */
export function hashUnit(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193);
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A UUID-shaped string derived from integers, so that generated assets keep their uuid across restarts. */
export function hashUuid(...values: number[]): string {
  let hex = '';
  for (let part = 0; part < 4; part++) {
    hex += Math.floor(hashUnit(...values, part) * 4294967296).toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A fixed-size set of small integers, stored as bits so 100k-asset jobs cost kilobytes. */
export class BitSet {
  readonly bytes: Uint8Array;

  constructor(readonly size: number, bytes?: Uint8Array) {
    this.bytes = bytes ?? new Uint8Array(Math.ceil(size / 8));
  }

  get(i: number): boolean {
    return (this.bytes[i >> 3] & (1 << (i & 7))) !== 0;
  }

  set(i: number): void {
    this.bytes[i >> 3] |= 1 << (i & 7);
  }

  clear(i: number): void {
    this.bytes[i >> 3] &= ~(1 << (i & 7));
  }

  count(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.get(i)) n++;
    return n;
  }

  toBase64(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('base64');
  }

  /** Restores a set saved by `toBase64`; a size mismatch (corrupt or foreign state) yields an empty set. */
  static fromBase64(size: number, text: unknown): BitSet {
    if (typeof text !== 'string') return new BitSet(size);
    const buf = Buffer.from(text, 'base64');
    if (buf.length !== Math.ceil(size / 8)) return new BitSet(size);
    return new BitSet(size, new Uint8Array(buf));
  }
}
