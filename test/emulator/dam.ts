/**
 * The generated DAM tree under `/content/dam`.
 *
 * Folders that always exist, whatever `assets`, `depth` and `seed` are (tests may rely on them):
 * - `/content/dam/projects/{alpha,beta,gamma}`
 * - `/content/dam/techdocs/{guides,reference,release-notes}` and a hidden `/content/dam/techdocs/.thumbnails`
 * - `/content/dam/shared`
 * - `/content/dam/status-fetch1` and `/content/dam/status-fetch1/excluded-folder` (the names of Adobe's example)
 * - `/content/dam/empty` (never holds an asset)
 * - `/content/dam/.thumbnails` (hidden; listed with `hidden: true`, never holds an asset)
 *
 * Below every visible fixed folder (except `empty`) seeded subfolders are generated down to `depth` levels
 * under `/content/dam` (depth is at least 2). When `assets` is at least the number of eligible folders, every
 * eligible folder holds at least one asset.
 *
 * Assets are numbered 0..N-1 in depth-first pre-order (a folder's own assets, then its subfolders'), so a folder
 * and its whole subtree are one contiguous index range: counting a 100k-asset job is a loop, not a tree walk.
 * Names are derived from the index (`topic-000123.dita`), so no per-asset string is kept in memory.
 */
import { BitSet, hashUuid, mulberry32 } from './prng';

export const DAM_ROOT = '/content/dam';

/** The `filter.fileTypes` values of the API. */
export const FILE_TYPES = ['DITATOPIC', 'DITAMAP', 'MARKDOWN', 'HTML/CSS', 'DITAVAL', 'OTHERS'] as const;
export type FileType = (typeof FILE_TYPES)[number];

interface AssetKind {
  prefix: string;
  ext: string;
  fileType: FileType;
  /** Relative frequency; DITA topics are the majority, as in a real Guides repository. */
  weight: number;
}

export const ASSET_KINDS: readonly AssetKind[] = [
  { prefix: 'topic', ext: 'dita', fileType: 'DITATOPIC', weight: 60 },
  { prefix: 'map', ext: 'ditamap', fileType: 'DITAMAP', weight: 8 },
  { prefix: 'readme', ext: 'md', fileType: 'MARKDOWN', weight: 7 },
  { prefix: 'page', ext: 'html', fileType: 'HTML/CSS', weight: 4 },
  { prefix: 'style', ext: 'css', fileType: 'HTML/CSS', weight: 2 },
  { prefix: 'filter', ext: 'ditaval', fileType: 'DITAVAL', weight: 4 },
  { prefix: 'image', ext: 'png', fileType: 'OTHERS', weight: 8 },
  { prefix: 'manual', ext: 'pdf', fileType: 'OTHERS', weight: 3 },
  { prefix: 'data', ext: 'xml', fileType: 'OTHERS', weight: 2 },
  { prefix: 'photo', ext: 'jpg', fileType: 'OTHERS', weight: 1 },
  { prefix: 'icon', ext: 'svg', fileType: 'OTHERS', weight: 1 },
];

export interface DamFolder {
  id: number;
  path: string;
  name: string;
  title: string;
  parent: number;
  children: number[];
  hidden: boolean;
  /** First index of the folder's own assets; its subtree is `[ownStart, subtreeEnd)`. */
  ownStart: number;
  ownCount: number;
  subtreeEnd: number;
}

export interface DamOptions {
  assets: number;
  depth: number;
  seed: number;
  /** Creation times are spread over the two years before this instant. */
  epochMs: number;
}

/** A contiguous range of asset indices: a folder's subtree or a single asset. */
export interface AssetRange {
  start: number;
  end: number;
}

const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;
const WORDS = [
  'install', 'configure', 'concepts', 'tasks', 'reference', 'tutorials', 'samples', 'troubleshoot',
  'api', 'glossary', 'faq', 'overview', 'security', 'upgrade', 'admin', 'authoring',
];

export class Dam {
  readonly folders: DamFolder[] = [];
  readonly assetCount: number;
  readonly assetFolder: Int32Array;
  readonly assetKind: Uint8Array;
  readonly assetCreated: Float64Array;
  private readonly byPath = new Map<string, number>();
  private readonly digits: number;

