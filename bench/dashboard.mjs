#!/usr/bin/env node
// The dashboard: bytes on the wire, time to interactive, and the Spend page's API on a 1M-row ledger.
// Goals: <= 250 KB gzipped including the terminal and chart code; Spend API <= 150 ms on 1M rows.
//
//   node build.mjs && node bench/dashboard.mjs [rows=1000000] [runs=15]
//
// Fills a ledger in a temp RINGLET_HOME through Ledger.insertMany (rows spread over the last 365 days,
// 11 profiles, 20 models, one without a price), starts a daemon on a free port, signs in with
// `ringlet dashboard --no-open`, then measures:
//   - transfer: every file of the page (HTML, scripts, styles, manifest, icon, the terminal chunk and the
//     service worker) fetched with Accept-Encoding: gzip, counted as sent;
//   - the Spend page's requests (3 period totals, the range by profile and by model, the chart series,
//     the profile list), each alone and all at once as the page sends them;
//   - time to interactive in headless chromium: navigation start to the Spend figures on screen, cold
//     (new browser profile) and warm (reload).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 15);
const bin = join(root, 'bin', 'ringlet');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const ms = (n) => `${n.toFixed(1)} ms`;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const outDir = join(root, 'node_modules', '.cache', 'ringlet-bench');
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, `dash-ledger-${process.pid}.mjs`);
await build({ entryPoints: [join(root, 'src/ledger/ledger.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: bundle, external: ['better-sqlite3'], logLevel: 'warning' });
const { openLedger } = await import(pathToFileURL(bundle).href);

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const home = mkdtempSync(join(tmpdir(), 'ringlet-bench-dash-'));
const env = { ...process.env, HOME: home, RINGLET_HOME: join(home, 'ringlet'), XDG_CONFIG_HOME: join(home, 'config'), RINGLET_DAEMON_ADDR: `127.0.0.1:${port}`, NO_COLOR: '1' };
const ringlet = (...args) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });

function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (d) => {
        bytes += d.length;
        chunks.push(d);
      });
      res.on('end', () => resolve({ status: res.statusCode, bytes, body: Buffer.concat(chunks), headers: res.headers, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

try {
  // ── ledger ────────────────────────────────────────────────────────────────
  const profiles = ['work', 'personal', 'acme', 'oss', 'grok', 'mm', 'client-a', 'client-b', 'local', 'night', null];
  const models = Array.from({ length: 19 }, (_, i) => `model-${i}`).concat('unpriced-model');
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const end = Date.now() - 60_000;
  const t0 = performance.now();
  const ledger = await openLedger(join(env.RINGLET_HOME, 'ledger.db'));
  const records = function* () {
    for (let i = 0; i < ROWS; i++) {
      const p = Math.floor(rand() * profiles.length);
      const m = models[(p * 3 + Math.floor(rand() * 4)) % models.length];
      yield {
        ts: new Date(end - Math.floor((1 - i / ROWS) * 365 * 86_400_000)).toISOString(), profile: profiles[p], agent: p % 3 ? 'claude' : 'codex', provider: p % 3 ? 'anthropic' : 'openai', model: m,
        inputTokens: Math.floor(rand() * 4000), outputTokens: Math.floor(rand() * 2000), cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: Math.floor(rand() * 100_000), reasoningTokens: 0,
        costUsd: m === 'unpriced-model' ? null : rand() / 20, source: 'meter', messageId: `b${i}`,
      };
    }
  };
  ledger.insertMany(records());
  ledger.close();
  console.log(`ledger: ${ROWS.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const p of profiles.filter(Boolean)) ringlet('profiles', 'create', p === 'acme' || p === 'client-a' ? 'codex' : 'claude', p, '--provider', p === 'acme' || p === 'client-a' ? 'openai' : 'anthropic');

  // ── daemon and sign-in ────────────────────────────────────────────────────
  const start = ringlet('daemon', 'start');
  if (start.status !== 0) throw new Error(`daemon start: ${start.stderr}`);
  const token = readFileSync(join(env.XDG_CONFIG_HOME, 'ringlet', 'http_token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}` };

  // ── transfer size ─────────────────────────────────────────────────────────
  // Signed in the way a browser is: the one-time link, then the cookie it sets.
  const link = new URL(ringlet('dashboard', '--no-open').stdout.match(/http:\/\/\S+/)[0]);
  const signin = await get(link.pathname + link.search);
  const cookie = String(signin.headers['set-cookie']?.[0] ?? '').split(';')[0];
  if (signin.status !== 303 || !cookie) throw new Error(`sign-in failed: ${signin.status}`);
  const web = join(root, 'dist', 'web');
  const assets = readdirSync(join(web, 'assets')).filter((f) => !f.endsWith('.map')).map((f) => `/assets/${f}`);
  const files = ['/', '/manifest.webmanifest', '/icon.svg', '/sw.js', ...assets];
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  let total = 0;
  let initial = 0;
  console.log('\ntransfer (gzip, bytes as sent):');
  for (const f of files) {
    const r = await get(f, { 'accept-encoding': 'gzip', cookie });
    if (r.status !== 200) throw new Error(`${f}: ${r.status}`);
    total += r.bytes;
    const first = f === '/' || html.includes(f) || f === '/manifest.webmanifest' || f === '/icon.svg';
    if (first) initial += r.bytes;
    console.log(`  ${f.padEnd(34)} ${kb(r.bytes).padStart(9)}${r.headers['content-encoding'] === 'gzip' ? ' gz' : ''}${first ? '' : '  (later: terminal chunk / service worker)'}`);
  }
  console.log(`  first load: ${kb(initial)}; everything incl. terminal and service worker: ${kb(total)} (goal <= 250 KB) ${total <= 250 * 1024 ? 'OK' : 'OVER'}`);

  // ── Spend API ─────────────────────────────────────────────────────────────
  const today = new Date().toISOString().slice(0, 10);
  const d = new Date(`${today}T00:00:00Z`);
  const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
  const since = new Date(d.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  const spend = [
    ['today', `/api/usage?since=${today}`],
    ['week', `/api/usage?since=${monday}`],
    ['month', `/api/usage?since=${today.slice(0, 7)}-01`],
    ['30 days by profile', `/api/usage?since=${since}&until=${today}`],
    ['30 days by model', `/api/usage?view=model&since=${since}&until=${today}`],
    ['30-day chart by profile', `/api/dashboard/series?by=profile&since=${since}&until=${today}`],
    ['30-day chart by model', `/api/dashboard/series?by=model&since=${since}&until=${today}`],
    ['profiles (last use, month)', '/api/dashboard/profiles'],
    ['all time by profile', '/api/usage'],
    ['all-time chart by profile', '/api/dashboard/series?by=profile'],
  ];
  console.log(`\nSpend API on ${ROWS.toLocaleString('en-US')} rows (median / p90 of ${RUNS}):`);
  for (const [name, path] of spend) {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await get(path, auth);
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body}`);
      times.push(r.ms);
    }
    console.log(`  ${name.padEnd(28)} ${ms(median(times)).padStart(9)} ${ms(p90(times)).padStart(9)}`);
  }
  const page = spend.slice(0, 8).map(([, p]) => p);
  const all = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await Promise.all(page.map((p) => get(p, auth)));
    all.push(performance.now() - t);
  }
  console.log(`  the page's 8 requests at once   ${ms(median(all)).padStart(9)} ${ms(p90(all)).padStart(9)}  (goal <= 150 ms) ${median(all) <= 150 ? 'OK' : 'OVER'}`);

  // ── time to interactive ───────────────────────────────────────────────────
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    console.log('\n(time to interactive skipped: playwright-core is not installed)');
  }
  if (chromium) {
    const login = ringlet('dashboard', '--no-open').stdout.match(/http:\/\/\S+/)[0];
    const profileDir = mkdtempSync(join(tmpdir(), 'ringlet-bench-chromium-'));
    const ctx = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.RINGLET_CHROMIUM ?? '/usr/bin/chromium', headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    });
    const pg = ctx.pages()[0] ?? (await ctx.newPage());
    const ready = async () => {
      await pg.waitForFunction(() => document.querySelector('[data-total="range"][data-cost]') && document.querySelector('[data-table="model"] tfoot') && document.querySelector('.chart canvas'), null, { polling: 'raf', timeout: 30_000 });
      return pg.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const api = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/'));
        return { t: performance.now(), dcl: nav.domContentLoadedEventEnd, apiStart: Math.min(...api.map((r) => r.startTime)), apiEnd: Math.max(...api.map((r) => r.responseEnd)) };
      });
    };
    await pg.goto(login);
    const cold = await ready();
    const warm = [];
    for (let i = 0; i < 5; i++) {
      await pg.reload();
      warm.push(await ready());
    }
    console.log(`\ntime to interactive (navigation start -> Spend figures, chart and tables on screen), ${ROWS.toLocaleString('en-US')} rows:`);
    const line = (x) => `${ms(x.t)} (DOMContentLoaded ${ms(x.dcl)}, API ${ms(x.apiStart)} - ${ms(x.apiEnd)})`;
    console.log(`  first load (empty cache): ${line(cold)}`);
    const mid = [...warm].sort((a, b) => a.t - b.t)[Math.floor(warm.length / 2)];
    console.log(`  reload (median of 5):     ${line(mid)}`);
    await ctx.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
  console.log(`\nmachine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
} finally {
  ringlet('daemon', 'stop', '--force');
  rmSync(home, { recursive: true, force: true });
  rmSync(bundle, { force: true });
}
