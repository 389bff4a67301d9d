import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeSandbox, ringlet, type Sandbox } from '../support/env.js';
import { audit } from '../../src/migrate/audit.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

function put(home: string, rel: string, data: string | Buffer): void {
  mkdirSync(join(home, rel, '..'), { recursive: true });
  writeFileSync(join(home, rel), data);
}

/** A HOME full of things that break naive scanners. */
function hostileHome(): Sandbox {
  const s = makeSandbox();
  const h = s.env.HOME!;
  put(h, '.zshrc', Buffer.concat([Buffer.from('alias a=1\n'), Buffer.from([0, 1, 2, 255, 0]), Buffer.from('alias claude-bin=\'ANTHROPIC_API_KEY=x claude\'\n')]));
  put(h, '.bashrc', `# big\n${'export FOO=bar\n'.repeat(90_000)}alias big='ANTHROPIC_MODEL=m claude'\n`);
  spawnSync('mkfifo', [join(h, '.bash_aliases')]);
  symlinkSync(join(h, '.profile2'), join(h, '.profile'));
  symlinkSync(join(h, '.profile'), join(h, '.profile2'));
  put(h, '.zshenv', 'source ~/.zshenv\nsource /etc/passwd\nsource ~/.loop-a\n. ~/.bash_aliases\nsource ~/.profile\nsource $UNKNOWN/x.zsh\n');
  put(h, '.loop-a', 'source ~/.loop-b\nalias loop-a=\'CLAUDE_CONFIG_DIR=~/.a claude\'\n');
  put(h, '.loop-b', 'source ~/.loop-a\n');
  put(h, '.zprofile', [
    `alias broken='ANTHROPIC_API_KEY=sk-ant-api03-unterminated claude`,
    'echo "open',
    'x=$(((((',
    'cat <<EOF',
    'never ends',
  ].join('\n'));
  put(h, '.zlogin', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("alias u16='CODEX_HOME=~/.codex-u16 codex'\n", 'utf16le')]));
  put(h, '.config/fish/config.fish', Buffer.concat([Buffer.from('function broken\n  set -gx\n'), Buffer.from([0xe9, 0xe8, 0x0a]), Buffer.from("alias l1 'CLAUDE_CONFIG_DIR=~/.l1 claude'\n")]));
  put(h, '.config/fish/conf.d/deep.fish', `set -gx X ${'('.repeat(3000)}${')'.repeat(3000)}\n`);
  put(h, '.config/fish/functions/nested.fish', '$('.repeat(20_000));
  // Many files sourced through a glob, a long source chain, weird names.
  for (let i = 0; i < 450; i++) put(h, `.zsh.${i < 250 ? 'd' : 'e'}/f${String(i).padStart(3, '0')}.zsh`, i === 7 ? "alias seven='ANTHROPIC_BASE_URL=http://localhost:4000 claude'\n" : `export V${i}=${i}\n`);
  put(h, '.zshrc.d/chain0.zsh', 'source ~/.zshrc.d/chain1.zsh\n');
  for (let i = 1; i < 40; i++) put(h, `.zshrc.d/chain${i}.zsh`, `source ~/.zshrc.d/chain${i + 1}.zsh\n`);
  put(h, '.bash_profile', 'for f in ~/.zsh.d/*.zsh; do source "$f"; done\nfor f in ~/.zsh.e/*.zsh; do source "$f"; done\nsource ~/.zshrc.d/chain0.zsh\nsource "~/we ird/$(x)/`y`"\n');
  // Project roots with a symlink loop and a FIFO named .envrc.
  mkdirSync(join(h, 'Projects', 'p'), { recursive: true });
  symlinkSync(join(h, 'Projects'), join(h, 'Projects', 'p', 'loop'));
  spawnSync('mkfifo', [join(h, 'Projects', 'p', '.envrc')]);
  put(h, 'Projects/q/.envrc', "export ANTHROPIC_AUTH_TOKEN='unterminated\n");
  // ~/.local/bin: a large binary, a FIFO, a directory, a dangling symlink.
  put(h, '.local/bin/huge', Buffer.alloc(3 * 1024 * 1024, 0x41));
  spawnSync('mkfifo', [join(h, '.local/bin/pipe')]);
  mkdirSync(join(h, '.local/bin/dir'));
  symlinkSync('/nonexistent/claude', join(h, '.local/bin/dangling'));
  return s;
}

