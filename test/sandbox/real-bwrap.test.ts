import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ROOT } from '../support/env.js';
import { resolvePolicy, type SandboxPolicy } from '../../src/sandbox/policy.js';
import { prepareSandbox, spawnSandbox, runSandboxed } from '../../src/sandbox/run.js';
import { checkSandbox } from '../../src/sandbox/check.js';
import { shq } from '../../src/sandbox/bwrap.js';
import type { SandboxReport } from '../../src/sandbox/network.js';
import type { ProxyDecision } from '../../src/sandbox/connect-proxy.js';

// Real bubblewrap, real processes, a real pty (script) and a real terminal (tmux). The world lives under
// /var/tmp, not /tmp, so the sandbox's private /tmp does not hide it by accident and the masks are exercised.

const PY = '/usr/bin/python3';
let base: string;
let w: { realHome: string; rh: string; cfg: string; ws: string; profileDir: string; profileHome: string; otherHome: string };
let policy: SandboxPolicy;
const servers: Server[] = [];
let bundle: string;

function world() {
  base = mkdtempSync('/var/tmp/ringlet-sbx-test-');
  const realHome = join(base, 'home');
  const rh = join(base, 'ringlet');
  const cfg = join(base, 'config', 'ringlet');
  const ws = join(base, 'ws');
  const profileDir = join(rh, 'profiles', 'work');
  const profileHome = join(profileDir, 'HOME');
  const otherHome = join(rh, 'profiles', 'other', 'HOME');
  for (const d of [join(realHome, '.aws'), profileHome, join(profileHome, '.claude'), otherHome, join(cfg, 'hooks'), ws]) mkdirSync(d, { recursive: true });
  writeFileSync(join(realHome, '.aws', 'credentials'), 'AWS-SECRET\n');
  writeFileSync(join(realHome, '.netrc'), 'NETRC-SECRET\n');
  writeFileSync(join(rh, 'ledger.db'), 'LEDGER-SECRET\n');
  writeFileSync(join(rh, 'audit.db'), 'AUDIT-SECRET\n');
  writeFileSync(join(profileDir, 'ringlet.toml'), 'agent = "claude"\n');
  writeFileSync(join(profileHome, '.bashrc'), '# profile rc\n');
  writeFileSync(join(profileHome, '.claude', 'settings.json'), '{"hooks":{}}\n');
  writeFileSync(join(otherHome, 'secret'), 'OTHER-PROFILE-SECRET\n');
  writeFileSync(join(cfg, 'http_token'), 'TOKEN-SECRET\n');
  writeFileSync(join(cfg, 'credentials.toml'), 'CREDENTIALS-SECRET\n');
  writeFileSync(join(cfg, 'config.toml'), '# config visible\n');
  writeFileSync(join(cfg, 'hooks', 'a.toml'), '# hook visible\n');
  execFileSync('git', ['init', '-q', ws]);
  writeFileSync(join(ws, 'README'), 'hello\n');
  w = { realHome, rh, cfg, ws, profileDir, profileHome, otherHome };
}

const mkPolicy = (over: Partial<Parameters<typeof resolvePolicy>[0]> = {}) =>
  resolvePolicy({
    profile: 'work', profileDir: w.profileDir, profileHome: w.profileHome, cwd: w.ws, ringletHome: w.rh, configDir: w.cfg,
    realHome: w.realHome, ...over,
  });

const childEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: w.profileHome, LANG: 'C.UTF-8', RINGLET_HOME: w.rh });
/** The launcher's environment: the check cache goes to the test's ringlet home, never the real one. */
const testEnv = () => ({ ...process.env, RINGLET_HOME: w.rh });

interface Result { code: number | null; stdout: string; stderr: string }

