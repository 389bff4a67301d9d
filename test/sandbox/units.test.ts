import { describe, expect, it } from 'vitest';
import { disassemble, tiocstiFilter, TIOCSTI, TIOCLINUX } from '../../src/sandbox/seccomp.js';
import { seatbeltProfile, sbplString } from '../../src/sandbox/seatbelt.js';
import { classifyHookPayload, classifySandboxDenial } from '../../src/sandbox/denial.js';
import { hostAllowed } from '../../src/sandbox/connect-proxy.js';
import { diagnoseProbe } from '../../src/sandbox/check.js';
import { innerSandboxAdjustment } from '../../src/sandbox/inner.js';
import { isWritableUnder, type SandboxPolicy } from '../../src/sandbox/policy.js';

const policy: SandboxPolicy = {
  profile: 'work',
  cwd: '/Users/u/proj',
  writable: ['/Users/u/proj', '/Users/u/.ringlet/profiles/work/HOME'],
  readOnly: ['/Users/u/proj/.git/hooks', '/Users/u/.ringlet/profiles/work'],
  pinned: ['/Users/u/proj/.git'],
  hidden: [{ path: '/Users/u/.ringlet', dir: true }, { path: '/Users/u/.netrc', dir: false }],
  network: { mode: 'off' },
  innerSandbox: true,
  uid: 501,
  meterPort: 41000,
};

describe('seccomp TIOCSTI filter', () => {
  it('is a well-formed program for x64 and arm64 that denies TIOCSTI and TIOCLINUX with EPERM', () => {
    for (const arch of ['x64', 'arm64']) {
      const prog = disassemble(tiocstiFilter(arch));
      expect(prog.length).toBeGreaterThan(8);
      expect(prog[0]).toEqual([0x20, 0, 0, 4]); // load the arch first
      const ks = prog.map((i) => i[3]);
      expect(ks).toContain(TIOCSTI);
      expect(ks).toContain(TIOCLINUX);
      expect(ks).toContain(0x00050001); // SECCOMP_RET_ERRNO | EPERM
      expect(ks).toContain(24); // the low word of args[1]
      // Every jump stays inside the program.
      prog.forEach(([code, jt, jf], i) => {
        if (code === 0x15) {
          expect(i + 1 + jt).toBeLessThan(prog.length);
          expect(i + 1 + jf).toBeLessThan(prog.length);
        }
      });
      expect(prog.at(-1)![0]).toBe(0x06); // ends with a return
    }
    expect(() => tiocstiFilter('mips')).toThrow(/no seccomp filter/);
  });
});

describe('seatbeltProfile', () => {
  const text = seatbeltProfile(policy, { tmpDir: '/private/var/folders/x/T/ringlet-1' });
  it('denies by default, reads everything, writes only the writable roots, most specific path last', () => {
    expect(text.startsWith('(version 1)\n(deny default)\n')).toBe(true);
    expect(text).toContain('(allow file-read*)\n');
    const ws = text.indexOf('(allow file-read* file-write* (subpath "/Users/u/proj"))');
    const hooks = text.indexOf('(deny file-write* (subpath "/Users/u/proj/.git/hooks"))');
    expect(ws).toBeGreaterThan(0);
    expect(hooks).toBeGreaterThan(ws);
    expect(text).toContain('(deny file-write-unlink (literal "/Users/u/proj/.git"))');
    expect(text).toContain('(allow file-read* file-write* (subpath "/private/var/folders/x/T/ringlet-1"))');
  });
  it('hides ringlet state but reveals the profile HOME after the mask', () => {
    const mask = text.indexOf('(deny file-read* file-write* (subpath "/Users/u/.ringlet"))');
    const home = text.indexOf('(allow file-read* file-write* (subpath "/Users/u/.ringlet/profiles/work/HOME"))');
    expect(mask).toBeGreaterThan(0);
    expect(home).toBeGreaterThan(mask);
    expect(text).toContain('(deny file-read* file-write* (literal "/Users/u/.netrc"))');
  });
  it('allows the network only to the meter when off, everything when on', () => {
    expect(text).toContain('(allow network-outbound (remote ip "localhost:41000"))');
    expect(text).not.toContain('(allow network*)');
    expect(seatbeltProfile({ ...policy, network: { mode: 'on' } })).toContain('(allow network*)');
    const allow = seatbeltProfile({ ...policy, network: { mode: 'allow', hosts: ['github.com'] } }, { proxyPort: 41001 });
    expect(allow).toContain('(allow network-outbound (remote ip "localhost:41001"))');
  });
  it('escapes quotes and backslashes in paths', () => {
    expect(sbplString('/a "b"\\c')).toBe('"/a \\"b\\"\\\\c"');
  });
});

