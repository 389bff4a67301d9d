#!/usr/bin/env node
// What a hook costs an agent per tool call: median wall time of `ringlet hooks dispatch claude PreToolUse`
// (what Claude Code / Codex run before each tool) with no rules, one shell rule, one script rule, next to
// `node -e ''` and `ringlet --version`. Throwaway RINGLET_HOME; nothing is sent anywhere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ringlet = join(root, 'bin', 'ringlet');
const runs = Number(process.env.RUNS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'ringlet-bench-hooks-'));
const env = { ...process.env, HOME: join(dir, 'home'), RINGLET_HOME: join(dir, 'rh'), XDG_CONFIG_HOME: join(dir, 'cfg'), NO_COLOR: '1' };
mkdirSync(env.HOME, { recursive: true });
const cli = (args) => {
  const r = spawnSync(process.execPath, [ringlet, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ringlet ${args.join(' ')}: ${r.stderr}`);
};
for (const p of ['none', 'shell', 'script']) cli(['profiles', 'create', 'claude', p, '--provider', 'anthropic']);
cli(['hooks', 'add', 'shell', '--on', 'pre-tool-use', '--shell', 'case "$RINGLET_TOOL_COMMAND" in *"rm -rf"*) exit 1;; esac']);
writeFileSync(join(dir, 'g.js'), 'function on_pre_tool_use(ctx) { return /rm\\s+-rf/.test(ctx.input.command) ? deny("no") : allow(); }');
cli(['hooks', 'add', 'script', '--on', 'pre-tool-use', '--script', join(dir, 'g.js')]);
const input = JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'ls -la' }, cwd: dir });

function median(args, extraEnv = {}, stdin = '') {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env: { ...env, ...extraEnv }, input: stdin, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const dispatch = [ringlet, 'hooks', 'dispatch', 'claude', 'PreToolUse'];
const rows = [
  ["node -e ''", () => median(['-e', ''])],
  ['ringlet --version', () => median([ringlet, '--version'])],
  ['dispatch, no rules', () => median(dispatch, { RINGLET_PROFILE: 'none' }, input)],
  ['dispatch, 1 shell rule', () => median(dispatch, { RINGLET_PROFILE: 'shell' }, input)],
  ['dispatch, 1 script rule', () => median(dispatch, { RINGLET_PROFILE: 'script' }, input)],
];
for (const [, f] of rows) f(); // warm-up
for (const [name, f] of rows) console.log(`${name.padEnd(28)} median ${f().toFixed(1)} ms`);
console.log(`${runs} runs each; an agent pays this once per tool call for pre-tool-use, and nothing for events without rules (they are not wired).`);
rmSync(dir, { recursive: true, force: true });
