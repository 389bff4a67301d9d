import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ringlet } from '../support/env.js';
import { getSecret } from '../../src/credentials/store.js';
import { diffSnapshots, fakeSecretTools, fixtureHome, snapshot } from './helpers.js';

type Box = ReturnType<typeof fixtureHome>;
let sb: Box | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

function state(b: Box): Map<string, string> {
  const all = new Map<string, string>();
  for (const d of [b.home, b.env.RINGLET_HOME!, b.env.XDG_CONFIG_HOME!]) if (existsSync(d)) for (const [k, v] of snapshot(d)) all.set(k, v);
  return all;
}

const profilesOf = (b: Box) => (existsSync(join(b.env.RINGLET_HOME!, 'profiles')) ? readdirSync(join(b.env.RINGLET_HOME!, 'profiles')).filter((n) => !n.startsWith('.')).sort() : []);

describe('ringlet migrate --yes, again, and --undo', () => {
  it('creates profiles, stores literal keys, rewrites rc files, changes nothing the second time, and undoes byte for byte', async () => {
    sb = fixtureHome('zsh');
    const before = snapshot(sb.home);
    const cfgBefore = readFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'));

    const r = await ringlet(['migrate', '--yes'], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(profilesOf(sb)).toEqual(['default', 'ds', 'glm', 'kimi', 'vertex', 'work', 'work-codex']);
    expect(getSecret('anthropic', 'default', sb.env)).toBe('sk-ant-api03-zshFIXTURE-0000000000000000000000000001');
    // Command-sourced keys are not run under --yes: not stored, and those definitions stay as they were.
    expect(getSecret('zai', 'glm', sb.env)).toBeUndefined();
    const zshrc = readFileSync(join(sb.home, '.config/zsh/.zshrc'), 'utf8');
    expect(zshrc).toContain("# alias claude-work='CLAUDE_CONFIG_DIR=~/.claude-work claude'\nalias claude-work='ringlet profiles run work -- claude'\n# <<< ringlet migrate <<<");
    expect(zshrc).toMatch(/^# >>> ringlet migrate \S+ \(undo: ringlet migrate --undo\) >>>$/m);
    expect(zshrc).toContain('glm() {\n  ANTHROPIC_BASE_URL=https://api.z.ai/api/anthropic \\');
    expect(statSync(join(sb.home, '.config/zsh/.zshrc')).mode & 0o777).toBe(0o600);
    // The CLAUDE_CONFIG_DIR was copied into the profile's HOME; the original stays.
    const ph = join(sb.env.RINGLET_HOME!, 'profiles', 'work', 'HOME');
    expect(readFileSync(join(ph, '.claude', '.credentials.json'), 'utf8')).toBe('{"claudeAiOauth":{}}\n');
    expect(readFileSync(join(ph, '.claude.json'), 'utf8')).toBe('{"numStartups":3}\n');
    expect(existsSync(join(sb.home, '.claude-work', '.credentials.json'))).toBe(true);
    const cfg = readFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'), 'utf8');
    expect(cfg).toContain('default-profile = "default"');
    expect(cfg).toContain('[shell.aliases]\nclaude-work = "work"\ncodex-work = "work-codex"');
    const manifest = readFileSync(join(sb.env.RINGLET_HOME!, 'profiles', 'ds', 'ringlet.toml'), 'utf8');
    expect(manifest).toContain('endpoint = "https://api.deepseek.com/anthropic"');
    expect(manifest).toContain('model = "deepseek-chat"');

    // The audit log names what changed (never a key).
    const log = await ringlet(['audit', 'query', '--json'], sb.env);
    const rows = JSON.parse(log.stdout) as { type: string; data: { profiles: string[]; files: string[] } }[];
    expect(rows.map((x) => x.type)).toEqual(['migration-applied']);
    expect(rows[0].data.profiles.sort()).toEqual(['default', 'ds', 'glm', 'kimi', 'vertex', 'work', 'work-codex']);
    expect(log.stdout).not.toContain('FIXTURE');

    const mid = state(sb);
    const again = await ringlet(['migrate', '--yes'], sb.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to do');
    expect(diffSnapshots(mid, state(sb))).toEqual([]);

    const u = await ringlet(['migrate', '--undo'], sb.env);
    expect(u.code, u.stderr).toBe(0);
    expect(diffSnapshots(before, snapshot(sb.home))).toEqual([]);
    expect(readFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml')).equals(cfgBefore)).toBe(true);
    expect(profilesOf(sb)).toEqual([]);
    expect(getSecret('anthropic', 'default', sb.env)).toBeUndefined();
    const u2 = await ringlet(['migrate', '--undo'], sb.env);
    expect(u2.code).toBe(3);
  });

  it('runs key commands only with --run-key-commands, then rewrites those definitions too', async () => {
    sb = fixtureHome('zsh', 'wrappers');
    fakeSecretTools(join(sb.dir, 'fakebin'));
    mkdirSync(join(sb.home, 'dotfiles'));
    writeFileSync(join(sb.home, 'dotfiles', '.env'), 'ZAI_API_KEY=sk-zai-dotenvFIXTURE-0000000011\n');
    const env = { ...sb.env, PATH: `${join(sb.dir, 'fakebin')}:${sb.env.PATH}` };
    const before = snapshot(sb.home);
    const r = await ringlet(['migrate', '--yes', '--run-key-commands'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(getSecret('zai', 'glm', env)).toBe('sk-cmd-FIXTURE-secret-tool-000000000001');
    expect(getSecret('moonshot', 'kimi', env)).toBe('sk-cmd-FIXTURE-pass-000000000001');
    expect(getSecret('custom', 'ds', env)).toBe('sk-cmd-FIXTURE-op-000000000001');
    expect(getSecret('custom', 'prod', env)).toBe('sk-cmd-FIXTURE-vault-000000000001');
    expect(getSecret('zai', 'zai', env)).toBe('sk-zai-dotenvFIXTURE-0000000011');
    const zshrc = readFileSync(join(sb.home, '.config/zsh/.zshrc'), 'utf8');
    expect(zshrc).toContain(`glm() { ANTHROPIC_DEFAULT_SONNET_MODEL=glm-4.6 API_TIMEOUT_MS=3000000 ringlet profiles run glm -- claude "$@"; }`);
    expect(zshrc).toContain(`kimi() { ringlet profiles run kimi -- claude "$@"; }`);
    // A wrapper keeps its shebang and mode; its body becomes one exec line.
    const zai = readFileSync(join(sb.home, 'bin', 'zai'), 'utf8');
    expect(zai.split('\n')[0]).toBe('#!/bin/sh');
    expect(zai).toContain('\nexec ringlet profiles run zai -- claude "$@"\n');
    expect(statSync(join(sb.home, 'bin', 'zai')).mode & 0o777).toBe(0o750);
    // Left alone: the self-calling wrapper, the one that also runs git, the one that asks for input.
    expect(readFileSync(join(sb.home, '.local/bin/ai-review'), 'utf8')).not.toContain('ringlet');
    expect(readFileSync(join(sb.home, '.local/bin/claude'), 'utf8')).not.toContain('ringlet');

    const u = await ringlet(['migrate', '--undo'], env);
    expect(u.code, u.stderr).toBe(0);
    expect(diffSnapshots(before, snapshot(sb.home))).toEqual([]);
  });

  it('keeps CRLF line endings, comments out exports on request, and keeps an emptied block valid', async () => {
    sb = fixtureHome('bash');
    appendFileSync(join(sb.home, '.exports'), 'if [ -d ~/.anthropic ]; then\n  export ANTHROPIC_API_KEY=sk-ant-api03-bashFIXTURE-in-if-0000000000012\nfi\n');
    const r = await ringlet(['migrate', '--yes', '--rewrite-exports'], sb.env);
    expect(r.code, r.stderr).toBe(0);
    const crlf = readFileSync(join(sb.home, '.bash_aliases'), 'utf8');
    expect(crlf).toContain("alias claude-local='ringlet profiles run local -- claude'\r\n# <<< ringlet migrate <<<\r\n");
    expect(crlf.split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
    const exportsText = readFileSync(join(sb.home, '.exports'), 'utf8');
    expect(exportsText).toContain('  # export ANTHROPIC_API_KEY=');
    expect(exportsText).toMatch(/# export ANTHROPIC_API_KEY=\S+\n  :\n  # <<< ringlet migrate <<<\nfi\n$/);
    expect(getSecret('anthropic', 'default', sb.env)).toBe('sk-ant-api03-bashFIXTURE-in-if-0000000000012');
    expect(getSecret('groq', 'default', sb.env)).toBe('gsk_bashFIXTURE000000000000000000003');
    expect(getSecret('gemini' as string, 'gem', sb.env)).toBeUndefined();
    expect(getSecret('google', 'gem', sb.env)).toBe('AIzaSyFIXTUREgemini00000000000009');
  });

  it('moves a config dir when asked, and moves it back on undo', async () => {
    sb = fixtureHome('zsh');
    const before = snapshot(sb.home);
    const r = await ringlet(['migrate', '--yes', '--config-dirs', 'move'], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(sb.home, '.claude-work'))).toBe(false);
    expect(existsSync(join(sb.env.RINGLET_HOME!, 'profiles', 'work', 'HOME', '.claude', '.credentials.json'))).toBe(true);
    const u = await ringlet(['migrate', '--undo'], sb.env);
    expect(u.code, u.stderr).toBe(0);
    expect(diffSnapshots(before, snapshot(sb.home))).toEqual([]);
  });

  it('refuses to undo over later edits unless --force', async () => {
    sb = fixtureHome('fish');
    const before = snapshot(sb.home);
    expect((await ringlet(['migrate', '--yes'], sb.env)).code).toBe(0);
    const cfg = join(sb.home, '.config/fish/config.fish');
    appendFileSync(cfg, 'set -gx EDITOR nvim\n');
    const u = await ringlet(['migrate', '--undo'], sb.env);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/config\.fish changed since the migration; nothing undone/);
    expect(profilesOf(sb).length).toBeGreaterThan(0);
    const f = await ringlet(['migrate', '--undo', '--force'], sb.env);
    expect(f.code, f.stderr).toBe(0);
    expect(diffSnapshots(before, snapshot(sb.home))).toEqual([]);
  });
});

describe('without a terminal', () => {
  it('prints the plan and exits non-zero with a one-line hint', async () => {
    sb = fixtureHome('fish');
    const r = await ringlet(['migrate'], sb.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Plan:');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--yes');
    expect(profilesOf(sb)).toEqual([]);
  });

  it('applies an edited plan with --plan', async () => {
    sb = fixtureHome('fish');
    const d = await ringlet(['migrate', '--dry-run', '--json'], sb.env);
    expect(d.code).toBe(0);
    const doc = JSON.parse(d.stdout);
    for (const p of doc.plan.profiles) if (p.name === 'cx') p.enabled = false;
    const file = join(sb.dir, 'plan.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await ringlet(['migrate', '--plan', file], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(profilesOf(sb)).toEqual(['cw', 'default', 'default-grok', 'kimi', 'mm']);
    const cfg = readFileSync(join(sb.home, '.config/fish/config.fish'), 'utf8');
    expect(cfg).toContain("alias cw 'ringlet profiles run cw -- claude'");
    expect(cfg).toContain("abbr -a cx 'CODEX_HOME=~/.codex-alt codex'\n");
    expect(cfg).not.toContain('run cx');
  });

  it('a plan for a file changed since is not applied to that file', async () => {
    sb = fixtureHome('fish');
    const d = await ringlet(['migrate', '--dry-run', '--json'], sb.env);
    const file = join(sb.dir, 'plan.json');
    writeFileSync(file, d.stdout);
    const cfgPath = join(sb.home, '.config/fish/config.fish');
    writeFileSync(cfgPath, `# edited\n${readFileSync(cfgPath, 'utf8')}`);
    chmodSync(cfgPath, 0o644);
    const r = await ringlet(['migrate', '--plan', file], sb.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('changed since the plan was made');
    expect(readFileSync(cfgPath, 'utf8')).not.toContain('ringlet migrate');
  });
});