describe('classifySandboxDenial', () => {
  it('finds EROFS on a path outside the writable roots in Bash output', () => {
    const d = classifySandboxDenial('Bash', { command: 'touch /etc/x' }, { stdout: '', stderr: "touch: cannot touch '/etc/x': Read-only file system" }, policy);
    expect(d).toEqual([{ kind: 'filesystem', path: '/etc/x', error: 'EROFS', tool: 'Bash', excerpt: "touch: cannot touch '/etc/x': Read-only file system" }]);
  });
  it('reads PostToolUseFailure errors, node/python/shell wordings and relative paths', () => {
    const err = [
      'Exit code 1',
      "EROFS: read-only file system, open '/usr/local/lib/x.js'",
      "PermissionError: [Errno 13] Permission denied: '/Users/u/.ringlet/ledger.db'",
      'sh: 1: cannot create /Users/u/proj/.git/hooks/pre-commit: Read-only file system',
      'error: could not lock config file .git/hooks/x: Read-only file system',
    ].join('\n');
    const d = classifySandboxDenial('Bash', { command: '…' }, err, policy);
    expect(d.map((x) => [x.path, x.error])).toEqual([
      ['/usr/local/lib/x.js', 'EROFS'],
      ['/Users/u/.ringlet/ledger.db', 'EACCES'],
      ['/Users/u/proj/.git/hooks/pre-commit', 'EROFS'],
      ['/Users/u/proj/.git/hooks/x', 'EROFS'],
    ]);
  });
  it('uses the tool input path when the message names none (Write tool)', () => {
    const d = classifyHookPayload({ tool_name: 'Write', tool_input: { file_path: '/etc/hosts' }, error: 'EROFS: read-only file system' }, { ...policy, hidden: [], network: 'off' });
    expect(d[0]).toMatchObject({ path: '/etc/hosts', error: 'EROFS', tool: 'Write' });
  });
  it('ignores errors inside writable roots (an ordinary permission problem) and output without errors', () => {
    expect(classifySandboxDenial('Bash', {}, "rm: cannot remove '/Users/u/proj/x': Permission denied", policy)).toEqual([]);
    expect(classifySandboxDenial('Bash', {}, { stdout: 'all good in /etc/x' }, policy)).toEqual([]);
    expect(classifySandboxDenial('Bash', {}, "touch: cannot touch '/tmp/x': Read-only file system", policy)).toEqual([]); // private /tmp is writable
  });
  it('reports network failures only when the sandbox cut the network', () => {
    const msg = { stderr: 'curl: (6) Could not resolve host: example.com' };
    expect(classifySandboxDenial('Bash', {}, msg, policy)[0]).toMatchObject({ kind: 'network', error: 'EAI_AGAIN' });
    expect(classifySandboxDenial('Bash', {}, msg, { ...policy, network: { mode: 'on' } })).toEqual([]);
  });
  it('isWritableUnder: most specific entry wins', () => {
    expect(isWritableUnder(policy, '/Users/u/.ringlet/profiles/work/HOME/.claude/x')).toBe(true);
    expect(isWritableUnder(policy, '/Users/u/.ringlet/profiles/work/ringlet.toml')).toBe(false);
    expect(isWritableUnder(policy, '/Users/u/proj/.git/hooks/pre-commit')).toBe(false);
    expect(isWritableUnder(policy, '/Users/u/proj/src/a.ts')).toBe(true);
    expect(isWritableUnder({ ...policy, writable: ['/Users/u'] }, '/Users/u/.netrc')).toBe(false);
  });
});

describe('hostAllowed', () => {
  it('matches exact names, *. sub-domains, ports (80/443 by default)', () => {
    const allow = ['github.com', '*.npmjs.org', 'localhost:3000'];
    expect(hostAllowed(allow, 'github.com', 443)).toBe(true);
    expect(hostAllowed(allow, 'GitHub.com.', 80)).toBe(true);
    expect(hostAllowed(allow, 'github.com', 22)).toBe(false);
    expect(hostAllowed(allow, 'api.github.com', 443)).toBe(false);
    expect(hostAllowed(allow, 'registry.npmjs.org', 443)).toBe(true);
    expect(hostAllowed(allow, 'npmjs.org', 443)).toBe(false);
    expect(hostAllowed(allow, 'evilnpmjs.org', 443)).toBe(false);
    expect(hostAllowed(allow, 'localhost', 3000)).toBe(true);
    expect(hostAllowed(allow, 'localhost', 8765)).toBe(false);
  });
});

describe('diagnoseProbe', () => {
  it('names AppArmor, disabled user namespaces, or the generic failure, each with a fix', () => {
    const aa = diagnoseProbe('bwrap: setting up uid map: Permission denied\n', (p) => (p.endsWith('apparmor_restrict_unprivileged_userns') ? '1' : undefined));
    expect(aa.reason).toMatch(/AppArmor/);
    expect(aa.fix).toMatch(/apparmor_restrict_unprivileged_userns=0/);
    const off = diagnoseProbe('bwrap: No permissions to creating new namespace', (p) => (p.endsWith('unprivileged_userns_clone') ? '0' : undefined));
    expect(off.fix).toMatch(/unprivileged_userns_clone=1/);
    const generic = diagnoseProbe('bwrap: Creating new namespace failed: Operation not permitted', () => undefined);
    expect(generic.reason).toMatch(/Operation not permitted/);
    expect(generic.fix).toMatch(/user namespaces/);
  });
});

describe('innerSandboxAdjustment', () => {
  it('switches the agent sandbox off only when ours disables nested namespaces', () => {
    expect(innerSandboxAdjustment('codex', { innerSandbox: true })).toEqual({});
    expect(innerSandboxAdjustment('codex', { innerSandbox: false }).codexConfig).toEqual({ sandbox_mode: 'danger-full-access' });
    expect(innerSandboxAdjustment('claude', { innerSandbox: false }).claudeSettings).toEqual({ sandbox: { enabled: false } });
  });
});
