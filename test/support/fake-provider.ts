/**
 * A local stand-in for the remote model APIs, speaking their real wire formats:
 * Anthropic Messages (SSE and JSON), OpenAI Chat Completions and OpenAI Responses.
 * It is the only fake the test suite allows; the agents under test are the real binaries.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

/** Token counts a response reports, in the ledger's normalised terms (see src/ledger/types.ts). */
export interface FakeUsage {
  /** Uncached input. Anthropic `input_tokens`; OpenAI input/prompt tokens are this + cacheReadTokens. */
  inputTokens: number;
  /** All output, reasoning included. */
  outputTokens: number;
  /** Anthropic `cache_creation_input_tokens` (5m + 1h). OpenAI has no cache writes and ignores it. */
  cacheWriteTokens: number;
  /** The part of cacheWriteTokens written with the 1-hour TTL (`ephemeral_1h_input_tokens`). */
  cacheWrite1hTokens: number;
  /** Anthropic `cache_read_input_tokens`; OpenAI `input_tokens_details.cached_tokens` / `prompt_tokens_details.cached_tokens`. */
  cacheReadTokens: number;
  /** OpenAI `output_tokens_details.reasoning_tokens` (a subset of outputTokens). */
  reasoningTokens: number;
}

export type FakeFailure =
  /** Answer with this HTTP status and the wire's error body. */
  | { kind: 'http'; status: number; message?: string; times?: number }
  /** Start the stream, send a little, then drop the connection without a terminal event. */
  | { kind: 'drop'; times?: number }
  /** Start the stream, then send the wire's in-stream error event (`error` / `response.failed`). */
  | { kind: 'stream-error'; message?: string; times?: number };

export interface FakeToolCall {
  /** Shell command the model asks to run (Claude Code `Bash`; Codex `exec_command`/`shell`). */
  command: string;
  /** Text of the follow-up turn that carries the tool result; defaults to the server's reply. */
  reply?: string;
}

export interface FakeProviderOptions {
  /** Port to listen on; 0 (default) picks a free one. Always binds 127.0.0.1. */
  port?: number;
  /** Text of every answer. */
  reply?: string;
  usage?: Partial<FakeUsage>;
  /** Model name reported when a request names none. */
  model?: string;
  /** When set, a turn whose request offers a shell tool is answered with a call to it; the follow-up turn with text. */
  toolCall?: FakeToolCall;
  /** Fail the next `times` (default: all) model responses. */
  failure?: FakeFailure;
  /** Milliseconds between stream events (to test slow streams). */
  eventDelayMs?: number;
  /**
   * Anthropic `message_delta.usage`: 'full' (default) sends cumulative input/cache/output counts as the
   * API does today; 'output-only' sends just `output_tokens`, as the API did before mid-2025.
   */
  anthropicDeltaUsage?: 'full' | 'output-only';
  /** Called with one line per request (debugging). */
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/messages`. */
  path: string;
  /** Path with the query string, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, undefined when the body is empty or not JSON. */
  body: any;
  rawBody: string;
  /** From `x-api-key`, else `Authorization: Bearer …`. */
  apiKey?: string;
  /** Id of the message/response this request was answered with, when it was a model call. */
  responseId?: string;
  /** What the server answered: text, a tool call, an error, or nothing (non-model endpoints). */
  answered?: 'text' | 'tool-call' | 'error';
}

export interface FakeProvider {
  /** `http://127.0.0.1:PORT` (no path). Anthropic clients take it as is; OpenAI clients want `${url}/v1`. */
  url: string;
  port: number;
  /** Random per-server prefix used in every id (`msg_<prefix>_<n>`, `resp_<prefix>_<n>`, …). */
  prefix: string;
  requests: RecordedRequest[];
  /** Model calls only (messages, chat completions, responses). */
  modelRequests(): RecordedRequest[];
  /** Change options for the following requests. */
  configure(opts: Partial<FakeProviderOptions>): void;
  close(): Promise<void>;
}

export const DEFAULT_REPLY = 'Hello from the fake provider.';
export const DEFAULT_USAGE: FakeUsage = {
  inputTokens: 11,
  outputTokens: 7,
  cacheWriteTokens: 5,
  cacheWrite1hTokens: 2,
  cacheReadTokens: 3,
  reasoningTokens: 0,
};

