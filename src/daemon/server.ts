import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { readFileSync, unlinkSync } from 'node:fs';
import type { WebSocket } from 'ws';
import { UserError, EXIT } from '../errors.js';
import { loadConfig } from '../config/config.js';
import { writeFileAtomic } from '../config/atomic.js';
import { VERSION } from '../version.js';
import { daemonAddress, formatHostPort, isLoopbackHost, type ListenAddress } from './address.js';
import { daemonFiles } from './files.js';
import { ensureToken, TokenFile } from './token.js';
import { allowedHosts, bearerAuth, Guard, STATE_CHANGING } from './guard.js';
import { HttpError, Reply, type Method, type Router } from './router.js';
import { buildRouter } from './routes.js';
import { dashboardAuthMethod } from '../web/server/routes.js';
import { SessionManager } from './sessions.js';
import type { DaemonContext } from './api.js';
import { probe } from './probe.js';

export interface DaemonOptions {
  listen?: string;
  stayAlive?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  env?: NodeJS.ProcessEnv;
  /** One line per event (never a token); the CLI writes them to stdout, i.e. daemon.log when detached. */
  log?: (line: string) => void;
  /** Warnings the user should see when running in the foreground. */
  warn?: (line: string) => void;
}

export interface RunningDaemon {
  address: ListenAddress;
  url: string;
  router: Router;
  guard: Guard;
  sessions: SessionManager;
  stop(): Promise<void>;
  /** Resolves when the daemon has stopped (idle, `daemon stop`, a signal). */
  closed: Promise<void>;
}

const MAX_BODY = 64 * 1024;
const DEFAULT_IDLE_MINUTES = 15;

