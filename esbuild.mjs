// Builds the extension (node, cjs, `vscode` external), the webview scripts (browser, esm) and,
// with --tests, transpiles sources and tests file by file into out/ for Mocha and the emulator.
// Type checking is `tsc --noEmit` (npm run typecheck); esbuild only strips types.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Prints errors in the format of the `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

function tsFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...tsFiles(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

const common = {
  logLevel: 'warning',
  sourcemap: !production,
  minify: production,
  plugins: watch ? [problemMatcher] : [],
};

const configs = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: tsFiles('media').length ? tsFiles('media') : [],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: 'dist/webview',
  },
];

if (tests) {
  configs.push({
    logLevel: 'warning',
    entryPoints: [...tsFiles('src'), ...tsFiles('test')],
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    outdir: 'out',
    outbase: '.',
  });
}

// A release bundle starts from an empty dist/, so no stale file (a source map, an old script) ships.
if (production) rmSync('dist', { recursive: true, force: true });

const contexts = await Promise.all(
  configs.filter((c) => c.entryPoints.length > 0).map((c) => esbuild.context(c)),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}
