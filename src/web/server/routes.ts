import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, EXIT } from '../../errors.js';
import { paths, ringletHome } from '../../config/paths.js';
import { loadConfig } from '../../config/config.js';
import { TokenFile } from '../../daemon/token.js';
import { HttpError, Reply, type HttpContext, type Router } from '../../daemon/router.js';
import { usageQuery, type DaemonContext } from '../../daemon/api.js';
import type { AuthMethod } from '../../daemon/guard.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { profileSummary } from '../../profiles/summary.js';
import type { ProfileChanges } from '../../profiles/store.js';
import type { Wire } from '../../providers/types.js';
import { DashboardAuth } from './auth.js';
import { SERIES_BY, type SeriesBy } from './series.js';
import { SECURITY_HEADERS, StaticFiles, webDir } from './static.js';

/**
 * The dashboard's routes: sign-in (one-time code -> cookie), the built page and its assets, the views the
 * page needs beyond the core API (profiles with their spend, the stacked chart, hooks), and the profile
 * changes the page makes: create, update, set a key. Those call the very functions the CLI calls
 * (createProfile, updateProfile, setSecret), so the checks and their error text are the CLI's.
 */

export interface DashboardProfile extends Partial<ReturnType<typeof profileSummary>> {
  name: string;
  error?: string;
  /** ISO time of the profile's last metered or imported response; null when it has none. */
  lastUsed: string | null;
  /** Spend since the 1st of this month (UTC), as `ringlet usage --profile NAME --since <1st>`. */
  month: { costUsd: number; requests: number; unpricedRequests: number };
}

export interface HookRuleView {
  scope: string | null;
  id: string;
  on: string;
  handler: string;
  matcher?: string;
  timeoutMs: number;
  thresholdUsd?: number;
  period?: string;
}

export interface HooksOverview {
  global: HookRuleView[];
  profiles: { profile: string; rules: HookRuleView[] }[];
  /** Broken rule files, with the loader's message. */
  errors: { scope: string | null; error: string }[];
  /** hook-deny rows of the audit log, newest first. */
  denials: { ts: string; profile: string | null; hook?: string; tool?: string; reason?: string }[];
  /** Recent lines of hooks.log: failures of hooks nobody waited for (webhooks, background jobs). */
  failures: string[];
  /** What the daemon could not read, said plainly (e.g. no audit log yet). */
  notes: string[];
}

const states = new WeakMap<DaemonContext, DashboardAuth>();

/** The sign-in state of one daemon, shared by its routes and its Guard. */
export function dashboardAuth(ctx: DaemonContext): DashboardAuth {
  let a = states.get(ctx);
  if (!a) states.set(ctx, (a = new DashboardAuth(new TokenFile(ctx.env), join(ringletHome(ctx.env), 'dashboard-sessions.json'))));
  return a;
}

/** The cookie as an auth method for the daemon's Guard (`guard.addAuthMethod(dashboardAuthMethod(ctx))`). */
export function dashboardAuthMethod(ctx: DaemonContext): AuthMethod {
  return dashboardAuth(ctx).authMethod();
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** A CLI error becomes a 400 with its one line, as the daemon reports any UserError. */
function userErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UserError) throw new HttpError(err.exitCode === EXIT.notFound ? 404 : 400, err.message.split('\n')[0]);
    throw err;
  }
}

