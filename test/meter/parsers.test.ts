import { describe, expect, it } from 'vitest';
import { AnthropicStreamParser, ChatStreamParser, JsonUsageParser, ResponsesStreamParser, parserFor, usageFromJson, type UsageParser } from '../../src/meter/parsers/index.js';
import { SniffingStreamParser } from '../../src/meter/parsers/index.js';
import * as S from './samples.js';

function run(make: () => UsageParser, chunks: Buffer[]): UsageParser {
  const p = make();
  for (const c of chunks) p.push(c);
  p.end();
  return p;
}

/** Feeds the sample cut in two at every byte position, then byte by byte; every run must agree. */
function everySplit(make: () => UsageParser, text: string, expected: unknown, complete = true): void {
  const bytes = Buffer.from(text);
  const ways: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  ways.push([...bytes].map((b) => Buffer.from([b])));
  for (const way of ways) {
    const p = run(make, way);
    expect(p.result()).toEqual(expected);
    expect(p.complete).toBe(complete);
  }
}

describe('Anthropic Messages stream', () => {
  it('reads message_start and message_delta usage at every split position', () => {
    everySplit(() => new AnthropicStreamParser(), S.ANTHROPIC_STREAM, S.ANTHROPIC_EXPECTED);
  });

  it('takes repeated input and cache counts from message_delta when present', () => {
    everySplit(() => new AnthropicStreamParser(), S.ANTHROPIC_STREAM_FULL_DELTA, { ...S.ANTHROPIC_EXPECTED, inputTokens: 30, outputTokens: 47 });
  });

  it('keeps what message_start said when an error event ends the stream', () => {
    const p = run(() => new AnthropicStreamParser(), [Buffer.from(S.ANTHROPIC_STREAM_ERROR)]);
    expect(p.result()).toEqual({ ...S.ANTHROPIC_EXPECTED, outputTokens: 1 });
    expect(p.complete).toBe(false);
  });

  it('handles CRLF line ends', () => {
    everySplit(() => new AnthropicStreamParser(), S.ANTHROPIC_STREAM.replace(/\n/g, '\r\n'), S.ANTHROPIC_EXPECTED);
  });

  it('reports nothing for a stream that never started', () => {
    const p = run(() => new AnthropicStreamParser(), [Buffer.from('event: ping\ndata: {"type":"ping"}\n\n')]);
    expect(p.result()).toBeUndefined();
  });
});

describe('OpenAI Chat Completions stream', () => {
  it('reads the final usage chunk at every split position', () => {
    everySplit(() => new ChatStreamParser(), S.CHAT_STREAM, S.CHAT_EXPECTED);
  });

  it('handles CRLF line ends', () => {
    everySplit(() => new ChatStreamParser(), S.CHAT_STREAM_CRLF, S.CHAT_EXPECTED);
  });

  it('reports nothing when the stream carried no usage, and completes at [DONE]', () => {
    const p = run(() => new ChatStreamParser(), [Buffer.from(S.CHAT_STREAM_STRIPPED)]);
    expect(p.result()).toBeUndefined();
    expect(p.complete).toBe(true);
  });

  it('converts DeepSeek-style cache hit counts', () => {
    const data = JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: 'deepseek-chat', choices: [],
      usage: { prompt_tokens: 100, completion_tokens: 10, prompt_cache_hit_tokens: 60, prompt_cache_miss_tokens: 40 } });
    const p = run(() => new ChatStreamParser(), [Buffer.from(`data: ${data}\n\ndata: [DONE]\n\n`)]);
    expect(p.result()).toMatchObject({ inputTokens: 40, cacheReadTokens: 60, outputTokens: 10 });
  });
});

describe('OpenAI Responses stream', () => {
  it('reads response.completed at every split position', () => {
    everySplit(() => new ResponsesStreamParser(), S.RESPONSES_STREAM, S.RESPONSES_EXPECTED);
  });

  it('reads usage from response.incomplete', () => {
    everySplit(() => new ResponsesStreamParser(), S.RESPONSES_INCOMPLETE, { ...S.RESPONSES_EXPECTED, outputTokens: 700 });
  });

  it('completes on response.failed without usage', () => {
    const p = run(() => new ResponsesStreamParser(), [Buffer.from(S.RESPONSES_FAILED)]);
    expect(p.result()).toBeUndefined();
    expect(p.complete).toBe(true);
  });

  it('reports nothing for a stream cut before the terminal event', () => {
    const p = run(() => new ResponsesStreamParser(), [Buffer.from(S.RESPONSES_HEAD)]);
    expect(p.result()).toBeUndefined();
    expect(p.complete).toBe(false);
  });
});

