// Bundles src/ into dist/ringlet.mjs (the CLI) and dist/run.cjs (`profiles run` alone, see bin/ringlet). Native
// modules stay external and are loaded lazily by the commands that need them, so `ringlet profiles run`
// never pays for SQLite or PTYs it does not use.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { rmSync } from 'node:fs';

const root = dirname(fileURLToPath(import.meta.url));
// Chunk names are content hashes: clear old ones so dist/ holds exactly one build.
rmSync(join(root, 'dist'), { recursive: true, force: true });
/**
 * `import … from 'node:crypto'` (and the like) as an object whose properties require the module when first
 * read: esbuild's CommonJS output reads imports as properties at the point of use, so a module that imports
 * node:crypto for one rarely called function no longer costs its ~2 ms load on every start.
 */
function lazyBuiltins(names) {
  const filter = new RegExp(`^(node:)?(${names.map((n) => n.replace('/', '\\/')).join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(b) {
      // The shim's own require of the real module stays external.
      b.onResolve({ filter }, (args) => (args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
        const keys = Object.keys(await import(`node:${args.path}`)).filter((k) => k !== 'default');
        return {
          loader: 'js',
          contents: `let m; const real = () => (m ??= require(${JSON.stringify(`node:${args.path}`)}));
module.exports = Object.defineProperties({}, Object.fromEntries(${JSON.stringify(keys)}.map((k) => [k, { get: () => real()[k], enumerable: true }])));`,
        };
      });
    },
  };
}

export const external = ['better-sqlite3', 'node-pty', '@napi-rs/keyring', 'playwright-core', 'quickjs-emscripten'];

await build({
  absWorkingDir: root,
  entryPoints: { ringlet: 'src/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __ringletRequire } from 'node:module'; const require = __ringletRequire(import.meta.url);" },
});

// `profiles run` alone as one CommonJS file (bin/ringlet loads it for every agent start): one file to
// compile and no module graph to link. Node built-ins that a run may never use load on first use (lazyBuiltins).
// Beside it, the import's worker thread (src/import/pool.ts starts dist/import-worker.cjs from any bundle).
await build({
  absWorkingDir: root,
  entryPoints: { run: 'src/run-entry.ts', 'import-worker': 'src/import/worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  // Less to read, hash and deserialise on every start (stack traces map back through the source map).
  minify: true,
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  logLevel: 'warning',
  // import.meta.url as a getter: most runs never ask, and pathToFileURL is not free.
  define: { 'import.meta.url': '__ringletMeta.url' },
  plugins: [lazyBuiltins(['crypto', 'http', 'https', 'zlib', 'worker_threads', 'readline', 'fs/promises'])],
  banner: { js: "const __ringletMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
});

// The offline stand-in for model APIs, for `npm run demo` (tests import the TypeScript directly).
await build({
  absWorkingDir: root,
  entryPoints: { 'fake-provider': 'test/support/fake-provider-cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

// The dashboard (src/web): minified browser bundles with hashed names in dist/web, served by the daemon.
await import('./src/web/build.mjs').then((m) => m.buildWeb(root));

// Completions are generated from the command tree after the bundle exists.
const gen = await import('./dist/ringlet.mjs').then((m) => m.generateCompletions).catch(() => undefined);
if (gen) await gen(root);
