/**
 * Validation and normalisation of server answers into our model (types.ts).
 *
 * Rules (api-contract.md): a missing or null field is tolerated and given a neutral value; a field of
 * the wrong type (a string where a number must be) is a protocol error, thrown as SchemaError and
 * turned into an AemError of kind `protocol` by the client. Unknown status values and ETA units are
 * kept verbatim.
 */
import type { DamEntry, DamFolderPage, Eta, Job, JobFilter, JobState, LogPage } from './types';

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

type Json = unknown;
type JsonObject = { readonly [key: string]: Json };

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function where(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: Json): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(at: string, expected: string, value: Json): never {
  throw new SchemaError(`field "${at}" should be ${expected} but is ${describe(value)}`);
}

function object(value: Json, at: string): JsonObject {
  if (!isObject(value)) fail(at || 'body', 'an object', value);
  return value;
}

function optionalObject(obj: JsonObject, key: string, path: string): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  return object(v, where(path, key));
}

function optionalString(obj: JsonObject, key: string, path: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(where(path, key), 'a string', v);
  return v;
}

function optionalNumber(obj: JsonObject, key: string, path: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where(path, key), 'a number', v);
  return v;
}

function optionalBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(where(path, key), 'a boolean', v);
  return v;
}

function optionalStringArray(obj: JsonObject, key: string, path: string): string[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(where(path, key), 'an array of strings', v);
  return v.map((item: Json, i) => {
    if (typeof item !== 'string') fail(`${where(path, key)}[${i}]`, 'a string', item);
    return item;
  });
}

/** Epoch ms, or undefined for 0/negative/missing ("not yet"). */
function optionalTime(obj: JsonObject, key: string, path: string): number | undefined {
  const v = optionalNumber(obj, key, path);
  return v !== undefined && v > 0 ? v : undefined;
}

const TERMINAL_STATES: Record<string, JobState> = {
  SUCCESS: 'succeeded',
  SUCCEEDED: 'succeeded',
  COMPLETED: 'succeeded',
  COMPLETE: 'succeeded',
  FAILED: 'failed',
  FAILURE: 'failed',
  ERROR: 'failed',
  CANCELLED: 'cancelled',
  CANCELED: 'cancelled',
  ABORTED: 'cancelled',
};

const ACTIVE_STATES: Record<string, JobState> = {
  WAITING: 'waiting',
  QUEUED: 'waiting',
  PENDING: 'waiting',
  INITIATED: 'waiting',
  IN_PROGRESS: 'running',
  INPROGRESS: 'running',
  RUNNING: 'running',
  PROCESSING: 'running',
  STARTED: 'running',
};

/** Our reading of a status string; unknown values are active (`unknown`). */
export function stateOf(status: string): JobState {
  const key = status.trim().toUpperCase().replace(/[\s-]+/g, '_');
  return TERMINAL_STATES[key] ?? ACTIVE_STATES[key] ?? 'unknown';
}

