import { describe, expect, it } from 'vitest';
import { injectIncludeUsage, UsageChunkStripper } from '../../src/meter/include-usage.js';
import { ChatStreamParser } from '../../src/meter/parsers/openai-chat.js';
import * as S from './samples.js';

describe('injectIncludeUsage', () => {
  it('appends stream_options to a streaming request that lacks it, leaving the rest byte for byte', () => {
    const body = '{ "model": "gpt-4.1", "stream": true, "seed": 12345678901234567890, "messages": [{"role":"user","content":"}"}] }\n';
    const out = injectIncludeUsage(Buffer.from(body))!.toString();
    expect(out).toBe('{ "model": "gpt-4.1", "stream": true, "seed": 12345678901234567890, "messages": [{"role":"user","content":"}"}] ,"stream_options":{"include_usage":true}}\n');
    expect(JSON.parse(out).stream_options).toEqual({ include_usage: true });
  });

  it('merges into existing stream_options', () => {
    const out = injectIncludeUsage(Buffer.from('{"stream":true,"stream_options":{"include_obfuscation":false}}'))!;
    expect(JSON.parse(out.toString()).stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    const off = injectIncludeUsage(Buffer.from('{"stream":true,"stream_options":{"include_usage":false}}'))!;
    expect(JSON.parse(off.toString()).stream_options).toEqual({ include_usage: true });
  });

  it('leaves alone requests that asked already, do not stream, are not JSON, or would lose precision', () => {
    for (const body of [
      '{"stream":true,"stream_options":{"include_usage":true}}',
      '{"stream":false}',
      '{"model":"x"}',
      'not json',
      '[1]',
      '{"stream":true,"stream_options":null,"seed":12345678901234567890}',
    ]) expect(injectIncludeUsage(Buffer.from(body))).toBeUndefined();
  });
});

describe('UsageChunkStripper', () => {
  function strip(chunks: Buffer[]): { out: string; parser: ChatStreamParser } {
    const parser = new ChatStreamParser();
    const s = new UsageChunkStripper(parser);
    const out: Buffer[] = [];
    for (const c of chunks) out.push(...s.push(c));
    out.push(...s.end());
    return { out: Buffer.concat(out).toString(), parser };
  }

  it('removes only the usage-only chunk, at every split position, and still meters it', () => {
    const bytes = Buffer.from(S.CHAT_STREAM);
    const ways: Buffer[][] = [[...bytes].map((b) => Buffer.from([b]))];
    for (let i = 0; i <= bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
    for (const way of ways) {
      const { out, parser } = strip(way);
      expect(out).toBe(S.CHAT_STREAM_STRIPPED);
      expect(parser.result()).toEqual(S.CHAT_EXPECTED);
    }
  });

  it('passes complete events and keep-alives on at once, holding only a partial event', () => {
    const parser = new ChatStreamParser();
    const s = new UsageChunkStripper(parser);
    expect(Buffer.concat(s.push(Buffer.from(': OPENROUTER PROCESSING\n\n'))).toString()).toBe(': OPENROUTER PROCESSING\n\n');
    expect(Buffer.concat(s.push(Buffer.from('data: {"a":1}\n\ndata: {"b"'))).toString()).toBe('data: {"a":1}\n\n');
    expect(Buffer.concat(s.push(Buffer.from(':2}\n\n'))).toString()).toBe('data: {"b":2}\n\n');
  });

  it('keeps usage that arrives on a chunk with choices (nothing to strip)', () => {
    const data = JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: S.CHAT_USAGE });
    const text = `data: ${data}\n\ndata: [DONE]\n\n`;
    const { out, parser } = strip([Buffer.from(text)]);
    expect(out).toBe(text);
    expect(parser.result()?.outputTokens).toBe(300);
  });
});
