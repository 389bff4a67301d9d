import { shellWord as shq } from '../shell/quote.js';
import { isUnder, type SandboxPolicy } from './policy.js';

/** Where the per-run socket directory appears inside the sandbox (under the private /tmp). */
export const SANDBOX_RUN_DIR = '/tmp/.ringlet-sandbox';

/** A loopback TCP port inside the sandbox forwarded to a Unix socket in the run directory. */
export interface Bridge {
  port: number;
  /** File name inside the run directory. */
  socket: string;
}

export interface BwrapOptions {
  /** The bwrap binary (absolute path). */
  bwrap?: string;
  /** fd from which bwrap reads the compiled seccomp program (see seccomp.ts). */
  seccompFd?: number;
  /** fd on which bwrap writes `{"child-pid": N}`, so the launcher can forward signals. */
  infoFd?: number;
  /**
   * fd on which the sandbox writes one byte just before exec'ing the command, then closes. bwrap reports the
   * child pid before it sets up the mounts, so this is how the launcher tells "the sandbox failed to start"
   * from "the command failed". Costs one /bin/sh start (~1 ms).
   */
  readyFd?: number;
  /** bwrap ≥ 0.8 understands --disable-userns. */
  disableUserns?: boolean;
  /** Host directory holding the run's Unix sockets; bound read-only at SANDBOX_RUN_DIR. */
  runDir?: string;
  /** Listeners the sandbox needs when it has no network of its own (the meter, the CONNECT proxy). */
  bridges?: Bridge[];
  /** How to run the bridges inside: socat is ~2 ms to start, node ~100 ms (but always present). */
  bridgeTool?: { kind: 'socat' | 'node'; path: string };
  /** Shell used to start the bridges before exec'ing the command. */
  shell?: string;
}

type Mount = { path: string; kind: 'rw' | 'ro' | 'pin' | 'hide-file' | 'hide-dir' | 'tmpfs' };

const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);
/** At the same path the last mount wins: hiding beats read-only beats writable. */
const rank: Record<Mount['kind'], number> = { tmpfs: 0, rw: 1, pin: 2, ro: 3, 'hide-dir': 4, 'hide-file': 4 };

/**
 * The policy's mounts in the order bwrap must apply them: parents before children (so `--tmpfs /tmp` comes
 * before a workspace under /tmp, and a read-only `.git/hooks` after its writable workspace), one mount per path.
 */
export function mountPlan(policy: SandboxPolicy): Mount[] {
  const byPath = new Map<string, Mount>();
  const add = (m: Mount) => {
    const prev = byPath.get(m.path);
    if (!prev || rank[m.kind] >= rank[prev.kind]) byPath.set(m.path, m);
  };
  add({ path: '/tmp', kind: 'tmpfs' });
  for (const p of policy.writable) add({ path: p, kind: 'rw' });
  for (const p of policy.pinned) add({ path: p, kind: 'pin' });
  for (const p of policy.readOnly) add({ path: p, kind: 'ro' });
  for (const h of policy.hidden) add({ path: h.path, kind: h.dir ? 'hide-dir' : 'hide-file' });
  // A hidden path under another hidden one, with nothing revealed in between, is already gone.
  const mounts = [...byPath.values()].sort((a, b) => depth(a.path) - depth(b.path) || rank[a.kind] - rank[b.kind] || (a.path < b.path ? -1 : 1));
  return mounts.filter((m, i) => {
    if (m.kind !== 'hide-dir' && m.kind !== 'hide-file') return true;
    const parent = mounts.slice(0, i).reverse().find((o) => o.path !== m.path && isUnder(m.path, o.path));
    return !(parent && (parent.kind === 'hide-dir'));
  });
}

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** sh-quote one word. */
export { shq };

/**
 * The shell run inside the sandbox before the command (when bridges or a ready fd are needed): start the listeners
 * (double-forked, so they are the sandbox init's children rather than the agent's), wait until each port
 * is listening (read from /proc/net/tcp with shell builtins, no extra process per check), then exec.
 */
