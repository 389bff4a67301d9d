import { ringletBin } from '../config/install.js';
import { shellWord as shq } from '../shell/quote.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ringletHome } from '../config/paths.js';
import { GATING_EVENTS, handlerKind, timeoutMs, type HookOutcome, type HookPayload, type HookRule } from './types.js';
import { eventJson, hookVariables, renderTemplate } from './vars.js';
import { runShell } from './runners/shell.js';
import { writeSpool, type SpoolEntry } from './spool.js';

/**
 * Runs hook rules for one event. Gating events (pre-tool-use) run their shell and script hooks here, in
 * order, and the first deny wins; everything else (non-gating events, and webhooks of any event) goes to
 * a detached background process, so the agent and the launcher never wait for it.
 */

export { ringletBin };


/** The command line agents' hook configs call: `<node> <bin/ringlet> hooks dispatch <agent>`; the event is appended. */
export function dispatchCommand(agent: string): string {
  return [process.execPath, ringletBin(), 'hooks', 'dispatch', agent].map(shq).join(' ');
}

/** Keys never reach a hook: they are the agent's, not the hook's (the metered ones are local tokens anyway). */
const SECRET_VAR = /(^|_)(API_KEY|AUTH_TOKEN|ACCESS_TOKEN|SECRET_KEY)$/;

/**
 * The environment of a shell hook: the caller's, without keys, plus the RINGLET_* variables. HOME is the
 * user's own even when the agent's HOME is the profile's: hooks are the user's tools, and `~/audit.jsonl`
 * should mean one file whether the launcher or the agent fired the event.
 */
export function hookEnv(base: NodeJS.ProcessEnv, payload: HookPayload, rule?: HookRule): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !SECRET_VAR.test(k) && !k.startsWith('RINGLET_TEST_')) env[k] = v;
  if (base.RINGLET_REAL_HOME) env.HOME = base.RINGLET_REAL_HOME;
  for (const k of Object.keys(env)) if (/^RINGLET_(TOOL|COST|TOTAL|LIMIT|EXIT|DURATION|MESSAGE|NOTIFY|PERIOD|DAY|SESSION|SOURCE)/.test(k)) delete env[k];
  Object.assign(env, hookVariables(payload));
  if (rule) env.RINGLET_HOOK_ID = rule.id;
  return env;
}

export function webhookBody(rule: HookRule, payload: HookPayload): string {
  return rule.webhookTemplate ? renderTemplate(rule.webhookTemplate, { ...hookVariables(payload), RINGLET_HOOK_ID: rule.id }) : eventJson(payload);
}

export interface RunOptions {
  /** ringlet's environment (paths) and the base of the hooks' environment. */
  env: NodeJS.ProcessEnv;
  /** Deliver webhooks here and wait for them (`hooks test`, the background job) instead of queueing them. */
  inlineWebhooks?: boolean;
  /** Cut every timeout to what is left of this deadline (epoch ms). */
  deadline?: number;
  /** Sandboxed run: queue webhooks in this spool for the launcher instead of running them here. */
  spool?: string;
}

const firstLine = (s: string) => s.trim().split('\n').filter(Boolean).slice(0, 3).join(' / ').slice(0, 500);

/** Run one rule and say what it decided. Never throws. */
export async function runRule(rule: HookRule, payload: HookPayload, opts: RunOptions): Promise<HookOutcome> {
  const t0 = Date.now();
  const gating = GATING_EVENTS.has(rule.on);
  const kind = handlerKind(rule);
  const out = (verdict: HookOutcome['verdict'], reason?: string, detail?: string[]): HookOutcome => ({ id: rule.id, scope: rule.scope, kind, verdict, reason, detail, ms: Date.now() - t0 });
  let limit = timeoutMs(rule);
  if (opts.deadline !== undefined) limit = Math.max(1, Math.min(limit, opts.deadline - Date.now()));
  const secs = `${Math.round(limit / 100) / 10}s`;
  try {
    if (kind === 'shell') {
      const r = await runShell(rule.shell!, { stdin: eventJson(payload) + '\n', env: hookEnv(opts.env, payload, rule), timeoutMs: limit, cwd: payload.cwd && existsSync(payload.cwd) ? payload.cwd : undefined });
      if (r.timedOut) return out(gating ? 'deny' : 'error', `hook ${rule.id} timed out after ${secs}${gating ? ', so the tool is denied' : ''}`);
      if (r.error) return out(gating ? 'deny' : 'error', `hook ${rule.id} could not run: ${r.error}`);
      if (r.code === 0) return out(gating ? 'allow' : 'none');
      return out(gating ? 'deny' : 'error', firstLine(r.stderr) || `hook ${rule.id} exited with ${r.code ?? 'a signal'}`);
    }
    if (kind === 'script') {
      const { runScript } = await import('./runners/script.js');
      const source = readFileSync(rule.script!, 'utf8');
      const r = await runScript(source, rule.script!, rule.on, payload, { timeoutMs: limit });
      const detail = r.logs.length ? r.logs : undefined;
      if (r.timedOut) return out(gating ? 'deny' : 'error', `hook ${rule.id} timed out after ${secs}${gating ? ', so the tool is denied' : ''}`, detail);
      if (r.error) return out(gating ? 'deny' : 'error', `hook ${rule.id}: script error: ${r.error}`, detail);
      if (!gating) return out('none', undefined, detail);
      return r.verdict === 'deny' ? out('deny', r.reason || `denied by hook ${rule.id}`, detail) : out('allow', undefined, detail);
    }
    if (!opts.inlineWebhooks) return out('queued');
    const { deliverWebhook } = await import('./runners/webhook.js');
    const r = await deliverWebhook(rule.webhook!, webhookBody(rule, payload), { timeoutMs: limit });
    const detail = [`${r.ok ? 'delivered' : 'failed'}${r.status ? ` (HTTP ${r.status})` : ''} after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`];
    return r.ok ? out('none', undefined, detail) : out('error', `webhook ${rule.id}: ${r.error}`, detail);
  } catch (err) {
    return out(gating ? 'deny' : 'error', `hook ${rule.id}: ${(err as Error).message}`);
  }
}