/** Starts the daemon in this process: HTTP(S) + WebSocket server, auth, sessions. */
export async function startDaemon(opts: DaemonOptions = {}): Promise<RunningDaemon> {
  const env = opts.env ?? process.env;
  const cfg = loadConfig(env).daemon ?? {};
  const address = daemonAddress(env, opts.listen);
  const log = opts.log ?? (() => {});
  const warn = opts.warn ?? log;

  // Created on first start; refused (with the chmod to fix it) when readable by others.
  ensureToken(env);
  const token = new TokenFile(env);
  token.current();

  const certFile = opts.tlsCert ?? cfg['tls-cert'];
  const keyFile = opts.tlsKey ?? cfg['tls-key'];
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UserError('TLS needs both --tls-cert and --tls-key', EXIT.usage);
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (certFile && keyFile) {
    try {
      tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
    } catch (err) {
      throw new UserError(`cannot read TLS certificate or key: ${(err as Error).message}`, EXIT.config);
    }
  }
  const where = formatHostPort(address.host, address.port);
  if (!isLoopbackHost(address.host) && !tls) {
    warn(`warning: listening on ${where}, beyond this machine, over plain HTTP: the token and every keystroke cross the network unencrypted. Use --tls-cert/--tls-key, or keep the daemon on 127.0.0.1 and reach it through an SSH tunnel.`);
  }

  // Load now everything handlers import lazily: an upgrade that replaces dist/ under a running daemon must
  // not leave it importing chunks that no longer exist. (Sessions run the new bin/ringlet anyway.)
  await Promise.all([
    import('../profiles/run.js'), import('../profiles/store.js'), import('../profiles/summary.js'),
    import('../ledger/ledger.js'), import('../audit/store.js'),
  ]);
  const sessions = new SessionManager(env);
  sessions.preload();
  const idleMinutes = opts.stayAlive ? null : cfg['idle-minutes'] ?? DEFAULT_IDLE_MINUTES;
  const tracked = new Set<WebSocket>();
  let lastActivity = Date.now();
  let stopping: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));

  const ctx: DaemonContext = {
    env, version: VERSION, pid: process.pid, startedAt: new Date().toISOString(), listen: where, sessions, log, idleMinutes,
    stop: () => void stop(),
    trackClient: (ws) => {
      tracked.add(ws);
      ws.on('close', () => {
        tracked.delete(ws);
        lastActivity = Date.now();
      });
    },
  };
  const audit = auditLog(env, log);
  sessions.onChange = (event, s) => {
    log(`session ${event} ${s.id} profile=${s.profile}${event === 'end' ? ` status=${s.exitCode}` : ''}`);
    if (event === 'start') audit('session-start', { session: s.id, args: s.args, cwd: s.cwd, sandbox: s.sandbox }, s.profile);
    else if (event === 'end') audit('session-end', { session: s.id, exitCode: s.exitCode, signal: s.signal }, s.profile);
  };

  const router = buildRouter(ctx);
  // The dashboard's session cookie is the second way in (src/web/server/auth.ts).
  const guard = new Guard(allowedHosts(address, cfg['allow-hosts'] ?? []), [bearerAuth(token), dashboardAuthMethod(ctx)]);

  const denied = (req: IncomingMessage, status: number, why: string) => {
    // Method and path only: never headers (the token) or the query string.
    const path = (req.url ?? '').split('?')[0].slice(0, 200);
    log(`denied ${status} ${req.method} ${path} from ${req.socket.remoteAddress}: ${why}`);
    audit('auth-failure', { status, method: req.method ?? '', path, remote: req.socket.remoteAddress ?? '', reason: why });
  };

  /** Host, Origin and auth, in that order; the verdict for both plain requests and upgrades. */
  function admit(req: IncomingMessage, method: Method, pathname: string): { status: number; error: string; headers?: Record<string, string> } | { route: import('./router.js').Route; params: Record<string, string>; auth?: string } {
    const host = guard.checkHost(req);
    if (!host.ok) return { status: host.status!, error: host.error! };
    const m = router.match(method, pathname);
    const route = 'route' in m ? m.route : undefined;
    const changing = method === 'WS' || STATE_CHANGING.has(method);
    if (changing) {
      const origin = guard.checkOrigin(req, false);
      if (!origin.ok) return { status: origin.status!, error: origin.error! };
    }
    let auth: string | undefined;
    if (!route?.public) {
      const a = guard.authenticate(req);
      if (a.outcome !== 'ok') {
        if (a.error) log(`token file: ${a.error}`);
        return { status: 401, error: a.outcome === 'absent' ? 'unauthorized: send Authorization: Bearer <token>' : 'unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } };
      }
      auth = a.method!.name;
      if (changing && a.method!.requiresOrigin) {
        const o = guard.checkOrigin(req, true);
        if (!o.ok) return { status: o.status!, error: o.error! };
      }
    }
    if (!route || !('route' in m)) return { status: 'methodMismatch' in m && m.methodMismatch ? 405 : 404, error: 'methodMismatch' in m && m.methodMismatch ? 'method not allowed' : 'not found' };
    return { route, params: m.params, auth };
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://daemon');
    } catch {
      return sendJson(res, 400, { error: 'bad request' });
    }
    // A liveness probe does not keep an idle daemon alive; anything else does.
    if (url.pathname !== '/healthz') lastActivity = Date.now();
    const verdict = admit(req, method as Method, url.pathname);
    if ('error' in verdict) {
      if (verdict.status !== 404) denied(req, verdict.status, verdict.error);
      return sendJson(res, verdict.status, { error: verdict.error }, verdict.headers);
    }
    try {
      const body = STATE_CHANGING.has(method) ? await readJson(req) : undefined;
      const result = await verdict.route.http!({ req, res, url, params: verdict.params, body, caller: { auth: verdict.auth, remote: req.socket.remoteAddress ?? '' } });
      if (res.headersSent || res.writableEnded) return;
      if (result instanceof Reply) sendJson(res, result.status, result.body);
      else sendJson(res, 200, result ?? null);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message, ...err.extra });
      if (err instanceof UserError) return sendJson(res, 400, { error: err.message.split('\n')[0] });
      log(`error ${method} ${url.pathname}: ${(err as Error)?.stack ?? err}`);
      sendJson(res, 500, { error: 'internal error (see daemon.log)' });
    }
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    lastActivity = Date.now();
    socket.on('error', () => {});
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://daemon');
    } catch {
      return rejectUpgrade(socket, 400, 'bad request');
    }
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return rejectUpgrade(socket, 400, 'only WebSocket upgrades are served');
    const verdict = admit(req, 'WS', url.pathname);
    if ('error' in verdict) {
      denied(req, verdict.status, verdict.error);
      return rejectUpgrade(socket, verdict.status, verdict.error, verdict.headers);
    }
    try {
      await verdict.route.ws!({ req, socket, head, url, params: verdict.params, caller: { auth: verdict.auth, remote: req.socket.remoteAddress ?? '' } });
    } catch (err) {
      if (err instanceof HttpError) return rejectUpgrade(socket, err.status, err.message);
      log(`error WS ${url.pathname}: ${(err as Error)?.stack ?? err}`);
      rejectUpgrade(socket, 500, 'internal error');
    }
  }

  const server = tls ? https.createServer({ ...tls }) : http.createServer();
  server.on('request', (req, res) => void onRequest(req, res));
  server.on('upgrade', (req, socket, head) => void onUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());
  // Sessions can be attached for days: no request or header timeouts on the upgraded sockets.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', async (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        const p = await probe(address, { tls: Boolean(tls) });
        if (p.kind === 'ringlet') reject(new UserError(`a ringlet daemon (pid ${p.pid}, version ${p.version}) already listens on ${where}`, EXIT.unavailable));
        else reject(new UserError(`port ${where} is in use by something that is not ringlet; pick another with --listen or [daemon] listen in config.toml`, EXIT.unavailable));
      } else if (err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
        reject(new UserError(`cannot listen on ${where}: ${err.code}`, EXIT.unavailable));
      } else reject(err);
    });
    server.listen(address.port, address.host, () => resolve());
  });

  const pidFile = daemonFiles.pid(env);
  writeFileAtomic(pidFile, JSON.stringify({ pid: process.pid, version: VERSION, listen: where, tls: Boolean(tls), startedAt: ctx.startedAt }) + '\n', { mode: 0o600 });
  log(`ringlet daemon ${VERSION} pid ${process.pid} listening on ${tls ? 'https' : 'http'}://${where}${idleMinutes === null ? '' : ` (exits after ${idleMinutes} min idle)`}`);

  // Idle exit: no live session, no connected client, no request for idle-minutes.
  let idleTimer: NodeJS.Timeout | undefined;
  if (idleMinutes !== null) {
    const idleMs = Math.max(1000, idleMinutes * 60_000);
    idleTimer = setInterval(() => {
      if (sessions.liveCount() > 0 || tracked.size > 0) lastActivity = Date.now();
      else if (Date.now() - lastActivity >= idleMs) {
        log('idle: exiting');
        void stop();
      }
    }, Math.min(30_000, Math.max(250, idleMs / 4)));
    idleTimer.unref();
  }

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      if (idleTimer) clearInterval(idleTimer);
      server.close();
      await sessions.shutdown();
      for (const ws of tracked) ws.terminate();
      server.closeAllConnections?.();
      try {
        const cur = JSON.parse(readFileSync(pidFile, 'utf8'));
        if (cur.pid === process.pid) unlinkSync(pidFile);
      } catch {
        /* gone already */
      }
      log('stopped');
      resolveClosed();
    })();
    return stopping;
  }

  return { address, url: `${tls ? 'https' : 'http'}://${where}`, router, guard, sessions, stop, closed };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 500: 'Internal Server Error' };