async function sandboxed(p: SandboxPolicy, command: string[], opts: { meterPort?: number; bridge?: 'socat' | 'node'; onReport?: (r: SandboxReport) => void; onProxyDecision?: (d: ProxyDecision) => void } = {}): Promise<Result> {
  const prepared = await prepareSandbox({ policy: p, command, env: testEnv(), ...opts });
  try {
    const sb = spawnSandbox(prepared, childEnv(), p.cwd, ['ignore', 'pipe', 'pipe']);
    let stdout = '';
    let stderr = '';
    sb.child.stdout!.on('data', (d) => (stdout += d));
    sb.child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => sb.child.on('close', (c) => resolve(c)));
    return { code, stdout, stderr };
  } finally {
    await prepared.close();
  }
}
const sh = (p: SandboxPolicy, script: string, opts?: Parameters<typeof sandboxed>[2]) => sandboxed(p, ['/bin/sh', '-c', script], opts);

function httpServer(body: string): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer((_req, res) => res.end(body));
    servers.push(s);
    s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  world();
  policy = mkPolicy();
  // A launcher for the terminal tests (script, tmux), built from src like the real CLI bundle.
  const outDir = join(ROOT, 'node_modules', '.cache', 'ringlet-test');
  mkdirSync(outDir, { recursive: true });
  bundle = join(outDir, `sandbox-${process.pid}.mjs`);
  await build({ entryPoints: [join(ROOT, 'src/sandbox/run.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: bundle, logLevel: 'warning' });
  writeFileSync(join(base, 'launcher.mjs'), `
    import { readFileSync } from 'node:fs';
    const [bundle, policyFile, ringletHome, ...cmd] = process.argv.slice(2);
    process.env.RINGLET_HOME = ringletHome;
    const m = await import(bundle);
    const policy = JSON.parse(readFileSync(policyFile, 'utf8'));
    try {
      const prepared = await m.prepareSandbox({ policy, command: cmd });
      try { process.exitCode = await m.runSandboxed(prepared, { ...process.env }, policy.cwd); } finally { await prepared.close(); }
    } catch (err) { process.stderr.write('ringlet: ' + err.message + '\\n'); process.exitCode = err.exitCode ?? 1; }
  `);
  writeFileSync(join(base, 'policy.json'), JSON.stringify(policy));
}, 60_000);

afterAll(() => {
  for (const s of servers) s.close();
  if (bundle) rmSync(bundle, { force: true });
  if (base) rmSync(base, { recursive: true, force: true });
});

const launcher = (cmd: string[]) => [process.execPath, join(base, 'launcher.mjs'), pathToFileURL(bundle).href, join(base, 'policy.json'), w.rh, ...cmd].map(shq).join(' ');

describe('sandbox with real bwrap: filesystem', () => {
  it('writes to the workspace, the profile HOME and the private /tmp work', async () => {
    const r = await sh(policy, `echo ws > ${w.ws}/out && echo home > ${w.profileHome}/h && echo t > /tmp/t && cat /tmp/t && echo ok && ls /proc/self/fd | tr '\\n' ' '`);
    expect(r.stderr).toBe('');
    // The info (4) and ready (5) fds do not leak into the command (3 is ls's own directory fd; anything
    // else was inherited from whoever started the test).
    const [out, fds] = [r.stdout.slice(0, r.stdout.lastIndexOf('\n') + 1), r.stdout.slice(r.stdout.lastIndexOf('\n') + 1).trim().split(' ')];
    expect(out).toBe('t\nok\n');
    expect(fds).toEqual(expect.arrayContaining(['0', '1', '2']));
    expect(fds).not.toContain('4');
    expect(fds).not.toContain('5');
    expect(readFileSync(join(w.ws, 'out'), 'utf8')).toBe('ws\n');
    expect(readFileSync(join(w.profileHome, 'h'), 'utf8')).toBe('home\n');
  });

  it('touch /etc/x fails with a read-only file system, and nothing appears on the host', async () => {
    const r = await sh(policy, 'touch /etc/ringlet-sbx-x');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(existsSync('/etc/ringlet-sbx-x')).toBe(false);
  });

  it('cannot read the daemon token, credentials.toml, the ledger, the audit log, another profile, ~/.aws or ~/.netrc', async () => {
    const secrets = [
      join(w.cfg, 'http_token'), join(w.cfg, 'credentials.toml'), join(w.rh, 'ledger.db'), join(w.rh, 'audit.db'),
      join(w.otherHome, 'secret'), join(w.realHome, '.aws', 'credentials'), join(w.realHome, '.netrc'),
    ];
    const r = await sh(policy, secrets.map((s) => `cat ${s} 2>/dev/null`).join('; ') + `; ls -A ${w.rh}/profiles; echo done`);
    expect(r.stdout).not.toMatch(/SECRET/);
    expect(r.stdout).toBe('work\ndone\n'); // the other profile is not even listed
    // The files are still there outside.
    expect(readFileSync(join(w.cfg, 'http_token'), 'utf8')).toBe('TOKEN-SECRET\n');
  });

  it('still reads config.toml, global hooks and its own manifest, but cannot change them', async () => {
    const r = await sh(policy, `cat ${w.cfg}/config.toml ${w.cfg}/hooks/a.toml ${w.profileDir}/ringlet.toml; echo x >> ${w.profileDir}/ringlet.toml || echo ro1; echo x > ${w.cfg}/new || echo ro2; echo x > ${w.rh}/new || echo ro3`);
    expect(r.stdout).toBe('# config visible\n# hook visible\nagent = "claude"\nro1\nro2\nro3\n');
  });

  it('keeps .git/hooks, .git/config, rc files and the agent hook settings read-only inside writable roots, and .git in place', async () => {
    const r = await sh(policy, [
      `cd ${w.ws}`,
      'echo evil > .git/hooks/pre-commit || echo hooks-ro',
      'git config core.fsmonitor evil 2>/dev/null || echo config-ro',
      'mv .git .git-moved 2>/dev/null || echo git-pinned',
      `echo evil >> ${w.profileHome}/.bashrc || echo rc-ro`,
      `echo '{}' > ${w.profileHome}/.claude/settings.json || echo settings-ro`,
      'git status --short >/dev/null && echo git-works',
      'echo fine > src.txt && echo ws-rw',
    ].join('\n'));
    expect(r.stdout).toBe('hooks-ro\nconfig-ro\ngit-pinned\nrc-ro\nsettings-ro\ngit-works\nws-rw\n');
    expect(existsSync(join(w.ws, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(readFileSync(join(w.ws, '.git', 'config'), 'utf8')).not.toMatch(/fsmonitor/);
  });

  it('cannot write kernel settings through /proc/sys (bwrap 0.8 leaves it writable to uid 0)', async () => {
    const r = await sh(policy, 'echo sbx > /proc/sys/kernel/hostname && echo WRITABLE; test -w /proc/sys/kernel/core_pattern && echo CORE-WRITABLE; echo end');
    expect(r.stdout).toBe('end\n');
    expect(r.stderr).toMatch(/Read-only file system/);
  });

  it('hides service sockets under /run (system bus, systemd, docker, the session bus) and unsets variables pointing at them', async () => {
    const probes = ['/run/dbus', '/run/systemd/private', '/run/docker.sock', '/run/user'].filter((p) => existsSync(p));
    const prepared = await prepareSandbox({ policy, env: testEnv(), command: ['/bin/sh', '-c', `for p in ${probes.join(' ')}; do test -e $p && echo "visible $p"; done; echo "bus=\${DBUS_SESSION_BUS_ADDRESS:-unset} display=\${DISPLAY:-unset} keep=$KEEP"`] });
    try {
      const sb = spawnSandbox(prepared, { ...childEnv(), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/0/bus', DISPLAY: ':0', KEEP: 'yes' }, policy.cwd, ['ignore', 'pipe', 'inherit']);
      let out = '';
      sb.child.stdout!.on('data', (d) => (out += d));
      await new Promise((r) => sb.child.on('close', r));
      expect(out).toBe('bus=unset display=unset keep=yes\n');
    } finally {
      await prepared.close();
    }
    expect(probes.length).toBeGreaterThan(0); // the host has something under /run to hide
  });

  it('a background process started inside is sandboxed too, and dies with the sandbox', async () => {
    const marker = `31.${process.pid}`;
    const r = await sh(policy, [
      // Detached from the shell and its session, as a dev server or a nohup'd job would be.
      `setsid sh -c 'cat ${w.cfg}/http_token > ${w.ws}/bg-token 2>&1; touch /etc/bg-x 2> ${w.ws}/bg-err; echo done > ${w.ws}/bg-done; exec sleep ${marker}' </dev/null >/dev/null 2>&1 &`,
      `while [ ! -e ${w.ws}/bg-done ]; do sleep 0.05; done`,
      'echo main-exits',
    ].join('\n'));
    expect(r.stdout).toBe('main-exits\n');
    expect(readFileSync(join(w.ws, 'bg-token'), 'utf8')).not.toMatch(/SECRET/);
    expect(readFileSync(join(w.ws, 'bg-err'), 'utf8')).toMatch(/Read-only file system/);
    await new Promise((res) => setTimeout(res, 200));
    const alive = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
    expect(alive).toBe(false);
  });

  it('refuses a workspace that would void the sandbox (the real HOME, /, /etc)', () => {
    expect(() => mkPolicy({ cwd: w.realHome })).toThrow(/whole home directory/);
    expect(() => mkPolicy({ cwd: '/' })).toThrow(/refusing to sandbox/);
    expect(() => mkPolicy({ manifestSandbox: { writable: ['/etc'] } })).toThrow(/the system/);
    expect(() => mkPolicy({ manifestSandbox: { writable: [w.otherHome] } })).toThrow(/another profile/);
  });
});

describe('sandbox with real bwrap: network', () => {
  const fetchIn = (url: string) => `${shq(process.execPath)} -e ${shq(`fetch(${JSON.stringify(url)}).then(r=>r.text()).then(t=>console.log('GOT '+t),e=>console.log('FAIL '+(e.cause?.code??e.message)))`)}`;

  for (const bridge of ['socat', 'node'] as const) {
    it(`network = off: a local test server is unreachable, the bridged meter port answers (${bridge} bridge)`, async () => {
      const other = await httpServer('other-server');
      const meter = await httpServer('meter-ok');
      const off = mkPolicy({ manifestSandbox: { network: 'off' } });
      const r = await sh(off, `${fetchIn(`http://127.0.0.1:${other}/`)}; ${fetchIn(`http://127.0.0.1:${meter}/v1/messages`)}`, { meterPort: meter, bridge });
      expect(r.stdout).toBe(`FAIL ECONNREFUSED\nGOT meter-ok\n`);
      // The same test server is reachable with the network on, so the failure above is the sandbox's doing.
      const on = await sh(policy, fetchIn(`http://127.0.0.1:${other}/`));
      expect(on.stdout).toBe('GOT other-server\n');
    });
  }

  it('allow-list: the CONNECT proxy lets listed hosts through, refuses the rest, and reports both', async () => {
    const allowed = await httpServer('allowed-host');
    const denied = await httpServer('denied-host');
    const decisions: ProxyDecision[] = [];
    const p = mkPolicy({ manifestSandbox: { network: [`localhost:${allowed}`] } });
    const curl = (port: number, tunnel: boolean) => `curl -s ${tunnel ? '-p ' : ''}--noproxy '' -x "$HTTP_PROXY" -o - -w ' %{http_code}\\n' http://localhost:${port}/`;
    const r = await sh(p, `echo "$HTTPS_PROXY"; ${curl(allowed, false)}; ${curl(allowed, true)}; ${curl(denied, false)}; ${curl(denied, true)}; curl -s -m 2 http://127.0.0.1:${denied}/ || echo direct-fails`, { onProxyDecision: (d) => decisions.push(d) });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:3128$/);
    expect(lines[1]).toBe('allowed-host 200');
    expect(lines[2]).toBe('allowed-host 200');
    // Plain HTTP to an unlisted port: the proxy's own 403 page.
    expect(lines[3]).toMatch(/^ringlet sandbox: localhost:\d+ is not in the network allow-list$/);
    expect(lines[4]).toBe(' 403');
    // CONNECT refused: curl gets no tunnel (http_code 000), and no bytes of the denied server.
    expect(lines[5]).toBe(' 000');
    expect(r.stdout).not.toMatch(/denied-host/);
    // Around the proxy there is no network at all.
    expect(lines[6]).toBe('direct-fails');
    expect(decisions.map((d) => [d.port, d.allowed])).toEqual([[allowed, true], [allowed, true], [denied, false], [denied, false]]);
  });

  it('hooks inside report denials to the launcher over the audit socket; other event types are refused', async () => {
    const reports: SandboxReport[] = [];
    const send = (line: string) => `printf '%s\\n' ${shq(line)} | socat - UNIX-CONNECT:"$RINGLET_AUDIT_SOCKET"`;
    const r = await sh(policy, `${send(JSON.stringify({ type: 'sandbox-deny', data: { path: '/etc/x', error: 'EROFS' } }))}; ${send(JSON.stringify({ type: 'keychain-read', data: { alias: 'x' } }))}; echo x > "$RINGLET_AUDIT_SOCKET" 2>/dev/null || echo socket-ro`, { onReport: (x) => reports.push(x) });
    expect(r.stdout).toBe('ok\nrefused\nsocket-ro\n');
    expect(reports).toEqual([{ type: 'sandbox-deny', data: { path: '/etc/x', error: 'EROFS' } }]);
  });
});

describe('sandbox with real bwrap: terminal', () => {
  const tiocsti = `${PY} -c ${shq("import fcntl, termios\ntry:\n    fcntl.ioctl(0, termios.TIOCSTI, b'Z')\n    print('TIOCSTI-WORKED')\nexcept OSError as e:\n    print('TIOCSTI-BLOCKED', e.errno)")}`;

  it('a TIOCSTI injection attempt from inside fails (EPERM from the seccomp filter), on a real pty', () => {
    // Control: outside the sandbox the same program does inject, so the test can tell the difference.
    const outside = spawnSync('script', ['-qec', tiocsti, '/dev/null'], { encoding: 'utf8', timeout: 20_000 });
    expect(outside.stdout).toMatch(/TIOCSTI-WORKED/);
    const inside = spawnSync('script', ['-qec', launcher(['/bin/sh', '-c', tiocsti]), '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    expect(inside.stdout).toMatch(/TIOCSTI-BLOCKED 1\b/);
    expect(inside.stdout).not.toMatch(/TIOCSTI-WORKED/);
  });

  it('a window resize reaches the sandboxed process (SIGWINCH, new stty size)', async () => {
    const sock = `ringlet-test-${process.pid}`;
    const out = join(w.ws, 'size');
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const inner = `trap 'stty size > ${out}' WINCH; stty size > ${out}; while :; do sleep 0.05; done`;
    try {
      const started = tmux('new-session', '-d', '-s', 't', '-x', '80', '-y', '24', launcher(['/bin/sh', '-c', inner]));
      expect(started.status).toBe(0);
      const waitFor = async (want: string) => {
        for (let i = 0; i < 100; i++) {
          if (existsSync(out) && readFileSync(out, 'utf8').trim() === want) return true;
          await new Promise((r) => setTimeout(r, 100));
        }
        return false;
      };
      expect(await waitFor('24 80')).toBe(true);
      expect(tmux('resize-window', '-t', 't', '-x', '100', '-y', '30').status).toBe(0);
      expect(await waitFor('30 100')).toBe(true);
    } finally {
      tmux('kill-server');
    }
  });

  it('SIGTERM to the launcher reaches the sandboxed command (bwrap itself does not forward it)', async () => {
    const prepared = await prepareSandbox({ policy, env: testEnv(), command: ['/bin/sh', '-c', `trap 'echo got-term > ${w.ws}/term; exit 7' TERM; while :; do sleep 0.05; done`] });
    try {
      const sb = spawnSandbox(prepared, childEnv(), policy.cwd, ['ignore', 'ignore', 'ignore']);
      expect(await sb.ready).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      sb.signal('SIGTERM');
      const code = await new Promise((resolve) => sb.child.on('exit', (c) => resolve(c)));
      expect(code).toBe(7);
      expect(readFileSync(join(w.ws, 'term'), 'utf8')).toBe('got-term\n');
    } finally {
      await prepared.close();
    }
  });
});

describe('sandbox with real bwrap: inner sandboxes', () => {
  it('a nested bwrap (the agent\'s own sandbox) works by default and fails with inner-sandbox = false', async () => {
    const nested = 'bwrap --ro-bind / / --dev /dev --unshare-pid --unshare-net -- echo nested-ok';
    const r = await sh(policy, nested);
    expect(r.stdout).toBe('nested-ok\n');
    const off = await sh(mkPolicy({ manifestSandbox: { 'inner-sandbox': false } }), `${nested} || echo nested-refused`);
    expect(off.stdout).toBe('nested-refused\n');
  });
});

describe('sandbox with real bwrap: Codex\'s own sandbox inside ours', () => {
  const codex = join(ROOT, 'node_modules', '.bin', 'codex');
  it.runIf(existsSync(codex))('codex sandbox (workspace-write) works inside ours, and cannot start with inner-sandbox = false', async () => {
    const run = `${shq(codex)} sandbox -c 'sandbox_mode="workspace-write"' -- /bin/sh -c 'touch inner-ok && echo wrote; touch /etc/inner-x 2>/dev/null || echo etc-ro'`;
    // reveal: a checkout under /tmp would otherwise be hidden by the sandbox's private /tmp, as in profiles run.
    const r = await sh(mkPolicy({ reveal: [codex] }), run);
    expect(r.stdout).toBe('wrote\netc-ro\n');
    expect(existsSync(join(w.ws, 'inner-ok'))).toBe(true);
    const off = await sh(mkPolicy({ reveal: [codex], manifestSandbox: { 'inner-sandbox': false } }), `${run} || echo codex-sandbox-failed`);
    expect(off.stdout).toMatch(/codex-sandbox-failed/);
    expect(off.stdout).not.toMatch(/wrote/);
  }, 60_000);
});

describe('sandbox with real bwrap: fail closed', () => {
  const fakeBin = () => {
    const dir = mkdtempSync(join(base, 'bin-'));
    for (const tool of ['sh', 'true', 'touch']) spawnSync('ln', ['-s', `/bin/${tool}`, join(dir, tool)]);
    return dir;
  };

  it('reports bwrap missing, and the run refuses to start with one line naming the fix', async () => {
    const env = { PATH: fakeBin() };
    const c = checkSandbox({ env });
    expect(c).toMatchObject({ ok: false, reason: 'bubblewrap (bwrap) is not installed' });
    const marker = join(w.ws, 'ran-unsandboxed');
    await expect(prepareSandbox({ policy, command: ['touch', marker], env: { ...env, RINGLET_HOME: w.rh } })).rejects.toThrow(/^cannot sandbox this run: bubblewrap \(bwrap\) is not installed; fix: install it: sudo apt install bubblewrap.*never runs it unsandboxed/);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a bwrap that cannot create namespaces, and one that is too old', async () => {
    const dir = fakeBin();
    const fake = join(dir, 'bwrap');
    writeFileSync(fake, '#!/bin/sh\nif [ "$1" = --version ]; then echo "bubblewrap 0.8.0"; exit 0; fi\necho "bwrap: setting up uid map: Operation not permitted" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const c = checkSandbox({ env: { PATH: dir } });
    expect(c.ok).toBe(false);
    expect(c.reason).toMatch(/Operation not permitted/);
    expect(c.fix).toMatch(/user namespaces/);
    await expect(prepareSandbox({ policy, command: ['true'], env: { PATH: dir, RINGLET_HOME: w.rh } })).rejects.toThrow(/^cannot sandbox this run: .*Operation not permitted\); fix: /);

    writeFileSync(fake, '#!/bin/sh\necho "bubblewrap 0.3.1"\n');
    expect(checkSandbox({ env: { PATH: dir } })).toMatchObject({ ok: false, reason: expect.stringMatching(/0\.3\.1 is too old/) });
  });

  it('a bwrap that fails at start makes runSandboxed reject instead of pretending the command ran', async () => {
    const check = checkSandbox();
    const marker = join(w.ws, 'ran-anyway');
    // A cached pass that is no longer true must not survive the failed start.
    mkdirSync(join(w.rh, 'cache'), { recursive: true });
    writeFileSync(join(w.rh, 'cache', 'sandbox-check.json'), '{}');
    // A policy whose writable root does not exist: bwrap fails while setting up the mounts.
    const broken = { ...policy, writable: [...policy.writable, join(base, 'missing-dir')] };
    const prepared = await prepareSandbox({ policy: broken, command: ['touch', marker], check });
    try {
      await expect(runSandboxed(prepared, childEnv(), policy.cwd)).rejects.toThrow(/the sandbox did not start/);
    } finally {
      await prepared.close();
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(w.rh, 'cache', 'sandbox-check.json'))).toBe(false);
  });
});

describe('sandbox start-up', () => {
  it('checkSandboxCached probes once per bwrap and kernel, then answers from the cache', async () => {
    const { checkSandboxCached } = await import('../../src/sandbox/check.js');
    const env = { ...process.env, RINGLET_HOME: join(base, 'cache-home') };
    const first = checkSandboxCached({ env });
    expect(first.ok).toBe(true);
    const file = join(base, 'cache-home', 'cache', 'sandbox-check.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).result.ok).toBe(true);
    const t = performance.now();
    expect(checkSandboxCached({ env })).toMatchObject({ ok: true, version: first.version });
    expect(performance.now() - t).toBeLessThan(first.ok ? 50 : 0);
    // A missing bwrap is never answered from the cache.
    expect(checkSandboxCached({ env: { ...env, PATH: '/nonexistent' } }).ok).toBe(false);
  });

  it('checkSandbox passes here and the added start-up of a sandboxed `true` is small', async () => {
    const c = checkSandbox();
    expect(c).toMatchObject({ ok: true, platform: 'linux' });
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await sandboxed(policy, ['true']);
    const per = (performance.now() - t0) / 5;
    // Generous bound for a shared 2-core machine; bench/sandbox.mjs measures it properly.
    expect(per).toBeLessThan(500);
  });
});


describe('runProfileSandboxed (what profiles run calls)', () => {
  it('runs the command sandboxed and records proxy refusals and hook reports in the audit log under the profile', async () => {
    const { runProfileSandboxed } = await import('../../src/sandbox/index.js');
    const { queryAudit, closeAudit } = await import('../../src/audit/store.js');
    rmSync(join(w.rh, 'audit.db'), { force: true }); // the fake secret of the read tests: a real log from here on
    const denied = await httpServer('denied');
    const manifest = { agent: 'claude', provider: 'anthropic', sandbox: { network: ['example.com'] } };
    writeFileSync(join(w.profileDir, 'ringlet.toml'), 'agent = "claude"\n');
    const report = JSON.stringify({ type: 'hook-deny', data: { hook: 'no-rm', tool: 'Bash', reason: 'rm -rf /' } });
    const code = await runProfileSandboxed({
      profile: { name: 'work', dir: w.profileDir, home: w.profileHome, manifest },
      command: ['/bin/sh', '-c', `curl -s --noproxy '' -x "$HTTP_PROXY" -o /dev/null http://localhost:${denied}/; printf '%s\\n' '${report}' | socat - UNIX-CONNECT:"$RINGLET_AUDIT_SOCKET" >/dev/null; touch ${w.ws}/ran; exit 3`],
      childEnv: childEnv(),
      cwd: w.ws,
      env: { ...process.env, RINGLET_HOME: w.rh, XDG_CONFIG_HOME: join(base, 'config'), HOME: w.realHome },
    });
    expect(code).toBe(3);
    expect(existsSync(join(w.ws, 'ran'))).toBe(true);
    const rows = queryAudit({ file: join(w.rh, 'audit.db') });
    closeAudit();
    expect(rows.map((r) => [r.type, r.profile, r.data.kind ?? r.data.hook])).toEqual([
      ['sandbox-deny', 'work', 'network'],
      ['hook-deny', 'work', 'no-rm'],
    ]);
    expect(rows[0].data).toMatchObject({ host: 'localhost', port: denied });
  });
});