describe('odd and hostile input', () => {
  it('the audit never throws, never hangs, and still finds what it can', () => {
    sb = hostileHome();
    const t0 = performance.now();
    const a = audit({ home: sb.env.HOME!, env: sb.env });
    expect(performance.now() - t0).toBeLessThan(10_000);
    const names = a.findings.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['loop-a', 'u16', 'l1', 'seven', 'broken']));
    const reasons = Object.fromEntries(a.skipped.map((s) => [s.file.replace(sb!.env.HOME!, '~'), s.reason]));
    expect(reasons['~/.zshrc']).toBe('binary file');
    expect(reasons['~/.bashrc']).toBe('larger than 1024 KiB');
    expect(reasons['~/.bash_aliases']).toBe('not a regular file');
    expect(reasons['~/.profile']).toBe('symlink loop');
    expect(reasons['/etc/passwd']).toBe('outside HOME');
    expect(a.skipped.some((s) => /more than 400 sourced files/.test(s.reason))).toBe(true);
    expect(a.parseErrors.length).toBeGreaterThan(0);
  });

  it('migrate --dry-run --json exits 0 with valid JSON naming agent, provider, baseUrl, configDir and keySource', async () => {
    sb = hostileHome();
    const r = await ringlet(['migrate', '--dry-run', '--json'], sb.env, { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.length).toBeGreaterThan(3);
    for (const f of doc.findings) {
      for (const k of ['agent', 'provider', 'baseUrl', 'configDir', 'keySource', 'file', 'line']) expect(f, `${f.name}: ${k}`).toHaveProperty(k);
      expect(typeof f.keySource.kind).toBe('string');
    }
    expect(doc.plan.version).toBe(1);
  });

  it('a broken config.toml does not stop the audit', async () => {
    sb = makeSandbox();
    put(sb.env.HOME!, '.bashrc', "alias cw='CLAUDE_CONFIG_DIR=~/.cw claude'\n");
    writeFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'), '[[[ not toml');
    const r = await ringlet(['migrate', '--dry-run', '--json'], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).findings.map((f: { name: string }) => f.name)).toEqual(['cw']);
  });

  it('an empty HOME gives an empty report', async () => {
    sb = makeSandbox();
    const r = await ringlet(['migrate', '--dry-run', '--json'], sb.env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect([doc.findings, doc.keys, doc.plan.profiles]).toEqual([[], [], []]);
  });

  it('rewrites a latin1 file without touching its other bytes', async () => {
    sb = makeSandbox();
    const h = sb.env.HOME!;
    const original = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from("\nalias cw='CLAUDE_CONFIG_DIR=~/.cw claude'\n# fin "), Buffer.from([0xff]), Buffer.from('\n')]);
    put(h, '.bashrc', original);
    const r = await ringlet(['migrate', '--yes'], sb.env);
    expect(r.code, r.stderr).toBe(0);
    const after = readFileSync(join(h, '.bashrc'));
    expect(after.subarray(0, 6).equals(original.subarray(0, 6))).toBe(true);
    expect(after.subarray(-8).equals(original.subarray(-8))).toBe(true);
    expect(after.toString('latin1')).toContain("alias cw='ringlet profiles run cw -- claude'");
    expect((await ringlet(['migrate', '--undo'], sb.env)).code).toBe(0);
    expect(readFileSync(join(h, '.bashrc')).equals(original)).toBe(true);
  });

  it('a symlinked rc file (stow, yadm) is rewritten where it lives; the link stays a link', async () => {
    sb = makeSandbox();
    const h = sb.env.HOME!;
    put(h, 'dotfiles/zsh/zshrc', "alias cw='CLAUDE_CONFIG_DIR=~/.cw claude'\n");
    symlinkSync(join(h, 'dotfiles/zsh/zshrc'), join(h, '.zshrc'));
    expect((await ringlet(['migrate', '--yes'], sb.env)).code).toBe(0);
    expect(spawnSync('readlink', [join(h, '.zshrc')], { encoding: 'utf8' }).stdout.trim()).toBe(join(h, 'dotfiles/zsh/zshrc'));
    expect(readFileSync(join(h, 'dotfiles/zsh/zshrc'), 'utf8')).toContain("alias cw='ringlet profiles run cw -- claude'");
  });
});