export interface GateResult {
  allowed: boolean;
  reason?: string;
  outcomes: HookOutcome[];
}

/**
 * Decide a gating event: shell and script hooks in order, the first deny wins and the rest are skipped.
 * Webhooks are informational and never gate; they are queued (or, with inlineWebhooks, delivered).
 */
export async function runGating(rules: HookRule[], payload: HookPayload, opts: RunOptions): Promise<GateResult> {
  const outcomes: HookOutcome[] = [];
  const webhooks = rules.filter((r) => handlerKind(r) === 'webhook');
  if (webhooks.length && !opts.inlineWebhooks && !(opts.spool && spoolOrLog(opts.spool, { payload, webhooksOnly: true }, opts.env))) {
    runInBackground(webhooks, payload, opts.env);
  }
  for (const rule of rules) {
    if (handlerKind(rule) === 'webhook') {
      if (opts.inlineWebhooks) outcomes.push(await runRule(rule, payload, opts));
      else outcomes.push({ id: rule.id, scope: rule.scope, kind: 'webhook', verdict: 'queued', ms: 0 });
      continue;
    }
    const o = await runRule(rule, payload, opts);
    outcomes.push(o);
    if (o.verdict === 'deny') return { allowed: false, reason: o.reason, outcomes };
  }
  return { allowed: true, outcomes };
}

/** Queue an event for the launcher of a sandboxed run; false (and logged) when that fails. */
export function spoolOrLog(dir: string, entry: SpoolEntry, env: NodeJS.ProcessEnv): boolean {
  try {
    writeSpool(dir, entry);
    return true;
  } catch (err) {
    logHookFailure(env, `could not spool ${entry.payload.event} for the launcher: ${(err as Error).message}`);
    return false;
  }
}

/** Fire a non-gating event: nothing to wait for, so all of it runs in a detached process. */
export function emit(rules: HookRule[], payload: HookPayload, env: NodeJS.ProcessEnv): void {
  if (rules.length) runInBackground(rules, payload, env);
}

interface Job {
  rules: HookRule[];
  payload: HookPayload;
}

/**
 * Hand rules to `ringlet hooks run-job FILE` in a new session with no stdio of ours: the caller (a hook
 * the agent waits for, or the launcher about to exit) returns at once. The job file is 0600 in TMPDIR
 * (it may hold tool input) and the job deletes it first thing.
 */
export function runInBackground(rules: HookRule[], payload: HookPayload, env: NodeJS.ProcessEnv): void {
  try {
    const file = join(tmpdir(), `ringlet-hook-job-${process.pid}-${randomBytes(6).toString('hex')}.json`);
    writeFileSync(file, JSON.stringify({ rules, payload } satisfies Job), { mode: 0o600, flag: 'wx' });
    const child = spawn(process.execPath, [ringletBin(), 'hooks', 'run-job', file], { env: env as NodeJS.ProcessEnv, detached: true, stdio: 'ignore' });
    child.on('error', (err) => logHookFailure(env, `could not start a background hook job: ${err.message}`));
    child.unref();
  } catch (err) {
    logHookFailure(env, `could not queue hooks for ${payload.event}: ${(err as Error).message}`);
  }
}

/** The background job: shell and script hooks one after another, webhooks alongside (their retries wait). */
export async function runJobFile(file: string, env: NodeJS.ProcessEnv): Promise<HookOutcome[]> {
  let job: Job;
  try {
    job = JSON.parse(readFileSync(file, 'utf8')) as Job;
  } finally {
    try { unlinkSync(file); } catch { /* gone already */ }
  }
  const opts: RunOptions = { env, inlineWebhooks: true };
  const local = (async () => {
    const out: HookOutcome[] = [];
    for (const r of job.rules.filter((x) => handlerKind(x) !== 'webhook')) out.push(await runRule(r, job.payload, opts));
    return out;
  })();
  const hooks = job.rules.filter((x) => handlerKind(x) === 'webhook').map((r) => runRule(r, job.payload, opts));
  const outcomes = [...(await local), ...(await Promise.all(hooks))];
  for (const o of outcomes) if (o.verdict === 'error') logHookFailure(env, `${job.payload.event} ${o.scope ?? '*'}/${o.id}: ${o.reason ?? 'failed'}`);
  return outcomes;
}

/** Failures of hooks nobody waits for go to `<ringlet home>/hooks.log` (kept under about 1 MB). */
export function logHookFailure(env: NodeJS.ProcessEnv, line: string): void {
  try {
    const file = join(ringletHome(env), 'hooks.log');
    try {
      if (statSync(file).size > 1_000_000) renameSync(file, `${file}.1`);
    } catch { /* no log yet */ }
    appendFileSync(file, `${new Date().toISOString()} ${line.replace(/\n/g, ' ')}\n`, { mode: 0o600 });
  } catch {
    /* nowhere to log (a sandbox with the ringlet home hidden): failures of non-gating hooks are not fatal */
  }
}
