import type { Ledger } from './ledger.js';
import type { Database } from './db.js';
import type { PriceOverride } from '../config/config.js';
import { priceFor, priceCounts, PRICES_AS_OF } from '../providers/prices.js';
import { isRealDay, dayStartMs } from './days.js';

export { parseDay } from './days.js';

/**
 * Which rows a report or export covers. Every field is optional; all given fields must match.
 * since / until are inclusive UTC days, `YYYY-MM-DD` (use parseDay for user input such as `7d`).
 * model matches the exact name, or is a glob when it contains `*` (e.g. `claude-sonnet-*`).
 */
export interface UsageFilter {
  profile?: string;
  provider?: string;
  model?: string;
  agent?: string;
  since?: string;
  until?: string;
}

/** Grouping: by profile (with its agent and provider), by UTC day, by model, or by routing rule. */
export type UsageView = 'profile' | 'day' | 'model' | 'rule';
export const USAGE_VIEWS: readonly UsageView[] = ['profile', 'day', 'model', 'rule'];

export interface QueryOptions {
  /** config.toml [prices]: rows stored without a cost are priced with these (and the current table) at query time. */
  prices?: Record<string, PriceOverride>;
}

export interface UsageTotals {
  /** Ledger rows (completed model responses). */
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  reasoningTokens: number;
  /** USD of every priced row; rows of unknown price add nothing here (see unpricedRequests). */
  costUsd: number;
  /** Rows whose model has no known price: their tokens are counted, their cost is not. */
  unpricedRequests: number;
  /** Models of those rows, sorted. */
  unpricedModels: string[];
}

/** One row of a report: the group's key fields (those of its view), then its totals. */
export interface UsageGroup extends UsageTotals {
  /** view 'profile': the profile (null for usage imported without --to), its agent and provider. */
  profile?: string | null;
  agent?: string;
  provider?: string;
  /** view 'day': UTC date, YYYY-MM-DD. */
  day?: string;
  /** view 'model'. */
  model?: string;
  /** view 'rule': the routing rule, null for requests no rule routed. */
  rule?: string | null;
}

/**
 * The report `ringlet usage --json` prints and a daemon route can return unchanged.
 * `schema` changes only when a field changes meaning or goes away; new fields may be added.
 */
export interface UsageReport {
  schema: 'ringlet.usage/1';
  view: UsageView;
  filter: { profile: string | null; provider: string | null; model: string | null; agent: string | null; since: string | null; until: string | null };
  /** Date of the shipped price table used for rows stored without a cost. */
  pricesAsOf: string;
  groups: UsageGroup[];
  total: UsageTotals;
}


function checkDays(f: UsageFilter): void {
  for (const [key, value] of [['since', f.since], ['until', f.until]] as const) {
    if (value !== undefined && !isRealDay(value)) throw new RangeError(`ledger: ${key} must be a YYYY-MM-DD day (got ${JSON.stringify(value)})`);
  }
}

/** Conditions on the non-time fields; the same column names exist in `usage` and both rollups. */
function dimensionClauses(f: UsageFilter, parts: string[], args: Record<string, string | number>): void {
  if (f.profile !== undefined) { parts.push('profile = @profile'); args.profile = f.profile; }
  if (f.agent !== undefined) { parts.push('agent = @agent'); args.agent = f.agent; }
  if (f.provider !== undefined) { parts.push('provider = @provider'); args.provider = f.provider; }
  if (f.model !== undefined) {
    parts.push(f.model.includes('*') ? 'model GLOB @model' : 'model = @model');
    args.model = f.model;
  }
}

const whereOf = (parts: string[]) => (parts.length ? `WHERE ${parts.join(' AND ')}` : '');

/** WHERE clause for a filter against the `usage` table (ms timestamps, inclusive UTC days). */
export function filterClauses(f: UsageFilter): { where: string; args: Record<string, string | number> } {
  checkDays(f);
  const parts: string[] = [];
  const args: Record<string, string | number> = {};
  if (f.since) { parts.push('ts >= @since'); args.since = dayStartMs(f.since); }
  if (f.until) { parts.push('ts < @until'); args.until = dayStartMs(f.until) + 86_400_000; }
  dimensionClauses(f, parts, args);
  return { where: whereOf(parts), args };
}

