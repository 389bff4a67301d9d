#!/usr/bin/env node
// Launcher overhead: median wall time of `ringlet profiles run p -- true` vs `node -e ''`, same run, the
// variants taking turns. Goal: ratio <= 1.3. Uses a throwaway RINGLET_HOME with a metered profile and a file-backed key.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cacheDir = join(env.RINGLET_HOME, 'cache');
const dropCodeCache = () => readdirSync(cacheDir).filter((f) => f.endsWith('.v8')).forEach((f) => rmSync(join(cacheDir, f)));

// The variants take turns, run after run, so drift in the machine's speed hits them alike.
const variants = {
  node: () => time(process.execPath, ['-e', '']),
  run: () => time(process.execPath, [ringlet, 'profiles', 'run', 'p', '--', 'true']),
  bare: () => time(process.execPath, [ringlet, '--version']),
  // Without bin/ringlet's V8 code cache: the first run after an install or upgrade (it writes the cache).
  cold: () => (dropCodeCache(), time(process.execPath, [ringlet, 'profiles', 'run', 'p', '--', 'true'])),
};
for (const f of Object.values(variants)) f(); // warm-up
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [k, f] of Object.entries(variants)) samples[k].push(f());
const { node, run, bare, cold } = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
console.log(`node -e ''                       median ${node.toFixed(1)} ms`);
console.log(`ringlet --version                median ${bare.toFixed(1)} ms`);
console.log(`ringlet profiles run p -- true   median ${run.toFixed(1)} ms (meter on)`);
console.log(`  same, no code cache yet        median ${cold.toFixed(1)} ms (the first run after an install)`);
console.log(`ratio run/node                   ${(run / node).toFixed(2)} (goal <= 1.3), ${runs} runs each`);
rmSync(dir, { recursive: true, force: true });
