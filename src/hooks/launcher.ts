import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { paths } from '../config/paths.js';
import { rollupMaybeDue } from './rollup-stamp.js';
import type { HookPayload, HookRule } from './types.js';

/**
 * What `profiles run` does with hooks: wire the agent's own hook system to the dispatcher (only for the
 * events that have rules, so a profile without tool hooks pays nothing per tool call), fire `start`
 * before the spawn and `stop` after the exit, check cost thresholds and the daily rollup afterwards.
 * Every `profiles run` comes through here, so with no hooks directory nothing else is even loaded.
 */

export interface RunHooks {
  rules: HookRule[];
  /** For AgentContext.hookCommand: undefined removes ringlet's entries from the agent's config. */
  hookCommand?: string;
  /** For AgentContext.hookEvents: the agent's own event names to wire. */
  hookEvents?: string[];
  /** Variables for the agent's environment (the hook spool of a sandboxed run). */
  childEnv?: Record<string, string>;
  /** Sandboxed run: where the dispatcher inside queues events for the launcher. */
  spool?: string;
  watcher?: import('./spool.js').SpoolWatcher;
}

export interface RunInfo {
  profile: string;
  agent: string;
  provider: string;
  cwd: string;
  command: string[];
  /** Epoch ms. */
  startedAt: number;
}

/**
 * Reads the profile's and the global rules (a broken rule file is an error naming it: a guard must not
 * silently vanish). `sandboxed`: the run is in ringlet's sandbox, whose denials are read from the agent's
 * post-tool hook, so that hook is wired even without tool-use rules.
 */
export async function prepareRunHooks(profile: string, agent: string, env: NodeJS.ProcessEnv = process.env, opts: { sandboxed?: boolean; home?: string } = {}): Promise<RunHooks> {
  if (!opts.sandboxed && !existsSync(paths.globalHooks(env)) && !existsSync(paths.profileHooks(profile, env))) return { rules: [] };
  const [{ rulesFor }, { agentEventsFor }, { AGENT_EVENTS }] = await Promise.all([import('./store.js'), import('./wiring.js'), import('./types.js')]);
  const rules = rulesFor(profile, env);
  const wanted = new Set(rules.map((r) => r.on).filter((e) => AGENT_EVENTS.has(e)));
  if (opts.sandboxed) wanted.add('tool-use');
  const hookEvents = agentEventsFor(agent, wanted);
  if (!hookEvents.length) return { rules };
  const { dispatchCommand } = await import('./engine.js');
  const out: RunHooks = { rules, hookEvents, hookCommand: dispatchCommand(agent) };
  if (opts.sandboxed && opts.home) {
    const { spoolDir, SPOOL_ENV } = await import('./spool.js');
    out.spool = spoolDir(opts.home);
    out.childEnv = { [SPOOL_ENV]: out.spool };
  }
  return out;
}

function base(info: RunInfo): Omit<HookPayload, 'event'> {
  return { ts: new Date().toISOString(), profile: info.profile, agent: info.agent, provider: info.provider, cwd: info.cwd, command: info.command[0] ? basename(info.command[0]) : undefined };
}

export async function fireStart(h: RunHooks, info: RunInfo, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (h.spool) {
    const { watchSpool } = await import('./spool.js');
    h.watcher = await watchSpool(h.spool, info.profile, env);
  }
  const start = h.rules.filter((r) => r.on === 'start');
  if (!start.length) return;
  const { emit } = await import('./engine.js');
  emit(start, { event: 'start', ...base(info) }, env);
}

/** After the command exits: `stop`, cost thresholds (for spend imported from the agent's logs), the daily rollup. Never throws. */
export async function afterRun(h: RunHooks, info: RunInfo, exitCode: number | null, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // The sandboxed agent's last spooled events go before its `stop`.
  await h.watcher?.close();
  const stop = h.rules.filter((r) => r.on === 'stop');
  const thresholds = h.rules.filter((r) => r.on === 'cost-threshold');
  if (stop.length || thresholds.length) {
    const { emit, logHookFailure } = await import('./engine.js');
    let costUsd: number | undefined;
    let totalUsd: number | undefined;
    try {
      const { openLedger } = await import('../ledger/ledger.js');
      const ledger = await openLedger(paths.ledger(env));
      try {
        if (stop.length) {
          const day = new Date(info.startedAt).toISOString().slice(0, 10);
          costUsd = 0;
          for (const row of ledger.rows({ profile: info.profile, since: day })) if (Date.parse(row.ts) >= info.startedAt) costUsd += row.costUsd ?? 0;
          const today = new Date().toISOString().slice(0, 10);
          totalUsd = ledger.query({ profile: info.profile, since: today, until: today }).total.costUsd;
        }
        if (thresholds.length) {
          const { checkCostThresholds } = await import('./cost.js');
          checkCostThresholds(ledger, info.profile, env, new Date(), thresholds);
        }
      } finally {
        ledger.close();
      }
    } catch (err) {
      logHookFailure(env, `after the run: ${(err as Error).message}`);
    }
    // Spend is a nice-to-have in the stop event; the event itself always fires.
    if (stop.length) emit(stop, { event: 'stop', ...base(info), exitCode, durationMs: Date.now() - info.startedAt, costUsd, totalUsd }, env);
  }
  if (rollupMaybeDue(env)) {
    const { runDailyRollupIfDue } = await import('./cost.js');
    await runDailyRollupIfDue(env);
  }
}
