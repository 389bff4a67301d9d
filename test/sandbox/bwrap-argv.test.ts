import { describe, expect, it } from 'vitest';
import { bridgeScript, bwrapArgv, mountPlan, SANDBOX_RUN_DIR } from '../../src/sandbox/bwrap.js';
import type { SandboxPolicy } from '../../src/sandbox/policy.js';

const policy = (over: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
  profile: 'work',
  cwd: '/tmp/ws',
  writable: ['/tmp/ws', '/home/u/.ringlet/profiles/work/HOME'],
  readOnly: ['/home/u/.ringlet/profiles/work', '/tmp/ws/.git/hooks', '/tmp/ws/.git/config', '/home/u/.config/ringlet/config.toml'],
  pinned: ['/tmp/ws/.git'],
  hidden: [
    { path: '/home/u/.ringlet', dir: true },
    { path: '/home/u/.ringlet/ledger.db', dir: false },
    { path: '/home/u/.config/ringlet', dir: true },
    { path: '/home/u/.aws', dir: true },
    { path: '/srv/profiles/other', dir: true },
  ],
  network: { mode: 'on' },
  innerSandbox: true,
  uid: 1000,
  ...over,
});

/** Index of the first occurrence of a sequence of words in argv. */
const at = (argv: string[], ...words: string[]) => argv.findIndex((_, i) => words.every((w, j) => argv[i + j] === w));

