// ringlet migrate: how long the audit of a large HOME takes (10k files under the project roots, .envrc files
// among them), in process and through the CLI (`ringlet migrate --dry-run --json`, node start-up included).
//   node bench/migrate.mjs [files]
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const files = Number(process.argv[2] ?? 10_000);
const work = mkdtempSync(join(tmpdir(), 'ringlet-bench-migrate-'));
try {
  const entry = join(work, 'entry.ts');
  writeFileSync(entry, `export { audit } from ${JSON.stringify(join(root, 'src/migrate/audit.ts'))};\nexport { buildLargeHome } from ${JSON.stringify(join(root, 'test/migrate/large-home.ts'))};\n`);
  const out = join(work, 'bundle.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning', external: ['@napi-rs/keyring', 'better-sqlite3'] });
  const { audit, buildLargeHome } = await import(pathToFileURL(out).href);

  const home = join(work, 'home');
  mkdirSync(home);
  const t0 = performance.now();
  const made = buildLargeHome(home, files);
  console.log(`built HOME: ${made.files} files, ${made.envrcs} .envrc (${(performance.now() - t0).toFixed(0)} ms)`);

  const env = { ...process.env, HOME: home, RINGLET_HOME: join(work, 'ringlet'), XDG_CONFIG_HOME: join(work, 'config') };
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const s = performance.now();
    const r = audit({ home, env });
    runs.push(performance.now() - s);
    if (i === 0) console.log(`findings: ${r.findings.length}, files read: ${r.scanned.length}`);
  }
  runs.sort((a, b) => a - b);
  console.log(`audit in process: median ${runs[3].toFixed(0)} ms, min ${runs[0].toFixed(0)} ms, max ${runs[6].toFixed(0)} ms (target < 2000 ms)`);

  const cli = join(root, 'bin', 'ringlet');
  if (existsSync(join(root, 'dist', 'ringlet.mjs'))) {
    const walls = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      const r = spawnSync(process.execPath, [cli, 'migrate', '--dry-run', '--json'], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      walls.push(performance.now() - s);
      if (r.status !== 0) throw new Error(`ringlet migrate --dry-run --json exited ${r.status}: ${r.stderr}`);
    }
    walls.sort((a, b) => a - b);
    console.log(`ringlet migrate --dry-run --json: median ${walls[1].toFixed(0)} ms wall (node start-up included)`);
  } else console.log('dist/ringlet.mjs missing: run `node build.mjs` for the CLI figure');
} finally {
  rmSync(work, { recursive: true, force: true });
}
