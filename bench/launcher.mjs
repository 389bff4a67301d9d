#!/usr/bin/env node
// Launcher overhead: median wall time of `ringlet profiles run p -- true` vs `node -e ''`, same run.
// Goal: ratio <= 1.3. Uses a throwaway RINGLET_HOME with a metered profile and a file-backed key.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ringlet = join(root, 'bin', 'ringlet');
const runs = Number(process.env.RUNS ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'ringlet-bench-'));
const env = { ...process.env, HOME: join(dir, 'home'), RINGLET_HOME: join(dir, 'rh'), XDG_CONFIG_HOME: join(dir, 'cfg'), NO_COLOR: '1' };
mkdirSync(env.HOME, { recursive: true });
mkdirSync(join(dir, 'cfg', 'ringlet'), { recursive: true });
writeFileSync(join(dir, 'cfg', 'ringlet', 'config.toml'), '[credentials]\nbackend = "file"\n');
const sh = (args, input) => spawnSync(process.execPath, [ringlet, ...args], { env, input, encoding: 'utf8' });
sh(['keychain', 'set', 'anthropic', 'p'], 'sk-bench');
// --binary true: the agent binary need not be installed for the benchmark; `-- true` runs /bin/true anyway.
sh(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic']);

function median(cmd, args, before = () => {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    before();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// Interleave warm-up so neither side benefits from a cold cache.
median(process.execPath, ['-e', '']);
median(process.execPath, [ringlet, 'profiles', 'run', 'p', '--', 'true']);
const node = median(process.execPath, ['-e', '']);
const run = median(process.execPath, [ringlet, 'profiles', 'run', 'p', '--', 'true']);
const bare = median(process.execPath, [ringlet, '--version']);
// Without bin/ringlet's V8 code cache: the first run after an install or upgrade.
const cold = median(process.execPath, [ringlet, 'profiles', 'run', 'p', '--', 'true'], () => rmSync(join(env.RINGLET_HOME, 'cache'), { recursive: true, force: true }));
console.log(`node -e ''                       median ${node.toFixed(1)} ms`);
console.log(`ringlet --version                median ${bare.toFixed(1)} ms`);
console.log(`ringlet profiles run p -- true   median ${run.toFixed(1)} ms (meter on)`);
console.log(`  same, no code cache yet        median ${cold.toFixed(1)} ms (the first run after an install)`);
console.log(`ratio run/node                   ${(run / node).toFixed(2)} (goal <= 1.3), ${runs} runs each`);
rmSync(dir, { recursive: true, force: true });
