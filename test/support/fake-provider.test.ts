import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, DEFAULT_REPLY, type FakeProvider, type FakeProviderOptions } from './fake-provider.js';

interface SseEvent { event?: string; data: string }

/** A strict SSE reader: events separated by a blank line, `event:`/`data:` fields, nothing else. */
function parseSse(text: string): SseEvent[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text.slice(0, -2).split('\n\n').map((block) => {
    const ev: SseEvent = { data: '' };
    for (const line of block.split('\n')) {
      const m = /^(event|data): (.*)$/.exec(line);
      if (!m) throw new Error(`not an SSE field line: ${JSON.stringify(line)}`);
      if (m[1] === 'event') ev.event = m[2];
      else ev.data += m[2];
    }
    return ev;
  });
}

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(opts: FakeProviderOptions = {}): Promise<FakeProvider> {
  fake = await startFakeProvider(opts);
  return fake;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fake!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('fake provider: Anthropic Messages', () => {
  it('streams the documented event sequence with usage in message_start and message_delta', async () => {
    await start({ reply: 'Hi there, friend.', usage: { inputTokens: 100, outputTokens: 42, cacheWriteTokens: 30, cacheWrite1hTokens: 10, cacheReadTokens: 7 } });
    const res = await post('/v1/messages?beta=true', { model: 'claude-x', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': 'sk-ant-abc' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(names).toContain('ping');
    // every event's `type` equals its SSE event name
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    const start0 = JSON.parse(events[0].data).message;
    expect(start0).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null });
    expect(start0.id).toBe(`msg_${fake!.prefix}_1`);
    expect(start0.usage).toEqual({
      input_tokens: 100, cache_creation_input_tokens: 30, cache_read_input_tokens: 7,
      cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 10 }, output_tokens: 1, service_tier: 'standard',
    });
    const text = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta).map((d) => { expect(d.type).toBe('text_delta'); return d.text; }).join('');
    expect(text).toBe('Hi there, friend.');
    const blockStart = events.findIndex((e) => e.event === 'content_block_start');
    const blockStop = events.findIndex((e) => e.event === 'content_block_stop');
    expect(blockStart).toBeGreaterThan(0);
    expect(blockStop).toBeGreaterThan(blockStart);
    const delta = JSON.parse(events.at(-2)!.data);
    expect(delta.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
    expect(delta.usage).toEqual({ input_tokens: 100, cache_creation_input_tokens: 30, cache_read_input_tokens: 7, output_tokens: 42 });
    expect(fake!.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', url: '/v1/messages?beta=true', apiKey: 'sk-ant-abc', responseId: start0.id, answered: 'text' });
    expect(fake!.requests[0].body.model).toBe('claude-x');
  });

  it('sends only output_tokens in message_delta when asked (the older API shape)', async () => {
    await start({ anthropicDeltaUsage: 'output-only', usage: { outputTokens: 9 } });
    const events = parseSse(await (await post('/v1/messages', { model: 'm', stream: true, messages: [] })).text());
    expect(JSON.parse(events.at(-2)!.data).usage).toEqual({ output_tokens: 9 });
  });

  it('answers JSON when not streaming, and count_tokens', async () => {
    await start({ usage: { inputTokens: 5, outputTokens: 6, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 } });
    const msg = await (await post('/v1/messages', { model: 'm', messages: [] }, { authorization: 'Bearer tok-1' })).json();
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: DEFAULT_REPLY }], stop_reason: 'end_turn' });
    expect(msg.usage).toMatchObject({ input_tokens: 5, output_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(fake!.requests[0].apiKey).toBe('tok-1');
    expect(await (await post('/v1/messages/count_tokens', { model: 'm', messages: [] })).json()).toEqual({ input_tokens: 5 });
  });

  it('answers a turn offering Bash with a tool_use block, and the tool_result turn with text', async () => {
    await start({ toolCall: { command: 'ls -la', reply: 'Listed.' } });
    const tools = [{ name: 'Read', input_schema: {} }, { name: 'Bash', input_schema: {} }];
    const first = parseSse(await (await post('/v1/messages', { model: 'm', stream: true, tools, messages: [{ role: 'user', content: 'list' }] })).text());
    const block = JSON.parse(first.find((e) => e.event === 'content_block_start')!.data).content_block;
    expect(block).toMatchObject({ type: 'tool_use', name: 'Bash', input: {} });
    expect(block.id).toMatch(new RegExp(`^toolu_${fake!.prefix}_`));
    const json = first.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta).map((d) => { expect(d.type).toBe('input_json_delta'); return d.partial_json; }).join('');
    expect(JSON.parse(json).command).toBe('ls -la');
    expect(JSON.parse(first.at(-2)!.data).delta.stop_reason).toBe('tool_use');

    const messages = [
      { role: 'user', content: 'list' },
      { role: 'assistant', content: [{ ...block, input: JSON.parse(json) }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: block.id, content: 'a\nb' }] },
    ];
    const second = parseSse(await (await post('/v1/messages', { model: 'm', stream: true, tools, messages })).text());
    const text = second.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.text).join('');
    expect(text).toBe('Listed.');
    expect(fake!.requests.map((r) => r.answered)).toEqual(['tool-call', 'text']);
  });

  it('does not answer with a tool call when no shell tool is offered (side requests)', async () => {
    await start({ toolCall: { command: 'ls' } });
    const events = parseSse(await (await post('/v1/messages', { model: 'm', stream: true, messages: [{ role: 'user', content: 'title?' }] })).text());
    expect(JSON.parse(events.find((e) => e.event === 'content_block_start')!.data).content_block.type).toBe('text');
  });

  it('fails with the wire\'s error body, a given number of times', async () => {
    await start({ failure: { kind: 'http', status: 529, times: 1 } });
    const res = await post('/v1/messages', { model: 'm', stream: true, messages: [] });
    expect(res.status).toBe(529);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect((await post('/v1/messages', { model: 'm', stream: true, messages: [] })).status).toBe(200);
    expect(fake!.requests.map((r) => r.answered)).toEqual(['error', 'text']);
  });

  it('can drop the connection mid-stream, or send an error event', async () => {
    await start({ failure: { kind: 'drop' } });
    const res = await post('/v1/messages', { model: 'm', stream: true, messages: [] });
    await expect(res.text()).rejects.toThrow();
    fake!.configure({ failure: { kind: 'stream-error' } });
    const events = parseSse(await (await post('/v1/messages', { model: 'm', stream: true, messages: [] })).text());
    expect(events.at(-1)!.event).toBe('error');
    expect(events.map((e) => e.event)).not.toContain('message_stop');
  });
});

