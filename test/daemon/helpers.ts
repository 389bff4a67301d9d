import http from 'node:http';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pty from 'node-pty';
import xtermHeadless from '@xterm/headless';
import { WebSocket } from 'ws';
import { makeSandbox, ringlet, RINGLET, type Sandbox } from '../support/env.js';

const { Terminal } = xtermHeadless;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface DaemonBox extends Sandbox {
  port: number;
  url: string;
  token(): string;
  /** Stops the daemon this box started (by API, then by pid), and removes the sandbox. */
  stop(): Promise<void>;
}

/** A sandbox whose daemon listens on its own free port (never 8765, never another test's). */
export async function daemonBox(config = ''): Promise<DaemonBox> {
  const sb = makeSandbox();
  const port = await freePort();
  sb.env.RINGLET_DAEMON_ADDR = `127.0.0.1:${port}`;
  if (config) {
    const file = join(sb.dir, 'config', 'ringlet', 'config.toml');
    writeConfig(file, config);
  }
  const box: DaemonBox = {
    ...sb,
    port,
    url: `http://127.0.0.1:${port}`,
    token: () => readFileSync(join(sb.dir, 'config', 'ringlet', 'http_token'), 'utf8').trim(),
    async stop() {
      await killDaemon(box);
      sb.cleanup();
    },
  };
  return box;
}

function writeConfig(file: string, extra: string) {
  appendFileSync(file, '\n' + extra + '\n');
}

/** Ends the box's daemon whatever state it is in. */
export async function killDaemon(box: { env: NodeJS.ProcessEnv; dir: string }): Promise<void> {
  await ringlet(['daemon', 'stop', '--force'], box.env, { timeoutMs: 20_000 }).catch(() => undefined);
  try {
    const pid = JSON.parse(readFileSync(join(box.dir, 'ringlet', 'daemon.pid'), 'utf8')).pid;
    process.kill(pid, 'SIGKILL');
  } catch {
    /* stopped */
  }
}

export interface HttpAnswer { status: number; body: any; text: string; headers: http.IncomingHttpHeaders }

/** A raw HTTP request, so tests control every header (Host, Origin, Authorization). */
export function request(port: number, method: string, path: string, opts: { token?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpAnswer> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (payload) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Tries a WebSocket upgrade with exactly the given headers (Host included); resolves with the HTTP status
 * of a refusal and its body, or 101 and an open client when `open` is set.
 */
export function upgrade(port: number, path: string, opts: { token?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; ws?: WebSocket; body?: string }> {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': randomBytes(16).toString('base64'),
    ...opts.headers,
  };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, setHost: false });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101 });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A real WebSocket client (the `ws` library) on a session's terminal, recording what it receives. */
export class WsClient {
  output = '';
  messages: any[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly ws: WebSocket) {
    // Listeners go on before the upgrade completes: frames can arrive together with the 101.
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.output += buf.toString('utf8');
      else this.messages.push(JSON.parse(buf.toString('utf8')));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(port: number, id: string, token: string, query = ''): Promise<WsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/sessions/${id}/ws${query}`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    const client = new WsClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(text: string): void {
    this.ws.send(Buffer.from(text), { binary: true });
  }

  async waitFor(pattern: string | RegExp, ms = 15_000): Promise<void> {
    await until(() => (typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output)), ms, () => `output never matched ${pattern}; got ${JSON.stringify(this.output.slice(-500))}`);
  }
}

export async function until(cond: () => boolean | Promise<boolean>, ms = 15_000, why: () => string = () => 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out: ${why()}`);
}

/** A ringlet command in a real PTY, rendered by a headless terminal so tests can read its screen. */
export class PtyRun {
  readonly term: InstanceType<typeof Terminal>;
  readonly proc: pty.IPty;
  raw = '';
  exit: Promise<number>;
  constructor(args: string[], env: NodeJS.ProcessEnv, size = { cols: 100, rows: 30 }) {
    this.term = new Terminal({ ...size, allowProposedApi: true, scrollback: 5000 });
    this.proc = pty.spawn(process.execPath, [RINGLET, ...args], { ...size, env: env as Record<string, string>, cwd: env.HOME, name: 'xterm-256color' });
    this.proc.onData((d) => {
      this.raw += d;
      this.term.write(d);
    });
    this.exit = new Promise((resolve) => this.proc.onExit(({ exitCode, signal }) => resolve(signal ? 128 + signal : exitCode)));
  }

  /** The visible screen, after pending writes are parsed. */
  async screen(): Promise<string> {
    await new Promise<void>((r) => this.term.write('', r));
    const b = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < this.term.rows; i++) lines.push(b.getLine(b.baseY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  async waitForScreen(pattern: string | RegExp, ms = 20_000): Promise<string> {
    let last = '';
    await until(async () => {
      last = await this.screen();
      return typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last);
    }, ms, () => `screen never showed ${pattern}:\n${last}`);
    return last;
  }

  async waitForRaw(pattern: string | RegExp, ms = 20_000): Promise<void> {
    await until(() => (typeof pattern === 'string' ? this.raw.includes(pattern) : pattern.test(this.raw)), ms, () => `output never showed ${pattern}: ${JSON.stringify(this.raw.slice(-400))}`);
  }

  write(s: string): void {
    this.proc.write(s);
  }
}

/** A profile whose commands run without any agent or network: `profiles create claude NAME` against a dead endpoint. */
export async function plainProfile(env: NodeJS.ProcessEnv, name = 'p', endpoint = 'http://127.0.0.1:9'): Promise<void> {
  const k = await ringlet(['keychain', 'set', 'custom', name], env, { input: `sk-test-${name}-0123456789` });
  if (k.code !== 0) throw new Error(k.stderr);
  const r = await ringlet(['profiles', 'create', 'claude', name, '--provider', 'custom', '--custom-endpoint', endpoint, '--key-alias', name], env);
  if (r.code !== 0) throw new Error(r.stderr);
}

export async function detach(env: NodeJS.ProcessEnv, profile: string, args: string[]): Promise<string> {
  const r = await ringlet(['profiles', 'run', profile, '--detach', '--', ...args], env);
  if (r.code !== 0) throw new Error(`profiles run --detach failed: ${r.stderr}`);
  return r.stdout.trim();
}
