import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError, EXIT } from '../errors.js';
import { paths, ringletHome } from '../config/paths.js';
import { loadConfig } from '../config/config.js';
import { VERSION } from '../version.js';
import { baseUrl, daemonAddress, formatHostPort, type ListenAddress } from './address.js';
import { daemonFiles } from './files.js';
import { ensureToken, readToken } from './token.js';
import { probe, type Probe } from './probe.js';
import { ringletBin } from '../config/install.js';
import { DaemonClient, type Endpoint } from './client.js';

const START_TIMEOUT_MS = 15_000;
/** A lock older than this is stale whoever holds it: starting a daemon takes well under a second. */
const LOCK_STALE_MS = 20_000;

export interface LocalDaemon {
  address: ListenAddress;
  url: string;
  pid: number;
  version: string;
  /** True when this call started it. */
  started: boolean;
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether pid is a `ringlet daemon` process (a recycled pid must not be trusted, let alone signalled). */
export function isDaemonProcess(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  let argv: string[];
  try {
    if (process.platform === 'linux') argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    else argv = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
  } catch {
    return false;
  }
  const i = argv.findIndex((a) => /(^|\/)ringlet(\.mjs)?$/.test(a));
  return i >= 0 && argv[i + 1] === 'daemon';
}

function tlsConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(loadConfig(env).daemon?.['tls-cert']);
}

/** Reads the pid file; a pid that is not a live ringlet daemon is stale: the file is removed. */
export function readPidFile(env: NodeJS.ProcessEnv = process.env): { pid: number; listen?: string; stale: boolean } | undefined {
  const file = daemonFiles.pid(env);
  if (!existsSync(file)) return undefined;
  let pid = 0;
  let listen: string | undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    pid = Number(v.pid);
    listen = v.listen;
  } catch {
    /* torn or foreign: stale */
  }
  if (isDaemonProcess(pid)) return { pid, listen, stale: false };
  try {
    unlinkSync(file);
  } catch {
    /* raced with another cleaner */
  }
  return { pid, listen, stale: true };
}

/** The local daemon's endpoint (token from the token file); undefined when none answers. */
export async function localEndpoint(env: NodeJS.ProcessEnv = process.env): Promise<Endpoint | undefined> {
  const address = daemonAddress(env);
  const p = await probe(address, { tls: tlsConfigured(env) });
  if (p.kind !== 'ringlet') return undefined;
  const token = readToken(env);
  if (!token) throw new UserError(`the daemon on ${formatHostPort(address.host, address.port)} runs but ${paths.httpToken(env)} is missing; run: ringlet daemon rotate-token`, EXIT.config);
  return { name: 'local', url: baseUrl(address, tlsConfigured(env)), token };
}

function endpointFor(address: ListenAddress, env: NodeJS.ProcessEnv): Endpoint {
  return { name: 'local', url: baseUrl(address, tlsConfigured(env)), token: ensureToken(env) };
}

/** Tries to create the start lock; clears a stale one (holder dead, or too old) and tries again. */
function tryLock(env: NodeJS.ProcessEnv): boolean {
  const file = daemonFiles.lock(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, ts: Date.now() }));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = { pid: 0, ts: 0 };
    try {
      holder = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Being written this very moment, or torn by a crash: judge by age.
      try {
        holder = { pid: -1, ts: statSync(file).mtimeMs };
      } catch {
        continue;
      }
    }
    const stale = (holder.pid !== -1 && !pidAlive(holder.pid)) || Date.now() - holder.ts > LOCK_STALE_MS;
    if (!stale) return false;
    try {
      unlinkSync(file);
    } catch {
      /* another client cleared it first */
    }
  }
  return false;
}

function releaseLock(env: NodeJS.ProcessEnv): void {
  try {
    const holder = JSON.parse(readFileSync(daemonFiles.lock(env), 'utf8'));
    if (holder.pid === process.pid) unlinkSync(daemonFiles.lock(env));
  } catch {
    /* not ours, or gone */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logTail(env: NodeJS.ProcessEnv): string {
  try {
    const lines = readFileSync(paths.daemonLog(env), 'utf8').trim().split('\n');
    return lines[lines.length - 1] ?? '';
  } catch {
    return '';
  }
}

/** Environment for a lazily started daemon: the client's, minus what belongs to one profile run. */
function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of ['RINGLET_PROFILE', 'RINGLET_AGENT', 'RINGLET_PROVIDER']) delete out[k];
  return out;
}

function spawnDaemon(env: NodeJS.ProcessEnv): { exited: () => number | null } {
  const logFile = paths.daemonLog(env);
  mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
  const fd = openSync(logFile, 'a', 0o600);
  let code: number | null = null;
  try {
    // Its own process group and session: a closing terminal or Ctrl-C in this shell does not reach it.
    const child = spawn(process.execPath, [ringletBin(), 'daemon'], { detached: true, stdio: ['ignore', fd, fd], env: daemonEnv(env), cwd: ringletHome(env) });
    child.on('exit', (c, s) => (code = c ?? (s ? 128 : 1)));
    child.unref();
  } finally {
    closeSync(fd);
  }
  return { exited: () => code };
}

/**
 * The local daemon, started if need be. Racing clients serialise on an O_EXCL lock file, so they end up
 * with one daemon; a daemon of another version is restarted when it has no live sessions.
 */
