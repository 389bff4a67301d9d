import type { UsageRecord } from './types.js';
import type { UsageReport, UsageGroup } from './query.js';

type Cell = string | number | boolean | null | undefined;

/** One RFC 4180 field: quoted (quotes doubled) when it holds a comma, quote, CR or LF; null is empty. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record, CRLF-terminated as RFC 4180 asks. */
export function csvLine(cells: Cell[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

export const RECORD_COLUMNS = [
  'ts', 'profile', 'agent', 'provider', 'model', 'input_tokens', 'output_tokens', 'cache_write_tokens',
  'cache_write_1h_tokens', 'cache_read_tokens', 'reasoning_tokens', 'cost_usd', 'source', 'message_id', 'rule',
] as const;

function recordCells(r: UsageRecord): Cell[] {
  return [
    r.ts, r.profile, r.agent, r.provider, r.model, r.inputTokens, r.outputTokens, r.cacheWriteTokens,
    r.cacheWrite1hTokens, r.cacheReadTokens, r.reasoningTokens, r.costUsd, r.source, r.messageId, r.rule ?? null,
  ];
}

/** Header plus one line per ledger row, produced lazily so a million rows never sit in memory. */
export function* recordsCsv(rows: Iterable<UsageRecord>): Generator<string> {
  yield csvLine([...RECORD_COLUMNS]);
  for (const r of rows) yield csvLine(recordCells(r));
}

/** A JSON array of UsageRecord objects, one per line, produced lazily. */
export function* recordsJson(rows: Iterable<UsageRecord>): Generator<string> {
  let first = true;
  yield '[';
  for (const r of rows) {
    yield (first ? '\n' : ',\n') + JSON.stringify({ ...r, rule: r.rule ?? null });
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

const GROUP_KEYS: Record<UsageReport['view'], (keyof UsageGroup)[]> = {
  profile: ['profile', 'agent', 'provider'],
  day: ['day'],
  model: ['model'],
  rule: ['rule'],
};

const TOTAL_COLUMNS = [
  'requests', 'input_tokens', 'output_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'cache_read_tokens',
  'reasoning_tokens', 'cost_usd', 'unpriced_requests', 'unpriced_models',
] as const;

/** One CSV line per group of a report; unpriced_models is a `;`-separated list. */
export function* groupsCsv(report: UsageReport): Generator<string> {
  const keys = GROUP_KEYS[report.view];
  yield csvLine([...keys, ...TOTAL_COLUMNS]);
  for (const g of report.groups) {
    yield csvLine([
      ...keys.map((k) => g[k] as Cell),
      g.requests, g.inputTokens, g.outputTokens, g.cacheWriteTokens, g.cacheWrite1hTokens, g.cacheReadTokens,
      g.reasoningTokens, g.costUsd, g.unpricedRequests, g.unpricedModels.join(';'),
    ]);
  }
}
