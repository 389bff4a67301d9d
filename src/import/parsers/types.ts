import type { UsageRecord } from '../../ledger/types.js';

/**
 * One model response as a log parser reads it: tokens already normalised to the ledger's terms
 * (see src/ledger/types.ts), but not yet priced or tagged with a profile.
 */
export type ParsedUsage = Omit<UsageRecord, 'profile' | 'costUsd' | 'source' | 'rule'> & {
  /** Cost the agent itself wrote in its log (OpenCode does); used only when ringlet's price table has no price. */
  recordedCostUsd?: number;
};

/** A number from foreign JSON: finite and non-negative, else 0. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses one JSON line; undefined for blank or malformed lines (logs written by a crashed process end oddly). */
export function parseJsonLine(line: string): Record<string, any> | undefined {
  try {
    const v = JSON.parse(line);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** An ISO timestamp from a foreign field, or undefined when it is missing or not a date. */
export function isoTime(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    // Seconds or milliseconds since the epoch: anything below 1e12 ms (2001) is seconds.
    return new Date(v < 1e12 ? v * 1000 : v).toISOString();
  }
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