function rejectUpgrade(socket: Duplex, status: number, error: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error }) + '\n';
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`);
}

/** A JSON request body, at most MAX_BODY bytes; JSON only, so a plain HTML form can never post here. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      // Past the cap the rest is read and discarded, so the 413 can still be sent.
      if (size <= MAX_BODY) chunks.push(d);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY) return reject(new HttpError(413, `request body over ${MAX_BODY} bytes`));
      if (!size) return resolve(undefined);
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') return reject(new HttpError(415, 'send the body as application/json'));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'malformed JSON body'));
      }
    });
  });
}

/**
 * Session starts/ends and refused requests go to the audit log. Refusals are capped (30 a minute) so a
 * client hammering the port cannot grow the log without bound; the log line is always written.
 */
function auditLog(env: NodeJS.ProcessEnv, log: (l: string) => void) {
  let store: typeof import('../audit/store.js') | undefined;
  let window = 0;
  let inWindow = 0;
  return (type: 'session-start' | 'session-end' | 'auth-failure', data: Record<string, unknown>, profile?: string) => {
    if (type === 'auth-failure') {
      const minute = Math.floor(Date.now() / 60_000);
      if (minute !== window) [window, inWindow] = [minute, 0];
      if (++inWindow > 30) return;
    }
    void (async () => {
      try {
        store ??= await import('../audit/store.js');
        store.appendAudit(type, data, { profile: profile ?? null, env });
      } catch (err) {
        log(`audit: ${(err as Error).message}`);
      }
    })();
  };
}
