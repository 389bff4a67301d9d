import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Runs the bats suites in test/shell (real bash, zsh and fish processes) as part of `npm test`. Each
 * .bats file is one test here; it fails when bats is missing, when bats exits non-zero, or when the TAP
 * output does not account for every planned test.
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const suites = readdirSync(here).filter((f) => f.endsWith('.bats')).sort();

function ensureBuilt(): void {
  // npm test builds first; a bare `vitest run test/shell` on a fresh checkout builds here.
  if (existsSync(join(root, 'dist', 'ringlet.mjs')) && existsSync(join(root, 'completions', 'ringlet.bash'))) return;
  const b = spawnSync(process.execPath, [join(root, 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`node build.mjs failed:\n${b.stderr}`);
}

describe('shell integration (bats)', () => {
  it('has bats suites to run', () => {
    expect(suites.length).toBeGreaterThanOrEqual(5);
  });

  for (const suite of suites) {
    it(suite, () => {
      ensureBuilt();
      const r = spawnSync('bats', ['--tap', join(here, suite)], {
        cwd: root,
        encoding: 'utf8',
        timeout: 600_000,
        env: { ...process.env, NO_COLOR: '1' },
      });
      if (r.error) throw new Error(`could not run bats (apt-get install bats): ${r.error.message}`);
      const out = `${r.stdout}\n${r.stderr}`;
      const plan = /^1\.\.(\d+)$/m.exec(r.stdout);
      const passed = r.stdout.split('\n').filter((l) => /^ok \d+/.test(l)).length;
      const failed = r.stdout.split('\n').filter((l) => /^not ok \d+/.test(l));
      if (r.status !== 0 || failed.length || !plan || passed !== Number(plan[1])) {
        throw new Error(`bats ${suite}: exit ${r.status}, ${passed}/${plan?.[1] ?? '?'} passed\n${out.slice(-8000)}`);
      }
      expect(passed).toBeGreaterThan(0);
    }, 700_000);
  }
});