const SHELL_TOOL_NAMES = ['Bash', 'exec_command', 'shell', 'local_shell', 'bash', 'shell_command'];

export async function startFakeProvider(initial: FakeProviderOptions = {}): Promise<FakeProvider> {
  let opts: FakeProviderOptions = { ...initial };
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  let failuresLeft = failureBudget(opts.failure);
  const requests: RecordedRequest[] = [];
  const nextId = (kind: string) => `${kind}${prefix}_${++counter}`;

  const usage = (): FakeUsage => ({ ...DEFAULT_USAGE, ...opts.usage });
  const reply = (): string => opts.reply ?? DEFAULT_REPLY;

  /** The failure to apply to this model response, if any (consumes one from the budget). */
  const takeFailure = (): FakeFailure | undefined => {
    if (!opts.failure || failuresLeft <= 0) return undefined;
    failuresLeft--;
    return opts.failure;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = record(req, Buffer.concat(chunks));
      requests.push(rec);
      opts.log?.(`${rec.method} ${rec.url}`);
      route(rec, res).catch((err) => {
        opts.log?.(`fake provider error: ${String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });

  async function route(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    const { method, path } = rec;
    if (method === 'HEAD' || (method === 'GET' && path === '/api/hello')) {
      // Claude Code probes `HEAD /api/hello` on its base URL at start-up (a reachability check).
      res.writeHead(200).end();
      return;
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      sendJson(res, 200, { input_tokens: usage().inputTokens });
      return;
    }
    if (method === 'POST' && path === '/v1/messages') return anthropic(rec, res);
    if (method === 'POST' && path === '/v1/chat/completions') return chat(rec, res);
    if (method === 'POST' && path === '/v1/responses') return responses(rec, res);
    if (method === 'GET' && path === '/v1/models') {
      const model = opts.model ?? 'fake-model';
      if (rec.headers['anthropic-version'] || rec.headers['x-api-key']) {
        sendJson(res, 200, { data: [{ type: 'model', id: model, display_name: model, created_at: '2025-01-01T00:00:00Z' }], has_more: false, first_id: model, last_id: model });
      } else {
        sendJson(res, 200, { object: 'list', data: [{ id: model, object: 'model', created: 1735689600, owned_by: 'fake' }] });
      }
      return;
    }
    sendJson(res, 404, { error: { type: 'not_found_error', message: `fake provider: no route for ${method} ${path}` } });
  }

  // ---------- Anthropic Messages ----------

  async function anthropic(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    const body = rec.body ?? {};
    const model = body.model ?? opts.model ?? 'claude-fake';
    const failure = takeFailure();
    if (failure?.kind === 'http') return httpError(rec, res, 'anthropic', failure);
    const id = nextId('msg_');
    rec.responseId = id;
    const u = usage();
    const tool = wantsToolCall(rec, 'anthropic');
    rec.answered = tool ? 'tool-call' : 'text';
    const text = tool ? undefined : textFor(rec, 'anthropic');
    const toolUse = tool ? { type: 'tool_use', id: nextId('toolu_'), name: tool, input: { command: opts.toolCall!.command, description: 'Run the requested command' } } : undefined;
    const stopReason = tool ? 'tool_use' : 'end_turn';
    const startUsage = {
      input_tokens: u.inputTokens,
      cache_creation_input_tokens: u.cacheWriteTokens,
      cache_read_input_tokens: u.cacheReadTokens,
      cache_creation: { ephemeral_5m_input_tokens: u.cacheWriteTokens - u.cacheWrite1hTokens, ephemeral_1h_input_tokens: u.cacheWrite1hTokens },
      output_tokens: Math.min(1, u.outputTokens),
      service_tier: 'standard',
    };
    if (!body.stream) {
      sendJson(res, 200, {
        id, type: 'message', role: 'assistant', model,
        content: toolUse ? [toolUse] : [{ type: 'text', text }],
        stop_reason: stopReason, stop_sequence: null,
        usage: { ...startUsage, output_tokens: u.outputTokens },
      });
      return;
    }
    const sse = startSse(res, opts.eventDelayMs);
    await sse.event('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } });
    if (toolUse) {
      await sse.event('content_block_start', { type: 'content_block_start', index: 0, content_block: { ...toolUse, input: {} } });
      await sse.event('ping', { type: 'ping' });
      const json = JSON.stringify(toolUse.input);
      for (const part of split(json, 3)) {
        await sse.event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } });
      }
    } else {
      await sse.event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      await sse.event('ping', { type: 'ping' });
      for (const part of split(text!, 3)) {
        if (failure?.kind === 'drop') return sse.drop();
        await sse.event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } });
      }
    }
    if (failure?.kind === 'drop') return sse.drop();
    if (failure?.kind === 'stream-error') {
      await sse.event('error', { type: 'error', error: { type: 'overloaded_error', message: failure.message ?? 'Overloaded' } });
      return sse.end();
    }
    await sse.event('content_block_stop', { type: 'content_block_stop', index: 0 });
    const deltaUsage = opts.anthropicDeltaUsage === 'output-only'
      ? { output_tokens: u.outputTokens }
      : { input_tokens: u.inputTokens, cache_creation_input_tokens: u.cacheWriteTokens, cache_read_input_tokens: u.cacheReadTokens, output_tokens: u.outputTokens };
    await sse.event('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: deltaUsage });
    await sse.event('message_stop', { type: 'message_stop' });
    sse.end();
  }

  // ---------- OpenAI Chat Completions ----------

  async function chat(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    const body = rec.body ?? {};
    const model = body.model ?? opts.model ?? 'gpt-fake';
    const failure = takeFailure();
    if (failure?.kind === 'http') return httpError(rec, res, 'openai', failure);
    const id = nextId('chatcmpl-');
    rec.responseId = id;
    const u = usage();
    const created = Math.floor(Date.now() / 1000);
    const tool = wantsToolCall(rec, 'openai-chat');
    rec.answered = tool ? 'tool-call' : 'text';
    const text = tool ? undefined : textFor(rec, 'openai-chat');
    const call = tool ? { id: nextId('call_'), type: 'function', function: { name: tool, arguments: JSON.stringify({ command: opts.toolCall!.command }) } } : undefined;
    const finish = tool ? 'tool_calls' : 'stop';
    const usageObj = {
      prompt_tokens: u.inputTokens + u.cacheReadTokens,
      completion_tokens: u.outputTokens,
      total_tokens: u.inputTokens + u.cacheReadTokens + u.outputTokens,
      prompt_tokens_details: { cached_tokens: u.cacheReadTokens, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: u.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    if (!body.stream) {
      sendJson(res, 200, {
        id, object: 'chat.completion', created, model,
        choices: [{ index: 0, message: { role: 'assistant', content: text ?? null, refusal: null, annotations: [], ...(call ? { tool_calls: [call] } : {}) }, logprobs: null, finish_reason: finish }],
        usage: usageObj, service_tier: 'default', system_fingerprint: null,
      });
      return;
    }
    const withUsage = body.stream_options?.include_usage === true;
    const sse = startSse(res, opts.eventDelayMs);
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      ({ id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: null, choices, ...(withUsage ? { usage: null } : {}), ...extra });
    await sse.data(chunk([{ index: 0, delta: { role: 'assistant', content: call ? null : '', refusal: null }, logprobs: null, finish_reason: null }]));
    if (call) {
      await sse.data(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
      for (const part of split(call.function.arguments, 3)) {
        await sse.data(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: part } }] }, logprobs: null, finish_reason: null }]));
      }
    } else {
      for (const part of split(text!, 3)) {
        if (failure?.kind === 'drop') return sse.drop();
        await sse.data(chunk([{ index: 0, delta: { content: part }, logprobs: null, finish_reason: null }]));
      }
    }
    if (failure?.kind === 'drop') return sse.drop();
    if (failure?.kind === 'stream-error') {
      await sse.data({ error: { message: failure.message ?? 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } });
      return sse.end();
    }
    await sse.data(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]));
    if (withUsage) await sse.data(chunk([], { usage: usageObj }));
    await sse.raw('data: [DONE]\n\n');
    sse.end();
  }

  // ---------- OpenAI Responses ----------

  async function responses(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    const body = rec.body ?? {};
    const model = body.model ?? opts.model ?? 'gpt-fake';
    const failure = takeFailure();
    if (failure?.kind === 'http') return httpError(rec, res, 'openai', failure);
    const id = nextId('resp_');
    rec.responseId = id;
    const u = usage();
    const tool = wantsToolCall(rec, 'openai-responses');
    rec.answered = tool ? 'tool-call' : 'text';
    const text = tool ? undefined : textFor(rec, 'openai-responses');
    const usageObj = {
      input_tokens: u.inputTokens + u.cacheReadTokens,
      input_tokens_details: { cached_tokens: u.cacheReadTokens },
      output_tokens: u.outputTokens,
      output_tokens_details: { reasoning_tokens: u.reasoningTokens },
      total_tokens: u.inputTokens + u.cacheReadTokens + u.outputTokens,
    };
    const base = {
      id, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'in_progress', background: false, error: null,
      incomplete_details: null, instructions: null, max_output_tokens: null, model, output: [] as unknown[],
      parallel_tool_calls: body.parallel_tool_calls ?? true, previous_response_id: body.previous_response_id ?? null,
      reasoning: { effort: null, summary: null }, store: body.store ?? false, temperature: 1, text: { format: { type: 'text' } },
      tool_choice: body.tool_choice ?? 'auto', tools: [], top_p: 1, truncation: 'disabled', usage: null as unknown, user: null, metadata: {},
    };
    let item: Record<string, unknown>;
    if (tool) {
      item = { id: nextId('fc_'), type: 'function_call', status: 'completed', arguments: JSON.stringify(toolArguments(rec, tool)), call_id: nextId('call_'), name: tool };
    } else {
      item = { id: nextId('msg_'), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text }] };
    }
    const done = { ...base, status: 'completed', output: [item], usage: usageObj };
    if (!body.stream) {
      sendJson(res, 200, done);
      return;
    }
    const sse = startSse(res, opts.eventDelayMs);
    let seq = 0;
    const ev = (type: string, data: Record<string, unknown>) => sse.event(type, { type, sequence_number: seq++, ...data });
    await ev('response.created', { response: base });
    await ev('response.in_progress', { response: base });
    if (tool) {
      await ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
      let args = '';
      for (const part of split(item.arguments as string, 3)) {
        args += part;
        await ev('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: part });
      }
      await ev('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: args });
    } else {
      await ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
      const emptyPart = { type: 'output_text', annotations: [], logprobs: [], text: '' };
      await ev('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: emptyPart });
      for (const part of split(text!, 3)) {
        if (failure?.kind === 'drop') return sse.drop();
        await ev('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: part, logprobs: [] });
      }
      if (failure?.kind === 'drop') return sse.drop();
      await ev('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text, logprobs: [] });
      await ev('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: { ...emptyPart, text } });
    }
    if (failure?.kind === 'drop') return sse.drop();
    if (failure?.kind === 'stream-error') {
      await ev('response.failed', { response: { ...base, status: 'failed', error: { code: 'server_error', message: failure.message ?? 'The model failed to generate a response.' } } });
      return sse.end();
    }
    await ev('response.output_item.done', { output_index: 0, item });
    await ev('response.completed', { response: done });
    sse.end();
  }

  // ---------- shared ----------

  /** Name of the shell tool to call, when this request should be answered with a tool call. */
  function wantsToolCall(rec: RecordedRequest, wire: 'anthropic' | 'openai-chat' | 'openai-responses'): string | undefined {
    if (!opts.toolCall) return undefined;
    if (carriesToolResult(rec.body, wire)) return undefined;
    const names: string[] = (rec.body?.tools ?? []).map((t: any) => t?.name ?? t?.function?.name ?? t?.type).filter(Boolean);
    return SHELL_TOOL_NAMES.find((n) => names.includes(n));
  }

  /** The follow-up turn's text: the tool-call scenario's reply, else the server's. */
  function textFor(rec: RecordedRequest, wire: 'anthropic' | 'openai-chat' | 'openai-responses'): string {
    if (opts.toolCall?.reply && carriesToolResult(rec.body, wire)) return opts.toolCall.reply;
    return reply();
  }

  /** Arguments in the shape the offered tool declares (`cmd` string for exec_command, `command` array for shell). */
  function toolArguments(rec: RecordedRequest, name: string): Record<string, unknown> {
    const command = opts.toolCall!.command;
    const spec = (rec.body?.tools ?? []).find((t: any) => (t?.name ?? t?.function?.name) === name);
    const props = spec?.parameters?.properties ?? spec?.function?.parameters?.properties ?? {};
    if ('cmd' in props) return { cmd: command };
    if (props.command?.type === 'array') return { command: ['bash', '-lc', command] };
    return { command };
  }

  function httpError(rec: RecordedRequest, res: ServerResponse, shape: 'anthropic' | 'openai', f: { status: number; message?: string }): void {
    rec.answered = 'error';
    const message = f.message ?? `fake provider: HTTP ${f.status}`;
    if (shape === 'anthropic') {
      sendJson(res, f.status, { type: 'error', error: { type: anthropicErrorType(f.status), message }, request_id: `req_${prefix}_${++counter}` });
    } else {
      sendJson(res, f.status, { error: { message, type: f.status === 429 ? 'rate_limit_exceeded' : f.status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(initial.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    prefix,
    requests,
    modelRequests: () => requests.filter((r) => r.method === 'POST' && /^\/v1\/(messages|chat\/completions|responses)$/.test(r.path)),
    configure(next) {
      opts = { ...opts, ...next };
      if ('failure' in next) failuresLeft = failureBudget(next.failure);
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function failureBudget(f: FakeFailure | undefined): number {
  return f ? f.times ?? Number.POSITIVE_INFINITY : 0;
}

function record(req: IncomingMessage, raw: Buffer): RecordedRequest {
  const url = req.url ?? '/';
  let text = '';
  try {
    const enc = String(req.headers['content-encoding'] ?? '');
    const buf = enc === 'gzip' ? gunzipSync(raw) : enc === 'deflate' ? inflateSync(raw) : enc === 'br' ? brotliDecompressSync(raw) : raw;
    text = buf.toString('utf8');
  } catch {
    text = raw.toString('utf8');
  }
  let body: unknown;
  if (text) {
    try { body = JSON.parse(text); } catch { body = undefined; }
  }
  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth)?.[1] : undefined;
  const xKey = req.headers['x-api-key'];
  return {
    method: req.method ?? 'GET',
    path: url.split('?')[0],
    url,
    headers: { ...req.headers },
    body,
    rawBody: text,
    apiKey: (typeof xKey === 'string' ? xKey : undefined) ?? bearer,
  };
}

/** True when the request is the follow-up turn carrying a tool's result. */
function carriesToolResult(body: any, wire: 'anthropic' | 'openai-chat' | 'openai-responses'): boolean {
  if (!body) return false;
  if (wire === 'anthropic') {
    const last = (body.messages ?? []).at(-1);
    return last?.role === 'user' && Array.isArray(last.content) && last.content.some((b: any) => b?.type === 'tool_result');
  }
  if (wire === 'openai-chat') return (body.messages ?? []).at(-1)?.role === 'tool';
  const input = Array.isArray(body.input) ? body.input : [];
  const last = input.at(-1);
  return typeof last?.type === 'string' && last.type.endsWith('_output');
}

function anthropicErrorType(status: number): string {
  switch (status) {
    case 400: return 'invalid_request_error';
    case 401: return 'authentication_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit_error';
    case 529: return 'overloaded_error';
    default: return 'api_error';
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function split(text: string, parts: number): string[] {
  if (text.length <= parts) return [text];
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

interface Sse {
  event(name: string, data: unknown): Promise<void>;
  data(data: unknown): Promise<void>;
  raw(text: string): Promise<void>;
  end(): void;
  /** Abort the connection mid-stream (no terminal event, no clean chunked end). */
  drop(): void;
}

function startSse(res: ServerResponse, delayMs = 0): Sse {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const write = async (text: string) => {
    res.write(text);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  };
  return {
    event: (name, data) => write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
    data: (data) => write(`data: ${JSON.stringify(data)}\n\n`),
    raw: write,
    end: () => res.end(),
    drop: () => res.socket?.destroy(),
  };
}
