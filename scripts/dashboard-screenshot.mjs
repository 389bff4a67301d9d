#!/usr/bin/env node
// Regenerates docs/dashboard.png: the Spend page over 30 days of made-up usage (four profiles), taken in
// headless chromium from a daemon on a free port in a temp RINGLET_HOME.
//
//   node build.mjs && node scripts/dashboard-screenshot.mjs
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'node_modules/.cache/ringlet-bench/docshot-ledger.mjs');
await build({ entryPoints: [join(root, 'src/ledger/ledger.ts')], bundle: true, format: 'esm', platform: 'node', outfile: out, external: ['better-sqlite3'], logLevel: 'warning' });
const { openLedger } = await import(pathToFileURL(out).href);
const port = await new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const home = mkdtempSync(join(tmpdir(), 'ringlet-docshot-'));
const env = { ...process.env, HOME: home, RINGLET_HOME: join(home, 'ringlet'), XDG_CONFIG_HOME: join(home, 'config'), RINGLET_DAEMON_ADDR: `127.0.0.1:${port}` };
const ringlet = (...a) => spawnSync(process.execPath, [join(root, 'bin/ringlet'), ...a], { env, encoding: 'utf8' });
const setups = [['work', 'claude', 'anthropic', ['claude-sonnet-4-5', 'claude-opus-4-1'], 1.0], ['acme', 'codex', 'openai', ['gpt-5-codex'], 0.6], ['personal', 'claude', 'anthropic', ['claude-sonnet-4-5'], 0.25], ['oss', 'opencode', 'openrouter', ['x-ai/grok-code-fast-1', 'local-qwen'], 0.15]];
let seed = 3; const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const l = await openLedger(join(env.RINGLET_HOME, 'ledger.db'));
const recs = [];
const now = Date.now() - 3600_000;
for (let d = 0; d < 30; d++) {
  const weekend = [0, 6].includes(new Date(now - d * 86400000).getUTCDay());
  for (const [p, agent, provider, models, w] of setups) {
    const n = Math.floor((weekend ? 2 : 8) * w * (0.5 + rand()) * (p === 'personal' && weekend ? 4 : 1));
    for (let k = 0; k < n; k++) {
      const model = models[Math.floor(rand() * models.length)];
      recs.push({ ts: new Date(now - d * 86400000 - k * 97000).toISOString(), profile: p, agent, provider, model, inputTokens: Math.floor(2000 + rand() * 6000), outputTokens: Math.floor(300 + rand() * 1500), cacheWriteTokens: Math.floor(rand() * 8000), cacheWrite1hTokens: 0, cacheReadTokens: Math.floor(rand() * 90000), reasoningTokens: agent === 'codex' ? Math.floor(rand() * 400) : 0, costUsd: model === 'local-qwen' ? null : (0.04 + rand() * 0.16) * (model.includes('opus') ? 3 : 1), source: 'meter', messageId: `doc-${d}-${p}-${k}` });
    }
  }
}
l.insertMany(recs); l.close();
for (const [p, agent, provider] of setups) ringlet('profiles', 'create', agent, p, '--provider', provider);
const dir = mkdtempSync(join(tmpdir(), 'ringlet-docshot-chromium-'));
try {
  const started = ringlet('daemon', 'start');
  if (started.status !== 0) throw new Error(started.stderr);
  const link = ringlet('dashboard', '--no-open').stdout.match(/http:\/\/\S+/)[0];
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.RINGLET_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    viewport: { width: 1040, height: 780 },
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(link);
    await page.waitForSelector('[data-table="model"] tfoot');
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(root, 'docs/dashboard.png') });
  } finally {
    await ctx.close();
  }
} finally {
  ringlet('daemon', 'stop', '--force');
  rmSync(home, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
console.log(`docs/dashboard.png: ${statSync(join(root, 'docs/dashboard.png')).size} bytes`);
