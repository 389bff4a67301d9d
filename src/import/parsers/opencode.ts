/**
 * OpenCode messages: rows of the `message` table in `~/.local/share/opencode/opencode.db` (`data` is the
 * message JSON), or, in older installs, one JSON file per message under `storage/message/<session>/`.
 * Assistant messages carry `modelID`, `providerID`, `cost` and
 * `tokens { input, output, reasoning, cache { read, write } }`.
 *
 * OpenCode already subtracts cache reads and writes from `input`. Whether `output` includes reasoning
 * changed between versions (newer ones subtract it and store `tokens.total` = the sum of every bucket);
 * `total` tells which, and the ledger wants output with reasoning included.
 */
import { isObject, isoTime, num, type ParsedUsage } from './types.js';

/** The usage of one OpenCode message, or undefined for user messages, unfinished or empty ones. */
export function parseOpenCodeMessage(data: unknown, fallbackId?: string): ParsedUsage | undefined {
  if (!isObject(data) || data.role !== 'assistant' || !isObject(data.tokens)) return undefined;
  const time = isObject(data.time) ? data.time : {};
  // A message still streaming has no completion time; its counts are not final yet.
  if (time.completed === undefined || time.completed === null) return undefined;
  const id = typeof data.id === 'string' && data.id ? data.id : fallbackId;
  const ts = isoTime(time.completed) ?? isoTime(time.created);
  if (!id || !ts) return undefined;

  const t = data.tokens;
  const cache = isObject(t.cache) ? t.cache : {};
  const input = num(t.input);
  const output = num(t.output);
  const reasoning = num(t.reasoning);
  const cacheRead = num(cache.read);
  const cacheWrite = num(cache.write);
  if (input + output + reasoning + cacheRead + cacheWrite === 0) return undefined;
  const additive = typeof t.total === 'number' ? t.total === input + output + reasoning + cacheRead + cacheWrite && reasoning > 0 : reasoning > output;
  const usage: ParsedUsage = {
    ts,
    agent: 'opencode',
    provider: typeof data.providerID === 'string' && data.providerID ? data.providerID : 'unknown',
    model: typeof data.modelID === 'string' && data.modelID ? data.modelID : 'unknown',
    inputTokens: input,
    outputTokens: additive ? output + reasoning : output,
    cacheWriteTokens: cacheWrite,
    cacheWrite1hTokens: 0,
    cacheReadTokens: cacheRead,
    reasoningTokens: reasoning,
    // OpenCode mints its own message ids (the provider's is not stored), so namespace them.
    messageId: `opencode:${id}`,
  };
  if (typeof data.cost === 'number' && Number.isFinite(data.cost) && data.cost > 0) usage.recordedCostUsd = data.cost;
  return usage;
}
