import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
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