export async function ensureDaemon(env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = () => {}): Promise<LocalDaemon> {
  const address = daemonAddress(env);
  const where = formatHostPort(address.host, address.port);
  const tls = tlsConfigured(env);
  // The daemon would create it too; doing it here refuses a too-open token file before anything starts.
  ensureToken(env);
  const deadline = Date.now() + START_TIMEOUT_MS;
  let checkedVersion = false;
  while (Date.now() < deadline) {
    const p = await probe(address, { tls });
    if (p.kind === 'stranger') throw new UserError(`port ${where} is in use by something that is not ringlet (${p.detail}); pick another with [daemon] listen in config.toml or RINGLET_DAEMON_ADDR`, EXIT.unavailable);
    if (p.kind === 'ringlet') {
      if (p.version !== VERSION && !checkedVersion) {
        checkedVersion = true;
        if (await replaceOtherVersion(p, address, env, warn)) continue;
      }
      return { address, url: baseUrl(address, tls), pid: p.pid, version: p.version, started: false };
    }
    if (!tryLock(env)) {
      await sleep(100);
      continue;
    }
    try {
      const again = await probe(address, { tls });
      if (again.kind !== 'none') continue;
      readPidFile(env); // clears a stale pid file left by a crash
      const child = spawnDaemon(env);
      while (Date.now() < deadline) {
        await sleep(60);
        const up = await probe(address, { tls, timeoutMs: 1000 });
        if (up.kind === 'ringlet') return { address, url: baseUrl(address, tls), pid: up.pid, version: up.version, started: true };
        if (up.kind === 'stranger') break;
        const code = child.exited();
        if (code !== null) {
          const why = logTail(env).replace(/^\S+ /, '');
          throw new UserError(`the daemon did not start (exit ${code})${why ? `: ${why}` : ''}; see ${paths.daemonLog(env)}`, EXIT.unavailable);
        }
      }
    } finally {
      releaseLock(env);
    }
  }
  throw new UserError(`the daemon did not answer on ${where} within ${START_TIMEOUT_MS / 1000} s; see ${paths.daemonLog(env)}`, EXIT.unavailable);
}

/** Another version answers: restart it when idle (true: it was stopped), else warn and use it. */
async function replaceOtherVersion(p: Extract<Probe, { kind: 'ringlet' }>, address: ListenAddress, env: NodeJS.ProcessEnv, warn: (l: string) => void): Promise<boolean> {
  const client = new DaemonClient(endpointFor(address, env));
  const live = (await client.sessions()).filter((s) => s.status === 'running').length;
  if (live > 0) {
    warn(`ringlet: the running daemon is version ${p.version} (this is ${VERSION}) and has ${live} live session${live === 1 ? '' : 's'}; using it as is. Restart it with \`ringlet daemon stop\` once they end.`);
    return false;
  }
  await client.request('POST', '/api/daemon/stop', {});
  await waitGone(address, env, p.pid);
  return true;
}

async function waitGone(address: ListenAddress, env: NodeJS.ProcessEnv, pid: number, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await probe(address, { tls: tlsConfigured(env), timeoutMs: 500 })).kind === 'none' && !pidAlive(pid)) return true;
    await sleep(50);
  }
  return false;
}

export interface DaemonStatus {
  running: boolean;
  listen: string;
  url: string;
  pid?: number;
  version?: string;
  startedAt?: string;
  liveSessions?: number;
  clients?: number;
  idleMinutes?: number | null;
  /** Set when a stale pid or lock file was found and removed. */
  clearedStale?: string[];
  /** A daemon process that exists but does not answer on the address. */
  unresponsivePid?: number;
}

export async function daemonStatus(env: NodeJS.ProcessEnv = process.env): Promise<DaemonStatus> {
  const address = daemonAddress(env);
  const listen = formatHostPort(address.host, address.port);
  const url = baseUrl(address, tlsConfigured(env));
  const ep = await localEndpoint(env);
  if (ep) {
    const info = await new DaemonClient(ep).request<Record<string, unknown>>('GET', '/api/daemon');
    return { running: true, listen, url, pid: info.pid as number, version: info.version as string, startedAt: info.startedAt as string, liveSessions: info.liveSessions as number, clients: info.clients as number, idleMinutes: info.idleMinutes as number | null };
  }
  const cleared: string[] = [];
  const pf = readPidFile(env);
  if (pf?.stale) cleared.push(daemonFiles.pid(env));
  if (existsSync(daemonFiles.lock(env)) && tryLock(env)) {
    releaseLock(env);
    cleared.push(daemonFiles.lock(env));
  }
  const st: DaemonStatus = { running: false, listen, url };
  if (cleared.length) st.clearedStale = cleared;
  if (pf && !pf.stale) st.unresponsivePid = pf.pid;
  return st;
}

/**
 * Stops the local daemon over its API (refused while sessions run, unless force), then waits for it to go.
 * Returns false when none was running.
 */
export async function stopDaemon(env: NodeJS.ProcessEnv = process.env, force = false): Promise<{ stopped: boolean; pid?: number; endedSessions?: number }> {
  const address = daemonAddress(env);
  const ep = await localEndpoint(env);
  if (!ep) {
    const pf = readPidFile(env);
    if (pf && !pf.stale && force) {
      // Alive but not answering: only a verified ringlet daemon is signalled.
      process.kill(pf.pid, 'SIGTERM');
      return { stopped: true, pid: pf.pid };
    }
    if (pf && !pf.stale) throw new UserError(`daemon pid ${pf.pid} does not answer on ${formatHostPort(address.host, address.port)}; use --force to terminate it`, EXIT.unavailable);
    return { stopped: false };
  }
  const client = new DaemonClient(ep);
  const info = await client.request<{ pid: number }>('GET', '/api/daemon');
  const r = await client.request<{ liveSessions: number }>('POST', '/api/daemon/stop', { force });
  if (!(await waitGone(address, env, info.pid))) throw new UserError(`daemon pid ${info.pid} did not stop within 10 s`, EXIT.unavailable);
  return { stopped: true, pid: info.pid, endedSessions: r.liveSessions };
}