  constructor(readonly options: DamOptions) {
    const n = Math.max(0, Math.floor(options.assets));
    const depth = Math.max(2, Math.floor(options.depth));
    const rand = mulberry32(options.seed);
    this.assetCount = n;
    this.digits = Math.max(6, String(Math.max(0, n - 1)).length);

    const root = this.addFolder(-1, '', 'Assets', false);
    const fixed: Array<[string, string, string[]]> = [
      ['projects', 'Projects', ['alpha', 'beta', 'gamma']],
      ['techdocs', 'Technical Documentation', ['guides', 'reference', 'release-notes']],
      ['shared', 'Shared Content', []],
      ['status-fetch1', 'Status Fetch 1', ['excluded-folder']],
    ];
    const grow = (parent: number, level: number): void => {
      if (level > depth) return;
      const fan = 2 + Math.floor(rand() * 3);
      const start = Math.floor(rand() * WORDS.length);
      for (let k = 0; k < fan; k++) {
        const word = WORDS[(start + k) % WORDS.length];
        const child = this.addFolder(parent, `${word}-${k + 1}`, `${capitalise(word)} ${k + 1}`, false);
        grow(child, level + 1);
      }
    };
    for (const [name, title, subs] of fixed) {
      const top = this.addFolder(root, name, title, false);
      if (name === 'techdocs') this.addFolder(top, '.thumbnails', 'Thumbnails', true);
      for (const sub of subs) grow(this.addFolder(top, sub, capitalise(sub.replace(/-/g, ' ')), false), 3);
      if (subs.length === 0) grow(top, 2);
    }
    this.addFolder(root, 'empty', 'Empty Folder', false);
    this.addFolder(root, '.thumbnails', 'Thumbnails', true);

    // How many assets each folder holds: one each first (so tests can count on non-empty folders), the rest
    // scattered at random. Only then are indices handed out in pre-order.
    const eligible = this.folders.filter((f) => f.id !== root && !f.hidden && f.name !== 'empty');
    let left = n;
    if (n >= eligible.length) {
      for (const f of eligible) f.ownCount = 1;
      left -= eligible.length;
    }
    for (; left > 0; left--) eligible[Math.floor(rand() * eligible.length)].ownCount++;
    let next = 0;
    const number = (id: number): void => {
      const f = this.folders[id];
      f.ownStart = next;
      next += f.ownCount;
      for (const c of f.children) number(c);
      f.subtreeEnd = next;
    };
    number(root);

    this.assetFolder = new Int32Array(n);
    this.assetKind = new Uint8Array(n);
    this.assetCreated = new Float64Array(n);
    const totalWeight = ASSET_KINDS.reduce((s, k) => s + k.weight, 0);
    for (const f of this.folders) {
      for (let i = f.ownStart; i < f.ownStart + f.ownCount; i++) this.assetFolder[i] = f.id;
    }
    for (let i = 0; i < n; i++) {
      let pick = rand() * totalWeight;
      let kind = 0;
      while (pick >= ASSET_KINDS[kind].weight && kind < ASSET_KINDS.length - 1) pick -= ASSET_KINDS[kind++].weight;
      this.assetKind[i] = kind;
      this.assetCreated[i] = options.epochMs - Math.floor(rand() * TWO_YEARS_MS);
    }
  }

  private addFolder(parent: number, name: string, title: string, hidden: boolean): number {
    const id = this.folders.length;
    const path = parent < 0 ? DAM_ROOT : `${this.folders[parent].path}/${name}`;
    this.folders.push({
      id, path, name: parent < 0 ? 'dam' : name, title, parent, children: [], hidden, ownStart: 0, ownCount: 0, subtreeEnd: 0,
    });
    if (parent >= 0) this.folders[parent].children.push(id);
    this.byPath.set(path, id);
    return id;
  }

  folder(path: string): DamFolder | undefined {
    const id = this.byPath.get(path);
    return id === undefined ? undefined : this.folders[id];
  }

  assetName(i: number): string {
    const kind = ASSET_KINDS[this.assetKind[i]];
    return `${kind.prefix}-${String(i).padStart(this.digits, '0')}.${kind.ext}`;
  }

  assetPath(i: number): string {
    return `${this.folders[this.assetFolder[i]].path}/${this.assetName(i)}`;
  }

  assetUuid(i: number): string {
    return hashUuid(this.options.seed, i);
  }

  fileType(i: number): FileType {
    return ASSET_KINDS[this.assetKind[i]].fileType;
  }

  /** The index of the asset at `path`, or -1; parses the index out of the name instead of keeping a map. */
  assetIndex(path: string): number {
    const slash = path.lastIndexOf('/');
    const folder = this.folder(path.slice(0, slash));
    const m = /-(\d+)\.[a-z]+$/.exec(path.slice(slash + 1));
    if (!folder || !m) return -1;
    const i = Number(m[1]);
    if (i < folder.ownStart || i >= folder.ownStart + folder.ownCount) return -1;
    return this.assetPath(i) === path ? i : -1;
  }

  /** The assets a job on `path` covers: the folder's subtree, or the single asset; undefined when absent. */
  range(path: string): AssetRange | undefined {
    const f = this.folder(path);
    if (f) return { start: f.ownStart, end: f.subtreeEnd };
    const i = this.assetIndex(path);
    return i < 0 ? undefined : { start: i, end: i + 1 };
  }

  exists(path: string): boolean {
    return this.range(path) !== undefined;
  }

  /** A set over all assets, for "processed by an earlier job". */
  newAssetSet(): BitSet {
    return new BitSet(this.assetCount);
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Removes a trailing slash and adds a missing leading one (the docs' own example omits it). */
export function normaliseDamPath(p: string): string {
  let s = p.trim();
  if (!s.startsWith('/')) s = `/${s}`;
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/** True when one path is the other or an ancestor of it. */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}