export function isTerminalState(state: JobState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

const UNIT_MS: Record<string, number> = {
  MILLISECONDS: 1,
  MILLISECOND: 1,
  MS: 1,
  SECONDS: 1000,
  SECOND: 1000,
  S: 1000,
  MINUTES: 60_000,
  MINUTE: 60_000,
  HOURS: 3_600_000,
  HOUR: 3_600_000,
  DAYS: 86_400_000,
  DAY: 86_400_000,
};

function parseEta(obj: JsonObject | undefined, path: string): Eta | undefined {
  if (!obj) return undefined;
  const value = optionalNumber(obj, 'value', path);
  const unit = optionalString(obj, 'unit', path);
  if (value === undefined) return undefined;
  const rawUnit = unit ?? '';
  const factor = UNIT_MS[rawUnit.trim().toUpperCase()];
  return factor === undefined ? { value, unit: rawUnit } : { value, unit: rawUnit, ms: value * factor };
}

function parseFilter(obj: JsonObject | undefined, path: string): JobFilter | undefined {
  if (!obj) return undefined;
  const filter: {
    fileTypes: readonly string[];
    startTime?: number;
    endTime?: number;
    filterProcessedAssets?: boolean;
  } = { fileTypes: optionalStringArray(obj, 'fileTypes', path) ?? [] };
  const startTime = optionalTime(obj, 'startTime', path);
  const endTime = optionalTime(obj, 'endTime', path);
  const processed = optionalBoolean(obj, 'filterProcessedAssets', path);
  if (startTime !== undefined) filter.startTime = startTime;
  if (endTime !== undefined) filter.endTime = endTime;
  if (processed !== undefined) filter.filterProcessedAssets = processed;
  return filter;
}

/** Removes keys whose value is undefined, so that objects compare and serialise cleanly. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

/** A job from the status endpoint or a history item. `path` is where it sits in the body, for messages. */
export function parseJob(value: Json, path = ''): Job {
  const obj = object(value, path);
  const processingId = optionalString(obj, 'processingId', path);
  if (!processingId) throw new SchemaError(`field "${where(path, 'processingId')}" is missing`);
  const status = optionalString(obj, 'status', path) ?? '';
  const state = stateOf(status);
  const migrationSet = optionalObject(obj, 'migrationSet', path);
  const msPath = where(path, 'migrationSet');
  const calculationStatus = migrationSet ? optionalString(migrationSet, 'calculationStatus', msPath) : undefined;
  const rawTotal = migrationSet ? optionalNumber(migrationSet, 'totalFiles', msPath) : undefined;
  // totalFiles is only meaningful once counting has finished; a SUCCESS job with no calculation
  // status (older servers, history items) still has a usable total.
  const counted =
    calculationStatus !== undefined ? stateOf(calculationStatus) === 'succeeded' : isTerminalState(state);
  const totalFiles = counted && rawTotal !== undefined && rawTotal >= 0 ? rawTotal : undefined;
  const triggeredCount = Math.max(0, optionalNumber(obj, 'triggeredCount', path) ?? 0);
  const progress =
    totalFiles !== undefined && totalFiles > 0 ? Math.min(1, Math.max(0, triggeredCount / totalFiles)) : undefined;
  return compact<Job>({
    processingId,
    path: optionalString(obj, 'path', path) ?? '',
    excludedPaths: optionalStringArray(obj, 'excludedPaths', path) ?? [],
    status,
    state,
    active: !isTerminalState(state),
    triggeredCount,
    startedAt: optionalTime(obj, 'startedAt', path),
    completedAt: optionalTime(obj, 'completedAt', path),
    hasLogs: optionalBoolean(obj, 'hasLogs', path) ?? false,
    createdBy: optionalString(obj, 'createdBy', path) || undefined,
    type: optionalString(obj, 'type', path) ?? '',
    totalFiles,
    calculationStatus,
    progress,
    eta: parseEta(optionalObject(obj, 'eta', path), where(path, 'eta')),
    comments: optionalString(obj, 'comments', path) || undefined,
    cancellable: optionalBoolean(obj, 'cancellable', path) ?? false,
    resumable: optionalBoolean(obj, 'resumable', path) ?? false,
    restartable: optionalBoolean(obj, 'restartable', path) ?? false,
    filter: parseFilter(optionalObject(obj, 'filter', path), where(path, 'filter')),
  });
}

export function parseHistory(value: Json): Job[] {
  const obj = object(value, '');
  const items = obj['executionHistory'];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) fail('executionHistory', 'an array', items);
  return items.map((item: Json, i) => parseJob(item, `executionHistory[${i}]`));
}

export function parseStartResponse(value: Json): string {
  const obj = object(value, '');
  const id = optionalString(obj, 'processingId', '');
  if (!id) throw new SchemaError('field "processingId" is missing');
  return id;
}

