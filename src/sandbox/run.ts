import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { UserError, EXIT } from '../errors.js';
import { bwrapArgv } from './bwrap.js';
import { checkSandbox, checkSandboxCached, forgetSandboxCheck, type SandboxCheck } from './check.js';
import { startSandboxNetwork, type SandboxReport } from './network.js';
import type { ProxyDecision } from './connect-proxy.js';
import { summarizePolicy, UNSET_IN_SANDBOX, type SandboxPolicy } from './policy.js';
import { tiocstiFilter } from './seccomp.js';
import { findExecutable } from './which.js';

/** fds the sandboxed spawn passes to bwrap: the seccomp program in, the child pid out, "about to exec" out. */
const SECCOMP_FD = 3;
const INFO_FD = 4;
const READY_FD = 5;

export interface PreparedSandbox {
  /** argv[0] is bwrap; pass to spawnSandboxed (or spawn with the fds documented there). */
  argv: string[];
  /** Merge into the child's environment (proxy variables, audit socket, TMPDIR, the policy summary). */
  env: Record<string, string>;
  /** Remove these from the child's environment (sockets the sandbox hides, the display). spawnSandbox does both. */
  unset: string[];
  check: SandboxCheck;
  close(): Promise<void>;
}

/** The one line a refused sandboxed run prints: what is wrong and the fix. */
export function refusal(check: SandboxCheck): UserError {
  return new UserError(`cannot sandbox this run: ${check.reason}; fix: ${check.fix} (ringlet never runs it unsandboxed instead)`, EXIT.unavailable);
}

/**
 * Everything a sandboxed run needs before the spawn: the availability check (throws the refusal when the
 * sandbox cannot work here), the socket bridges for the meter/proxy/audit, and the bwrap argv.
 * Call close() after the child exits.
 */
export async function prepareSandbox(opts: {
  policy: SandboxPolicy;
  command: string[];
  meterPort?: number;
  env?: NodeJS.ProcessEnv;
  /** A result to use instead of checking (default: checkSandboxCached, which probes once per bwrap/kernel). */
  check?: SandboxCheck;
  /** In-sandbox bridge: socat when on PATH (fast), else node. */
  bridge?: 'auto' | 'socat' | 'node';
  onReport?: (r: SandboxReport) => void;
  onProxyDecision?: (d: ProxyDecision) => void;
}): Promise<PreparedSandbox> {
  const env = opts.env ?? process.env;
  const check = opts.check ?? checkSandboxCached({ env });
  if (!check.ok) throw refusal(check);
  if (process.platform !== 'linux') throw new UserError('the sandbox runner is Linux-only here; on macOS use the seatbelt profile (src/sandbox/seatbelt.ts)', EXIT.unavailable);
  const net = await startSandboxNetwork(opts.policy, { meterPort: opts.meterPort ?? opts.policy.meterPort, onReport: opts.onReport, onProxyDecision: opts.onProxyDecision });
  try {
    const want = opts.bridge ?? 'auto';
    const socat = want !== 'node' ? check.socat ?? findExecutable('socat', env.PATH ?? '') : undefined;
    if (want === 'socat' && !socat) throw new UserError('socat is not installed (needed for --bridge socat)', EXIT.unavailable);
    const bridgeTool = socat ? { kind: 'socat' as const, path: socat } : { kind: 'node' as const, path: process.execPath };
    const argv = bwrapArgv(opts.policy, opts.command, {
      bwrap: check.bwrap,
      seccompFd: SECCOMP_FD,
      infoFd: INFO_FD,
      readyFd: READY_FD,
      disableUserns: check.disableUserns,
      runDir: net.runDir,
      bridges: net.bridges,
      bridgeTool,
    });
    return {
      argv,
      env: {
        ...net.env,
        RINGLET_SANDBOX: '1',
        RINGLET_SANDBOX_POLICY: JSON.stringify(summarizePolicy(opts.policy)),
        // The user's TMPDIR may point outside the private /tmp, where nothing is writable.
        TMPDIR: '/tmp',
      },
      unset: [...UNSET_IN_SANDBOX],
      check,
      close: net.close,
    };
  } catch (err) {
    await net.close();
    throw err;
  }
}

