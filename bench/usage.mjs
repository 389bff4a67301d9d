#!/usr/bin/env node
// `ringlet usage` on a 1M-row ledger. Goal: the whole CLI process in <= 150 ms.
//
//   node build.mjs && node bench/usage.mjs [rows=1000000] [runs=15]
//
// Builds src/ledger with esbuild (as the bundle does), fills a ledger in a temp RINGLET_HOME in one
// transaction through Ledger.insertMany (the same insert statement and set-based rollup update the
// importers use), then times: queryUsage in-process per view, and `node bin/ringlet usage …` as whole
// processes next to `node -e ''` and `ringlet --version` baselines. RINGLET_BIN overrides the launcher.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 15);
const bin = process.env.RINGLET_BIN ?? join(root, 'bin', 'ringlet');

const outDir = join(root, 'node_modules', '.cache', 'ringlet-bench');
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, `ledger-${process.pid}.mjs`);
await build({ entryPoints: [join(root, 'src/ledger/ledger.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: bundle, external: ['better-sqlite3'], logLevel: 'warning' });
const { openLedger, queryUsage } = await import(pathToFileURL(bundle).href);

const home = mkdtempSync(join(tmpdir(), 'ringlet-bench-'));
const env = { ...process.env, RINGLET_HOME: join(home, 'ringlet'), XDG_CONFIG_HOME: join(home, 'config'), HOME: home, NO_COLOR: '1' };
const file = join(env.RINGLET_HOME, 'ledger.db');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${n.toFixed(1)} ms`;

try {
  // ── generate ──────────────────────────────────────────────────────────────
  // Shape: a profile is bound to one agent and provider (as real profiles are) and uses 1-4 models; two
  // profiles route with rules; null is usage imported without --to; one model has no price. 1M rows over
  // 365 days is ~2,700 responses a day: a heavy user.
  const setups = {
    work: ['claude', 'anthropic', ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001']],
    personal: ['claude', 'anthropic', ['claude-sonnet-4-6', 'claude-haiku-4-5-20251001']],
    acme: ['codex', 'openai', ['gpt-5-codex', 'gpt-5.1-codex', 'gpt-5.4', 'gpt-5.4-mini']],
    oss: ['opencode', 'openrouter', ['anthropic/claude-sonnet-4.5', 'openai/gpt-5', 'x-ai/grok-code-fast-1']],
    grok: ['grok', 'xai', ['grok-4', 'grok-code-fast-1']],
    mm: ['claude', 'minimax', ['MiniMax-M2']],
    'client-a': ['codex', 'openai', ['gpt-5.4', 'gpt-5.4-mini']],
    'client-b': ['claude', 'anthropic', ['claude-sonnet-4-5-20250929']],
    local: ['droid', 'custom', ['local-qwen-coder']], // unpriced
    night: ['claude', 'anthropic', ['claude-sonnet-4-6', 'claude-opus-4-5-20251101']],
  };
  const profiles = [...Object.keys(setups), null];
  const ruled = new Set(['oss', 'night']);
  const rules = [null, 'cheap-night', 'big-context'];
  const start = Date.UTC(2025, 10, 1);
  // mulberry32: a small PRNG with well-mixed low bits (a plain LCG's low bits repeat quickly).
  let seed = 42;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const rnd = (n) => Math.floor(rand() * n);
  function* records() {
    for (let i = 0; i < ROWS; i++) {
      const profile = profiles[rnd(profiles.length)];
      const [agent, provider, models] = setups[profile ?? 'work'];
      const model = models[rnd(models.length)];
      const input = rnd(4000);
      const output = rnd(2000);
      const cacheRead = rnd(150_000);
      yield {
        ts: new Date(start + Math.floor((i / ROWS) * 365 * 86_400_000)).toISOString(),
        profile, agent, provider, model,
        inputTokens: input, outputTokens: output, cacheWriteTokens: rnd(5000), cacheWrite1hTokens: 0, cacheReadTokens: cacheRead, reasoningTokens: rnd(500),
        costUsd: provider === 'custom' ? null : (input * 3 + output * 15 + cacheRead * 0.3) / 1e6,
        source: i % 3 ? 'import' : 'meter', messageId: `msg_${i.toString(36)}_${rnd(1e9).toString(36)}`,
        rule: profile && ruled.has(profile) ? rules[rnd(rules.length)] : null,
      };
    }
  }
  let t0 = performance.now();
  const ledger = await openLedger(file);
  const added = ledger.insertMany(records());
  const genMs = performance.now() - t0;
  const rollupRows = ledger.db.prepare('SELECT count(*) AS n FROM usage_daily').get().n;
  const monthlyRows = ledger.db.prepare('SELECT count(*) AS n FROM usage_monthly').get().n;
  ledger.db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`ledger: ${added.toLocaleString()} rows in ${(genMs / 1000).toFixed(1)} s (${Math.round(added / (genMs / 1000)).toLocaleString()} rows/s), ` +
    `${(statSync(file).size / 1e6).toFixed(0)} MB, rollups: ${rollupRows.toLocaleString()} daily / ${monthlyRows.toLocaleString()} monthly rows`);

  // ── query function, in-process ───────────────────────────────────────────
  const cases = [
    ['profile', {}], ['day', {}], ['model', {}], ['rule', {}],
    ['day', { since: '2026-05-01', until: '2026-05-31', profile: 'work' }],
    ['model', { model: 'claude-*' }],
  ];
  console.log(`\nqueryUsage (in-process, median of ${RUNS}):`);
  for (const [view, filter] of cases) {
    const times = [];
    let report;
    for (let r = 0; r < RUNS; r++) {
      t0 = performance.now();
      report = queryUsage(ledger, filter, view);
      times.push(performance.now() - t0);
    }
    if (report.total.requests === 0) throw new Error('empty report');
    console.log(`  ${view.padEnd(8)} ${JSON.stringify(filter).padEnd(58)} ${ms(median(times)).padStart(9)}  (${report.groups.length} groups, ${report.total.requests.toLocaleString()} rows)`);
  }
  ledger.close();

  // ── whole CLI process ──────────────────────────────────────────────────────
  // Wall time is what the user waits; CPU time (user + sys, from /usr/bin/time) shows the cost without
  // the noise of other work on the machine. Both are reported.
  const hasTime = spawnSync('/usr/bin/time', ['-f', '%U %S', 'true'], { encoding: 'utf8' }).status === 0;
  const time = (args, cmd = [bin, ...args]) => {
    const wall = [];
    const cpu = [];
    for (let r = 0; r < RUNS + 1; r++) {
      t0 = performance.now();
      const res = hasTime
        ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...cmd], { env, encoding: 'utf8' })
        : spawnSync(process.execPath, cmd, { env, encoding: 'utf8' });
      const dt = performance.now() - t0;
      if (res.status !== 0) throw new Error(`${cmd.join(' ')} exited ${res.status}: ${res.stderr}`);
      if (r === 0) continue; // the first run warms the page cache
      wall.push(dt);
      const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(res.stderr ?? '');
      if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
    }
    return { med: median(wall), min: Math.min(...wall), cpu: cpu.length ? median(cpu) : NaN };
  };
  console.log(`\nwhole process, ${RUNS} runs (goal <= 150 ms for ringlet usage):`);
  console.log(`  ${''.padEnd(38)} ${'wall median'.padStart(11)} ${'wall min'.padStart(10)} ${'cpu median'.padStart(11)}`);
  const rows = [
    ["node -e ''", time([], ['-e', ''])],
    ['ringlet --version', time(['--version'])],
    ['ringlet usage', time(['usage'])],
    ['ringlet usage --by-day', time(['usage', '--by-day'])],
    ['ringlet usage --by-model --since 30d', time(['usage', '--by-model', '--since', '30d'])],
    ['ringlet usage --json', time(['usage', '--json'])],
  ];
  for (const [name, { med, min, cpu }] of rows) console.log(`  ${name.padEnd(38)} ${ms(med).padStart(11)} ${ms(min).padStart(10)} ${ms(cpu).padStart(11)}`);
  const get = (name) => rows.find((r) => r[0] === name)[1];
  const usage = get('ringlet usage');
  const version = get('ringlet --version');
  // On a loaded machine every process is slower; the difference over `--version` is what `usage` adds.
  console.log(`\nringlet usage: ${ms(usage.med)} wall median, ${ms(usage.min)} wall min, ${ms(usage.cpu)} CPU ` +
    `(${usage.min <= 150 ? 'goal <= 150 ms met' : 'goal <= 150 ms MISSED'} on the best run); ${ms(usage.cpu - version.cpu)} CPU over ` +
    `\`ringlet --version\`; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
} finally {
  rmSync(home, { recursive: true, force: true });
  rmSync(bundle, { force: true });
}
