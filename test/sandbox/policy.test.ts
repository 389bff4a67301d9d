import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { resolvePolicy, summarizePolicy, type ResolvePolicyInput } from '../../src/sandbox/policy.js';

let base: string;
let input: ResolvePolicyInput;
const j = (...p: string[]) => join(base, ...p);

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ringlet-policy-')));
  for (const d of ['home/.aws', 'home/.ssh', 'home/.config/gh', 'rh/profiles/work/HOME/.claude', 'rh/profiles/other/HOME', 'elsewhere/third', 'cfg/hooks', 'cfg/providers', 'ws/sub', 'wt']) mkdirSync(j(d), { recursive: true });
  writeFileSync(j('home/.netrc'), 'x');
  writeFileSync(j('home/.bash_history'), 'x');
  writeFileSync(j('rh/ledger.db'), 'x');
  writeFileSync(j('cfg/http_token'), 'x');
  writeFileSync(j('cfg/credentials.toml'), 'x');
  writeFileSync(j('cfg/config.toml'), 'x');
  writeFileSync(j('rh/profiles/work/HOME/.zshrc'), 'x');
  writeFileSync(j('rh/profiles/work/HOME/.claude/settings.json'), '{}');
  writeFileSync(j('ws/.bashrc'), 'x');
  symlinkSync(j('elsewhere/third'), j('rh/profiles/third'));
  execFileSync('git', ['init', '-q', j('ws')]);
  execFileSync('git', ['-C', j('ws'), 'commit', '-q', '--allow-empty', '-m', 'x'], { env: { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' } });
  execFileSync('git', ['-C', j('ws'), 'worktree', 'add', '-q', j('wt/tree')]);
  input = {
    profile: 'work', profileDir: j('rh/profiles/work'), profileHome: j('rh/profiles/work/HOME'), cwd: j('ws'),
    ringletHome: j('rh'), configDir: j('cfg'), realHome: j('home'), share: ['.ssh', '.config/gh'], uid: 1000,
  };
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolvePolicy', () => {
  it('writable: the workspace and the profile HOME; network on; inner sandbox allowed', () => {
    const p = resolvePolicy(input);
    expect(p.writable).toEqual([j('ws'), j('rh/profiles/work/HOME')]);
    expect(p.network).toEqual({ mode: 'on' });
    expect(p.innerSandbox).toBe(true);
    expect(p.cwd).toBe(j('ws'));
  });

  it.runIf(realpathSync(tmpdir()).startsWith('/tmp/') || realpathSync(tmpdir()) === '/tmp')('under /tmp, masks are dropped: the private /tmp hides them already', () => {
    // Only system paths remain (/run); nothing of the tree under /tmp needs its own mask.
    expect(resolvePolicy(input).hidden.filter((h) => h.path.startsWith(base))).toEqual([]);
  });

  it('reveals config.toml, hooks and providers, the profile dir read-only, and protects .git, rc files and agent hook settings', () => {
    const p = resolvePolicy(input);
    expect(p.readOnly).toEqual(expect.arrayContaining([
      j('rh/profiles/work'), j('cfg/config.toml'), j('cfg/hooks'), j('cfg/providers'),
      j('ws/.git/hooks'), j('ws/.git/config'), j('ws/.bashrc'), j('rh/profiles/work/HOME/.zshrc'), j('rh/profiles/work/HOME/.claude/settings.json'),
    ]));
    expect(p.readOnly).not.toContain(j('cfg/credentials.toml'));
    expect(p.pinned).toEqual([j('ws/.git')]);
  });

  it('protects a worktree: its .git pointer file and the common dir\'s hooks and config', () => {
    const p = resolvePolicy({ ...input, cwd: j('wt/tree') });
    expect(p.readOnly).toEqual(expect.arrayContaining([j('wt/tree/.git'), j('ws/.git/hooks'), j('ws/.git/config')]));
  });

  it('adds [sandbox] writable (with ~) and hidden paths, parses the network, and honours inner-sandbox = false', () => {
    const p = resolvePolicy({ ...input, manifestSandbox: { writable: ['~/.cache-x', 'sub'], hidden: ['~/.aws'], network: ['API.GitHub.com', '*.npmjs.org:443'], 'inner-sandbox': false } });
    expect(p.writable).toContain(j('ws/sub'));
    expect(p.writable).not.toContain(j('home/.cache-x')); // does not exist: nothing to bind
    expect(p.network).toEqual({ mode: 'allow', hosts: ['api.github.com', '*.npmjs.org:443'] });
    expect(p.innerSandbox).toBe(false);
    expect(resolvePolicy({ ...input, manifestSandbox: { network: [] } }).network).toEqual({ mode: 'off' });
    expect(() => resolvePolicy({ ...input, manifestSandbox: { network: ['http://x.com'] } })).toThrow(/not a host name/);
  });

  it('refuses workspaces and writable paths that would void the sandbox', () => {
    expect(() => resolvePolicy({ ...input, cwd: j('home') })).toThrow(/whole home directory/);
    expect(() => resolvePolicy({ ...input, cwd: base })).toThrow(/whole home directory/); // a parent of HOME
    expect(() => resolvePolicy({ ...input, cwd: '/usr' })).toThrow(/the system/);
    expect(() => resolvePolicy({ ...input, cwd: j('rh') })).toThrow(/ringlet's own state/);
    expect(() => resolvePolicy({ ...input, manifestSandbox: { writable: [j('rh/profiles/other')] } })).toThrow(/another profile/);
    expect(() => resolvePolicy({ ...input, manifestSandbox: { writable: [j('elsewhere/third')] } })).toThrow(/secrets or another profile/);
    expect(() => resolvePolicy({ ...input, manifestSandbox: { writable: [j('cfg')] } })).toThrow(/configuration/);
    expect(() => resolvePolicy({ ...input, manifestSandbox: { hidden: [base] } })).toThrow(/contains a writable root/);
  });

  it('summarizePolicy carries what hooks need to classify denials', () => {
    const s = summarizePolicy(resolvePolicy(input));
    expect(Object.keys(s).sort()).toEqual(['cwd', 'hidden', 'network', 'profile', 'readOnly', 'writable']);
    expect(s.network).toBe('on');
  });
});

describe('resolvePolicy outside /tmp (where the masks are mounted)', () => {
  let vb: string;
  beforeAll(() => {
    vb = realpathSync(mkdtempSync('/var/tmp/ringlet-policy-'));
    for (const d of ['home/.aws', 'home/.ssh', 'home/.claude', 'rh/profiles/work/HOME', 'rh/profiles/other', 'cfg', 'ws']) mkdirSync(join(vb, d), { recursive: true });
    for (const f of ['home/.netrc', 'cfg/http_token', 'cfg/credentials.toml', 'rh/ledger.db']) writeFileSync(join(vb, f), 'x');
  });
  afterAll(() => rmSync(vb, { recursive: true, force: true }));

  it('lists every mask', () => {
    const v = (...p: string[]) => join(vb, ...p);
    const p = resolvePolicy({
      profile: 'work', profileDir: v('rh/profiles/work'), profileHome: v('rh/profiles/work/HOME'), cwd: v('ws'),
      ringletHome: v('rh'), configDir: v('cfg'), realHome: v('home'), share: ['.ssh'], uid: 0,
    });
    const hidden = Object.fromEntries(p.hidden.map((h) => [h.path, h.dir]));
    expect(hidden).toMatchObject({
      [v('rh')]: true, [v('cfg')]: true, [v('cfg/http_token')]: false, [v('cfg/credentials.toml')]: false, [v('rh/ledger.db')]: false,
      [v('rh/profiles/other')]: true, [v('home/.aws')]: true, [v('home/.netrc')]: false, [v('home/.claude')]: true,
    });
    expect(hidden[v('home/.ssh')]).toBeUndefined(); // shared by the profile
    expect(hidden['/run']).toBe(true); // service sockets
    expect(p.uid).toBe(0);
  });

  it('reveals an agent binary under a hidden dir: its directory, or only the file when it sits in the hidden dir itself', () => {
    const v = (...p: string[]) => join(vb, ...p);
    mkdirSync(v('home/.claude/local'), { recursive: true });
    writeFileSync(v('home/.claude/local/claude'), '#!/bin/sh\n');
    writeFileSync(v('home/.claude/claude'), '#!/bin/sh\n');
    const base = { profile: 'work', profileDir: v('rh/profiles/work'), profileHome: v('rh/profiles/work/HOME'), cwd: v('ws'), ringletHome: v('rh'), configDir: v('cfg'), realHome: v('home') };
    const p = resolvePolicy({ ...base, reveal: [v('home/.claude/local/claude'), v('home/.claude/claude'), v('cfg/credentials.toml'), '/usr/bin/env'] });
    expect(p.readOnly).toContain(v('home/.claude/local'));
    expect(p.readOnly).toContain(v('home/.claude/claude'));
    expect(p.readOnly).not.toContain(v('home/.claude'));
    expect(p.readOnly.some((r) => r.startsWith(v('cfg/credentials')))).toBe(false); // never a secret
    expect(p.readOnly).not.toContain('/usr/bin');
  });

  it('brings back, read-only, an agent installed under /tmp, which the private /tmp would hide', () => {
    const v = (...p: string[]) => join(vb, ...p);
    const t = mkdtempSync('/tmp/ringlet-policy-');
    try {
      mkdirSync(join(t, 'node_modules', 'agent', 'bin'), { recursive: true });
      mkdirSync(join(t, 'node_modules', '.bin'), { recursive: true });
      writeFileSync(join(t, 'node_modules', 'agent', 'bin', 'agent.js'), '#!/bin/sh\n');
      symlinkSync('../agent/bin/agent.js', join(t, 'node_modules', '.bin', 'agent'));
      writeFileSync(join(t, 'loose-tool'), '#!/bin/sh\n');
      const base = { profile: 'work', profileDir: v('rh/profiles/work'), profileHome: v('rh/profiles/work/HOME'), cwd: v('ws'), ringletHome: v('rh'), configDir: v('cfg'), realHome: v('home') };
      const p = resolvePolicy({ ...base, reveal: [join(t, 'node_modules', '.bin', 'agent'), join(t, 'loose-tool')] });
      expect(p.readOnly).toContain(realpathSync(join(t, 'node_modules')));
      expect(p.readOnly).toContain(realpathSync(t));
      expect(p.writable).not.toContain(realpathSync(t));
    } finally {
      rmSync(t, { recursive: true, force: true });
    }
  });
});
