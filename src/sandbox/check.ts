import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { paths } from '../config/paths.js';
import { findExecutable } from './which.js';
import { seccompSupported, tiocstiFilter } from './seccomp.js';

export interface SandboxCheck {
  ok: boolean;
  /** One line: what is wrong. */
  reason?: string;
  /** One line: what the user can do about it. */
  fix?: string;
  platform: NodeJS.Platform;
  bwrap?: string;
  version?: string;
  /** bwrap ≥ 0.8: --disable-userns (used when the profile turns the agent's inner sandbox off). */
  disableUserns?: boolean;
  /** socat on PATH: the fast in-sandbox network bridge (node is the fallback). */
  socat?: string;
}

/** The oldest bwrap with every option bwrapArgv uses (--ro-bind-try, --unshare-cgroup-try, --info-fd, --cap-drop). */
export const MIN_BWRAP = '0.4.0';

const cmpVersion = (a: string, b: string) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

const readSysctl = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Turn a failed probe into a reason and the fix for this machine. */
export function diagnoseProbe(stderr: string, sysctl: (p: string) => string | undefined = readSysctl): { reason: string; fix: string } {
  const line = stderr.split('\n').find((l) => l.trim()) ?? 'bwrap failed';
  if (sysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return {
      reason: `AppArmor restricts unprivileged user namespaces (${line.trim()})`,
      fix: 'allow them for bwrap with an AppArmor profile (see docs/sandbox.md), or: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
    };
  }
  if (sysctl('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
    return { reason: `unprivileged user namespaces are disabled (${line.trim()})`, fix: 'sudo sysctl -w kernel.unprivileged_userns_clone=1' };
  }
  if (sysctl('/proc/sys/user/max_user_namespaces') === '0') {
    return { reason: `user namespaces are disabled (${line.trim()})`, fix: 'sudo sysctl -w user.max_user_namespaces=15000' };
  }
  if (/Operation not permitted|Permission denied|No permissions/i.test(stderr)) {
    return {
      reason: `bwrap cannot create namespaces here (${line.trim()})`,
      fix: 'enable unprivileged user namespaces (inside a container, run it with --security-opt seccomp=unconfined or privileged)',
    };
  }
  return { reason: `the bwrap probe failed (${line.trim()})`, fix: 'run `bwrap --ro-bind / / --unshare-all true` to see why, or use --no-sandbox for a local run' };
}

/**
 * Whether a sandboxed run can start on this machine: bwrap present and new enough, and a probe with the
 * same namespaces and seccomp filter the real run uses succeeds. Never throws; a run that must be sandboxed
 * refuses to start when `ok` is false (see docs/sandbox.md).
 */
export function checkSandbox(opts: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {}): SandboxCheck {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  if (platform === 'darwin') {
    const se = findExecutable('sandbox-exec', env.PATH ?? '/usr/bin:/bin');
    return se
      ? { ok: true, platform, bwrap: se }
      : { ok: false, platform, reason: 'sandbox-exec not found', fix: 'sandbox-exec ships with macOS in /usr/bin; check PATH' };
  }
  if (platform !== 'linux') return { ok: false, platform, reason: `no sandbox for ${platform}`, fix: 'run without --sandbox (remote sessions need Linux or macOS)' };

  const bwrap = findExecutable('bwrap', env.PATH ?? '');
  const socat = findExecutable('socat', env.PATH ?? '');
  if (!bwrap) return { ok: false, platform, socat, reason: 'bubblewrap (bwrap) is not installed', fix: 'install it: sudo apt install bubblewrap (Debian/Ubuntu), sudo dnf install bubblewrap (Fedora)' };

  const v = spawnSync(bwrap, ['--version'], { encoding: 'utf8', timeout: 5000 });
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(v.stdout ?? '')?.[1];
  if (v.status !== 0 || !version) {
    return { ok: false, platform, bwrap, socat, reason: `${bwrap} --version failed${v.stderr ? `: ${v.stderr.trim().split('\n')[0]}` : ''}`, fix: 'reinstall bubblewrap' };
  }
  const base = { platform, bwrap, version, socat, disableUserns: cmpVersion(version, '0.8.0') >= 0 };
  if (cmpVersion(version, MIN_BWRAP) < 0) {
    return { ok: false, ...base, reason: `bubblewrap ${version} is too old (ringlet needs ${MIN_BWRAP} or newer)`, fix: 'upgrade bubblewrap from your distribution' };
  }
  if (!seccompSupported()) {
    return { ok: false, ...base, reason: `no TIOCSTI seccomp filter for ${process.arch}`, fix: 'the sandbox supports x64 and arm64 Linux' };
  }

  // The probe: the namespaces, capability drop and seccomp filter of a real run, with the filter on stdin.
  const probe = spawnSync(
    bwrap,
    ['--die-with-parent', '--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--cap-drop', 'ALL',
      '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--seccomp', '0', '--', 'true'],
    { input: tiocstiFilter(), encoding: 'utf8', timeout: 10_000 },
  );
  if (probe.status !== 0) return { ok: false, ...base, ...diagnoseProbe(probe.stderr || String(probe.error ?? '')) };
  return { ok: true, ...base };
}

interface CacheEntry { bwrap: string; mtimeMs: number; size: number; kernel: string; result: SandboxCheck }

const cacheFile = (env: NodeJS.ProcessEnv) => join(paths.cacheDir(env), 'sandbox-check.json');

/**
 * checkSandbox() without its ~10 ms of processes on the hot path: a passing result is remembered (in
 * RINGLET_HOME/cache) for the same bwrap binary and kernel. Safe because it cannot make a run unsandboxed:
 * if namespaces were disabled since, bwrap fails to start, runSandboxed notices (the ready fd) and re-runs
 * the full check to name the fix. Only `ok` results are cached.
 */
export function checkSandboxCached(opts: { env?: NodeJS.ProcessEnv } = {}): SandboxCheck {
  const env = opts.env ?? process.env;
  if (process.platform !== 'linux') return checkSandbox({ env });
  const bwrap = findExecutable('bwrap', env.PATH ?? '');
  if (bwrap) {
    try {
      const st = statSync(bwrap);
      const c = JSON.parse(readFileSync(cacheFile(env), 'utf8')) as CacheEntry;
      if (c.bwrap === bwrap && c.mtimeMs === st.mtimeMs && c.size === st.size && c.kernel === release() && c.result.ok) {
        // socat may have been installed or removed since: that part is a PATH lookup, so redo it.
        return { ...c.result, socat: findExecutable('socat', env.PATH ?? '') };
      }
    } catch {
      /* no cache yet */
    }
  }
  const result = checkSandbox({ env });
  if (result.ok && result.bwrap) {
    try {
      const st = statSync(result.bwrap);
      mkdirSync(paths.cacheDir(env), { recursive: true, mode: 0o700 });
      const entry: CacheEntry = { bwrap: result.bwrap, mtimeMs: st.mtimeMs, size: st.size, kernel: release(), result };
      writeFileSync(cacheFile(env), JSON.stringify(entry));
    } catch {
      /* a cache is optional */
    }
  }
  return result;
}

/** Forget a cached pass (after a sandbox failed to start). */
export function forgetSandboxCheck(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(cacheFile(env), { force: true });
}