describe('non-streaming JSON', () => {
  it('reads all three wires at every split position', () => {
    everySplit(() => new JsonUsageParser(), S.ANTHROPIC_JSON, S.ANTHROPIC_EXPECTED);
    everySplit(() => new JsonUsageParser(), S.CHAT_JSON, S.CHAT_EXPECTED);
    everySplit(() => new JsonUsageParser(), S.RESPONSES_JSON, S.RESPONSES_EXPECTED);
  });

  it('ignores bodies that are not model responses (count_tokens, errors, garbage)', () => {
    for (const body of [S.COUNT_TOKENS_JSON, '{"type":"error","error":{"type":"overloaded_error"}}', '{"usage":', '[]', 'null']) {
      expect(usageFromJson((() => { try { return JSON.parse(body); } catch { return undefined; } })())).toBeUndefined();
      expect(run(() => new JsonUsageParser(), [Buffer.from(body)]).result()).toBeUndefined();
    }
  });

  it('sums 5-minute and 1-hour writes when the total is missing', () => {
    const body = { type: 'message', id: 'm', model: 'claude-x', usage: { input_tokens: 1, output_tokens: 2, cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 } } };
    expect(usageFromJson(body)).toMatchObject({ cacheWriteTokens: 7, cacheWrite1hTokens: 4 });
  });
});

describe('parserFor', () => {
  it('chooses by path and content type, and skips errors and other content', () => {
    expect(parserFor('/v1/messages', 'text/event-stream; charset=utf-8', 200)).toBeInstanceOf(AnthropicStreamParser);
    expect(parserFor('/v1/chat/completions', 'text/event-stream', 200)).toBeInstanceOf(ChatStreamParser);
    expect(parserFor('/api/v1/responses', 'text/event-stream', 200)).toBeInstanceOf(ResponsesStreamParser);
    expect(parserFor('/v1/messages', 'application/json', 200)).toBeInstanceOf(JsonUsageParser);
    expect(parserFor('/v1/messages', 'application/json', 529)).toBeUndefined();
    expect(parserFor('/v1/files/x', 'application/octet-stream', 200)).toBeUndefined();
    expect(parserFor('/custom/stream', 'text/event-stream', 200)).toBeInstanceOf(SniffingStreamParser);
  });

  it('recognises each stream on an unfamiliar path by its first event', () => {
    everySplit(() => new SniffingStreamParser(), S.ANTHROPIC_STREAM, S.ANTHROPIC_EXPECTED);
    everySplit(() => new SniffingStreamParser(), S.CHAT_STREAM, S.CHAT_EXPECTED);
    everySplit(() => new SniffingStreamParser(), S.RESPONSES_STREAM, S.RESPONSES_EXPECTED);
  });
});

describe('Gemini generateContent', () => {
  const chunks = [
    { candidates: [{ content: { parts: [{ text: 'Hel' }], role: 'model' } }], usageMetadata: { promptTokenCount: 120, totalTokenCount: 120 }, modelVersion: 'gemini-2.5-pro', responseId: 'gem-1' },
    { candidates: [{ content: { parts: [{ text: 'lo' }], role: 'model' }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 120, cachedContentTokenCount: 100, candidatesTokenCount: 9, thoughtsTokenCount: 30, totalTokenCount: 159 }, modelVersion: 'gemini-2.5-pro', responseId: 'gem-1' },
  ];
  const sse = chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('');
  const expected = { inputTokens: 20, cacheReadTokens: 100, outputTokens: 39, reasoningTokens: 30, cacheWriteTokens: 0, cacheWrite1hTokens: 0, model: 'gemini-2.5-pro', messageId: 'gem-1' };

  it('reads the final usageMetadata of an SSE stream at any split', () => {
    const bytes = Buffer.from(sse);
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      const p = parserFor('/v1beta/models/gemini-2.5-pro:streamGenerateContent', 'text/event-stream', 200)!;
      p.push(bytes.subarray(0, cut));
      p.push(bytes.subarray(cut));
      expect(p.complete).toBe(true);
      expect(p.result()).toEqual(expected);
    }
  });

  it('reads a non-streaming response', () => {
    const p = parserFor('/v1beta/models/gemini-2.5-pro:generateContent', 'application/json', 200)!;
    p.push(Buffer.from(JSON.stringify(chunks[1])));
    p.end();
    expect(p.result()).toEqual(expected);
  });
});
