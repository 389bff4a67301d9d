import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parse as parseToml } from 'smol-toml';
import { ROOT, makeSandbox, type Sandbox, type CliResult } from '../support/env.js';
import { writeManifest } from '../../src/profiles/manifest.js';
import { paths } from '../../src/config/paths.js';
import { openLedger } from '../../src/ledger/ledger.js';

// The CLI under test is bundled from src/ here (like build.mjs does), so this test does not depend on
// someone else's dist/ being fresh. It lives under node_modules so require('better-sqlite3') resolves.
const outDir = join(ROOT, 'node_modules', '.cache', 'ringlet-test', `import-cli-${process.pid}`);
const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
let launcher: string;

beforeAll(async () => {
  await build({
    absWorkingDir: ROOT, entryPoints: { ringlet: 'src/main.ts' }, outdir: outDir, outExtension: { '.js': '.mjs' }, bundle: true, splitting: true,
    format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
    external: ['better-sqlite3', 'node-pty', '@napi-rs/keyring', 'playwright-core', 'quickjs-emscripten'],
    banner: { js: "import { createRequire as __ringletRequire } from 'node:module'; const require = __ringletRequire(import.meta.url);" },
  });
  // The import's worker thread, as build.mjs makes it beside the bundle.
  await build({
    absWorkingDir: ROOT, entryPoints: { 'import-worker': 'src/import/worker.ts' }, outdir: outDir, outExtension: { '.js': '.cjs' }, bundle: true,
    format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning', define: { 'import.meta.url': '__url' },
    banner: { js: "const __url = require('node:url').pathToFileURL(__filename).href;" },
  });
  launcher = join(outDir, 'run.mjs');
  writeFileSync(launcher, `import(${JSON.stringify(pathToFileURL(join(outDir, 'ringlet.mjs')).href)}).then((m) => m.main(process.argv.slice(2)));\n`);
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { env, cwd: env.HOME, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Every file under dir with its bytes and mtime: to prove a tree was not touched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${statSync(p).mtimeMs}:${readFileSync(p).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

let sb: Sandbox;
let home: string;
beforeEach(() => {
  sb = makeSandbox();
  home = sb.env.HOME!;
});
afterEach(() => sb.cleanup());

function makeClaudeHome(): void {
  const c = join(home, '.claude');
  mkdirSync(join(c, 'projects', '-home-me-app'), { recursive: true });
  mkdirSync(join(c, 'agents'), { recursive: true });
  mkdirSync(join(c, 'commands'), { recursive: true });
  mkdirSync(join(c, 'todos'), { recursive: true });
  copyFileSync(join(FIX, 'claude-2.1.332.jsonl'), join(c, 'projects', '-home-me-app', '3679dc95-e29d-43a3-b450-99e7d73bdd50.jsonl'));
  writeFileSync(join(c, 'settings.json'), JSON.stringify({ model: 'opus', permissions: { allow: ['Bash(ls)'] }, hooks: { Stop: [{ hooks: [{ type: 'command', command: 'mine' }] }] } }));
  writeFileSync(join(c, 'CLAUDE.md'), '# my memory\n');
  writeFileSync(join(c, 'agents', 'reviewer.md'), 'an agent\n');
  writeFileSync(join(c, 'commands', 'ship.md'), 'a command\n');
  writeFileSync(join(c, 'todos', 'junk.json'), '[]');
  writeFileSync(join(c, '.credentials.json'), '{"claudeAiOauth":{"accessToken":"sk-ant-oat-SECRET"}}');
  writeFileSync(join(home, '.claude.json'), JSON.stringify({ numStartups: 3, primaryApiKey: 'sk-ant-api-SECRET', projects: { '/home/me/app': { allowedTools: [] } } }));
}

function makeProfile(name: string, agent: string, provider: string): string {
  writeManifest(name, { agent, provider }, sb.env);
  return paths.profileHome(name, sb.env);
}

describe('ringlet import', () => {
  it('claude --to PROFILE: tags rows, copies state (merged, no credentials), leaves ~/.claude byte for byte as it was', async () => {
    makeClaudeHome();
    const phome = makeProfile('work', 'claude', 'anthropic');
    // The profile already has settings of its own (ringlet's hooks, its model): they must win.
    mkdirSync(join(phome, '.claude'), { recursive: true });
    writeFileSync(join(phome, '.claude', 'settings.json'), JSON.stringify({ model: 'sonnet', hooks: { Stop: [{ hooks: [{ type: 'command', command: 'ringlet-hook stop' }] }] } }));
    const before = snapshot(join(home, '.claude'));
    const beforeState = readFileSync(join(home, '.claude.json'));

    const r = await cli(['import', 'claude', '--to', 'work'], sb.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 new/);
    expect(r.stdout).toMatch(/profile work/);

    expect(snapshot(join(home, '.claude'))).toEqual(before);
    expect(readFileSync(join(home, '.claude.json'))).toEqual(beforeState);

    const pc = join(phome, '.claude');
    expect(readFileSync(join(pc, 'CLAUDE.md'), 'utf8')).toBe('# my memory\n');
    expect(existsSync(join(pc, 'agents', 'reviewer.md'))).toBe(true);
    expect(existsSync(join(pc, 'commands', 'ship.md'))).toBe(true);
    expect(existsSync(join(pc, 'projects', '-home-me-app', '3679dc95-e29d-43a3-b450-99e7d73bdd50.jsonl'))).toBe(true);
    expect(existsSync(join(pc, '.credentials.json'))).toBe(false);
    expect(existsSync(join(pc, 'todos'))).toBe(false);
    const settings = JSON.parse(readFileSync(join(pc, 'settings.json'), 'utf8'));
    expect(settings.model).toBe('sonnet');
    expect(settings.permissions.allow).toEqual(['Bash(ls)']);
    expect(settings.hooks.Stop.map((h: any) => h.hooks[0].command)).toEqual(['ringlet-hook stop', 'mine']);
    const state = JSON.parse(readFileSync(join(phome, '.claude.json'), 'utf8'));
    expect(state.numStartups).toBe(3);
    expect(state.primaryApiKey).toBeUndefined();

    const ledger = await openLedger(paths.ledger(sb.env));
    try {
      expect([...ledger.rows()].map((x) => [x.messageId, x.profile, x.agent, x.provider, x.source])).toEqual([['msg_fake2', 'work', 'claude', 'anthropic', 'import']]);
      // The copies in the profile HOME were registered as read: a run's import starts after them.
      const copy = join(pc, 'projects', '-home-me-app', '3679dc95-e29d-43a3-b450-99e7d73bdd50.jsonl');
      expect(ledger.getFileState(copy)?.offset).toBe(statSync(copy).size);
    } finally {
      ledger.close();
    }

    const again = await cli(['import', 'claude', '--to', 'work', '--json'], sb.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ agent: 'claude', profile: 'work', added: 0, filesRead: 0, copied: { copied: expect.any(Number) } });
    expect(snapshot(join(home, '.claude'))).toEqual(before);
  });

  it('codex --to PROFILE copies config.toml without the provider selection ringlet manages, and sessions', async () => {
    const c = join(home, '.codex');
    const day = join(c, 'sessions', '2026', '11', '25');
    mkdirSync(day, { recursive: true });
    copyFileSync(join(FIX, 'codex-0.169-parent.jsonl'), join(day, 'rollout-2026-11-25T21-17-17-01a21491-eef8-78a3-b65a-18b73677e8c0.jsonl'));
    writeFileSync(join(c, 'config.toml'), [
      'model = "gpt-5-codex"', 'model_provider = "azure"', 'approval_policy = "on-request"', '',
      '[model_providers.azure]', 'name = "Azure"', 'base_url = "https://x.openai.azure.com/openai"', 'env_key = "AZURE_KEY"', 'experimental_bearer_token = "SECRET"', '',
      '[model_providers.ringlet]', 'name = "old"', 'base_url = "http://127.0.0.1:1/v1"', '',
      '[mcp_servers.docs]', 'command = "docs-mcp"', '',
    ].join('\n'));
    writeFileSync(join(c, 'AGENTS.md'), 'be nice\n');
    writeFileSync(join(c, 'auth.json'), '{"OPENAI_API_KEY":"sk-SECRET"}');
    const before = snapshot(c);
    const phome = makeProfile('oai', 'codex', 'openai');

    const r = await cli(['import', 'codex', '--to', 'oai'], sb.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 new/);
    expect(snapshot(c)).toEqual(before);

    const cfg = parseToml(readFileSync(join(phome, '.codex', 'config.toml'), 'utf8')) as any;
    expect(cfg.model_provider).toBeUndefined();
    expect(cfg.model_providers.ringlet).toBeUndefined();
    expect(cfg.model_providers.azure).toEqual({ name: 'Azure', base_url: 'https://x.openai.azure.com/openai', env_key: 'AZURE_KEY' });
    expect(cfg.approval_policy).toBe('on-request');
    expect(cfg.mcp_servers.docs.command).toBe('docs-mcp');
    expect(readFileSync(join(phome, '.codex', 'AGENTS.md'), 'utf8')).toBe('be nice\n');
    expect(existsSync(join(phome, '.codex', 'sessions', '2026', '11', '25'))).toBe(true);
    expect(existsSync(join(phome, '.codex', 'auth.json'))).toBe(false);
  });

  it('without --to rows have no profile; --usage-only copies nothing; CODEX_HOME and --from pick the source', async () => {
    const alt = join(sb.dir, 'alt-codex');
    mkdirSync(join(alt, 'sessions'), { recursive: true });
    copyFileSync(join(FIX, 'codex-0.169-fork.jsonl'), join(alt, 'sessions', 'rollout-2026-11-25T21-17-40-01a21492-46e9-7ed3-9856-ed115bd7f3d4.jsonl'));
    const r = await cli(['import', 'codex', '--json'], { ...sb.env, CODEX_HOME: alt });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ profile: null, added: 1, sources: [alt] });

    makeClaudeHome();
    const phome = makeProfile('work', 'claude', 'anthropic');
    const u = await cli(['import', 'claude', '--to', 'work', '--usage-only', '--from', join(home, '.claude')], sb.env);
    expect(u.code).toBe(0);
    expect(existsSync(join(phome, '.claude'))).toBe(false);

    // Unchanged files are not read again (the --from run above registered them).
    const again = await cli(['import', 'claude'], sb.env);
    expect(again.stdout).toMatch(/1 file \(0 read/);
    // Into a fresh ledger: rows without a profile.
    const fresh = { ...sb.env, RINGLET_HOME: join(sb.dir, 'ringlet2') };
    const plain = await cli(['import', 'claude'], fresh);
    expect(plain.stdout).toMatch(/1 new, 0 already in the ledger/);
    expect(plain.stdout).toMatch(/rows recorded under \(none\)/);
    const ledger = await openLedger(paths.ledger(fresh));
    try {
      expect([...ledger.rows()].map((x) => x.profile)).toEqual([null]);
    } finally {
      ledger.close();
    }
  });

  it('reads on worker threads with exactly the result of reading on the main thread (order-dependent traps included)', async () => {
    const line = (id: string, o: { out: number; stop: string | null; uuid: string; ts?: string; req?: string }) => JSON.stringify({
      type: 'assistant', uuid: o.uuid, timestamp: o.ts ?? '2026-05-01T10:00:00.000Z', requestId: o.req ?? `req-${id}`,
      message: { id, model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'x'.repeat(2000) }], stop_reason: o.stop,
        usage: { input_tokens: 3, output_tokens: o.out, cache_read_input_tokens: 100, cache_creation_input_tokens: 40, cache_creation: { ephemeral_1h_input_tokens: 10 } } },
    });
    const user = JSON.stringify({ type: 'user', message: { role: 'user', content: 'y'.repeat(3000) }, uuid: 'u', timestamp: '2026-05-01T10:00:00.000Z' });
    const root = join(sb.dir, 'corpus');
    const proj = join(root, 'projects', '-w');
    mkdirSync(join(proj, 's00', 'subagents'), { recursive: true });
    const old = new Date(Date.now() - 3_600_000);
    for (let f = 0; f < 24; f++) {
      const lines: string[] = [];
      for (let m = 0; m < 40; m++) {
        const id = `msg_${f}_${m}`;
        const ts = `2026-05-${String(1 + ((f + m) % 28)).padStart(2, '0')}T10:00:00.000Z`;
        lines.push(user, line(id, { out: 9, stop: null, uuid: `${id}-a`, ts }), line(id, { out: 90 + m, stop: 'end_turn', uuid: `${id}-b`, ts, req: m % 7 ? undefined : '' }));
      }
      // Only a partial line of msg_shared here; the next file has it complete. Which one is stored
      // depends on file order (the first file's), so it must not depend on which worker finished first.
      if (f % 2 === 0) lines.push(line(`msg_shared_${f}`, { out: 4, stop: null, uuid: `p${f}` }), user);
      if (f % 2 === 1) lines.push(...readFileSync(join(proj, `s${String(f - 1).padStart(2, '0')}.jsonl`), 'utf8').trim().split('\n').slice(0, 30), line(`msg_shared_${f - 1}`, { out: 400, stop: 'end_turn', uuid: `q${f}` }));
      const name = join(proj, `s${String(f).padStart(2, '0')}.jsonl`);
      writeFileSync(name, lines.join('\n') + '\n');
      utimesSync(name, old, old);
    }
    writeFileSync(join(proj, 's00', 'subagents', 'agent-1.jsonl'), line('msg_side', { out: 2, stop: 'end_turn', uuid: 'side' }) + '\n');
    // Still being written (recent mtime): its unfinished last response is held back; and a line without its newline.
    writeFileSync(join(proj, 'zz-live.jsonl'), line('msg_live_1', { out: 5, stop: 'end_turn', uuid: 'l1' }) + '\n' + line('msg_live_2', { out: 5, stop: null, uuid: 'l2' }) + '\n' + line('msg_live_3', { out: 1, stop: null, uuid: 'l3' }).slice(0, 50));

    const codex = join(sb.dir, 'codex', 'sessions');
    mkdirSync(codex, { recursive: true });
    copyFileSync(join(FIX, 'codex-0.169-parent.jsonl'), join(codex, 'rollout-2026-11-25T21-17-17-01a21491-eef8-78a3-b65a-18b73677e8c0.jsonl'));
    copyFileSync(join(FIX, 'codex-0.169-fork.jsonl'), join(codex, 'rollout-2026-11-25T21-17-40-01a21492-46e9-7ed3-9856-ed115bd7f3d4.jsonl'));

    const dump = async (env: NodeJS.ProcessEnv) => {
      const ledger = await openLedger(paths.ledger(env));
      try {
        const all = (sql: string) => ledger.db.prepare(sql).all();
        return {
          usage: all('SELECT * FROM usage ORDER BY id'),
          daily: all('SELECT * FROM usage_daily ORDER BY 1, 2, 3, 4, 5, 6, 7'),
          monthly: all('SELECT * FROM usage_monthly ORDER BY 1, 2, 3, 4, 5, 6, 7'),
          files: all('SELECT path, offset, size, state FROM import_files ORDER BY path'),
          report: ledger.query({}, 'day'),
        };
      } finally {
        ledger.close();
      }
    };
    const runBoth = async (workers: string) => {
      const env = { ...sb.env, RINGLET_HOME: join(sb.dir, `ringlet-w${workers}`), RINGLET_IMPORT_WORKERS: workers };
      const c = await cli(['import', 'claude', '--from', root, '--json'], env);
      const x = await cli(['import', 'codex', '--from', join(sb.dir, 'codex'), '--json'], env);
      expect(c.stderr + x.stderr).toBe('');
      expect([c.code, x.code]).toEqual([0, 0]);
      return { env, claude: JSON.parse(c.stdout), codex: JSON.parse(x.stdout) };
    };
    const main = await runBoth('0');
    const threads = await runBoth('2');
    expect(main.claude).toMatchObject({ files: 26, filesRead: 26, added: 24 * 40 + 12 + 1 + 1, duplicates: 12 * (30 / 3 + 1) });
    expect(main.codex.added).toBeGreaterThan(0);
    expect(threads.claude).toEqual(main.claude);
    expect(threads.codex).toEqual(main.codex);
    const a = await dump(main.env);
    expect(a.usage.filter((r: any) => String(r.message_id).startsWith('msg_shared_')).map((r: any) => r.output_tokens)).toEqual(Array(12).fill(4));
    expect(await dump(threads.env)).toEqual(a);

    // Incremental on workers too: one appended line is one new row, the held-back response is not read yet.
    appendFileSync(join(proj, 's05.jsonl'), line('msg_more', { out: 1, stop: 'end_turn', uuid: 'more' }) + '\n');
    const more = await cli(['import', 'claude', '--from', root, '--json'], threads.env);
    expect(JSON.parse(more.stdout)).toMatchObject({ filesRead: 1, lines: 1, added: 1 });
  });

  it('refuses an unknown profile or a missing source with a one-line error', async () => {
    makeClaudeHome();
    const r = await cli(['import', 'claude', '--to', 'ghost'], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no profile named "ghost"/);
    const m = await cli(['import', 'claude', '--from', join(sb.dir, 'nowhere')], sb.env);
    expect(m.code).not.toBe(0);
    expect(m.stderr.trim().split('\n')).toHaveLength(1);
    const bad = await cli(['import', 'gemini'], sb.env);
    expect(bad.code).not.toBe(0);
  });
});
