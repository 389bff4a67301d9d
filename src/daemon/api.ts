import { existsSync } from 'node:fs';
import { WebSocketServer, type WebSocket } from 'ws';
import { paths } from '../config/paths.js';
import { loadConfig } from '../config/config.js';
import { parseDay } from '../ledger/days.js';
import type { UsageFilter, UsageView } from '../ledger/query.js';
import { HttpError, Reply, type Router } from './router.js';
import { CLOSE_POLICY, MAX_FRAME, parseClientMessage } from './protocol.js';
import type { CreateSession, SessionManager } from './sessions.js';

/** What route handlers may use of the running daemon. */
export interface DaemonContext {
  env: NodeJS.ProcessEnv;
  version: string;
  pid: number;
  startedAt: string;
  listen: string;
  sessions: SessionManager;
  log(line: string): void;
  /** Stop the daemon (after the response is sent). */
  stop(): void;
  /** Minutes idle before exiting, or null with --stay-alive. */
  idleMinutes: number | null;
  /** WebSocket clients not attached to a session (the dashboard's live views) keep the daemon awake too. */
  trackClient(ws: WebSocket): void;
}

/** The core API: health, profiles, usage, sessions and their terminals, daemon control. */
export function registerCoreRoutes(router: Router, ctx: DaemonContext): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME, perMessageDeflate: false });

  router.add({
    method: 'GET', path: '/healthz', public: true, summary: 'Liveness: {service, version, pid}; no auth, so a client can tell ringlet from a stranger on the port',
    http: () => ({ service: 'ringlet', version: ctx.version, pid: ctx.pid }),
  });

  router.add({
    method: 'GET', path: '/api/daemon', summary: 'Daemon status: version, pid, listen address, start time, live sessions, clients, idle timeout',
    http: () => ({
      service: 'ringlet', version: ctx.version, pid: ctx.pid, listen: ctx.listen, startedAt: ctx.startedAt,
      liveSessions: ctx.sessions.liveCount(), clients: ctx.sessions.clientCount(), idleMinutes: ctx.idleMinutes,
    }),
  });

  router.add({
    method: 'POST', path: '/api/daemon/stop', summary: 'Stop the daemon; 409 while sessions run unless {"force": true} (which ends them)',
    http: ({ body }) => {
      const force = isObject(body) && body.force === true;
      const live = ctx.sessions.liveCount();
      if (live && !force) throw new HttpError(409, `${live} session${live === 1 ? ' is' : 's are'} running; stopping the daemon ends ${live === 1 ? 'it' : 'them'} (use --force)`, { liveSessions: live });
      setImmediate(() => ctx.stop());
      return { stopping: true, liveSessions: live };
    },
  });

  router.add({
    method: 'GET', path: '/api/profiles', summary: 'Profiles, as `ringlet profiles list --json`',
    http: async () => {
      const [{ listProfiles }, { profileSummary }] = await Promise.all([import('../profiles/store.js'), import('../profiles/summary.js')]);
      return listProfiles(ctx.env).map((p) => (p.profile ? profileSummary(p.profile) : { name: p.name, error: p.error }));
    },
  });

  router.add({
    method: 'GET', path: '/api/usage', summary: 'Usage report, as `ringlet usage --json` (query: view, since, until, profile, agent, provider, model)',
    http: async ({ url }) => {
      const { filter, view } = usageQuery(url.searchParams);
      const { openLedger } = await import('../ledger/ledger.js');
      const file = paths.ledger(ctx.env);
      // Reading must not create the ledger: with none yet, answer from an empty in-memory one.
      const ledger = await openLedger(existsSync(file) ? file : ':memory:');
      try {
        return ledger.query(filter, view, { prices: loadConfig(ctx.env).prices });
      } finally {
        ledger.close();
      }
    },
  });

  router.add({
    method: 'GET', path: '/api/sessions', summary: 'Sessions: running, ended (with exit status and end time) and lost',
    http: () => ctx.sessions.list(),
  });

  router.add({
    method: 'POST', path: '/api/sessions', summary: 'Start a session: {profile, args?, cols?, rows?, sandbox?, cwd?}; 422 with `profiles run`\'s reason when it cannot start',
    http: async ({ body }) => new Reply(201, await ctx.sessions.create(createBody(body))),
  });

  router.add({
    method: 'GET', path: '/api/sessions/:id', summary: 'One session (an unambiguous id prefix works)',
    http: ({ params }) => ctx.sessions.record(params.id),
  });

  router.add({
    method: 'DELETE', path: '/api/sessions/:id', summary: 'Kill a running session (it stays listed as ended), or remove an ended one',
    http: ({ params }) => ctx.sessions.remove(params.id),
  });

  router.add({
    method: 'WS', path: '/api/sessions/:id/ws', summary: 'The session\'s terminal (query: cols, rows); frames in docs/api.md',
    ws: ({ req, socket, head, params, url, caller }) => {
      const session = ctx.sessions.live(params.id);
      const cols = Number(url.searchParams.get('cols'));
      const rows = Number(url.searchParams.get('rows'));
      const size = cols > 0 && rows > 0 ? { cols, rows } : undefined;
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        ctx.trackClient(ws);
        ws.on('message', (data, isBinary) => {
          const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
          if (isBinary) return session.input(buf);
          const msg = parseClientMessage(buf.toString('utf8'));
          if (!msg) return ws.close(CLOSE_POLICY, 'malformed message');
          if (msg.type === 'resize') session.resizeClient(ws, msg.cols, msg.rows);
          else session.input(msg.data);
        });
        ctx.log(`attach ${session.id} from ${caller.remote}`);
        ws.on('close', () => ctx.log(`detach ${session.id} from ${caller.remote}`));
        session.attach(ws, size);
      });
    },
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function createBody(body: unknown): CreateSession {
  if (!isObject(body)) throw new HttpError(400, 'expected a JSON object: {"profile": "NAME", "args": [...]}');
  const allowed = new Set(['profile', 'args', 'cols', 'rows', 'sandbox', 'cwd']);
  const unknown = Object.keys(body).filter((k) => !allowed.has(k));
  if (unknown.length) throw new HttpError(400, `unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  const { profile, args, cols, rows, sandbox, cwd } = body;
  if (typeof profile !== 'string' || !profile) throw new HttpError(400, 'profile: expected a profile name');
  if (args !== undefined && (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))) throw new HttpError(400, 'args: expected an array of strings');
  for (const [k, v] of [['cols', cols], ['rows', rows]] as const) if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new HttpError(400, `${k}: expected a number`);
  if (sandbox !== undefined && typeof sandbox !== 'boolean') throw new HttpError(400, 'sandbox: expected true or false');
  if (cwd !== undefined && (typeof cwd !== 'string' || !cwd.startsWith('/'))) throw new HttpError(400, 'cwd: expected an absolute path');
  return { profile, args: args as string[] | undefined, cols: cols as number | undefined, rows: rows as number | undefined, sandbox: sandbox as boolean | undefined, cwd: cwd as string | undefined };
}

const VIEWS: UsageView[] = ['profile', 'day', 'model', 'rule'];
const DAY_HELP = 'YYYY-MM-DD (UTC), today, yesterday, or relative: 7d, 4w, 3m';

/** The query string of /api/usage, validated like `ringlet usage`'s options. */
export function usageQuery(q: URLSearchParams): { filter: UsageFilter; view: UsageView } {
  const view = (q.get('view') ?? 'profile') as UsageView;
  if (!VIEWS.includes(view)) throw new HttpError(400, `view: expected one of ${VIEWS.join(', ')}`);
  const filter: UsageFilter = {};
  for (const k of ['profile', 'provider', 'model', 'agent'] as const) {
    const v = q.get(k);
    if (v === null) continue;
    if (v === '') throw new HttpError(400, `${k}: expected a value`);
    filter[k] = v;
  }
  for (const k of ['since', 'until'] as const) {
    const v = q.get(k);
    if (v === null) continue;
    const d = parseDay(v);
    if (!d) throw new HttpError(400, `${k}: expected ${DAY_HELP} (got ${JSON.stringify(v)})`);
    filter[k] = d;
  }
  if (filter.since && filter.until && filter.since > filter.until) throw new HttpError(400, `since ${filter.since} is after until ${filter.until}`);
  for (const k of q.keys()) if (!['view', 'profile', 'provider', 'model', 'agent', 'since', 'until'].includes(k)) throw new HttpError(400, `unknown query parameter: ${k}`);
  return { filter, view };
}
