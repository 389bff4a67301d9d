/**
 * OpenAI Responses: streaming (`response.created` names the response; the terminal
 * `response.completed`, `response.incomplete` or `response.failed` carries `response.usage`; there is
 * no `[DONE]`) and the non-streaming response object.
 */
import type { TokenCounts } from '../../ledger/types.js';
import type { SseEvent } from '../sse.js';
import { SseUsageParser } from './stream.js';
import { count, isObject, parseJson, str, type Json, type ParsedUsage } from './types.js';

/** Responses usage -> TokenCounts: `input_tokens` includes cached tokens, `output_tokens` includes reasoning. */
export function fromResponsesUsage(u: Json): TokenCounts {
  const id = isObject(u.input_tokens_details) ? u.input_tokens_details : {};
  const od = isObject(u.output_tokens_details) ? u.output_tokens_details : {};
  const cached = count(id.cached_tokens);
  return {
    inputTokens: Math.max(0, count(u.input_tokens) - cached),
    outputTokens: count(u.output_tokens),
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: cached,
    reasoningTokens: count(od.reasoning_tokens),
  };
}

/** A non-streaming response object, or undefined when it is not one. */
export function responseObjectUsage(body: unknown): ParsedUsage | undefined {
  if (!isObject(body) || body.object !== 'response' || !isObject(body.usage)) return undefined;
  return { ...fromResponsesUsage(body.usage), model: str(body.model), messageId: str(body.id) };
}

const START = new Set(['response.created', 'response.in_progress']);
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export class ResponsesStreamParser extends SseUsageParser {
  private id = '';
  private model = '';
  private usage: Json | undefined;

  constructor() {
    // Deltas and output items are most of the bytes and carry no usage.
    super({ skip: (name) => !START.has(name) && !TERMINAL.has(name) });
  }

  onEvent(ev: SseEvent): void {
    const msg = parseJson(ev.data);
    if (!isObject(msg) || typeof msg.type !== 'string') return;
    const isStart = START.has(msg.type);
    const isEnd = TERMINAL.has(msg.type);
    if (!isStart && !isEnd) return;
    const r = msg.response;
    if (!isObject(r)) return;
    this.id = str(r.id) || this.id;
    this.model = str(r.model) || this.model;
    if (isObject(r.usage)) this.usage = r.usage;
    if (isEnd) this.complete = true;
  }

  result(): ParsedUsage | undefined {
    if (!this.usage) return undefined;
    return { ...fromResponsesUsage(this.usage), model: this.model, messageId: this.id };
  }
}