function sendHtml(files: StaticFiles | undefined, req: IncomingMessage, res: ServerResponse, page: string, status: number, extra: Record<string, string> = {}): void {
  if (files?.serve(req, res, page, { status, extraHeaders: { 'Cache-Control': 'no-store', ...extra } })) return;
  const body = status === 401 ? 'Sign in with: ringlet dashboard\n' : 'The dashboard is not built: run `node build.mjs`.\n';
  res.writeHead(files ? status : 503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

async function withLedger<T>(ctx: DaemonContext, fn: (l: Ledger) => T): Promise<T> {
  const { openLedger } = await import('../../ledger/ledger.js');
  const file = paths.ledger(ctx.env);
  // Reading must not create the ledger: with none yet, answer from an empty in-memory one.
  const ledger = await openLedger(existsSync(file) ? file : ':memory:');
  try {
    return fn(ledger);
  } finally {
    ledger.close();
  }
}

/** Time of each profile's last ledger row: the newest day from the rollup, then the exact time that day. */
export function lastUsedByProfile(ledger: Ledger): Map<string | null, string> {
  const out = new Map<string | null, string>();
  const days = ledger.db.prepare(`SELECT profile, max(day) AS day FROM usage_daily GROUP BY profile`).all() as { profile: string; day: string }[];
  const exact = ledger.db.prepare(`SELECT max(ts) AS ts FROM usage WHERE ts >= ? AND ts < ? AND coalesce(profile, '') = ?`);
  for (const d of days) {
    const start = Date.parse(`${d.day}T00:00:00Z`);
    const row = exact.get(start, start + 86_400_000, d.profile) as { ts: number | null };
    out.set(d.profile === '' ? null : d.profile, new Date(row.ts ?? start).toISOString());
  }
  return out;
}

const monthStart = () => `${new Date().toISOString().slice(0, 7)}-01`;

export function registerDashboardRoutes(router: Router, ctx: DaemonContext): void {
  const auth = dashboardAuth(ctx);
  // Found and read on first use (and looked for again while missing, e.g. during a rebuild), then served
  // from memory: a rebuild under a running daemon does not mix old and new files.
  let files: StaticFiles | undefined;
  const staticFiles = () => {
    if (!files) {
      const dir = webDir(ctx.env);
      if (dir) files = new StaticFiles(dir);
    }
    return files;
  };

  // --- sign-in -------------------------------------------------------------------------------------------

  router.add({
    method: 'POST', path: '/api/dashboard/login-code', summary: 'A one-time sign-in code for the dashboard (bearer token only; valid once, for 60 s): {code, path, expiresAt}',
    http: ({ caller }) => {
      if (caller.auth !== 'bearer') throw new HttpError(403, 'only a bearer-token client (the CLI) may issue sign-in codes');
      const c = auth.issueCode();
      return new Reply(201, { code: c.code, path: `/login?code=${c.code}`, expiresAt: c.expiresAt });
    },
  });

  router.add({
    method: 'GET', path: '/login', public: true, summary: 'Dashboard sign-in: swaps ?code= for a session cookie, then redirects to /',
    http: ({ req, res, url }) => {
      const code = url.searchParams.get('code') ?? '';
      const cookie = code ? auth.redeem(code) : undefined;
      if (!cookie) {
        ctx.log(`dashboard sign-in refused from ${req.socket.remoteAddress}: unknown, used or expired code`);
        return sendHtml(staticFiles(), req, res, '/signed-out.html', 401);
      }
      ctx.log(`dashboard sign-in from ${req.socket.remoteAddress}`);
      res.writeHead(303, { ...SECURITY_HEADERS, Location: '/', 'Set-Cookie': auth.setCookieHeader(req, cookie.value, cookie.maxAgeS), 'Cache-Control': 'no-store', 'Content-Length': '0' });
      res.end();
    },
  });

  router.add({
    method: 'POST', path: '/api/dashboard/logout', summary: 'Ends this browser\'s dashboard session ({"everywhere": true}: every browser session)',
    http: ({ req, res, body }) => {
      const ended = auth.logout(req, isObject(body) && body.everywhere === true);
      res.setHeader('Set-Cookie', auth.clearCookieHeader(req));
      return { ended };
    },
  });

  router.add({
    method: 'GET', path: '/api/dashboard/me', summary: 'Who is asking: {auth: "cookie"|"bearer", expiresAt}',
    http: ({ req, caller }) => {
      const s = caller.auth === 'cookie' ? auth.session(req) : undefined;
      return { auth: caller.auth ?? null, expiresAt: s && typeof s === 'object' ? s.expiresAt : null, version: ctx.version };
    },
  });

  // --- the page ------------------------------------------------------------------------------------------

  const app = ({ req, res }: HttpContext) => {
    // No valid cookie: the sign-in instructions, never the app (and never data).
    const s = auth.session(req);
    if (typeof s !== 'object') return sendHtml(staticFiles(), req, res, '/signed-out.html', 401, s === 'invalid' ? { 'Set-Cookie': auth.clearCookieHeader(req) } : {});
    sendHtml(staticFiles(), req, res, '/index.html', 200);
  };
  router.add({ method: 'GET', path: '/', public: true, summary: 'The dashboard (the sign-in page without a session cookie)', http: app });
  router.add({ method: 'GET', path: '/index.html', public: true, summary: 'The dashboard (as /)', http: app });

  const asset = ({ req, res, url }: HttpContext) => {
    const f = staticFiles();
    if (!f || !f.serve(req, res, url.pathname)) throw new HttpError(404, 'not found');
  };
  for (const p of ['/sw.js', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png', '/signed-out.html']) {
    router.add({ method: 'GET', path: p, public: true, summary: `Dashboard static file ${p}`, http: asset });
  }
  router.add({ method: 'GET', path: '/assets/:file', public: true, summary: 'Dashboard scripts and styles (content-hashed, cached for a year)', http: asset });

  // --- views ---------------------------------------------------------------------------------------------

  router.add({
    method: 'GET', path: '/api/dashboard/profiles', summary: 'Profiles with last use and month-to-date spend',
    http: async () => {
      const [{ listProfiles }, { profileSummary }] = await Promise.all([import('../../profiles/store.js'), import('../../profiles/summary.js')]);
      const prices = loadConfig(ctx.env).prices;
      return withLedger(ctx, (ledger) => {
        const month = ledger.query({ since: monthStart() }, 'profile', { prices });
        const last = lastUsedByProfile(ledger);
        return listProfiles(ctx.env).map((p): DashboardProfile => {
          const groups = month.groups.filter((g) => g.profile === p.name);
          const m = { costUsd: Math.round(groups.reduce((n, g) => n + g.costUsd, 0) * 1e9) / 1e9, requests: groups.reduce((n, g) => n + g.requests, 0), unpricedRequests: groups.reduce((n, g) => n + g.unpricedRequests, 0) };
          const base = p.profile ? profileSummary(p.profile) : { name: p.name, error: p.error };
          return { ...base, lastUsed: last.get(p.name) ?? null, month: m };
        });
      });
    },
  });

  router.add({
    method: 'GET', path: '/api/dashboard/profiles/:name', summary: 'One profile with last use, month-to-date spend and whether its key is stored (never the key)',
    http: async ({ params }) => {
      const [{ readProfile }, { profileSummary }] = await Promise.all([import('../../profiles/manifest.js'), import('../../profiles/summary.js')]);
      const p = userErrors(() => readProfile(params.name, ctx.env));
      const s = profileSummary(p);
      let keySet: boolean | null = null;
      if (s.keyAlias) {
        try {
          const { openStore } = await import('../../credentials/store.js');
          // Only whether it exists: the value is dropped here and never leaves the daemon.
          keySet = openStore(ctx.env).get(s.provider, s.keyAlias) !== undefined;
        } catch {
          keySet = null;
        }
      }
      const prices = loadConfig(ctx.env).prices;
      return withLedger(ctx, (ledger) => {
        const t = ledger.query({ profile: p.name, since: monthStart() }, 'profile', { prices }).total;
        return { ...s, keySet, lastUsed: lastUsedByProfile(ledger).get(p.name) ?? null, month: { costUsd: t.costUsd, requests: t.requests, unpricedRequests: t.unpricedRequests } };
      });
    },
  });

  router.add({
    method: 'GET', path: '/api/dashboard/series', summary: 'Spend per UTC day stacked by profile, provider, model or agent (query: by, and /api/usage\'s filters); each layer equals `ringlet usage --by-day --json` with that filter',
    http: async ({ url }) => {
      const q = new URLSearchParams(url.searchParams);
      const by = (q.get('by') ?? 'profile') as SeriesBy;
      if (!SERIES_BY.includes(by)) throw new HttpError(400, `by: expected one of ${SERIES_BY.join(', ')}`);
      q.delete('by');
      if (q.has('view')) throw new HttpError(400, 'unknown query parameter: view');
      const { filter } = usageQuery(q);
      const { usageSeries } = await import('./series.js');
      const prices = loadConfig(ctx.env).prices;
      return withLedger(ctx, (ledger) => usageSeries(ledger, filter, by, { prices }));
    },
  });

  router.add({
    method: 'GET', path: '/api/dashboard/hooks', summary: 'Hooks in force (global and per profile), recent denials from the audit log, recent hook failures',
    http: () => hooksOverview(ctx.env),
  });

  // --- the CLI's lists and profile changes -----------------------------------------------------------------

  router.add({
    method: 'GET', path: '/api/providers', summary: 'Providers, as `ringlet providers list --json`',
    http: async () => (await import('../../providers/registry.js')).listProviders(ctx.env),
  });

  router.add({
    method: 'GET', path: '/api/agents', summary: 'Agents ringlet knows, whether each is on PATH (as `ringlet agents list --all --json`, without versions)',
    http: async () => {
      const { AGENTS, findOnPath } = await import('../../agents/registry.js');
      return AGENTS.map((a) => {
        const path = findOnPath(a.binary, ctx.env.PATH ?? '') ?? null;
        return { id: a.id, label: a.label, installed: Boolean(path), path, version: null, wires: a.wires };
      });
    },
  });

  router.add({
    method: 'POST', path: '/api/profiles', summary: 'Create a profile, as `ringlet profiles create`: {name, agent, provider, keyAlias?, model?, endpoint?, wire?}',
    http: async ({ body }) => {
      if (!isObject(body)) throw new HttpError(400, 'expected a JSON object: {"name", "agent", "provider", …}');
      const allowed = ['name', 'agent', 'provider', 'keyAlias', 'model', 'endpoint', 'wire'];
      const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
      if (unknown.length) throw new HttpError(400, `unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
      for (const k of allowed) if (body[k] !== undefined && typeof body[k] !== 'string') throw new HttpError(400, `${k}: expected a string`);
      for (const k of ['name', 'agent', 'provider']) if (!body[k]) throw new HttpError(400, `${k}: required`);
      const { createProfile } = await import('../../profiles/store.js');
      const { profileSummary } = await import('../../profiles/summary.js');
      const opt = (k: string) => (body[k] === '' ? undefined : (body[k] as string | undefined));
      const p = userErrors(() => createProfile({ name: body.name as string, agent: body.agent as string, provider: body.provider as string, keyAlias: opt('keyAlias'), model: opt('model'), endpoint: opt('endpoint'), wire: opt('wire') as Wire | undefined }, ctx.env));
      ctx.log(`profile created ${p.name}`);
      return new Reply(201, profileSummary(p));
    },
  });

  router.add({
    method: 'PATCH', path: '/api/profiles/:name', summary: 'Change a profile, as `ringlet profiles set` (null clears a field): {model, provider, keyAlias, endpoint, binary, sandbox, meter, share}',
    http: async ({ params, body }) => {
      if (!isObject(body)) throw new HttpError(400, 'expected a JSON object of changes');
      const changes: ProfileChanges = {};
      const str = (k: 'model' | 'keyAlias' | 'endpoint' | 'binary') => {
        const v = body[k];
        if (v === undefined) return;
        if (v !== null && typeof v !== 'string') throw new HttpError(400, `${k}: expected a string or null`);
        changes[k] = v === '' ? null : v;
      };
      for (const k of Object.keys(body)) if (!['model', 'provider', 'keyAlias', 'endpoint', 'binary', 'sandbox', 'meter', 'share'].includes(k)) throw new HttpError(400, `unknown field: ${k}`);
      (['model', 'keyAlias', 'endpoint', 'binary'] as const).forEach(str);
      if (body.provider !== undefined) {
        if (typeof body.provider !== 'string' || !body.provider) throw new HttpError(400, 'provider: expected a provider id');
        changes.provider = body.provider;
      }
      if (body.sandbox !== undefined) {
        if (!['never', 'remote', 'always'].includes(body.sandbox as string)) throw new HttpError(400, 'sandbox: expected never, remote or always');
        changes.sandbox = body.sandbox as ProfileChanges['sandbox'];
      }
      if (body.meter !== undefined) {
        if (typeof body.meter !== 'boolean') throw new HttpError(400, 'meter: expected true or false');
        changes.meter = body.meter;
      }
      if (body.share !== undefined) {
        if (!Array.isArray(body.share) || !body.share.every((s) => typeof s === 'string')) throw new HttpError(400, 'share: expected an array of strings');
        changes.share = body.share as string[];
      }
      const { updateProfile } = await import('../../profiles/store.js');
      const { profileSummary } = await import('../../profiles/summary.js');
      const p = userErrors(() => updateProfile(params.name, changes, ctx.env));
      ctx.log(`profile updated ${p.name}`);
      return profileSummary(p);
    },
  });

  router.add({
    method: 'PUT', path: '/api/profiles/:name/key', summary: 'Store or replace the profile\'s key in the keychain, as `ringlet keychain set --replace`: {value}; write-only, never echoed',
    http: async ({ params, body }) => {
      if (!isObject(body) || typeof body.value !== 'string') throw new HttpError(400, 'expected {"value": "<the key>"}');
      const { readProfile } = await import('../../profiles/manifest.js');
      const p = userErrors(() => readProfile(params.name, ctx.env));
      const alias = p.manifest['provider-config']?.['key-alias'];
      if (!alias) throw new HttpError(400, `profile ${p.name} uses no ringlet key (provider ${p.manifest.provider}); set a key alias first`);
      const { setSecret } = await import('../../credentials/store.js');
      const value = body.value.trim();
      let backend: string;
      try {
        backend = await setSecret(p.manifest.provider, alias, value, { replace: true }, ctx.env);
      } catch (err) {
        if (err instanceof UserError) throw new HttpError(400, err.message.split('\n')[0]);
        throw err;
      }
      ctx.log(`key stored for ${p.manifest.provider}/${alias}`);
      return { provider: p.manifest.provider, alias, backend };
    },
  });
}

function describeHandler(r: import('../../hooks/types.js').HookRule): string {
  if (r.shell !== undefined) return `shell: ${r.shell}`;
  // Webhook URLs often carry their secret in the path (Slack, Discord): the page shows the host only.
  if (r.webhook !== undefined) {
    let where = 'webhook';
    try {
      where = `${new URL(r.webhook).origin}/…`;
    } catch {
      /* checked when the rule was loaded */
    }
    return `webhook: ${where}${r.webhookTemplate ? ' (template)' : ''}`;
  }
  return `script: ${r.script}`;
}

/** Everything the Hooks page shows, from the hooks store, the audit log and hooks.log. */
export async function hooksOverview(env: NodeJS.ProcessEnv): Promise<HooksOverview> {
  const out: HooksOverview = { global: [], profiles: [], errors: [], denials: [], failures: [], notes: [] };
  const store = await import('../../hooks/store.js');
  const types = await import('../../hooks/types.js');
  const view = (r: import('../../hooks/types.js').HookRule): HookRuleView => ({
    scope: r.scope, id: r.id, on: r.on, handler: describeHandler(r), matcher: r.matcher, timeoutMs: types.timeoutMs(r),
    thresholdUsd: r.on === 'cost-threshold' ? types.thresholdUsd(r) : undefined, period: r.on === 'cost-threshold' ? r.period ?? 'day' : undefined,
  });
  const load = (scope: string | null) => {
    try {
      return store.loadRules(scope, env).map(view);
    } catch (err) {
      out.errors.push({ scope, error: (err as Error).message.split('\n')[0] });
      return [];
    }
  };
  out.global = load(null);
  const { listProfiles } = await import('../../profiles/store.js');
  for (const p of listProfiles(env)) out.profiles.push({ profile: p.name, rules: load(p.name) });

  try {
    const { queryAudit } = await import('../../audit/store.js');
    out.denials = queryAudit({ type: 'hook-deny', limit: 50, env }).reverse().map((r) => ({
      ts: r.ts, profile: r.profile,
      hook: typeof r.data.hook === 'string' ? r.data.hook : undefined,
      tool: typeof r.data.tool === 'string' ? r.data.tool : undefined,
      reason: typeof r.data.reason === 'string' ? r.data.reason : undefined,
    }));
    if (!existsSync(paths.audit(env))) out.notes.push('No audit log yet: denials appear here once a hook has denied a tool.');
  } catch (err) {
    out.notes.push(`The audit log could not be read: ${(err as Error).message}`);
  }

  const log = join(ringletHome(env), 'hooks.log');
  try {
    if (existsSync(log)) {
      const size = statSync(log).size;
      const text = readFileSync(log, 'utf8');
      out.failures = text.slice(Math.max(0, size - 64 * 1024)).split('\n').filter(Boolean).slice(-30).reverse();
    }
  } catch {
    /* unreadable: leave empty */
  }
  return out;
}