/** Pids of the sandboxed command: the children of bwrap's init (pid 1 inside), from the host's /proc. */
export function sandboxedPids(initPid: number): number[] {
  try {
    return readFileSync(`/proc/${initPid}/task/${initPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export interface SandboxChild {
  child: ChildProcess;
  /**
   * Resolves once the sandbox is set up and the command is being exec'd, to the pid of bwrap's init (the
   * sandbox's pid 1, seen from outside); to undefined if bwrap failed before that (it printed why on stderr).
   */
  ready: Promise<number | undefined>;
  /** Deliver a signal to the sandboxed command (bwrap itself does not forward signals). */
  signal(sig: NodeJS.Signals): void;
}

/**
 * Spawn the prepared argv with the seccomp program on fd 3, bwrap's info on fd 4 and the ready byte on fd 5.
 * stdin/stdout/stderr as given (default: inherited — the agent keeps the terminal: SIGWINCH and Ctrl-C reach
 * it, TIOCSTI is filtered).
 */
export function spawnSandbox(prepared: PreparedSandbox, env: Record<string, string>, cwd: string, stdio: ('inherit' | 'pipe' | 'ignore')[] = ['inherit', 'inherit', 'inherit']): SandboxChild {
  const childEnv: Record<string, string> = { ...env, ...prepared.env };
  for (const k of prepared.unset) delete childEnv[k];
  const child = spawn(prepared.argv[0], prepared.argv.slice(1), { env: childEnv, cwd, stdio: [...stdio, 'pipe', 'pipe', 'pipe'] });
  const seccompIn = child.stdio[SECCOMP_FD] as Writable;
  seccompIn.on('error', () => {});
  seccompIn.end(tiocstiFilter());
  let initPid: number | undefined;
  const info = child.stdio[INFO_FD] as Readable;
  info.setEncoding('utf8');
  info.on('data', (d: string) => {
    const m = /"child-pid"\s*:\s*(\d+)/.exec(d);
    if (m && initPid === undefined) initPid = Number(m[1]);
  });
  info.on('error', () => {});
  // bwrap's own processes keep fd 5 open until the end: resolve on the byte, not on close.
  const readyPipe = (child.stdio as unknown as Readable[])[READY_FD];
  const ready = new Promise<number | undefined>((resolve) => {
    readyPipe.on('data', () => resolve(initPid ?? 0));
    readyPipe.on('error', () => resolve(undefined));
    readyPipe.on('close', () => resolve(undefined));
  });
  const signal = (sig: NodeJS.Signals) => {
    const pids = initPid ? sandboxedPids(initPid) : [];
    // The first child of the init is the command (bridges are reparented to the init later).
    if (pids.length) {
      try {
        process.kill(pids[0], sig);
        return;
      } catch {
        /* gone: fall through */
      }
    }
    child.kill(sig);
  };
  return { child, ready, signal };
}

/**
 * `profiles run --sandbox`'s spawn: like spawnInherited, but under bwrap. Resolves to the command's exit
 * status (128+n for a signal death); rejects with a UserError when the sandbox itself failed to start, so a
 * sandboxed run never silently becomes something else.
 */
export async function runSandboxed(prepared: PreparedSandbox, env: Record<string, string>, cwd: string): Promise<number> {
  const sb = spawnSandbox(prepared, env, cwd);
  const fromTerminal = new Set<NodeJS.Signals>(process.stdin.isTTY ? ['SIGINT', 'SIGQUIT'] : []);
  const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];
  const handlers = forwarded.map((sig) => {
    const h = () => {
      // With a terminal, Ctrl-C already reached the sandboxed processes: they share our process group.
      if (!fromTerminal.has(sig)) sb.signal(sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    const [status, started] = await Promise.all([
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        sb.child.on('error', (err) => reject(new UserError(`could not start bwrap: ${err.message}`, 126)));
        sb.child.on('exit', (code, signal) => resolve({ code, signal }));
      }),
      sb.ready,
    ]);
    if (started === undefined) {
      // Maybe the machine changed since the cached check: run the full one to name the fix.
      forgetSandboxCheck(env);
      const check = checkSandbox({ env: { ...process.env, ...env } });
      if (!check.ok) throw refusal(check);
      throw new UserError(`the sandbox did not start (bwrap exited ${status.code ?? status.signal}); nothing ran — see bwrap's message above, or run: ringlet sandbox check`, EXIT.unavailable);
    }
    if (status.signal) return 128 + (osConstants.signals[status.signal] ?? 0);
    return status.code ?? 0;
  } finally {
    handlers.forEach(([sig, h]) => process.off(sig, h));
  }
}