describe('fake provider: OpenAI Chat Completions', () => {
  it('streams chunks, a usage chunk when include_usage, then [DONE]', async () => {
    await start({ reply: 'Chat reply.', usage: { inputTokens: 20, cacheReadTokens: 5, outputTokens: 8, reasoningTokens: 3 } });
    const res = await post('/v1/chat/completions', { model: 'gpt-x', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }, { authorization: 'Bearer sk-openai' });
    const events = parseSse(await res.text());
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    for (const c of chunks) expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-x', id: `chatcmpl-${fake!.prefix}_1` });
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Chat reply.');
    const finish = chunks.at(-2);
    expect(finish.choices[0].finish_reason).toBe('stop');
    expect(finish.usage).toBeNull();
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 8, total_tokens: 33, prompt_tokens_details: { cached_tokens: 5 }, completion_tokens_details: { reasoning_tokens: 3 } });
    expect(fake!.requests[0].apiKey).toBe('sk-openai');
  });

  it('sends no usage chunk without include_usage, and JSON when not streaming', async () => {
    await start();
    const chunks = parseSse(await (await post('/v1/chat/completions', { model: 'g', stream: true, messages: [] })).text()).slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    const json = await (await post('/v1/chat/completions', { model: 'g', messages: [] })).json();
    expect(json).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: DEFAULT_REPLY }, finish_reason: 'stop' }] });
    expect(json.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('answers with tool_calls when a shell function is offered, text after the tool message', async () => {
    await start({ toolCall: { command: 'pwd' } });
    const tools = [{ type: 'function', function: { name: 'bash', parameters: { type: 'object', properties: { command: { type: 'string' } } } } }];
    const chunks = parseSse(await (await post('/v1/chat/completions', { model: 'g', stream: true, tools, messages: [{ role: 'user', content: 'where?' }] })).text()).slice(0, -1).map((e) => JSON.parse(e.data));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'bash' } });
    expect(JSON.parse(calls.map((c) => c.function.arguments).join(''))).toEqual({ command: 'pwd' });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
    const json = await (await post('/v1/chat/completions', { model: 'g', tools, messages: [{ role: 'user', content: 'where?' }, { role: 'assistant', tool_calls: calls }, { role: 'tool', tool_call_id: calls[0].id, content: '/x' }] })).json();
    expect(json.choices[0].message.content).toBe(DEFAULT_REPLY);
  });
});

