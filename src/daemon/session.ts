import { constants as osConstants } from 'node:os';
import type { IPty } from 'node-pty';
import type { WebSocket } from 'ws';
import { ScreenMirror, SCROLLBACK_LINES } from './screen.js';
import { CLOSE_GOING_AWAY, CLOSE_NORMAL, clampSize, type ServerMessage } from './protocol.js';

export type SessionStatus = 'running' | 'exited' | 'lost';

/** What is stored in sessions.json and answered by GET /api/sessions (see docs/api.md). */
export interface SessionRecord {
  id: string;
  profile: string;
  /** Words after `--` given to `profiles run`. */
  args: string[];
  sandbox: boolean | null;
  cwd: string;
  status: SessionStatus;
  pid: number | null;
  cols: number;
  rows: number;
  startedAt: string;
  endedAt: string | null;
  /** `profiles run`'s exit status (128+n for a death by signal n); null while running or when lost. */
  exitCode: number | null;
  signal: string | null;
}

export interface SessionSummary extends SessionRecord {
  clients: number;
  title: string;
}

/** Past this many bytes queued on a client's socket its output is dropped and it is resynced later. */
export const SLOW_CLIENT_BYTES = 2 * 1024 * 1024;
/** A dropped client is resynced once its socket has drained below this. */
const RESYNC_BELOW_BYTES = 64 * 1024;
/** How long the one-row size nudge lasts (long enough for the app to see two SIGWINCHes). */
const NUDGE_MS = 80;

interface Client {
  ws: WebSocket;
  size?: { cols: number; rows: number };
  /** False until its snapshot is sent; output meanwhile waits in `queue`. */
  ready: boolean;
  queue: Buffer[];
  queued: number;
  /** Output is being dropped until the socket drains. */
  behind: boolean;
}

const signalName = (n: number) => Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0] ?? `SIG${n}`;

/**
 * One PTY running `ringlet profiles run …`, its headless screen, and the clients attached to it. The PTY is
 * never paused for a client: output goes to every ready client's socket, and a client whose socket backs up
 * is skipped until it drains, then sent a fresh snapshot.
 */
export class Session {
  readonly mirror: ScreenMirror;
  private clients = new Set<Client>();
  private nudgeTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private exitWaiters: (() => void)[] = [];

  constructor(
    readonly record: SessionRecord,
    private pty: IPty,
    private onChange: () => void,
  ) {
    this.mirror = new ScreenMirror(record.cols, record.rows);
    pty.onData((d) => this.output(d as unknown as Buffer));
    pty.onExit(({ exitCode, signal }) => this.exited(exitCode, signal ?? 0));
  }

  get id(): string {
    return this.record.id;
  }

  get running(): boolean {
    return this.record.status === 'running';
  }

  summary(): SessionSummary {
    return { ...this.record, args: [...this.record.args], clients: this.clients.size, title: this.mirror.title };
  }

  clientCount(): number {
    return this.clients.size;
  }

  private output(data: Buffer): void {
    this.mirror.write(data);
    for (const c of this.clients) {
      if (!c.ready) {
        c.queue.push(data);
        c.queued += data.length;
        // Waiting for its snapshot and already far behind: start over with a later snapshot.
        if (c.queued > SLOW_CLIENT_BYTES) this.resync(c);
      } else this.send(c, data);
    }
  }

  private send(c: Client, data: Buffer): void {
    if (c.behind) return;
    if (c.ws.bufferedAmount > SLOW_CLIENT_BYTES) {
      c.behind = true;
      this.waitForDrain(c);
      return;
    }
    c.ws.send(data, { binary: true });
  }

  private waitForDrain(c: Client): void {
    const poll = setInterval(() => {
      if (c.ws.readyState !== c.ws.OPEN) return clearInterval(poll);
      if (c.ws.bufferedAmount > RESYNC_BELOW_BYTES) return;
      clearInterval(poll);
      this.control(c, { type: 'resync', reason: 'slow' });
      this.resync(c);
    }, 25);
    poll.unref();
  }

  /** Replace whatever the client missed with a fresh screen-only snapshot (it has the scrollback). */
  private resync(c: Client): void {
    c.ready = false;
    c.behind = false;
    c.queue = [];
    c.queued = 0;
    this.mirror.drained(() => this.deliverSnapshot(c, 0));
  }

