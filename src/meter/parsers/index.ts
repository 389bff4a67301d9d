/** Chooses the usage parser for a response from the request path and the response content type. */
import type { SseEvent } from '../sse.js';
import { AnthropicStreamParser } from './anthropic.js';
import { JsonUsageParser } from './json.js';
import { ChatStreamParser } from './openai-chat.js';
import { ResponsesStreamParser } from './openai-responses.js';
import { GeminiStreamParser } from './gemini.js';
import { SseUsageParser } from './stream.js';
import { isObject, parseJson, type ParsedUsage, type UsageParser } from './types.js';

export type { ParsedUsage, UsageParser } from './types.js';
export { AnthropicStreamParser } from './anthropic.js';
export { ChatStreamParser } from './openai-chat.js';
export { ResponsesStreamParser } from './openai-responses.js';
export { JsonUsageParser, usageFromJson } from './json.js';
export { GeminiStreamParser } from './gemini.js';

export type StreamKind = 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';

/** The stream format a request path speaks, by its last segments; undefined when the path does not say. */
export function streamKindOf(pathname: string): StreamKind | undefined {
  const p = pathname.replace(/\/+$/, '');
  if (p.endsWith('/messages')) return 'anthropic';
  if (p.endsWith('/chat/completions')) return 'openai-chat';
  if (p.endsWith('/responses')) return 'openai-responses';
  if (p.endsWith(':streamGenerateContent') || p.endsWith(':generateContent')) return 'gemini';
  return undefined;
}

export function streamParser(kind: StreamKind): SseUsageParser {
  if (kind === 'anthropic') return new AnthropicStreamParser();
  if (kind === 'openai-chat') return new ChatStreamParser();
  if (kind === 'gemini') return new GeminiStreamParser();
  return new ResponsesStreamParser();
}

/**
 * The parser for a successful response, or undefined when it cannot carry usage (errors, other
 * content types). An event stream on an unfamiliar path is recognised by its first event.
 */
export function parserFor(pathname: string, contentType: string | undefined, status: number): UsageParser | undefined {
  if (status < 200 || status >= 300) return undefined;
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('text/event-stream')) {
    const kind = streamKindOf(pathname);
    return kind ? streamParser(kind) : new SniffingStreamParser();
  }
  if (ct.includes('json')) return new JsonUsageParser();
  return undefined;
}

/** Decides the wire from the first event that names its type (message_start, response.*, chat chunk). */
export class SniffingStreamParser extends SseUsageParser {
  private inner: SseUsageParser | undefined;

  onEvent(ev: SseEvent): void {
    if (!this.inner) {
      const kind = sniff(ev);
      if (!kind) return;
      this.inner = streamParser(kind);
    }
    this.inner.onEvent(ev);
    this.complete = this.inner.complete;
  }

  result(): ParsedUsage | undefined {
    return this.inner?.result();
  }
}

function sniff(ev: SseEvent): StreamKind | undefined {
  const msg = parseJson(ev.data);
  if (!isObject(msg)) return undefined;
  if (msg.type === 'message_start') return 'anthropic';
  if (typeof msg.type === 'string' && msg.type.startsWith('response.')) return 'openai-responses';
  if (msg.object === 'chat.completion.chunk') return 'openai-chat';
  if (Array.isArray(msg.candidates) || isObject(msg.usageMetadata)) return 'gemini';
  return undefined;
}
