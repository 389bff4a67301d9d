import { closeSync, constants as fsConstants, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { isValidName } from '../config/paths.js';
import { writeFileAtomic } from '../config/atomic.js';
import { daemonFiles } from './files.js';
import { ringletBin } from '../config/install.js';
import { HttpError } from './router.js';
import { clampSize } from './protocol.js';
import { Session, type SessionRecord, type SessionSummary } from './session.js';

export interface CreateSession {
  profile: string;
  args?: string[];
  cols?: number;
  rows?: number;
  /** true: `--sandbox`, false: `--no-sandbox`, undefined: the profile's own setting. */
  sandbox?: boolean;
  cwd?: string;
}

/** Ended and lost sessions kept in the list (oldest dropped first). */
const KEEP_ENDED = 100;

/** The argv a session's PTY runs: exactly `ringlet profiles run`, nothing of its own. */
export function sessionArgv(req: CreateSession): string[] {
  const flags = req.sandbox === true ? ['--sandbox'] : req.sandbox === false ? ['--no-sandbox'] : [];
  return [process.execPath, ringletBin(), 'profiles', 'run', req.profile, ...flags, '--', ...(req.args ?? [])];
}

type NodePty = typeof import('node-pty');

/**
 * Linux drops what a PTY still buffers when the last holder of its slave side closes it, so a session that
 * prints a lot and exits while the daemon is busy would lose its last lines. The daemon therefore holds the
 * slave open itself; when node-pty, after the child's exit, goes to close the read side, the output left is
 * read first (until nothing arrives for 100 ms, at most 5 s), then the slave is let go and the read side
 * ends as usual (EIO). Reaches into node-pty's `_pty`/`_socket`; without them nothing changes.
 */
function keepReadingAfterExit(p: import('node-pty').IPty): void {
  if (process.platform !== 'linux') return;
  const internals = p as unknown as { _pty?: string; _socket?: { destroy(err?: Error): unknown; destroyed?: boolean } };
  const socket = internals._socket;
  if (!socket || typeof socket.destroy !== 'function' || !internals._pty?.startsWith('/dev/')) return;
  let held: number | undefined;
  try {
    held = openSync(internals._pty, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
  } catch {
    return;
  }
  let lastData = Date.now();
  p.onData(() => (lastData = Date.now()));
  const destroy = socket.destroy.bind(socket);
  socket.destroy = (err?: Error) => {
    if (held === undefined || socket.destroyed) return destroy(err);
    const since = Date.now();
    const poll = setInterval(() => {
      if (Date.now() - lastData < 100 && Date.now() - since < 5000) return;
      clearInterval(poll);
      closeSync(held!);
      held = undefined;
      // The read side now ends with EIO; should another process still hold the slave, end it anyway.
      setTimeout(() => socket.destroyed || destroy(err), 1000).unref();
    }, 25);
    return socket;
  };
}

/** Every session of this daemon, and the record of those a previous daemon lost. */
export class SessionManager {
  private sessions = new Map<string, Session>();
  /** Ended sessions from earlier daemons (no PTY, no screen). */
  private past = new Map<string, SessionRecord>();
  private pty: NodePty | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Called whenever a session starts, ends, is removed, or gains/loses a client. */
  onChange: (event: 'start' | 'end' | 'remove', s: SessionRecord) => void = () => {};

  constructor(private env: NodeJS.ProcessEnv) {
    this.load();
  }

  /**
   * Records from the last daemon: anything it had running is gone with it (the PTY closed when it died),
   * so it is shown as lost, never as running.
   */
  private load(): void {
    const file = daemonFiles.sessions(this.env);
    if (!existsSync(file)) return;
    let list: SessionRecord[] = [];
    try {
      list = JSON.parse(readFileSync(file, 'utf8')).sessions ?? [];
    } catch {
      return;
    }
    let changed = false;
    for (const r of list) {
      if (!r || typeof r.id !== 'string') continue;
      if (r.status === 'running') {
        r.status = 'lost';
        r.pid = null;
        changed = true;
      }
      this.past.set(r.id, r);
    }
    if (changed) this.saveNow();
  }

  /** Load node-pty now rather than on the first session. */
  preload(): void {
    this.pty ??= createRequire(import.meta.url)('node-pty') as NodePty;
  }

  /** Persisted records, as an offline reader (no daemon running) would show them. */
  static readOffline(env: NodeJS.ProcessEnv): SessionRecord[] {
    const file = daemonFiles.sessions(env);
    if (!existsSync(file) || statSync(file).size === 0) return [];
    try {
      const list = (JSON.parse(readFileSync(file, 'utf8')).sessions ?? []) as SessionRecord[];
      return list.map((r) => (r.status === 'running' ? { ...r, status: 'lost', pid: null } : r));
    } catch {
      return [];
    }
  }

  private records(): SessionRecord[] {
    return [...this.past.values(), ...[...this.sessions.values()].map((s) => s.record)].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  private save(): void {
    // Coalesce bursts (50 sessions starting at once) into one write.
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, 50);
  }

  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const ended = this.records().filter((r) => r.status !== 'running');
    for (const r of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) {
      this.past.delete(r.id);
      const s = this.sessions.get(r.id);
      if (s) {
        s.dispose();
        this.sessions.delete(r.id);
      }
    }
    writeFileAtomic(daemonFiles.sessions(this.env), JSON.stringify({ sessions: this.records() }, null, 1) + '\n', { mode: 0o600 });
  }

  list(): SessionSummary[] {
    return this.records().map((r) => this.sessions.get(r.id)?.summary() ?? { ...r, clients: 0, title: '' });
  }

  liveCount(): number {
    return [...this.sessions.values()].filter((s) => s.running).length;
  }

  clientCount(): number {
    return [...this.sessions.values()].reduce((n, s) => n + s.clientCount(), 0);
  }

  /** An id, or an unambiguous prefix of one (as docker and git accept). */
  private resolve(idOrPrefix: string): string {
    const ids = this.records().map((r) => r.id);
    if (ids.includes(idOrPrefix)) return idOrPrefix;
    const hits = idOrPrefix.length >= 2 ? ids.filter((id) => id.startsWith(idOrPrefix)) : [];
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) throw new HttpError(400, `session id ${idOrPrefix} is ambiguous (${hits.join(', ')})`);
    throw new HttpError(404, `no session ${idOrPrefix}`);
  }

  record(idOrPrefix: string): SessionRecord {
    const id = this.resolve(idOrPrefix);
    return this.sessions.get(id)?.summary() ?? this.past.get(id)!;
  }

  /** A running session, or a 404 that says why not. */
  live(idOrPrefix: string): Session {
    const id = this.resolve(idOrPrefix);
    const s = this.sessions.get(id);
    if (s?.running) return s;
    const r = s?.record ?? this.past.get(id)!;
    const why = r.status === 'lost' ? 'was lost when its daemon stopped' : `has ended (exit status ${r.exitCode})`;
    throw new HttpError(404, `session ${id} ${why}`, { status: r.status, exitCode: r.exitCode });
  }

  async create(req: CreateSession): Promise<SessionSummary> {
    if (!isValidName(req.profile)) throw new HttpError(400, `invalid profile name ${JSON.stringify(req.profile)}`);
    const cwd = req.cwd ?? this.env.HOME ?? process.cwd();
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new HttpError(400, `no such directory: ${cwd}`);
    // The same checks, with the same one-line reasons, as `profiles run` makes before it starts anything.
    const { preflightRun } = await import('../profiles/run.js');
    try {
      preflightRun(req.profile, req.args ?? [], this.env, { sandbox: req.sandbox });
    } catch (err) {
      if (err instanceof UserError) throw new HttpError(422, err.message, { exitCode: err.exitCode });
      throw err;
    }
    this.pty ??= createRequire(import.meta.url)('node-pty') as NodePty;
    const { cols, rows } = clampSize(req.cols ?? 80, req.rows ?? 24);
    const argv = sessionArgv(req);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.env)) if (v !== undefined) env[k] = v;
    env.TERM = 'xterm-256color';
    env.COLORTERM ??= 'truecolor';
    const p = this.pty.spawn(argv[0], argv.slice(1), { name: 'xterm-256color', cols, rows, cwd, env, encoding: null as unknown as string });
    keepReadingAfterExit(p);
    let id: string;
    do id = randomBytes(4).toString('hex');
    while (this.sessions.has(id) || this.past.has(id));
    const record: SessionRecord = {
      id, profile: req.profile, args: [...(req.args ?? [])], sandbox: req.sandbox ?? null, cwd, status: 'running', pid: p.pid,
      cols, rows, startedAt: new Date().toISOString(), endedAt: null, exitCode: null, signal: null,
    };
    const session = new Session(record, p, () => this.save());
    this.sessions.set(id, session);
    p.onExit(() => {
      this.save();
      this.onChange('end', record);
    });
    this.saveNow();
    this.onChange('start', record);
    return session.summary();
  }

  /** DELETE: a running session is killed (and stays listed as ended); an ended one is removed. */
  async remove(idOrPrefix: string): Promise<{ removed: boolean; session: SessionRecord }> {
    const id = this.resolve(idOrPrefix);
    const s = this.sessions.get(id);
    if (s?.running) {
      await s.kill();
      this.saveNow();
      return { removed: false, session: s.summary() };
    }
    const r = s?.record ?? this.past.get(id)!;
    s?.dispose();
    this.sessions.delete(id);
    this.past.delete(id);
    this.saveNow();
    this.onChange('remove', r);
    return { removed: true, session: r };
  }

  /** Stop every session (daemon shutdown). */
  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.kill(2000)));
    for (const s of this.sessions.values()) s.closeClients('daemon stopping');
    this.saveNow();
  }
}
