/**
 * One completed model response, as the ledger stores it. Token fields are normalised across providers:
 * - inputTokens: input NOT served from cache and not written to cache (Anthropic's `input_tokens`;
 *   for OpenAI-shaped usage it is `input_tokens - cached_tokens`).
 * - cacheWriteTokens: all cache-creation tokens; cacheWrite1hTokens is the part billed at the 1-hour rate.
 * - cacheReadTokens: tokens read from cache (Anthropic `cache_read_input_tokens`, OpenAI `cached_tokens`).
 * - outputTokens: all billed output, reasoning included; reasoningTokens is the informational subset.
 */
export interface UsageRecord {
  /** ISO 8601 UTC time the response completed. */
  ts: string;
  profile: string | null;
  agent: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  reasoningTokens: number;
  /** USD; null when the model has no known price (never guessed). */
  costUsd: number | null;
  source: 'meter' | 'import';
  /** The provider's message / response id: the idempotency key shared by meter and import. */
  messageId: string;
  /** The routing rule that sent the request, if a routing proxy chose it. */
  rule?: string | null;
}

/** Token counts before pricing, as parsers produce them. */
export type TokenCounts = Pick<UsageRecord, 'inputTokens' | 'outputTokens' | 'cacheWriteTokens' | 'cacheWrite1hTokens' | 'cacheReadTokens' | 'reasoningTokens'>;
