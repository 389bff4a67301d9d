import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './env.js';

/**
 * Build once, before any test file runs: many tests drive the bundled CLI (bin/ringlet -> dist/), and a
 * rebuild while other files run would pull dist/ out from under them.
 */
export default function setup(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node build.mjs failed:\n${r.stderr}`);
}