/** A slice of the time range, answered by one rollup: inclusive bounds in its own unit (day or month). */
interface Segment { table: 'usage_daily' | 'usage_monthly'; col: 'day' | 'month'; from?: string; to?: string }

const shiftMonth = (month: string, by: number) => {
  const d = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7) - 1 + by, 1));
  return d.toISOString().slice(0, 7);
};
const lastDayOf = (month: string) => new Date(dayStartMs(`${shiftMonth(month, 1)}-01`) - 86_400_000).toISOString().slice(0, 10);

/**
 * Splits a day range into whole months (read from usage_monthly) and partial months at either end (read
 * from usage_daily). Per-day reports always read usage_daily.
 */
export function segmentsFor(since: string | undefined, until: string | undefined, view: UsageView): Segment[] {
  if (view === 'day') return [{ table: 'usage_daily', col: 'day', from: since, to: until }];
  const firstFull = since === undefined ? undefined : since.endsWith('-01') ? since.slice(0, 7) : shiftMonth(since.slice(0, 7), 1);
  const lastFull = until === undefined ? undefined : until === lastDayOf(until.slice(0, 7)) ? until.slice(0, 7) : shiftMonth(until.slice(0, 7), -1);
  if (firstFull !== undefined && lastFull !== undefined && firstFull > lastFull) {
    return [{ table: 'usage_daily', col: 'day', from: since, to: until }];
  }
  const segs: Segment[] = [{ table: 'usage_monthly', col: 'month', from: firstFull, to: lastFull }];
  if (since !== undefined && !since.endsWith('-01')) segs.push({ table: 'usage_daily', col: 'day', from: since, to: lastDayOf(since.slice(0, 7)) });
  if (until !== undefined && until.slice(0, 7) !== lastFull) segs.push({ table: 'usage_daily', col: 'day', from: `${until.slice(0, 7)}-01`, to: until });
  return segs;
}

const KEY_COLUMNS: Record<UsageView, string[]> = {
  profile: ['profile', 'agent', 'provider'],
  day: ['day'],
  model: ['model'],
  rule: ['rule'],
};

const SUMS = `sum(requests) AS requests, sum(input_tokens) AS input, sum(output_tokens) AS output,
  sum(cache_write_tokens) AS cw, sum(cache_write_1h_tokens) AS cw1h, sum(cache_read_tokens) AS cr,
  sum(reasoning_tokens) AS reasoning, sum(cost_usd) AS cost`;

interface RollupRow {
  k0: string; k1?: string; k2?: string;
  /** Only on rows of unpriced requests, which are grouped by model too so they can be priced now. */
  m?: string; pv?: string;
  requests: number; input: number; output: number; cw: number; cw1h: number; cr: number; reasoning: number; cost: number;
}

function emptyTotals(): UsageTotals {
  return { requests: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, reasoningTokens: 0, costUsd: 0, unpricedRequests: 0, unpricedModels: [] };
}

function addInto(t: UsageTotals, r: RollupRow, cost: number | null, unpriced: Set<string>): void {
  t.requests += r.requests;
  t.inputTokens += r.input;
  t.outputTokens += r.output;
  t.cacheWriteTokens += r.cw;
  t.cacheWrite1hTokens += r.cw1h;
  t.cacheReadTokens += r.cr;
  t.reasoningTokens += r.reasoning;
  if (cost === null) {
    t.unpricedRequests += r.requests;
    unpriced.add(r.m ?? '');
  } else t.costUsd += cost;
}

// Float sums of many small costs pick up noise in the last digits; reports carry 1e-9 USD precision.
const roundUsd = (n: number) => Math.round(n * 1e9) / 1e9;

/**
 * The aggregated usage report for a filter and view. Reads the rollups (whole months from usage_monthly,
 * days from usage_daily), so it costs about the same for ten rows or ten million. Costs stored with each
 * row are summed as they are; rows stored without a cost (unknown model at the time) are priced now if
 * the table or `opts.prices` knows the model (at base rates: the rollups have no per-request prompt
 * sizes for long-prompt tiers), else counted as unpriced.
 */
