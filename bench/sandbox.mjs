#!/usr/bin/env node
/**
 * The sandbox's added start-up time (issue 10: goal <= 20 ms added).
 *
 *   node bench/sandbox.mjs
 *   BENCH_RUNS=100 node bench/sandbox.mjs
 *
 * Measured in one run, interleaved, median of N:
 *   1. `true` spawned directly vs through bwrap with ringlet's default policy (seccomp filter, ready fd,
 *      masks for the ringlet home and config dir), as spawnSandbox does it;
 *   2. the same with network = off (the in-sandbox bridge for the meter: socat, and node if asked);
 *   3. checkSandbox()'s probe (paid once per sandboxed run unless the launcher caches it);
 *   4. `node bin/ringlet profiles run p --sandbox -- true` vs without, when `profiles run` knows --sandbox.
 * Everything lives in a temp dir (under /var/tmp, so the masks are really mounted) deleted at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const tmp = mkdtempSync('/var/tmp/ringlet-bench-sandbox-');

try {
  const bundleDir = join(ROOT, 'node_modules', '.cache', 'ringlet-bench');
  mkdirSync(bundleDir, { recursive: true });
  const outfile = join(bundleDir, `sandbox-${process.pid}.mjs`);
  await build({ stdin: { contents: "export * from './src/sandbox/run.ts'; export * from './src/sandbox/policy.ts'; export * from './src/sandbox/check.ts';", resolveDir: ROOT, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile, logLevel: 'warning' });
  process.env.RINGLET_HOME = join(tmp, 'ringlet'); // checkSandboxCached writes its cache there, not in ~/.ringlet
  const sb = await import(pathToFileURL(outfile).href);
  rmSync(outfile, { force: true });

  const d = (...p) => join(tmp, ...p);
  for (const dir of ['home', 'ringlet/profiles/p/HOME', 'ringlet/profiles/q/HOME', 'config/ringlet/hooks', 'ws']) mkdirSync(d(dir), { recursive: true });
  for (const f of ['config/ringlet/http_token', 'config/ringlet/credentials.toml', 'config/ringlet/config.toml', 'ringlet/ledger.db']) writeFileSync(d(f), 'x');
  const base = { profile: 'p', profileDir: d('ringlet/profiles/p'), profileHome: d('ringlet/profiles/p/HOME'), cwd: d('ws'), ringletHome: d('ringlet'), configDir: d('config/ringlet'), realHome: d('home') };

  const check = sb.checkSandbox();
  if (!check.ok) {
    console.log(`sandbox unavailable: ${check.reason} (fix: ${check.fix})`);
    process.exit(1);
  }

  const env = { PATH: process.env.PATH, HOME: d('ringlet/profiles/p/HOME') };
  const exit = (child) => new Promise((resolve) => child.on('exit', resolve));
  const direct = async () => {
    const t = performance.now();
    await exit(spawn('true', [], { stdio: 'ignore', env }));
    return performance.now() - t;
  };
  const sandboxed = (prepared) => async () => {
    const t = performance.now();
    const s = sb.spawnSandbox(prepared, env, base.cwd, ['ignore', 'ignore', 'ignore']);
    await exit(s.child);
    return performance.now() - t;
  };
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  async function compare(label, a, b) {
    const ta = [];
    const tb = [];
    for (let i = 0; i < 3; i++) (await a(), await b()); // warm up
    for (let i = 0; i < RUNS; i++) {
      ta.push(await a());
      tb.push(await b());
    }
    const [ma, mb] = [median(ta), median(tb)];
    const min = (xs) => Math.min(...xs);
    console.log(`${label.padEnd(44)} ${ma.toFixed(1).padStart(7)} ms -> ${mb.toFixed(1).padStart(7)} ms   added ${(mb - ma).toFixed(1).padStart(6)} ms   (best: +${(min(tb) - min(ta)).toFixed(1)} ms)`);
    return mb - ma;
  }

  console.log(`bubblewrap ${check.version}, ${RUNS} runs each, median\n`);
  const meter = createServer((_q, r) => r.end('ok'));
  await new Promise((r) => meter.listen(0, '127.0.0.1', r));
  const meterPort = meter.address().port;

  const results = {};
  const on = await sb.prepareSandbox({ policy: sb.resolvePolicy(base), command: ['true'], check });
  results.on = await compare('true vs sandboxed true (network on)', direct, sandboxed(on));
  await on.close();
  for (const bridge of check.socat ? ['socat', 'node'] : ['node']) {
    const off = await sb.prepareSandbox({ policy: sb.resolvePolicy({ ...base, manifestSandbox: { network: 'off' } }), command: ['true'], check, meterPort, bridge });
    results[`off-${bridge}`] = await compare(`true vs sandboxed true (network off, ${bridge})`, direct, sandboxed(off));
    await off.close();
  }
  meter.close();

  const prep = [];
  for (let i = 0; i < Math.min(RUNS, 20); i++) {
    const t = performance.now();
    const p = await sb.prepareSandbox({ policy: sb.resolvePolicy(base), command: ['true'] });
    await p.close();
    prep.push(performance.now() - t);
  }
  console.log(`${'resolvePolicy + prepareSandbox + close'.padEnd(44)} ${median(prep).toFixed(1).padStart(7)} ms`);
  results.prepare = median(prep);
  for (const [label, fn] of [['checkSandbox() (version + probe)', () => sb.checkSandbox()], ['checkSandboxCached() (what prepareSandbox calls)', () => sb.checkSandboxCached()]]) {
    const xs = [];
    for (let i = 0; i < Math.min(RUNS, 20); i++) {
      const t = performance.now();
      fn();
      xs.push(performance.now() - t);
    }
    console.log(`${label.padEnd(44)} ${median(xs).toFixed(1).padStart(7)} ms`);
  }

  // The whole command, once `profiles run` knows --sandbox.
  const renv = { ...process.env, HOME: d('home'), RINGLET_HOME: d('ringlet'), XDG_CONFIG_HOME: d('config') };
  writeFileSync(d('ringlet/profiles/p/ringlet.toml'), 'agent = "claude"\nprovider = "anthropic"\n[run]\nmeter = false\n');
  const cli = (args) => spawnSync(process.execPath, [join(ROOT, 'bin', 'ringlet'), 'profiles', 'run', 'p', ...args, '--', 'true'], { env: renv, cwd: d('ws'), encoding: 'utf8' });
  const probeRun = cli(['--sandbox']);
  // (The profile needs no key: meter off, a command instead of the agent.)
  if (probeRun.status !== 0) {
    console.log(`\nprofiles run p --sandbox -- true: not measured (${(probeRun.stderr || probeRun.stdout).trim().split('\n')[0] || `exit ${probeRun.status}`})`);
  } else {
    const timeCli = (args) => async () => {
      const t = performance.now();
      cli(args);
      return performance.now() - t;
    };
    results.cli = await compare('profiles run p -- true vs --sandbox', timeCli([]), timeCli(['--sandbox']));
  }

  const total = results.cli ?? results.on + results.prepare;
  console.log(`\ngoal: <= 20 ms added; network on: ${total.toFixed(1)} ms${results.cli === undefined ? ' (spawn + prepare)' : ' (whole command)'}: ${total <= 20 ? 'met' : 'NOT met'}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
