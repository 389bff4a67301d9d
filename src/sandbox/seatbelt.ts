import { mountPlan } from './bwrap.js';
import type { SandboxPolicy } from './policy.js';

/**
 * The macOS counterpart of bwrapArgv: a `sandbox-exec -p PROFILE` profile (SBPL) for the same policy. Pure
 * and unit-tested on its text only — it is NOT exercised on Linux CI, and nobody has run it on a Mac yet.
 *
 * SBPL applies the last matching rule, so emitting rules in mountPlan order (parents before children) gives
 * the same "most specific path wins" meaning as the bwrap mounts. Differences from Linux: no private /tmp
 * (the run gets `tmpDir` instead), no pid namespace, no TIOCSTI filter (SBPL cannot match ioctl numbers), and
 * no network namespace: network is cut by rules, leaving loopback to the meter's (and proxy's) port only.
 */
export interface SeatbeltOptions {
  /** A private, writable temp dir for the run (TMPDIR). */
  tmpDir?: string;
  meterPort?: number;
  /** The CONNECT proxy's loopback port in allow-list mode (on macOS it listens on TCP, not a Unix socket). */
  proxyPort?: number;
}

/** An SBPL string literal. */
export const sbplString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function seatbeltProfile(policy: SandboxPolicy, opts: SeatbeltOptions = {}): string {
  const L: string[] = [
    '(version 1)',
    '(deny default)',
    `; ringlet sandbox for profile ${policy.profile}`,
    '(allow process-exec process-fork)',
    '(allow process-info* (target same-sandbox))',
    '(allow signal (target same-sandbox))',
    '(allow sysctl-read)',
    '(allow mach-lookup)',
    '(allow ipc-posix-shm ipc-posix-sem)',
    '(allow user-preference-read)',
    '(allow iokit-open (iokit-registry-entry-class "IOSurfaceRootUserClient"))',
    '',
    '; The whole filesystem is readable; what follows narrows it, most specific path last.',
    '(allow file-read*)',
    '(allow file-read* file-write* (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty") (regex #"^/dev/ttys[0-9]+$") (literal "/dev/ptmx"))',
    '(allow file-ioctl (literal "/dev/tty") (regex #"^/dev/ttys[0-9]+$") (literal "/dev/ptmx"))',
    '(allow pseudo-tty)',
  ];
  if (opts.tmpDir) L.push(`(allow file-read* file-write* (subpath ${sbplString(opts.tmpDir)}))`);
  for (const m of mountPlan(policy)) {
    const p = sbplString(m.path);
    switch (m.kind) {
      case 'tmpfs':
        break; // no private /tmp on macOS: the run's tmpDir above instead
      case 'rw':
        L.push(`(allow file-read* file-write* (subpath ${p}))`);
        break;
      case 'pin':
        L.push(`(allow file-read* file-write* (subpath ${p}))`, `(deny file-write-unlink (literal ${p}))`);
        break;
      case 'ro':
        L.push(`(allow file-read* (subpath ${p}))`, `(deny file-write* (subpath ${p}))`);
        break;
      case 'hide-dir':
        L.push(`(deny file-read* file-write* (subpath ${p}))`);
        break;
      case 'hide-file':
        L.push(`(deny file-read* file-write* (literal ${p}))`);
        break;
    }
  }
  L.push('', '; Network');
  if (policy.network.mode === 'on') {
    L.push('(allow network*)');
  } else {
    // The meter (and in allow-list mode the CONNECT proxy, which enforces the host names) on loopback only.
    for (const port of [opts.meterPort ?? policy.meterPort, policy.network.mode === 'allow' ? opts.proxyPort : undefined]) {
      if (port) L.push(`(allow network-outbound (remote ip ${sbplString(`localhost:${port}`)}))`);
    }
  }
  return L.join('\n') + '\n';
}