export function queryUsage(ledger: Ledger, filter: UsageFilter = {}, view: UsageView = 'profile', opts: QueryOptions = {}): UsageReport {
  if (!USAGE_VIEWS.includes(view)) throw new RangeError(`ledger: unknown view ${JSON.stringify(view)}`);
  checkDays(filter);
  const keys = KEY_COLUMNS[view];
  const keySelect = keys.map((k, i) => `${k} AS k${i}`).join(', ');
  const keyGroup = keys.join(', ');

  const groups = new Map<string, { g: UsageGroup; unpriced: Set<string> }>();
  const total = emptyTotals();
  const totalUnpriced = new Set<string>();
  const repriced = new Map<string, ReturnType<typeof priceFor>>();

  const add = (r: RollupRow, cost: number | null) => {
    const id = keys.length === 1 ? r.k0 : `${r.k0}\u0000${r.k1}\u0000${r.k2}`;
    let entry = groups.get(id);
    if (!entry) {
      const keyed: Partial<UsageGroup> = {};
      if (view === 'profile') Object.assign(keyed, { profile: r.k0 === '' ? null : r.k0, agent: r.k1, provider: r.k2 });
      else if (view === 'day') keyed.day = r.k0;
      else if (view === 'model') keyed.model = r.k0;
      else keyed.rule = r.k0 === '' ? null : r.k0;
      entry = { g: Object.assign(keyed, emptyTotals()) as UsageGroup, unpriced: new Set() };
      groups.set(id, entry);
    }
    addInto(entry.g, r, cost, entry.unpriced);
    addInto(total, r, cost, totalUnpriced);
  };

  for (const seg of segmentsFor(filter.since, filter.until, view)) {
    const parts: string[] = [];
    const args: Record<string, string | number> = {};
    if (seg.from !== undefined) { parts.push(`${seg.col} >= @from`); args.from = seg.from; }
    if (seg.to !== undefined) { parts.push(`${seg.col} <= @to`); args.to = seg.to; }
    dimensionClauses(filter, parts, args);
    // Priced requests group by the view key alone (per day that follows the primary key, no sort);
    // the few unpriced ones also by model and provider, to be priced with today's table and overrides.
    const priced = ledger.db.prepare(`SELECT ${keySelect}, ${SUMS} FROM ${seg.table} ${whereOf([...parts, 'priced = 1'])} GROUP BY ${keyGroup}`);
    for (const r of priced.all(args) as RollupRow[]) add(r, r.cost);
    const unpriced = ledger.db.prepare(`SELECT ${keySelect}, model AS m, provider AS pv, ${SUMS} FROM ${seg.table} ${whereOf([...parts, 'priced = 0'])} GROUP BY ${keyGroup}, model, provider`);
    for (const r of unpriced.all(args) as RollupRow[]) {
      const pk = `${r.pv}\u0000${r.m}`;
      if (!repriced.has(pk)) repriced.set(pk, priceFor(r.m!, opts.prices, r.pv));
      const p = repriced.get(pk);
      add(r, p ? priceCounts(p, { inputTokens: r.input, outputTokens: r.output, cacheWriteTokens: r.cw, cacheWrite1hTokens: r.cw1h, cacheReadTokens: r.cr }, true) : null);
    }
  }

  const out = [...groups.values()].map(({ g, unpriced }) => {
    g.costUsd = roundUsd(g.costUsd);
    g.unpricedModels = [...unpriced].sort();
    return g;
  });
  total.costUsd = roundUsd(total.costUsd);
  total.unpricedModels = [...totalUnpriced].sort();

  const byName = (a: string | null | undefined, b: string | null | undefined) =>
    a == null ? (b == null ? 0 : 1) : b == null ? -1 : a < b ? -1 : a > b ? 1 : 0;
  if (view === 'day') out.sort((a, b) => byName(a.day, b.day));
  else if (view === 'model') out.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || byName(a.model, b.model));
  else if (view === 'rule') out.sort((a, b) => byName(a.rule, b.rule));
  else out.sort((a, b) => byName(a.profile, b.profile) || byName(a.agent, b.agent) || byName(a.provider, b.provider));

  return {
    schema: 'ringlet.usage/1',
    view,
    filter: {
      profile: filter.profile ?? null,
      provider: filter.provider ?? null,
      model: filter.model ?? null,
      agent: filter.agent ?? null,
      since: filter.since ?? null,
      until: filter.until ?? null,
    },
    pricesAsOf: PRICES_AS_OF,
    groups: out,
    total,
  };
}
