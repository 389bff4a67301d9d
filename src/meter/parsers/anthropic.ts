/**
 * Anthropic Messages: streaming (`message_start` carries id, model and the input side of usage;
 * `message_delta` carries cumulative usage, at least `output_tokens`) and the non-streaming message.
 */
import type { TokenCounts } from '../../ledger/types.js';
import type { SseEvent } from '../sse.js';
import { SseUsageParser } from './stream.js';
import { count, isObject, parseJson, str, type Json, type ParsedUsage } from './types.js';

/** Anthropic usage -> TokenCounts. `input_tokens` already excludes cache reads and writes. */
export function fromAnthropicUsage(u: Json): TokenCounts {
  const cc = isObject(u.cache_creation) ? u.cache_creation : {};
  const write1h = count(cc.ephemeral_1h_input_tokens);
  const write = u.cache_creation_input_tokens != null
    ? count(u.cache_creation_input_tokens)
    : count(cc.ephemeral_5m_input_tokens) + write1h;
  return {
    inputTokens: count(u.input_tokens),
    outputTokens: count(u.output_tokens), // thinking is billed as output and not reported apart
    cacheWriteTokens: write,
    cacheWrite1hTokens: write1h,
    cacheReadTokens: count(u.cache_read_input_tokens),
    reasoningTokens: 0,
  };
}

/** A non-streaming Messages response body, or undefined when it is not one. */
export function anthropicMessageUsage(body: unknown): ParsedUsage | undefined {
  if (!isObject(body) || body.type !== 'message' || !isObject(body.usage)) return undefined;
  return { ...fromAnthropicUsage(body.usage), model: str(body.model), messageId: str(body.id) };
}

const WANTED = new Set(['message_start', 'message_delta', 'message_stop']);

export class AnthropicStreamParser extends SseUsageParser {
  private id = '';
  private model = '';
  private usage: Json | undefined;

  constructor() {
    // content_block_delta events are the bulk of a stream and carry no usage: never decode them.
    super({ skip: (name) => !WANTED.has(name) });
  }

  onEvent(ev: SseEvent): void {
    const msg = parseJson(ev.data);
    if (!isObject(msg)) return;
    if (msg.type === 'message_start' && isObject(msg.message)) {
      this.id = str(msg.message.id);
      this.model = str(msg.message.model);
      this.usage = isObject(msg.message.usage) ? { ...msg.message.usage } : {};
    } else if (msg.type === 'message_delta' && isObject(msg.usage)) {
      // Delta usage is cumulative; newer API versions repeat input and cache counts there too.
      const merged: Json = { ...this.usage };
      for (const [k, v] of Object.entries(msg.usage)) if (v != null) merged[k] = v;
      this.usage = merged;
    } else if (msg.type === 'message_stop') {
      this.complete = true;
    }
  }

  result(): ParsedUsage | undefined {
    if (!this.usage) return undefined;
    return { ...fromAnthropicUsage(this.usage), model: this.model, messageId: this.id };
  }
}