export function parseLogPage(value: Json, requestedOffset: number | undefined): LogPage {
  const obj = object(value, '');
  const lines = optionalStringArray(obj, 'lines', '') ?? [];
  const offset = optionalNumber(obj, 'offset', '') ?? requestedOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) fail('offset', 'a non-negative integer', offset);
  const limit = optionalNumber(obj, 'limit', '') ?? lines.length;
  return { lines, offset, limit, hasMore: optionalBoolean(obj, 'hasMore', '') ?? false };
}

export function parseLogFilePaths(value: Json): string[] {
  const obj = object(value, '');
  const paths = optionalStringArray(obj, 'logFilePaths', '');
  if (!paths) throw new SchemaError('field "logFilePaths" is missing');
  return paths;
}

export function parseCsrfToken(value: Json): string {
  const token = optionalString(object(value, ''), 'token', '');
  if (!token) throw new SchemaError('field "token" is missing');
  return token;
}

function hasClass(obj: JsonObject, name: string, path: string): boolean {
  return (optionalStringArray(obj, 'class', path) ?? []).includes(name);
}

function linkHref(obj: JsonObject, rel: string, path: string): string | undefined {
  const links = obj['links'];
  if (links === undefined || links === null) return undefined;
  if (!Array.isArray(links)) fail(where(path, 'links'), 'an array', links);
  for (const [i, link] of links.entries()) {
    const linkObj = object(link as Json, `${where(path, 'links')}[${i}]`);
    const rels = optionalStringArray(linkObj, 'rel', `${where(path, 'links')}[${i}]`) ?? [];
    if (rels.includes(rel)) return optionalString(linkObj, 'href', `${where(path, 'links')}[${i}]`);
  }
  return undefined;
}

/** A Siren folder answer of the Assets HTTP API; hidden entities are dropped. */
export function parseDamFolder(value: Json, folderPath: string, requestedOffset: number): DamFolderPage {
  const obj = object(value, '');
  const props = optionalObject(obj, 'properties', '') ?? {};
  const paging = optionalObject(props, 'srn:paging', 'properties');
  const rawEntities = obj['entities'];
  if (rawEntities !== undefined && rawEntities !== null && !Array.isArray(rawEntities)) {
    fail('entities', 'an array', rawEntities);
  }
  const entries: DamEntry[] = [];
  for (const [i, raw] of ((rawEntities as Json[] | undefined | null) ?? []).entries()) {
    const at = `entities[${i}]`;
    const entity = object(raw, at);
    const ep = optionalObject(entity, 'properties', at) ?? {};
    if (optionalBoolean(ep, 'hidden', `${at}.properties`) === true) continue;
    const name = optionalString(ep, 'name', `${at}.properties`);
    if (!name) continue;
    const kind = hasClass(entity, 'assets/folder', at) ? 'folder' : 'asset';
    const title = optionalString(ep, 'title', `${at}.properties`);
    const entry: DamEntry = { name, path: `${folderPath === '/' ? '' : folderPath}/${name}`, kind };
    entries.push(title ? { ...entry, title } : entry);
  }
  const offset = (paging && optionalNumber(paging, 'offset', 'properties.srn:paging')) ?? requestedOffset;
  const total = paging ? optionalNumber(paging, 'total', 'properties.srn:paging') : undefined;
  const next = linkHref(obj, 'next', '');
  const page: {
    path: string;
    title?: string;
    entries: DamEntry[];
    total?: number;
    offset: number;
    nextOffset?: number;
  } = { path: folderPath, entries, offset };
  const title = optionalString(props, 'title', 'properties');
  if (title) page.title = title;
  if (total !== undefined) page.total = total;
  if (next !== undefined) {
    const rawCount = Array.isArray(rawEntities) ? rawEntities.length : 0;
    const fromLink = Number(/[?&]offset=(\d+)/.exec(next)?.[1]);
    page.nextOffset = Number.isFinite(fromLink) && fromLink > offset ? fromLink : offset + rawCount;
  }
  return page;
}
