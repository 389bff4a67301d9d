#!/usr/bin/env node
/**
 * Import throughput: `ringlet import claude` on a generated corpus of Claude Code transcripts in the real
 * format (as Claude Code 2.1 writes them: one line per content block, tool results echoed in
 * toolUseResult, attachments), compared in the same run with ccusage@18 (`daily --offline --json`).
 *
 *   node bench/import.mjs                 # 500 MB corpus
 *   BENCH_IMPORT_MB=50 node bench/import.mjs
 *   BENCH_SKIP_CCUSAGE=1 node bench/import.mjs
 *
 * Goals (issue 3): first import >= 5x faster than ccusage; unchanged re-import <= 0.3 s (whole command).
 * The corpus, the ledger and ccusage live in a temp dir that is deleted at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MB = Number(process.env.BENCH_IMPORT_MB ?? 500);
const SKIP_CCUSAGE = Boolean(process.env.BENCH_SKIP_CCUSAGE);
const tmp = mkdtempSync(join(tmpdir(), 'ringlet-bench-import-'));
const corpus = join(tmp, 'claude');

// ── A deterministic corpus in Claude Code's format ───────────────────────────
// mulberry32: small, fast and good enough in its low bits (ids must not collide).
let seed = 7;
const rnd = (n) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) % n;
};
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[rnd(16)]).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[rnd(4)]}${hex(3)}-${hex(12)}`;
const WORDS = 'the of and to a in is it you that he was for on are with as I his they be at one have this from or had by hot word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find'.split(' ');
const prose = (len) => {
  let s = '';
  while (s.length < len) s += WORDS[rnd(WORDS.length)] + (rnd(12) === 0 ? '.\n' : ' ');
  return s;
};
const CODE = 'export function handler(req, res) {\n  const { id } = req.params;\n  if (!id) return res.status(400).json({ error: "missing id" });\n  return db.find(id).then((row) => res.json(row));\n}\n';
const code = (len) => CODE.repeat(Math.ceil(len / CODE.length)).slice(0, len);
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929'];

const truth = { responses: 0, input: 0, output: 0, cacheWrite: 0, cacheRead: 0, lines: 0 };

function writeSession(file, project, day) {
  const sessionId = uuid();
  const cwd = `/home/dev/${project}`;
  const common = `"userType":"external","entrypoint":"cli","cwd":${JSON.stringify(cwd)},"sessionId":"${sessionId}","version":"2.1.332","gitBranch":"main"`;
  const fd = openSync(file, 'w');
  let parent = null;
  let t = Date.parse(`2026-${day}T09:00:00.000Z`);
  const out = [];
  let bytes = 0;
  const push = (line) => {
    out.push(line);
    bytes += line.length + 1;
    truth.lines++;
    if (out.length >= 256) {
      writeSync(fd, out.join('\n') + '\n');
      out.length = 0;
    }
  };
  const target = 200_000 + rnd(2_400_000);
  push(`{"type":"queue-operation","operation":"enqueue","timestamp":"${new Date(t).toISOString()}","sessionId":"${sessionId}","content":"start"}`);
  while (bytes < target) {
    // A user prompt, then a few model responses with tool calls and results.
    let u = uuid();
    t += 5000 + rnd(60000);
    push(`{"parentUuid":${parent ? `"${parent}"` : 'null'},"isSidechain":false,"promptId":"${uuid()}","type":"user","message":{"role":"user","content":${JSON.stringify(prose(40 + rnd(400)))}},"uuid":"${u}","timestamp":"${new Date(t).toISOString()}","permissionMode":"default",${common}}`);
    parent = u;
    const steps = 1 + rnd(6);
    let context = 8000 + rnd(40000);
    for (let s = 0; s < steps; s++) {
      const model = MODELS[rnd(MODELS.length)];
      const msgId = `msg_01${hex(22)}`;
      const reqId = `req_011${hex(21)}`;
      const input = 1 + rnd(12);
      const cw = rnd(4) === 0 ? rnd(20000) : rnd(2000);
      const cw1h = rnd(3) === 0 ? rnd(cw + 1) : 0;
      const cr = context;
      const output = 20 + rnd(2500);
      context += cw + output;
      truth.responses++;
      truth.input += input;
      truth.output += output;
      truth.cacheWrite += cw;
      truth.cacheRead += cr;
      const usage = `{"input_tokens":${input},"cache_creation_input_tokens":${cw},"cache_read_input_tokens":${cr},"output_tokens":${output},"output_tokens_details":{"thinking_tokens":0},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":${cw1h},"ephemeral_5m_input_tokens":${cw - cw1h}},"inference_geo":"","iterations":[],"speed":"standard"}`;
      const last = s === steps - 1;
      const blocks = [];
      if (rnd(2)) blocks.push(`{"type":"thinking","thinking":${JSON.stringify(prose(100 + rnd(1500)))},"signature":"${hex(200)}"}`);
      if (rnd(3) || last) blocks.push(`{"type":"text","text":${JSON.stringify(prose(50 + rnd(1200)))}}`);
      const toolId = `toolu_01${hex(22)}`;
      if (!last) blocks.push(`{"type":"tool_use","id":"${toolId}","name":"${['Read', 'Bash', 'Edit', 'Grep'][rnd(4)]}","input":{"file_path":"${cwd}/src/${hex(6)}.ts","command":${JSON.stringify(prose(30))}}}`);
      const stop = last ? 'end_turn' : 'tool_use';
      for (const [i, block] of blocks.entries()) {
        u = uuid();
        t += 200 + rnd(3000);
        push(`{"parentUuid":"${parent}","isSidechain":false,"apiBlockIndex":${i},"requestId":"${reqId}","requestedModel":"${model}","type":"assistant","uuid":"${u}","timestamp":"${new Date(t).toISOString()}","message":{"id":"${msgId}","type":"message","role":"assistant","model":"${model}","content":[${block}],"stop_reason":"${stop}","stop_sequence":null,"usage":${usage}},${common}}`);
        parent = u;
      }
      if (!last) {
        const result = rnd(2) ? code(500 + rnd(12000)) : prose(200 + rnd(6000));
        const r = JSON.stringify(result);
        u = uuid();
        t += 100 + rnd(5000);
        push(`{"parentUuid":"${parent}","isSidechain":false,"type":"user","message":{"role":"user","content":[{"tool_use_id":"${toolId}","type":"tool_result","content":${r},"is_error":false}]},"uuid":"${u}","timestamp":"${new Date(t).toISOString()}","toolUseResult":{"stdout":${r},"stderr":"","interrupted":false,"isImage":false},${common}}`);
        parent = u;
      }
    }
    if (rnd(4) === 0) push(`{"parentUuid":"${parent}","isSidechain":false,"attachment":{"type":"todo_reminder","content":[],"itemCount":0},"type":"attachment","uuid":"${uuid()}","timestamp":"${new Date(t).toISOString()}",${common}}`);
  }
  push(`{"type":"last-prompt","lastPrompt":"done","sessionId":"${sessionId}"}`);
  writeSync(fd, out.join('\n') + '\n');
  closeSync(fd);
  return bytes;
}

function generate() {
  let total = 0;
  let n = 0;
  const goal = TARGET_MB * 1e6;
  while (total < goal) {
    const project = `-home-dev-project-${n % 37}`;
    const dir = join(corpus, 'projects', project);
    mkdirSync(dir, { recursive: true });
    const day = `${String(1 + (n % 10)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
    total += writeSession(join(dir, `${uuid()}.jsonl`), project, day);
    n++;
  }
  return { bytes: total, files: n };
}

// ── Helpers ──────────────────────────────────────────────────────────────────
async function bundleCli() {
  const out = join(tmp, 'cli');
  await build({
    absWorkingDir: ROOT, entryPoints: { ringlet: 'src/main.ts' }, outdir: out, outExtension: { '.js': '.mjs' }, bundle: true, splitting: true,
    format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
    external: ['better-sqlite3', 'node-pty', '@napi-rs/keyring', 'playwright-core', 'quickjs-emscripten'],
    banner: { js: "import { createRequire as __ringletRequire } from 'node:module'; const require = __ringletRequire(import.meta.url);" },
  });
  // Resolve better-sqlite3 from the repo's node_modules.
  const launcher = join(out, 'run.mjs');
  writeFileSync(launcher, `import(${JSON.stringify(pathToFileURL(join(out, 'ringlet.mjs')).href)}).then((m) => m.main(process.argv.slice(2)));\n`);
  return launcher;
}

function timed(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return { s, out: r.stdout };
}

const fmt = (n, d = 2) => n.toFixed(d);

// ── Run ──────────────────────────────────────────────────────────────────────
try {
  process.stdout.write(`generating ${TARGET_MB} MB of Claude Code transcripts in ${corpus} … `);
  const g0 = Date.now();
  const gen = generate();
  console.log(`${gen.files} files, ${fmt(gen.bytes / 1e6, 1)} MB, ${truth.lines} lines, ${truth.responses} responses (${fmt((Date.now() - g0) / 1000, 1)} s)`);

  // Node's ESM loader symlinks node_modules into the temp dir so the bundle finds better-sqlite3.
  mkdirSync(join(tmp, 'cli'), { recursive: true });
  execFileSync('ln', ['-s', join(ROOT, 'node_modules'), join(tmp, 'node_modules')]);
  const launcher = await bundleCli();
  const env = { ...process.env, HOME: join(tmp, 'home'), RINGLET_HOME: join(tmp, 'ringlet'), XDG_CONFIG_HOME: join(tmp, 'config'), NO_COLOR: '1' };
  mkdirSync(env.HOME, { recursive: true });

  // Warm the page cache for both tools alike.
  execFileSync('sh', ['-c', `cat $(find ${JSON.stringify(corpus)} -name '*.jsonl') > /dev/null`]);

  const first = timed(process.execPath, [launcher, 'import', 'claude', '--from', corpus, '--json'], env);
  const res = JSON.parse(first.out);
  const again = timed(process.execPath, [launcher, 'import', 'claude', '--from', corpus, '--json'], env);
  const res2 = JSON.parse(again.out);
  // Append one response to one file: only it is read.
  const some = join(corpus, 'projects', '-home-dev-project-0');
  const f = join(some, readdirSync(some)[0]);
  appendFileSync(f, `{"type":"assistant","uuid":"x","timestamp":"2026-10-10T10:00:00.000Z","requestId":"req_bench","message":{"id":"msg_bench_extra","model":"claude-sonnet-4-5-20250929","stop_reason":"end_turn","content":[],"usage":{"input_tokens":1,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}\n`);
  const append = timed(process.execPath, [launcher, 'import', 'claude', '--from', corpus, '--json'], env);
  const res3 = JSON.parse(append.out);
  const noop = timed(process.execPath, ['-e', ''], env);

  const mb = gen.bytes / 1e6;
  console.log('\nringlet import claude');
  console.log(`  first import      ${fmt(first.s)} s   ${fmt(mb / first.s, 0)} MB/s   ${fmt(truth.lines / first.s / 1e3, 0)}K lines/s   rows added ${res.added} (expected ${truth.responses})   $${fmt(res.costUsd)}`);
  console.log(`  unchanged re-run  ${fmt(again.s, 3)} s   (files read: ${res2.filesRead}, rows added: ${res2.added}; node -e '' alone: ${fmt(noop.s, 3)} s)   goal <= 0.3 s: ${again.s <= 0.3 ? 'met' : 'NOT met'}`);
  console.log(`  one line appended ${fmt(append.s, 3)} s   (files read: ${res3.filesRead}, lines: ${res3.lines}, rows added: ${res3.added})`);

  // Ledger totals vs the generator's own count.
  const { createRequire } = await import('node:module');
  const Db = createRequire(join(ROOT, 'package.json'))('better-sqlite3');
  const db = new Db(join(env.RINGLET_HOME, 'ledger.db'), { readonly: true });
  const sum = db.prepare("SELECT sum(input_tokens) i, sum(output_tokens) o, sum(cache_write_tokens) w, sum(cache_read_tokens) r FROM usage WHERE message_id <> 'msg_bench_extra'").get();
  db.close();
  const exact = sum.i === truth.input && sum.o === truth.output && sum.w === truth.cacheWrite && sum.r === truth.cacheRead;
  console.log(`  tokens in/out/cw/cr ${sum.i}/${sum.o}/${sum.w}/${sum.r}: ${exact ? 'exactly the generator\'s count' : `MISMATCH with the generator: ${JSON.stringify(truth)}`}`);
  console.log('  (cost may differ from ccusage: different price tables; ringlet bills 1-hour cache writes at their own rate)');

  if (!SKIP_CCUSAGE) {
    const cc = join(tmp, 'ccusage');
    mkdirSync(cc, { recursive: true });
    process.stdout.write('\ninstalling ccusage@18 into a temp dir … ');
    execFileSync('npm', ['install', '--prefix', cc, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', 'ccusage@18'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const pkg = JSON.parse(readFileSync(join(cc, 'node_modules', 'ccusage', 'package.json'), 'utf8'));
    console.log(pkg.version);
    const ccEnv = { ...env, CLAUDE_CONFIG_DIR: corpus };
    const bin = join(cc, 'node_modules', '.bin', 'ccusage');
    const c = timed(bin, ['daily', '--offline', '--json'], ccEnv);
    const totals = JSON.parse(c.out).totals ?? {};
    console.log(`ccusage@${pkg.version} daily --offline --json`);
    console.log(`  full scan         ${fmt(c.s)} s   ${fmt(mb / c.s, 0)} MB/s   tokens in/out/cw/cr ${totals.inputTokens}/${totals.outputTokens}/${totals.cacheCreationTokens}/${totals.cacheReadTokens}   $${fmt(totals.totalCost ?? 0)}`);
    const speed = c.s / first.s;
    console.log(`\nfirst import: ringlet is ${fmt(speed, 1)}x faster than ccusage (goal >= 5x: ${speed >= 5 ? 'met' : 'NOT met'}); re-run ${fmt(c.s / again.s, 0)}x`);
  }
} finally {
  if (process.env.BENCH_IMPORT_KEEP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