describe('bwrapArgv', () => {
  const argv = bwrapArgv(policy(), ['claude', '--resume']);

  it('drops capabilities, unshares pid/ipc/uts, dies with its parent, and ends with -- command', () => {
    expect(argv[0]).toBe('bwrap');
    expect(at(argv, '--cap-drop', 'ALL')).toBeGreaterThan(0);
    for (const f of ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent']) expect(argv).toContain(f);
    expect(argv.slice(-3)).toEqual(['--', 'claude', '--resume']);
    expect(argv).not.toContain('--new-session'); // TIOCSTI is filtered by seccomp instead, so SIGWINCH still arrives
  });

  it('makes the whole filesystem read-only first, then a private /tmp before any bind under /tmp', () => {
    const root = at(argv, '--ro-bind', '/', '/');
    const tmp = at(argv, '--tmpfs', '/tmp');
    const ws = at(argv, '--bind', '/tmp/ws', '/tmp/ws');
    expect(root).toBeGreaterThan(0);
    expect(tmp).toBeGreaterThan(root);
    expect(ws).toBeGreaterThan(tmp);
  });

  it('covers /proc/sys read-only (bwrap 0.8 leaves it writable to uid 0)', () => {
    expect(at(argv, '--ro-bind', '/proc/sys', '/proc/sys')).toBeGreaterThan(at(argv, '--proc', '/proc'));
  });

  it('keeps .git/hooks and .git/config read-only after the writable workspace, and pins .git', () => {
    const ws = at(argv, '--bind', '/tmp/ws', '/tmp/ws');
    const pin = at(argv, '--bind', '/tmp/ws/.git', '/tmp/ws/.git');
    expect(pin).toBeGreaterThan(ws);
    expect(at(argv, '--ro-bind', '/tmp/ws/.git/hooks', '/tmp/ws/.git/hooks')).toBeGreaterThan(pin);
    expect(at(argv, '--ro-bind', '/tmp/ws/.git/config', '/tmp/ws/.git/config')).toBeGreaterThan(pin);
  });

  it('hides dirs with a tmpfs made read-only at the end, reveals the profile inside, and skips files under hidden dirs', () => {
    const mask = at(argv, '--tmpfs', '/home/u/.ringlet');
    const reveal = at(argv, '--ro-bind', '/home/u/.ringlet/profiles/work', '/home/u/.ringlet/profiles/work');
    const home = at(argv, '--bind', '/home/u/.ringlet/profiles/work/HOME', '/home/u/.ringlet/profiles/work/HOME');
    const ro = at(argv, '--remount-ro', '/home/u/.ringlet');
    expect(mask).toBeGreaterThan(0);
    expect(reveal).toBeGreaterThan(mask);
    expect(home).toBeGreaterThan(reveal);
    expect(ro).toBeGreaterThan(home);
    expect(at(argv, '--ro-bind', '/dev/null', '/home/u/.ringlet/ledger.db')).toBe(-1);
    expect(at(argv, '--tmpfs', '/srv/profiles/other')).toBeGreaterThan(0);
    expect(at(argv, '--ro-bind', '/home/u/.config/ringlet/config.toml', '/home/u/.config/ringlet/config.toml')).toBeGreaterThan(at(argv, '--tmpfs', '/home/u/.config/ringlet'));
  });

  it('hides a file with /dev/null', () => {
    const a = bwrapArgv(policy({ hidden: [{ path: '/home/u/.netrc', dir: false }] }), ['true']);
    expect(at(a, '--ro-bind', '/dev/null', '/home/u/.netrc')).toBeGreaterThan(0);
  });

  it('shares the network when on, unshares it when off or allow-listed', () => {
    expect(argv).not.toContain('--unshare-net');
    expect(bwrapArgv(policy({ network: { mode: 'off' } }), ['true'])).toContain('--unshare-net');
    expect(bwrapArgv(policy({ network: { mode: 'allow', hosts: ['github.com'] } }), ['true'])).toContain('--unshare-net');
  });

  it('maps root to uid 1000 when the inner sandbox is allowed, and disables user namespaces when it is not', () => {
    const asRoot = bwrapArgv(policy({ uid: 0 }), ['true']);
    expect(at(asRoot, '--uid', '1000')).toBeGreaterThan(0);
    const noInner = bwrapArgv(policy({ uid: 0, innerSandbox: false }), ['true'], { disableUserns: true });
    expect(noInner).toContain('--disable-userns');
    expect(noInner).not.toContain('--uid');
    expect(bwrapArgv(policy({ innerSandbox: false }), ['true'], { disableUserns: false })).not.toContain('--disable-userns');
  });

  it('passes the seccomp and info fds, chdirs to the workspace', () => {
    const a = bwrapArgv(policy(), ['true'], { seccompFd: 3, infoFd: 4, bwrap: '/usr/bin/bwrap' });
    expect(a[0]).toBe('/usr/bin/bwrap');
    expect(at(a, '--seccomp', '3')).toBeGreaterThan(0);
    expect(at(a, '--info-fd', '4')).toBeGreaterThan(0);
    expect(at(a, '--chdir', '/tmp/ws')).toBeGreaterThan(0);
  });

  it('with bridges: binds the run dir read-only after /tmp and starts the listeners in sh before exec', () => {
    const a = bwrapArgv(policy({ network: { mode: 'off' } }), ['claude'], {
      runDir: '/tmp/ringlet-sbx-1', bridges: [{ port: 41234, socket: 'meter.sock' }], bridgeTool: { kind: 'socat', path: '/usr/bin/socat' },
    });
    expect(at(a, '--ro-bind', '/tmp/ringlet-sbx-1', SANDBOX_RUN_DIR)).toBeGreaterThan(at(a, '--tmpfs', '/tmp'));
    const dd = a.indexOf('--');
    expect(a.slice(dd + 1, dd + 3)).toEqual(['/bin/sh', '-c']);
    expect(a.slice(-2)).toEqual(['ringlet-sandbox', 'claude']);
    expect(a[dd + 3]).toContain(`TCP-LISTEN:41234,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${SANDBOX_RUN_DIR}/meter.sock`);
    // With the network shared, no bridge is started even if asked.
    const on = bwrapArgv(policy(), ['claude'], { runDir: '/tmp/x', bridges: [{ port: 1, socket: 's' }], bridgeTool: { kind: 'socat', path: 'socat' } });
    expect(on.slice(on.indexOf('--') + 1)).toEqual(['claude']);
  });

  it('with a ready fd: a shell writes one byte on it and closes it in the exec, so the command does not inherit it', () => {
    const a = bwrapArgv(policy(), ['claude'], { readyFd: 5 });
    const dd = a.indexOf('--');
    expect(a.slice(dd + 1)).toEqual(['/bin/sh', '-c', 'printf 1 >&5\nexec "$@" 5>&-', 'ringlet-sandbox', 'claude']);
  });

  it('refuses an empty command', () => {
    expect(() => bwrapArgv(policy(), [])).toThrow(/empty command/);
  });
});

describe('bridgeScript', () => {
  it('waits for each port in /proc/net/tcp (hex, host order) before exec', () => {
    const s = bridgeScript([{ port: 8080, socket: 'meter.sock' }, { port: 3128, socket: 'proxy.sock' }], { kind: 'node', path: '/usr/bin/node' });
    expect(s).toContain('0100007F:1F90 0100007F:0C38');
    expect(s).toMatch(/exec "\$@"$/);
    expect(s).toContain("/usr/bin/node -e '");
    expect(s).toContain(`8080 ${SANDBOX_RUN_DIR}/meter.sock 3128 ${SANDBOX_RUN_DIR}/proxy.sock`);
  });
});

describe('mountPlan', () => {
  it('orders parents before children and lets the more specific kind win at one path', () => {
    const plan = mountPlan(policy({ writable: ['/a', '/a/b/c'], readOnly: ['/a/b', '/a'], pinned: [], hidden: [] }));
    expect(plan.map((m) => `${m.kind}:${m.path}`)).toEqual(['tmpfs:/tmp', 'ro:/a', 'ro:/a/b', 'rw:/a/b/c']);
  });
});
