/**
 * CLI of the AEM Guides emulator: `npm run emulator -- [flags]` (see `--help`).
 * The first line printed is exactly `AEM Guides emulator listening on <url>`, so scripts can wait for it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FAULTS, FaultOptions } from './faults';
import { BasicUser, DEFAULT_OPTIONS, EmulatorInit, startEmulator } from './server';

class UsageError extends Error {}

type Kind = 'int' | 'number' | 'rate' | 'string' | 'flag' | 'list';

interface Flag {
  name: string;
  kind: Kind;
  def: string;
  help: string;
  apply: (init: EmulatorInit, faults: Partial<FaultOptions>, value: string) => void;
}

function parseValue(flag: Flag, raw: string): number {
  const n = Number(raw);
  const ok =
    raw.trim() !== '' && Number.isFinite(n) &&
    (flag.kind === 'int' ? Number.isInteger(n) && n >= 0 : flag.kind === 'rate' ? n >= 0 && n <= 1 : n >= 0);
  if (!ok) {
    const what = flag.kind === 'int' ? 'an integer >= 0' : flag.kind === 'rate' ? 'a number from 0 to 1' : 'a number >= 0';
    throw new UsageError(`--${flag.name} must be ${what}, got "${raw}"`);
  }
  return n;
}

const DEFAULT_DATA_DIR = join(tmpdir(), 'aem-guides-emulator');

const FLAGS: Flag[] = [
  { name: 'port', kind: 'int', def: '4502', help: 'port to listen on; 0 = any free port', apply: (i, _f, v) => { i.port = Number(v); } },
  { name: 'host', kind: 'string', def: '127.0.0.1', help: 'address to listen on', apply: (i, _f, v) => { i.host = v; } },
  { name: 'data-dir', kind: 'string', def: DEFAULT_DATA_DIR, help: 'folder for state.json and logs/ (kept across runs)', apply: (i, _f, v) => { i.dataDir = v; } },
  { name: 'assets', kind: 'int', def: String(DEFAULT_OPTIONS.assets), help: 'number of generated DAM assets (a new data dir only)', apply: (i, _f, v) => { i.assets = Number(v); } },
  { name: 'depth', kind: 'int', def: String(DEFAULT_OPTIONS.depth), help: 'folder levels below /content/dam (at least 2)', apply: (i, _f, v) => { i.depth = Number(v); } },
  { name: 'seed', kind: 'int', def: String(DEFAULT_OPTIONS.seed), help: 'seed of the DAM tree and per-asset outcomes', apply: (i, _f, v) => { i.seed = Number(v); } },
  {
    name: 'user', kind: 'list', def: 'admin:admin', help: 'basic-auth user name:password (repeatable)',
    apply: (i, _f, v) => {
      const colon = v.indexOf(':');
      if (colon <= 0) throw new UsageError(`--user must be name:password, got "${v}"`);
      const user: BasicUser = { name: v.slice(0, colon), password: v.slice(colon + 1) };
      i.users = [...(i.users ?? []), user];
    },
  },
  { name: 'token', kind: 'list', def: 'one random token', help: 'accepted bearer token (repeatable)', apply: (i, _f, v) => { i.tokens = [...(i.tokens ?? []), v]; } },
  { name: 'rate', kind: 'number', def: String(DEFAULT_OPTIONS.rate), help: 'assets processed per second per job', apply: (i, _f, v) => { i.rate = Number(v); } },
  { name: 'count-ms', kind: 'int', def: String(DEFAULT_OPTIONS.countMs), help: 'time a job stays WAITING while counting files', apply: (i, _f, v) => { i.countMs = Number(v); } },
  { name: 'fail-rate', kind: 'rate', def: String(DEFAULT_OPTIONS.failRate), help: 'probability that an asset fails (seeded per asset)', apply: (i, _f, v) => { i.failRate = Number(v); } },
  { name: 'warn-rate', kind: 'rate', def: String(DEFAULT_OPTIONS.warnRate), help: 'probability of a WARN line for an asset', apply: (i, _f, v) => { i.warnRate = Number(v); } },
  { name: 'tick-ms', kind: 'int', def: String(DEFAULT_OPTIONS.tickMs), help: 'engine timer period', apply: (i, _f, v) => { i.tickMs = Math.max(1, Number(v)); } },
  { name: 'csrf-ttl-ms', kind: 'int', def: String(DEFAULT_OPTIONS.csrfTtlMs), help: 'lifetime of a CSRF token', apply: (i, _f, v) => { i.csrfTtlMs = Number(v); } },
  {
    name: 'download-mode', kind: 'string', def: DEFAULT_OPTIONS.downloadMode, help: 'logs/download answers a ZIP (zip) or {logFilePaths} (paths)',
    apply: (i, _f, v) => {
      if (v !== 'zip' && v !== 'paths') throw new UsageError(`--download-mode must be zip or paths, got "${v}"`);
      i.downloadMode = v;
    },
  },
  { name: 'login-page', kind: 'flag', def: 'off', help: 'answer unauthenticated requests with a 200 HTML login page', apply: (i) => { i.loginPage = true; } },
  { name: 'history-size', kind: 'int', def: String(DEFAULT_OPTIONS.historySize), help: 'jobs returned by /history', apply: (i, _f, v) => { i.historySize = Number(v); } },
  { name: 'other-job-types', kind: 'flag', def: 'off', help: 'add finished MAP_COLLECTION/BASELINE_MIGRATION jobs (and one with nulls) to the history', apply: (i) => { i.otherJobTypes = true; } },
  { name: 'seed-jobs', kind: 'int', def: '0', help: 'finished jobs to create when the data dir is new', apply: (i, _f, v) => { i.seedJobs = Number(v); } },
  { name: 'latency-ms', kind: 'int', def: '0', help: 'fault: delay added to each request', apply: (_i, f, v) => { f.latencyMs = Number(v); } },
  { name: 'jitter-ms', kind: 'int', def: '0', help: 'fault: random extra delay in [0, N)', apply: (_i, f, v) => { f.jitterMs = Number(v); } },
  { name: 'error-rate', kind: 'rate', def: '0', help: 'fault: probability of a 500 (JSON or HTML body)', apply: (_i, f, v) => { f.errorRate = Number(v); } },
  { name: 'unavailable-rate', kind: 'rate', def: '0', help: 'fault: probability of a 503 with Retry-After', apply: (_i, f, v) => { f.unavailableRate = Number(v); } },
  { name: 'retry-after', kind: 'int', def: String(DEFAULT_FAULTS.retryAfterSeconds), help: 'fault: Retry-After seconds of a 503', apply: (_i, f, v) => { f.retryAfterSeconds = Number(v); } },
  { name: 'reset-rate', kind: 'rate', def: '0', help: 'fault: probability of a connection reset without answer', apply: (_i, f, v) => { f.resetRate = Number(v); } },
  { name: 'stall-rate', kind: 'rate', def: '0', help: 'fault: probability of no answer', apply: (_i, f, v) => { f.stallRate = Number(v); } },
  { name: 'stall-ms', kind: 'int', def: '0', help: 'fault: how long a stall lasts before the socket is closed; 0 = never answered', apply: (_i, f, v) => { f.stallMs = Number(v); } },
  { name: 'malformed-rate', kind: 'rate', def: '0', help: 'fault: probability of a 200 with a broken JSON body', apply: (_i, f, v) => { f.malformedRate = Number(v); } },
  { name: 'fault-paths', kind: 'string', def: DEFAULT_FAULTS.paths.join(','), help: 'fault: comma-separated path prefixes faults apply to', apply: (_i, f, v) => { f.paths = v.split(',').filter(Boolean); } },
  { name: 'fault-seed', kind: 'int', def: String(DEFAULT_FAULTS.seed), help: 'fault: seed of the fault generator', apply: (_i, f, v) => { f.seed = Number(v); } },
];

function usage(): string {
  const rows = FLAGS.map((f) => {
    const arg = f.kind === 'flag' ? '' : f.kind === 'string' || f.kind === 'list' ? ' <value>' : ' <n>';
    return `  --${f.name}${arg}`.padEnd(28) + `${f.help} (default: ${f.def})`;
  });
  return [
    'Usage: npm run emulator -- [flags]',
    'A local AEM Guides author server (bulk asset processing API, Assets API, CSRF, auth, faults).',
    '',
    ...rows,
    '  --help, -h'.padEnd(28) + 'show this help',
    '',
    'Control endpoint (loopback, no auth, never faulted):',
    '  GET|POST /emulator/control/faults       read / replace fault settings (JSON)',
    '  GET|POST /emulator/control/behaviour    read / change rate, countMs, failRate, warnRate, downloadMode, loginPage, historySize',
    '  POST /emulator/control/csrf/expire      invalidate all CSRF tokens',
    '  POST /emulator/control/jobs/<id>/fail   {comments?}: fail an active job now',
    '  POST /emulator/control/jobs/<id>/append-lines  {count}: append synthetic log lines',
    '  GET  /emulator/control/stats            request and fault counters, memory',
  ].join('\n');
}

/** Parses argv; returns undefined when help was asked for. */
export function parseArgs(argv: string[]): EmulatorInit | undefined {
  const init: EmulatorInit = { port: 4502, dataDir: DEFAULT_DATA_DIR };
  const faults: Partial<FaultOptions> = {};
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--help' || arg === '-h') return undefined;
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const flag = FLAGS.find((f) => f.name === name);
    if (!flag) throw new UsageError(`Unknown flag --${name}`);
    let value = '';
    if (flag.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      if (k + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++k];
    }
    if (flag.kind === 'int' || flag.kind === 'number' || flag.kind === 'rate') parseValue(flag, value);
    if (flag.kind === 'string' && value === '') throw new UsageError(`--${name} needs a value`);
    flag.apply(init, faults, value);
  }
  if (init.port !== undefined && init.port > 65535) throw new UsageError(`--port must be at most 65535, got ${init.port}`);
  const rates = (faults.errorRate ?? 0) + (faults.unavailableRate ?? 0) + (faults.resetRate ?? 0) + (faults.stallRate ?? 0) + (faults.malformedRate ?? 0);
  if (rates > 1) throw new UsageError('the fault rates must add up to at most 1');
  if (Object.keys(faults).length > 0) init.faults = faults;
  return init;
}

async function main(): Promise<void> {
  let init: EmulatorInit | undefined;
  try {
    init = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nRun with --help to see the flags.\n`);
      process.exit(2);
    }
    throw e;
  }
  if (!init) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const emu = await startEmulator(init);
  const lines = [
    `AEM Guides emulator listening on ${emu.url}`,
    ...emu.users.map((u) => `  basic user:   ${u.name} / ${u.password}`),
    ...emu.tokens.map((t) => `  bearer token: ${t}`),
    `  data dir:     ${emu.dataDir}`,
    `  DAM:          ${emu.dam.assetCount} assets, depth ${emu.options.depth}, seed ${emu.options.seed} (under /content/dam)`,
    `  jobs:         rate ${emu.options.rate}/s, counting ${emu.options.countMs} ms, fail rate ${emu.options.failRate}`,
    `  control:      ${emu.url}/emulator/control/{faults,behaviour,stats,csrf/expire,jobs/<id>/fail,jobs/<id>/append-lines}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}; saving state and stopping\n`);
    emu.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`Error while stopping: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(err.code === 'EADDRINUSE' ? `Cannot listen: ${err.message}\n` : `${err.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
