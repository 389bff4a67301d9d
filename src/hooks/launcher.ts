import { basename } from 'node:path';
import { paths } from '../config/paths.js';
import { rulesFor } from './store.js';
import { agentEventsFor } from './wiring.js';
import { dispatchCommand, emit, logHookFailure } from './engine.js';
import { AGENT_EVENTS, type HookPayload, type HookRule } from './types.js';

/**
 * What `profiles run` does with hooks: wire the agent's own hook system to the dispatcher (only for the
 * events that have rules, so a profile without tool hooks pays nothing per tool call), fire `start`
 * before the spawn and `stop` after the exit, check cost thresholds and the daily rollup afterwards.
 */

export interface RunHooks {
  rules: HookRule[];
  /** For AgentContext.hookCommand: undefined removes ringlet's entries from the agent's config. */
  hookCommand?: string;
  /** For AgentContext.hookEvents: the agent's own event names to wire. */
  hookEvents?: string[];
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

/** Reads the profile's and the global rules (a broken rule file is an error naming it: a guard must not silently vanish). */
export function prepareRunHooks(profile: string, agent: string, env: NodeJS.ProcessEnv = process.env): RunHooks {
  const rules = rulesFor(profile, env);
  const hookEvents = agentEventsFor(agent, new Set(rules.map((r) => r.on).filter((e) => AGENT_EVENTS.has(e))));
  if (!hookEvents.length) return { rules };
  return { rules, hookEvents, hookCommand: dispatchCommand(agent) };
}

function base(info: RunInfo): Omit<HookPayload, 'event'> {
  return { ts: new Date().toISOString(), profile: info.profile, agent: info.agent, provider: info.provider, cwd: info.cwd, command: info.command[0] ? basename(info.command[0]) : undefined };
}

export function fireStart(h: RunHooks, info: RunInfo, env: NodeJS.ProcessEnv = process.env): void {
  emit(h.rules.filter((r) => r.on === 'start'), { event: 'start', ...base(info) }, env);
}

/** After the command exits: `stop`, cost thresholds (for spend imported from the agent's logs), the daily rollup. Never throws. */
export async function afterRun(h: RunHooks, info: RunInfo, exitCode: number | null, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const stop = h.rules.filter((r) => r.on === 'stop');
  const thresholds = h.rules.filter((r) => r.on === 'cost-threshold');
  try {
    if (stop.length || thresholds.length) {
      const { openLedger } = await import('../ledger/ledger.js');
      const ledger = await openLedger(paths.ledger(env));
      try {
        if (stop.length) {
          const day = new Date(info.startedAt).toISOString().slice(0, 10);
          let costUsd = 0;
          for (const row of ledger.rows({ profile: info.profile, since: day })) if (Date.parse(row.ts) >= info.startedAt) costUsd += row.costUsd ?? 0;
          const today = new Date().toISOString().slice(0, 10);
          const totalUsd = ledger.query({ profile: info.profile, since: today, until: today }).total.costUsd;
          emit(stop, { event: 'stop', ...base(info), exitCode, durationMs: Date.now() - info.startedAt, costUsd, totalUsd }, env);
        }
        if (thresholds.length) {
          const { checkCostThresholds } = await import('./cost.js');
          checkCostThresholds(ledger, info.profile, env, new Date(), thresholds);
        }
      } finally {
        ledger.close();
      }
    }
  } catch (err) {
    logHookFailure(env, `stop: ${(err as Error).message}`);
  }
  const { runDailyRollupIfDue } = await import('./cost.js');
  await runDailyRollupIfDue(env);
}
