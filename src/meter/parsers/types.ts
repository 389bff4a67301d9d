import type { TokenCounts } from '../../ledger/types.js';

/** Usage read from one response, normalised as TokenCounts documents. */
export interface ParsedUsage extends TokenCounts {
  /** '' when the response named no model. */
  model: string;
  /** The provider's message / response id; '' when the response carried none. */
  messageId: string;
}

/** An incremental usage reader over one response body. Never throws on malformed input. */
export interface UsageParser {
  /** Feed response bytes as they arrive. */
  push(chunk: Uint8Array): void;
  /** The body ended, cleanly or not. */
  end(): void;
  /** Usage seen so far (partial when the stream broke off), undefined when the response carried none. */
  result(): ParsedUsage | undefined;
  /** The response's final usage has arrived: it can be reported without waiting for the connection to close. */
  readonly complete: boolean;
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A token count from foreign JSON: non-negative integer, anything else counts as 0. */
export function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
