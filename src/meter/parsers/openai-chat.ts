/**
 * OpenAI Chat Completions: streaming chunks (`chat.completion.chunk`; usage arrives in a final chunk
 * with empty `choices` when `stream_options.include_usage` is set) and the non-streaming completion.
 */
import type { TokenCounts } from '../../ledger/types.js';
import type { SseEvent } from '../sse.js';
import { SseUsageParser } from './stream.js';
import { count, isObject, parseJson, str, type Json, type ParsedUsage } from './types.js';

/**
 * Chat usage -> TokenCounts. `prompt_tokens` includes cached tokens (and, where a gateway reports
 * them, cache writes), `completion_tokens` includes reasoning: split them out.
 */
export function fromChatUsage(u: Json): TokenCounts {
  const pd = isObject(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
  const cd = isObject(u.completion_tokens_details) ? u.completion_tokens_details : {};
  const cached = count(pd.cached_tokens) || count(u.prompt_cache_hit_tokens); // the latter: DeepSeek
  const written = count(pd.cache_write_tokens); // OpenRouter
  return {
    inputTokens: Math.max(0, count(u.prompt_tokens) - cached - written),
    outputTokens: count(u.completion_tokens),
    cacheWriteTokens: written,
    cacheWrite1hTokens: 0,
    cacheReadTokens: cached,
    reasoningTokens: count(cd.reasoning_tokens),
  };
}

/** A non-streaming chat completion body, or undefined when it is not one. */
export function chatCompletionUsage(body: unknown): ParsedUsage | undefined {
  if (!isObject(body) || !isObject(body.usage)) return undefined;
  if (body.object !== 'chat.completion' && !(Array.isArray(body.choices) && 'prompt_tokens' in body.usage)) return undefined;
  return { ...fromChatUsage(body.usage), model: str(body.model), messageId: str(body.id) };
}

/** True for the data of a usage-only chunk: `"usage": {…}` and no choices. */
export function isUsageOnlyChunk(data: string): boolean {
  if (!HAS_USAGE.test(data)) return false;
  const msg = parseJson(data);
  return isObject(msg) && Array.isArray(msg.choices) && msg.choices.length === 0 && isObject(msg.usage);
}

// Every chunk of an include_usage stream has `"usage":null`; only a usage object is worth parsing.
const HAS_USAGE = /"usage"\s*:\s*\{/;

export class ChatStreamParser extends SseUsageParser {
  private id = '';
  private model = '';
  private usage: Json | undefined;

  onEvent(ev: SseEvent): void {
    if (ev.data === '[DONE]') {
      this.complete = true;
      return;
    }
    if (this.id && this.model && !HAS_USAGE.test(ev.data)) return;
    const msg = parseJson(ev.data);
    if (!isObject(msg)) return;
    if (!this.id) this.id = str(msg.id);
    if (!this.model) this.model = str(msg.model);
    // Some servers send running totals on every chunk: the last one wins.
    if (isObject(msg.usage)) this.usage = msg.usage;
  }

  result(): ParsedUsage | undefined {
    if (!this.usage) return undefined;
    return { ...fromChatUsage(this.usage), model: this.model, messageId: this.id };
  }
}
