import type { Ledger } from '../../ledger/ledger.js';
import type { QueryOptions, UsageFilter, UsageReport } from '../../ledger/query.js';

/** What the dashboard's chart stacks by. */
export type SeriesBy = 'profile' | 'provider' | 'model' | 'agent';
export const SERIES_BY: readonly SeriesBy[] = ['profile', 'provider', 'model', 'agent'];

export interface SeriesLayer {
  /** The profile/provider/model/agent; null for the rest ("(other)", or "(none)": usage of no profile). */
  key: string | null;
  label: string;
  costUsd: number[];
  requests: number[];
  unpricedRequests: number[];
}

/** Spend per UTC day, split by one dimension. Every array lines up with `days`. */
export interface UsageSeries {
  schema: 'ringlet.usage-series/1';
  by: SeriesBy;
  filter: UsageReport['filter'];
  days: string[];
  /** Bottom of the stack first. */
  series: SeriesLayer[];
  total: { costUsd: number[]; requests: number[]; unpricedRequests: number[] };
}

const roundUsd = (n: number) => Math.round(n * 1e9) / 1e9;
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A chart longer than ten years is not readable anyway; it keeps the arrays bounded. */
const MAX_DAYS = 3660;

/**
 * Builds the chart from the same report `ringlet usage --by-day --json` prints: the total per day is that
 * report for the filter, and each layer is that report with the layer's key added to the filter
 * (`--profile work`). So every bar equals what the CLI says for the same filter. Keys beyond the
 * `maxLayers - 1` largest are summed as "(other)", the difference between the total and the layers shown.
 */
export function usageSeries(ledger: Ledger, filter: UsageFilter, by: SeriesBy, opts: QueryOptions = {}, maxLayers = 8): UsageSeries {
  const total = ledger.query(filter, 'day', opts);
  const today = dayOf(Date.now());
  const dataDays = total.groups.map((g) => g.day!);
  const first = filter.since ?? dataDays[0];
  let last = filter.until ?? (dataDays.length && dataDays[dataDays.length - 1] > today ? dataDays[dataDays.length - 1] : today);
  const days: string[] = [];
  if (first) {
    if ((dayMs(last) - dayMs(first)) / 86_400_000 >= MAX_DAYS) last = dayOf(dayMs(first) + (MAX_DAYS - 1) * 86_400_000);
    for (let t = dayMs(first); t <= dayMs(last); t += 86_400_000) days.push(dayOf(t));
  }
  const index = new Map(days.map((d, i) => [d, i]));
  const zeros = () => days.map(() => 0);
  const fill = (report: UsageReport) => {
    const layer = { costUsd: zeros(), requests: zeros(), unpricedRequests: zeros() };
    for (const g of report.groups) {
      const i = index.get(g.day!);
      if (i === undefined) continue;
      layer.costUsd[i] = g.costUsd;
      layer.requests[i] = g.requests;
      layer.unpricedRequests[i] = g.unpricedRequests;
    }
    return layer;
  };
  const totals = fill(total);

  // Rank the keys of the range by cost (then requests), from the report of that dimension.
  const ranked = new Map<string | null, { cost: number; requests: number }>();
  const source = ledger.query(filter, by === 'model' ? 'model' : 'profile', opts);
  for (const g of source.groups) {
    const key = (by === 'profile' ? g.profile : by === 'model' ? g.model : by === 'provider' ? g.provider : g.agent) ?? null;
    const r = ranked.get(key) ?? { cost: 0, requests: 0 };
    r.cost += g.costUsd;
    r.requests += g.requests;
    ranked.set(key, r);
  }
  const keys = [...ranked.entries()]
    // null (usage of no profile) and glob-looking names cannot be asked for as a filter: they go to the rest.
    .filter(([k]) => k !== null && !k.includes('*'))
    .sort((a, b) => b[1].cost - a[1].cost || b[1].requests - a[1].requests || String(a[0]).localeCompare(String(b[0])))
    .map(([k]) => k as string);
  const shown = keys.length + (ranked.size > keys.length ? 1 : 0) > maxLayers ? keys.slice(0, maxLayers - 1) : keys;

  const series: SeriesLayer[] = shown.map((key) => ({ key, label: key, ...fill(ledger.query({ ...filter, [by]: key }, 'day', opts)) }));
  const rest = { costUsd: zeros(), requests: zeros(), unpricedRequests: zeros() };
  let restRequests = 0;
  days.forEach((_, i) => {
    rest.requests[i] = totals.requests[i] - series.reduce((n, s) => n + s.requests[i], 0);
    rest.unpricedRequests[i] = totals.unpricedRequests[i] - series.reduce((n, s) => n + s.unpricedRequests[i], 0);
    rest.costUsd[i] = Math.max(0, roundUsd(totals.costUsd[i] - series.reduce((n, s) => n + s.costUsd[i], 0)));
    restRequests += rest.requests[i];
  });
  if (restRequests > 0) {
    const onlyNone = shown.length === keys.length && by === 'profile';
    series.push({ key: null, label: onlyNone ? '(none)' : '(other)', ...rest });
  }
  // Largest at the bottom of the stack, the rest on top.
  return { schema: 'ringlet.usage-series/1', by, filter: total.filter, days, series, total: totals };
}
