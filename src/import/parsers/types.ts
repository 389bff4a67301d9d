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

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` with hours, minutes and seconds in range (months and days are checked below). */
const CANONICAL_ISO = /^(\d{4})-(\d\d)-(\d\d)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const daysIn = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

/** An ISO timestamp from a foreign field, or undefined when it is missing or not a date. */
export function isoTime(v: unknown): string | undefined {
  // Fast path (a million lines): a string already in toISOString's form, naming a real instant, is its own
  // answer. Date.parse would roll 2026-02-30 over to March, so out-of-range days take the slow path.
  if (typeof v === 'string') {
    const m = CANONICAL_ISO.exec(v);
    if (m) {
      const month = +m[2];
      const day = +m[3];
      if (month >= 1 && month <= 12 && day >= 1 && day <= daysIn(+m[1], month)) return v;
    }
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    // Seconds or milliseconds since the epoch: anything below 1e12 ms (2001) is seconds.
    return new Date(v < 1e12 ? v * 1000 : v).toISOString();
  }
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
