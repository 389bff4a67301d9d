/**
 * Gemini API: `…:generateContent` (JSON) and `…:streamGenerateContent?alt=sse` (SSE, one
 * GenerateContentResponse per event). Every chunk may carry `usageMetadata` with running totals; the one
 * with a `finishReason` is final. `promptTokenCount` includes cached tokens; thoughts are billed as output.
 */
import type { TokenCounts } from '../../ledger/types.js';
import type { SseEvent } from '../sse.js';
import { SseUsageParser } from './stream.js';
import { count, isObject, parseJson, str, type Json, type ParsedUsage } from './types.js';

export function fromGeminiUsage(u: Json): TokenCounts {
  const cached = count(u.cachedContentTokenCount);
  const thoughts = count(u.thoughtsTokenCount);
  return {
    inputTokens: Math.max(0, count(u.promptTokenCount) - cached),
    outputTokens: count(u.candidatesTokenCount) + thoughts,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: cached,
    reasoningTokens: thoughts,
  };
}

const finished = (r: Json) => Array.isArray(r.candidates) && r.candidates.some((c) => isObject(c) && typeof c.finishReason === 'string');

/** A GenerateContentResponse, or undefined when the body is not one. */
export function geminiResponseUsage(body: unknown): ParsedUsage | undefined {
  if (!isObject(body) || !isObject(body.usageMetadata) || !('candidates' in body || 'modelVersion' in body)) return undefined;
  return { ...fromGeminiUsage(body.usageMetadata), model: str(body.modelVersion), messageId: str(body.responseId) };
}

export class GeminiStreamParser extends SseUsageParser {
  private last: ParsedUsage | undefined;

  onEvent(ev: SseEvent): void {
    const msg = parseJson(ev.data);
    if (!isObject(msg)) return;
    const u = geminiResponseUsage(msg);
    if (u) this.last = { ...u, model: u.model || this.last?.model || '', messageId: u.messageId || this.last?.messageId || '' };
    if (finished(msg) && this.last) this.complete = true;
  }

  result(): ParsedUsage | undefined {
    return this.last;
  }
}
