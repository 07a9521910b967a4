/** The Assets HTTP API (Siren), only as far as a folder picker needs it: folders, paging, hidden entities. */
import { DAM_ROOT, Dam, DamFolder } from './dam';
import { ApiError } from './engine';

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 1000;

interface Link {
  rel: string[];
  href: string;
}

interface Entity {
  class: string[];
  properties: Record<string, unknown>;
  links: Link[];
}

function apiHref(origin: string, damPath: string, query = ''): string {
  const rel = damPath.slice(DAM_ROOT.length).split('/').map(encodeURIComponent).join('/');
  return `${origin}/api/assets${rel}.json${query}`;
}

function parsePaging(raw: string | null, name: string, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new ApiError(400, `${name} must be a non-negative integer`);
  return Number(raw);
}

/**
 * Answers `GET /api/assets/<path below /content/dam>.json` (and `/api/assets.json` for the root).
 * `rest` is the decoded part between `/api/assets` and `.json`, e.g. `/techdocs/guides` or ``.
 */
export function assetsResponse(dam: Dam, rest: string, params: URLSearchParams, origin: string): Record<string, unknown> {
  const damPath = `${DAM_ROOT}${rest}`;
  const folder = dam.folder(damPath);
  if (!folder) {
    const i = dam.assetIndex(damPath);
    if (i < 0) throw new ApiError(404, `No folder or asset at ${damPath}`);
    const name = dam.assetName(i);
    return {
      class: ['assets/asset'],
      properties: { name, title: name.replace(/\.[^.]+$/, ''), created: dam.assetCreated[i], fileType: dam.fileType(i) },
      links: [
        { rel: ['self'], href: apiHref(origin, damPath) },
        { rel: ['parent'], href: apiHref(origin, dam.folders[dam.assetFolder[i]].path) },
      ],
    };
  }
  const offset = parsePaging(params.get('offset'), 'offset', 0);
  const limit = Math.min(MAX_PAGE, parsePaging(params.get('limit'), 'limit', DEFAULT_PAGE));
  const total = folder.children.length + folder.ownCount;
  const entities: Entity[] = [];
  for (let k = offset; k < Math.min(total, offset + limit); k++) {
    if (k < folder.children.length) entities.push(folderEntity(dam.folders[folder.children[k]], origin));
    else {
      const i = folder.ownStart + (k - folder.children.length);
      const name = dam.assetName(i);
      entities.push({
        class: ['assets/asset'],
        properties: { name, title: name.replace(/\.[^.]+$/, '') },
        links: [{ rel: ['self'], href: apiHref(origin, `${folder.path}/${name}`) }],
      });
    }
  }
  const links: Link[] = [{ rel: ['self'], href: apiHref(origin, folder.path, `?offset=${offset}&limit=${limit}`) }];
  if (folder.parent >= 0) links.push({ rel: ['parent'], href: apiHref(origin, dam.folders[folder.parent].path) });
  if (offset + limit < total) links.push({ rel: ['next'], href: apiHref(origin, folder.path, `?offset=${offset + limit}&limit=${limit}`) });
  if (offset > 0) links.push({ rel: ['prev'], href: apiHref(origin, folder.path, `?offset=${Math.max(0, offset - limit)}&limit=${limit}`) });
  return {
    class: ['assets/folder'],
    properties: { name: folder.name, title: folder.title, 'srn:paging': { total, offset, limit } },
    entities,
    links,
  };
}

function folderEntity(f: DamFolder, origin: string): Entity {
  const properties: Record<string, unknown> = { name: f.name, title: f.title };
  if (f.hidden) properties.hidden = true;
  return { class: ['assets/folder'], properties, links: [{ rel: ['self'], href: apiHref(origin, f.path) }] };
}