describe('fake provider: OpenAI Responses', () => {
  it('streams the Responses event sequence with sequence numbers and final usage', async () => {
    await start({ reply: 'Responses reply.', usage: { inputTokens: 30, cacheReadTokens: 12, outputTokens: 9, reasoningTokens: 4 } });
    const res = await post('/v1/responses', { model: 'gpt-5-codex', stream: true, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] }, { authorization: 'Bearer sk-resp' });
    const events = parseSse(await res.text());
    const data = events.map((e) => JSON.parse(e.data));
    events.forEach((e, i) => {
      expect(data[i].type).toBe(e.event);
      expect(data[i].sequence_number).toBe(i);
    });
    expect(events.map((e) => e.event)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      ...events.filter((e) => e.event === 'response.output_text.delta').map(() => 'response.output_text.delta'),
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(data[0].response).toMatchObject({ id: `resp_${fake!.prefix}_1`, object: 'response', status: 'in_progress', model: 'gpt-5-codex', output: [] });
    expect(data.filter((d) => d.type === 'response.output_text.delta').map((d) => d.delta).join('')).toBe('Responses reply.');
    const done = data.at(-1).response;
    expect(done.status).toBe('completed');
    expect(done.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Responses reply.' }] });
    expect(done.usage).toEqual({ input_tokens: 42, input_tokens_details: { cached_tokens: 12 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 51 });
    expect(fake!.requests[0].apiKey).toBe('sk-resp');
  });

  it('answers Codex\'s exec_command tool with a function_call carrying `cmd`, then text after its output', async () => {
    await start({ toolCall: { command: 'echo hi', reply: 'Done.' } });
    const tools = [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }, { type: 'web_search' }];
    const data = parseSse(await (await post('/v1/responses', { model: 'm', stream: true, tools, input: [] })).text()).map((e) => JSON.parse(e.data));
    expect(data.map((d) => d.type)).toContain('response.function_call_arguments.delta');
    const item = data.at(-1).response.output[0];
    expect(item).toMatchObject({ type: 'function_call', name: 'exec_command', status: 'completed' });
    expect(JSON.parse(item.arguments)).toEqual({ cmd: 'echo hi' });
    expect(data.find((d) => d.type === 'response.function_call_arguments.done').arguments).toBe(item.arguments);
    const input = [item, { type: 'function_call_output', call_id: item.call_id, output: 'hi' }];
    const next = await (await post('/v1/responses', { model: 'm', tools, input })).json();
    expect(next.output[0].content[0].text).toBe('Done.');
    expect(next.id).not.toBe(data.at(-1).response.id);
  });

  it('uses an array `command` for a `shell` tool that declares one', async () => {
    await start({ toolCall: { command: 'ls' } });
    const tools = [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } } } }];
    const json = await (await post('/v1/responses', { model: 'm', tools, input: [] })).json();
    expect(JSON.parse(json.output[0].arguments)).toEqual({ command: ['bash', '-lc', 'ls'] });
  });

  it('fails with response.failed, or an OpenAI error body', async () => {
    await start({ failure: { kind: 'stream-error', times: 1 } });
    const events = parseSse(await (await post('/v1/responses', { model: 'm', stream: true, input: [] })).text());
    expect(events.at(-1)!.event).toBe('response.failed');
    fake!.configure({ failure: { kind: 'http', status: 429 } });
    const res = await post('/v1/responses', { model: 'm', stream: true, input: [] });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { type: 'rate_limit_exceeded' } });
  });
});

describe('fake provider: the rest', () => {
  it('gives each server its own id prefix and each response its own id', async () => {
    const a = await startFakeProvider();
    const b = await startFakeProvider();
    try {
      expect(a.prefix).not.toBe(b.prefix);
      const ids = new Set<string>();
      for (const f of [a, b, a]) {
        const r = await fetch(`${f.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) });
        ids.add((await r.json()).id);
      }
      expect(ids.size).toBe(3);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('answers Claude Code\'s start-up probe and lists models; 404s the unknown', async () => {
    await start({ model: 'fake-1' });
    expect((await fetch(`${fake!.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    expect(await (await fetch(`${fake!.url}/v1/models`, { headers: { authorization: 'Bearer k' } })).json()).toMatchObject({ object: 'list', data: [{ id: 'fake-1' }] });
    expect(await (await fetch(`${fake!.url}/v1/models`, { headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } })).json()).toMatchObject({ data: [{ type: 'model', id: 'fake-1' }] });
    const res = await fetch(`${fake!.url}/v2/whatever`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(fake!.requests.map((r) => r.path)).toEqual(['/api/hello', '/v1/models', '/v1/models', '/v2/whatever']);
    expect(fake!.modelRequests()).toEqual([]);
  });

  it('pauses between events when asked', async () => {
    await start({ eventDelayMs: 20 });
    const t0 = Date.now();
    await (await post('/v1/messages', { model: 'm', stream: true, messages: [] })).text();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(20 * 8);
  });
});