  private deliverSnapshot(c: Client, scrollback: number): void {
    if (!this.clients.has(c) || c.ws.readyState !== c.ws.OPEN) return;
    c.ws.send(Buffer.from(this.mirror.snapshot(scrollback)), { binary: true });
    for (const q of c.queue) c.ws.send(q, { binary: true });
    c.queue = [];
    c.queued = 0;
    c.ready = true;
    if (!this.running) this.sendExit(c);
  }

  private control(c: Client, msg: ServerMessage): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(msg));
  }

  /** Attach a client: hello, then (once the mirror has caught up) the snapshot, then live output. */
  attach(ws: WebSocket, size?: { cols: number; rows: number }): void {
    const c: Client = { ws, size: size && clampSize(size.cols, size.rows), ready: false, queue: [], queued: 0, behind: false };
    this.clients.add(c);
    ws.on('close', () => {
      this.clients.delete(c);
      this.fitToClients();
      this.onChange();
    });
    this.fitToClients();
    this.control(c, { type: 'hello', session: this.summary(), cols: this.record.cols, rows: this.record.rows });
    this.mirror.drained(() => {
      this.deliverSnapshot(c, SCROLLBACK_LINES);
      this.nudge();
    });
    this.onChange();
  }

  input(data: Buffer | string): void {
    if (this.running) this.pty.write(data);
  }

  resizeClient(ws: WebSocket, cols: number, rows: number): void {
    for (const c of this.clients) if (c.ws === ws) c.size = clampSize(cols, rows);
    this.fitToClients();
  }

  /** The session takes the smallest size among attached clients that told theirs. */
  private fitToClients(): void {
    const sized = [...this.clients].filter((c) => c.size).map((c) => c.size!);
    if (!sized.length || !this.running) return;
    const cols = Math.min(...sized.map((s) => s.cols));
    const rows = Math.min(...sized.map((s) => s.rows));
    if (cols === this.record.cols && rows === this.record.rows) return;
    this.record.cols = cols;
    this.record.rows = rows;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // The PTY closed under us; onExit follows.
    }
    this.mirror.resize(cols, rows);
    for (const c of this.clients) this.control(c, { type: 'size', cols, rows });
  }

  /**
   * Full-screen programs redraw on SIGWINCH: shrink the PTY by one row and restore it, so whatever the
   * snapshot could not carry is repainted. The mirror keeps the real size throughout.
   */
  private nudge(): void {
    if (!this.running || this.nudgeTimer) return;
    const { cols, rows } = this.record;
    try {
      this.pty.resize(cols, rows > 1 ? rows - 1 : rows + 1);
    } catch {
      return;
    }
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = undefined;
      if (!this.running) return;
      try {
        this.pty.resize(this.record.cols, this.record.rows);
      } catch {
        /* exited meanwhile */
      }
    }, NUDGE_MS);
  }

  private exited(exitCode: number, signal: number): void {
    if (this.record.status !== 'running') return;
    this.record.status = 'exited';
    this.record.endedAt = new Date().toISOString();
    this.record.exitCode = signal ? 128 + signal : exitCode;
    this.record.signal = signal ? signalName(signal) : null;
    if (this.killTimer) clearTimeout(this.killTimer);
    // Clients get the exit after every byte of output that preceded it.
    this.mirror.drained(() => {
      for (const c of this.clients) if (c.ready) this.sendExit(c);
    });
    this.exitWaiters.splice(0).forEach((f) => f());
    this.onChange();
  }

  private sendExit(c: Client): void {
    this.control(c, { type: 'exit', exitCode: this.record.exitCode ?? 0, signal: this.record.signal });
    c.ws.close(CLOSE_NORMAL, 'session ended');
  }

  /** SIGHUP to the session's process group (as a closing terminal would), SIGKILL if it lingers. */
  kill(graceMs = 3000): Promise<void> {
    if (!this.running) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    const pid = this.pty.pid;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        try {
          process.kill(pid, sig);
        } catch {
          /* already gone */
        }
      }
    };
    signal('SIGHUP');
    this.killTimer = setTimeout(() => signal('SIGKILL'), graceMs);
    this.killTimer.unref();
    return done;
  }

  /** Close every client (the session was removed or the daemon is stopping). */
  closeClients(reason: string): void {
    for (const c of this.clients) c.ws.close(CLOSE_GOING_AWAY, reason);
  }

  dispose(): void {
    this.closeClients('session removed');
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer);
    this.mirror.dispose();
  }
}
