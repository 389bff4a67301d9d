// Bundles src/ into dist/ringlet.mjs. Native modules stay external and are imported lazily by the
// commands that need them, so `ringlet profiles run` never pays for SQLite or PTYs it does not use.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { rmSync } from 'node:fs';

const root = dirname(fileURLToPath(import.meta.url));
// Chunk names are content hashes: clear old ones so dist/ holds exactly one build.
rmSync(join(root, 'dist'), { recursive: true, force: true });
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
