import { mkdirSync, writeFileSync } from 'node:fs';
import { paths } from '../config/paths.js';
import { loadConfig } from '../config/config.js';
import type { Ledger } from '../ledger/ledger.js';
import { loadRules, profilesWithHooks, rulesFor } from './store.js';
import { emit, logHookFailure } from './engine.js';
import { thresholdUsd, type HookPayload, type HookRule } from './types.js';
import { dueRollupDay, rollupMaybeDue, rollupStampFile } from './rollup-stamp.js';

export { dueRollupDay } from './rollup-stamp.js';

/**
 * cost-threshold and daily-rollup: events from the ledger and the clock. "Fired once" is a row in
 * `hook_fired` (in ledger.db, next to the spend it is about): INSERT OR IGNORE is atomic across the many
 * processes that may record spend at once, and survives restarts.
 */

function claimOnce(ledger: Ledger, kind: string, key: string, period: string): boolean {
  ledger.db.exec(`CREATE TABLE IF NOT EXISTS hook_fired (
    kind TEXT NOT NULL, key TEXT NOT NULL, period TEXT NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (kind, key, period)) WITHOUT ROWID`);
  return ledger.db.prepare('INSERT OR IGNORE INTO hook_fired (kind, key, period, ts) VALUES (?, ?, ?, ?)').run(kind, key, period, Date.now()).changes === 1;
}

const lastDayOfMonth = (month: string) => new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0)).toISOString().slice(0, 10);

function periodOf(period: 'day' | 'month', at: Date): { key: string; since: string; until: string } {
  const day = at.toISOString().slice(0, 10);
  if (period === 'day') return { key: day, since: day, until: day };
  const month = day.slice(0, 7);
  return { key: month, since: `${month}-01`, until: lastDayOfMonth(month) };
}

function spend(ledger: Ledger, env: NodeJS.ProcessEnv, profile: string | undefined, since: string, until: string) {
  return ledger.query({ profile, since, until }, 'profile', { prices: loadConfig(env).prices });
}

/**
 * After the ledger records spend for `profile`: fire each cost-threshold rule whose period spend has
 * reached its limit, once per rule, limit and period. Returns the rules that fired (for tests and the daemon).
 */
export function checkCostThresholds(ledger: Ledger, profile: string, env: NodeJS.ProcessEnv = process.env, at = new Date(), rules?: HookRule[]): HookRule[] {
  const fired: HookRule[] = [];
  try {
    checkEach(ledger, profile, env, at, (rules ?? rulesFor(profile, env)).filter((r) => r.on === 'cost-threshold'), fired);
  } catch (err) {
    logHookFailure(env, `cost-threshold: ${(err as Error).message}`);
  }
  return fired;
}

function checkEach(ledger: Ledger, profile: string, env: NodeJS.ProcessEnv, at: Date, candidates: HookRule[], fired: HookRule[]): void {
  for (const rule of candidates) {
    const period = rule.period ?? 'day';
    const p = periodOf(period, at);
    const total = spend(ledger, env, profile, p.since, p.until).total.costUsd;
    const limit = thresholdUsd(rule);
    if (total < limit) continue;
    if (!claimOnce(ledger, 'cost-threshold', `${rule.scope ?? '*'}/${rule.id}/${limit}/${profile}`, p.key)) continue;
    fired.push(rule);
    const payload: HookPayload = {
      event: 'cost-threshold', ts: new Date().toISOString(), profile, period, periodKey: p.key,
      totalUsd: total, limitUsd: limit, costUsd: total,
    };
    emit([rule], payload, env);
  }
}

/**
 * Fire `daily-rollup` hooks for the last complete UTC day if nobody has yet: called by the launcher after
 * the agent exits and by the daemon on a timer. A stamp file makes the usual case one small read; the
 * ledger's `hook_fired` table makes it once per rule and day even when two processes race. Returns the
 * rules fired. Never throws.
 */
export async function runDailyRollupIfDue(env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<HookRule[]> {
  if (!rollupMaybeDue(env, now)) return [];
  const due = dueRollupDay(now);
  const stamp = rollupStampFile(env);
  const fired: HookRule[] = [];
  try {
    const scopes: Array<string | null> = [null, ...profilesWithHooks(env)];
    const byScope = scopes.map((s) => [s, loadRules(s, env).filter((r) => r.on === 'daily-rollup')] as const).filter(([, r]) => r.length);
    if (byScope.length) {
      const { openLedger } = await import('../ledger/ledger.js');
      const ledger = await openLedger(paths.ledger(env));
      try {
        const report = spend(ledger, env, undefined, due, due);
        // The 'profile' view groups by profile, agent and provider: sum per profile.
        const per = new Map<string | null, { profile: string | null; costUsd: number; requests: number }>();
        for (const g of report.groups) {
          const e = per.get(g.profile ?? null) ?? { profile: g.profile ?? null, costUsd: 0, requests: 0 };
          e.costUsd += g.costUsd;
          e.requests += g.requests;
          per.set(e.profile, e);
        }
        const profiles = [...per.values()];
        for (const [scope, rules] of byScope) {
          const mine = rules.filter((r) => claimOnce(ledger, 'daily-rollup', `${scope ?? '*'}/${r.id}`, due));
          if (!mine.length) continue;
          const rows = scope === null ? profiles : profiles.filter((p) => p.profile === scope);
          const payload: HookPayload = {
            event: 'daily-rollup', ts: new Date().toISOString(), profile: scope, period: 'day', periodKey: due,
            totalUsd: rows.reduce((a, p) => a + p.costUsd, 0), profiles: rows,
          };
          emit(mine, payload, env);
          fired.push(...mine);
        }
      } finally {
        ledger.close();
      }
    }
    mkdirSync(paths.cacheDir(env), { recursive: true });
    writeFileSync(stamp, `${due}\n`);
  } catch (err) {
    logHookFailure(env, `daily-rollup: ${(err as Error).message}`);
  }
  return fired;
}
