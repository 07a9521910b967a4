/**
 * Input rules checked before any request, so bad input never reaches the server.
 * Each problem is a code plus the offending value; the UI localises it (src/ui/inputProblems.ts),
 * `englishProblem` serves logs, tests and AemError messages.
 */
import { ASSET_PROCESSING, FILE_TYPES, type StartFilter, type StartRequest } from './types';

export const DAM_ROOT = '/content/dam';

export type InputProblemCode =
  | 'pathEmpty'
  | 'pathNotAbsolute'
  | 'pathNotUnderDam'
  | 'pathDotSegment'
  | 'pathDoubleSlash'
  | 'pathControlChar'
  | 'pathTrailingSlash'
  | 'excludedNotUnderPath'
  | 'excludedInvalid'
  | 'fileTypeUnknown'
  | 'timeInvalid'
  | 'timeRange'
  | 'typeInvalid';

export interface InputProblem {
  readonly code: InputProblemCode;
  /** The value the problem is about (a path, a file type); absent when it is the whole request. */
  readonly value?: string;
  /** For excluded-path problems, the problem with the path itself. */
  readonly cause?: InputProblemCode;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** The first problem with a DAM path, or undefined when it is acceptable to send. */
export function checkDamPath(path: string): InputProblem | undefined {
  if (path.trim() === '') return { code: 'pathEmpty' };
  if (CONTROL_CHARS.test(path)) return { code: 'pathControlChar', value: path };
  if (!path.startsWith('/')) return { code: 'pathNotAbsolute', value: path };
  if (path.includes('//')) return { code: 'pathDoubleSlash', value: path };
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) {
    return { code: 'pathDotSegment', value: path };
  }
  if (path.length > 1 && path.endsWith('/')) return { code: 'pathTrailingSlash', value: path };
  if (path !== DAM_ROOT && !path.startsWith(`${DAM_ROOT}/`)) return { code: 'pathNotUnderDam', value: path };
  return undefined;
}

/** True when `child` is `parent` or lies below it. */
export function isSameOrUnder(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

/**
 * Excluded paths may be typed without the leading slash (Adobe's own example does): we accept both
 * and send absolute paths. Surrounding whitespace is dropped; a trailing slash too.
 */
export function normaliseExcludedPath(raw: string): string {
  let path = raw.trim();
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '');
  return path.startsWith('/') ? path : `/${path}`;
}

export function checkExcludedPath(raw: string, root: string): { path: string; problem?: InputProblem } {
  const path = normaliseExcludedPath(raw);
  const own = checkDamPath(path);
  if (own) return { path, problem: { code: 'excludedInvalid', value: raw, cause: own.code } };
  if (path === root || !isSameOrUnder(path, root)) {
    return { path, problem: { code: 'excludedNotUnderPath', value: raw } };
  }
  return { path };
}

export function isKnownFileType(value: string): boolean {
  return (FILE_TYPES as readonly string[]).includes(value);
}

function checkTime(value: number | undefined, label: string, problems: InputProblem[]): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    problems.push({ code: 'timeInvalid', value: `${label}=${String(value)}` });
  }
}

export type CheckedStart = { ok: true; request: Required<Pick<StartRequest, 'path' | 'type'>> & StartRequest } | { ok: false; problems: InputProblem[] };

/**
 * Checks and normalises a start request: the path, every excluded path (absolute, under `path`,
 * duplicates dropped), file types from the allowed list (duplicates dropped), times as epoch ms with
 * start <= end. The filter is sent only with the fields that are set.
 */
export function checkStartRequest(input: StartRequest): CheckedStart {
  const problems: InputProblem[] = [];
  const path = input.path;
  const pathProblem = checkDamPath(path);
  if (pathProblem) problems.push(pathProblem);

  const excluded: string[] = [];
  for (const raw of input.excludedPaths ?? []) {
    if (raw.trim() === '') continue;
    const checked = checkExcludedPath(raw, path);
    if (checked.problem) problems.push(checked.problem);
    else if (!excluded.includes(checked.path)) excluded.push(checked.path);
  }

  const type = input.type ?? ASSET_PROCESSING;
  if (!/^[A-Z][A-Z0-9_]*$/.test(type)) problems.push({ code: 'typeInvalid', value: type });

  let filter: StartFilter | undefined;
  if (input.filter) {
    const f = input.filter;
    const fileTypes: string[] = [];
    for (const t of f.fileTypes ?? []) {
      if (!isKnownFileType(t)) problems.push({ code: 'fileTypeUnknown', value: t });
      else if (!fileTypes.includes(t)) fileTypes.push(t);
    }
    checkTime(f.startTime, 'startTime', problems);
    checkTime(f.endTime, 'endTime', problems);
    if (f.startTime !== undefined && f.endTime !== undefined && f.startTime > f.endTime) {
      problems.push({ code: 'timeRange' });
    }
    const built: { fileTypes?: string[]; startTime?: number; endTime?: number; filterProcessedAssets?: boolean } = {};
    if (fileTypes.length > 0) built.fileTypes = fileTypes;
    if (f.startTime !== undefined) built.startTime = f.startTime;
    if (f.endTime !== undefined) built.endTime = f.endTime;
    if (f.filterProcessedAssets === true) built.filterProcessedAssets = true;
    if (Object.keys(built).length > 0) filter = built;
  }

  if (problems.length > 0) return { ok: false, problems };
  const request: { path: string; type: string; excludedPaths?: string[]; filter?: StartFilter } = { path, type };
  if (excluded.length > 0) request.excludedPaths = excluded;
  if (filter) request.filter = filter;
  return { ok: true, request };
}

/** English text of a problem, for logs and the client's error messages. */
export function englishProblem(problem: InputProblem): string {
  const v = problem.value ?? '';
  switch (problem.code) {
    case 'pathEmpty':
      return 'the path is empty';
    case 'pathNotAbsolute':
      return `"${v}" is not absolute: start it with ${DAM_ROOT}/`;
    case 'pathNotUnderDam':
      return `"${v}" is not under ${DAM_ROOT}`;
    case 'pathDotSegment':
      return `"${v}" contains "." or ".." segments`;
    case 'pathDoubleSlash':
      return `"${v}" contains "//"`;
    case 'pathControlChar':
      return `"${JSON.stringify(v).slice(1, -1)}" contains control characters`;
    case 'pathTrailingSlash':
      return `"${v}" ends with "/"`;
    case 'excludedNotUnderPath':
      return `excluded path "${v}" is not below the processed path`;
    case 'excludedInvalid':
      return `excluded path "${v}" is invalid (${englishProblem({ code: problem.cause ?? 'pathEmpty', value: v })})`;
    case 'fileTypeUnknown':
      return `unknown file type "${v}" (allowed: ${FILE_TYPES.join(', ')})`;
    case 'timeInvalid':
      return `${v} is not a time in epoch milliseconds`;
    case 'timeRange':
      return 'the "created after" time is later than the "created before" time';
    case 'typeInvalid':
      return `"${v}" is not a processing type`;
  }
}

/** A processing id as the server issues them: no whitespace, control characters or slashes. */
export function checkProcessingId(id: string): boolean {
  return id.length > 0 && id.length <= 200 && /^[^\s/\\?#&]+$/.test(id) && !CONTROL_CHARS.test(id);
}