export function bridgeScript(bridges: Bridge[], tool: NonNullable<BwrapOptions['bridgeTool']> | undefined, readyFd?: number): string {
  const sock = (b: Bridge) => `${SANDBOX_RUN_DIR}/${b.socket}`;
  const ready = readyFd === undefined ? ['exec "$@"'] : [`printf 1 >&${readyFd}`, `exec "$@" ${readyFd}>&-`];
  if (!bridges.length || !tool) return ready.join('\n');
  const start =
    tool.kind === 'socat'
      ? bridges.map((b) => `(${shq(tool.path)} TCP-LISTEN:${b.port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${shq(sock(b))} </dev/null >/dev/null 2>&1 &)`)
      : [`(${shq(tool.path)} -e ${shq(NODE_BRIDGE)} ${bridges.map((b) => `${b.port} ${shq(sock(b))}`).join(' ')} </dev/null >/dev/null 2>&1 &)`];
  const want = bridges.map((b) => `0100007F:${hex4(b.port)}`).join(' ');
  return [
    ...start,
    // Shell variables are global: up() must not reuse the loop's name.
    'up() { while read -r _ _l _ _s _; do [ "$_l" = "$1" ] && [ "$_s" = 0A ] && return 0; done </proc/net/tcp; return 1; }',
    `_n=0; for _p in ${want}; do until up "$_p"; do _n=$((_n+1)); if [ $_n -gt 1000 ]; then echo 'ringlet: the sandbox network bridge did not start' >&2; exit 125; fi; sleep 0.005 2>/dev/null || :; done; done`,
    ...ready,
  ].join('\n');
}

/** One node process serving every bridge: `node -e NODE_BRIDGE PORT SOCKET [PORT SOCKET…]`. */
export const NODE_BRIDGE =
  "const net=require('net');const a=process.argv.slice(1);for(let i=0;i<a.length;i+=2){const s=a[i+1];" +
  "net.createServer((c)=>{const u=net.connect(s);c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(+a[i],'127.0.0.1');}";

/**
 * The full bwrap command line for running `command` under `policy`. Pure: everything it needs is in the
 * policy (resolved paths) and the options (fds, bridges), so tests can check it word by word.
 */
export function bwrapArgv(policy: SandboxPolicy, command: string[], opts: BwrapOptions = {}): string[] {
  if (!command.length) throw new Error('bwrapArgv: empty command');
  const a: string[] = [opts.bwrap ?? 'bwrap'];
  a.push('--die-with-parent');
  // Always a user namespace. As root, a uid-0 sandbox cannot start a nested bwrap (it tries its privileged
  // path and fails once capabilities are dropped); mapped to 1000 it takes the user-namespace path and works.
  a.push('--unshare-user');
  if (policy.innerSandbox) {
    if (policy.uid === 0) a.push('--uid', '1000', '--gid', '1000');
  } else if (opts.disableUserns) {
    a.push('--disable-userns');
  }
  a.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try');
  if (policy.network.mode !== 'on') a.push('--unshare-net');
  // As root the sandboxed process would otherwise keep every capability (and could remount / read-write).
  a.push('--cap-drop', 'ALL');
  a.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  // bwrap leaves the new /proc/sys writable (it only covers dirs it finds writable, and /proc/sys itself is
  // 0555 while its files are 0644): a uid-0 sandbox could then set kernel.core_pattern for the whole host.
  a.push('--ro-bind', '/proc/sys', '/proc/sys', '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger');

  const remountRo: string[] = [];
  for (const m of mountPlan(policy)) {
    switch (m.kind) {
      case 'tmpfs':
        a.push('--tmpfs', m.path);
        break;
      case 'rw':
      case 'pin':
        a.push('--bind', m.path, m.path);
        break;
      case 'ro':
        a.push('--ro-bind', m.path, m.path);
        break;
      case 'hide-file':
        a.push('--ro-bind', '/dev/null', m.path);
        break;
      case 'hide-dir':
        // Read-only only after everything revealed inside it has its mount point.
        a.push('--tmpfs', m.path);
        remountRo.push(m.path);
        break;
    }
  }
  // Read-only is enough to connect to the sockets, and stops the agent from replacing them.
  if (opts.runDir) a.push('--ro-bind', opts.runDir, SANDBOX_RUN_DIR);
  for (const p of remountRo) a.push('--remount-ro', p);
  a.push('--chdir', policy.cwd);
  if (opts.seccompFd !== undefined) a.push('--seccomp', String(opts.seccompFd));
  if (opts.infoFd !== undefined) a.push('--info-fd', String(opts.infoFd));
  a.push('--');
  const bridges = policy.network.mode === 'on' ? [] : opts.bridges ?? [];
  if (bridges.length && (!opts.bridgeTool || !opts.runDir)) throw new Error('bwrapArgv: bridges need runDir and bridgeTool');
  if (bridges.length || opts.readyFd !== undefined) {
    a.push(opts.shell ?? '/bin/sh', '-c', bridgeScript(bridges, opts.bridgeTool, opts.readyFd), 'ringlet-sandbox');
  }
  a.push(...command);
  return a;
}
