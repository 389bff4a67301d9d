// Wire-format samples written from the providers' documented stream formats (Anthropic "Streaming
// Messages", OpenAI "Chat Completions streaming" and "Responses streaming events"), with usage values
// chosen so each normalisation rule shows in the expected counts.

const sse = (events: Array<[string | null, unknown]>, eol = '\n'): string =>
  events.map(([name, data]) => `${name ? `event: ${name}${eol}` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`).join('');

export const ANTHROPIC_ID = 'msg_01XFDUDYJgAACzvnptvVoYEL';

const messageStart = {
  type: 'message_start',
  message: {
    id: ANTHROPIC_ID, type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5-20250929',
    stop_reason: null, stop_sequence: null,
    usage: {
      input_tokens: 25, cache_creation_input_tokens: 1200, cache_read_input_tokens: 3400,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 1000 },
      output_tokens: 1, service_tier: 'standard',
    },
  },
};

export const ANTHROPIC_HEAD = sse([['message_start', messageStart]]);

export const ANTHROPIC_STREAM = ANTHROPIC_HEAD + ': keep-alive comment\n\n' + sse([
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['ping', { type: 'ping' }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Héllo — ünïcode ✓ 🦄' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '!' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } }],
  ['message_stop', { type: 'message_stop' }],
]);

export const ANTHROPIC_EXPECTED = {
  model: 'claude-sonnet-4-5-20250929', messageId: ANTHROPIC_ID,
  inputTokens: 25, outputTokens: 15, cacheWriteTokens: 1200, cacheWrite1hTokens: 1000, cacheReadTokens: 3400, reasoningTokens: 0,
};

/** Newer API versions repeat input and cache counts in message_delta (server tools can change them). */
export const ANTHROPIC_STREAM_FULL_DELTA = ANTHROPIC_HEAD + sse([
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { input_tokens: 30, cache_creation_input_tokens: 1200, cache_read_input_tokens: 3400, output_tokens: 47, server_tool_use: { web_search_requests: 1 } } }],
  ['message_stop', { type: 'message_stop' }],
]);

export const ANTHROPIC_STREAM_ERROR = ANTHROPIC_HEAD + sse([
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }],
]);

export const CHAT_ID = 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT';
const chunk = (choices: unknown[], usage: unknown = null) => ({
  id: CHAT_ID, object: 'chat.completion.chunk', created: 1741569952, model: 'gpt-4.1-2025-04-14',
  service_tier: 'default', system_fingerprint: 'fp_44709d6fcb', choices, usage,
});
export const CHAT_USAGE = {
  prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 128, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
export const CHAT_CONTENT_EVENTS: Array<[null, unknown]> = [
  [null, chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }])],
  [null, chunk([{ index: 0, delta: { content: 'Hello — ✓' }, logprobs: null, finish_reason: null }])],
  [null, chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])],
];
export const CHAT_USAGE_EVENT = sse([[null, chunk([], CHAT_USAGE)]]);
export const CHAT_DONE = 'data: [DONE]\n\n';
export const CHAT_STREAM = sse(CHAT_CONTENT_EVENTS) + CHAT_USAGE_EVENT + CHAT_DONE;
/** The same stream as a client that did not ask for usage sees it from the meter. */
export const CHAT_STREAM_STRIPPED = sse(CHAT_CONTENT_EVENTS) + CHAT_DONE;
export const CHAT_STREAM_CRLF = sse([...CHAT_CONTENT_EVENTS, [null, chunk([], CHAT_USAGE)], [null, '[DONE]']], '\r\n');

export const CHAT_EXPECTED = {
  model: 'gpt-4.1-2025-04-14', messageId: CHAT_ID,
  inputTokens: 176, outputTokens: 300, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 1024, reasoningTokens: 128,
};

export const RESPONSE_ID = 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b';
const responseObj = (status: string, usage: unknown, output: unknown[] = []) => ({
  id: RESPONSE_ID, object: 'response', created_at: 1741476542, status, error: null, incomplete_details: null,
  instructions: null, max_output_tokens: null, model: 'gpt-5-codex', output, parallel_tool_calls: true,
  previous_response_id: null, reasoning: { effort: 'medium', summary: null }, store: true, temperature: 1,
  text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [], top_p: 1, truncation: 'disabled', usage, user: null, metadata: {},
});
export const RESPONSES_USAGE = {
  input_tokens: 5000, input_tokens_details: { cached_tokens: 4096 },
  output_tokens: 900, output_tokens_details: { reasoning_tokens: 640 }, total_tokens: 5900,
};
const message = { id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b', type: 'message', status: 'completed', role: 'assistant',
  content: [{ type: 'output_text', text: 'Hi — ✓', annotations: [] }] };
export const RESPONSES_HEAD = sse([
  ['response.created', { type: 'response.created', sequence_number: 0, response: responseObj('in_progress', null) }],
  ['response.in_progress', { type: 'response.in_progress', sequence_number: 1, response: responseObj('in_progress', null) }],
  ['response.output_item.added', { type: 'response.output_item.added', sequence_number: 2, output_index: 0, item: { ...message, status: 'in_progress', content: [] } }],
  ['response.output_text.delta', { type: 'response.output_text.delta', sequence_number: 3, item_id: message.id, output_index: 0, content_index: 0, delta: 'Hi — ✓' }],
  ['response.output_item.done', { type: 'response.output_item.done', sequence_number: 4, output_index: 0, item: message }],
]);
export const RESPONSES_STREAM = RESPONSES_HEAD + sse([
  ['response.completed', { type: 'response.completed', sequence_number: 5, response: responseObj('completed', RESPONSES_USAGE, [message]) }],
]);
export const RESPONSES_INCOMPLETE = RESPONSES_HEAD + sse([
  ['response.incomplete', { type: 'response.incomplete', sequence_number: 5,
    response: { ...responseObj('incomplete', { ...RESPONSES_USAGE, output_tokens: 700 }, [message]), incomplete_details: { reason: 'max_output_tokens' } } }],
]);
export const RESPONSES_FAILED = RESPONSES_HEAD + sse([
  ['response.failed', { type: 'response.failed', sequence_number: 5,
    response: { ...responseObj('failed', null), error: { code: 'server_error', message: 'The model failed to generate a response.' } } }],
]);
export const RESPONSES_EXPECTED = {
  model: 'gpt-5-codex', messageId: RESPONSE_ID,
  inputTokens: 904, outputTokens: 900, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 4096, reasoningTokens: 640,
};

// Non-streaming bodies.
export const ANTHROPIC_JSON = JSON.stringify({
  id: ANTHROPIC_ID, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', stop_sequence: null,
  usage: { input_tokens: 25, cache_creation_input_tokens: 1200, cache_read_input_tokens: 3400,
    cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 1000 }, output_tokens: 15, service_tier: 'standard' },
});
export const CHAT_JSON = JSON.stringify({
  id: CHAT_ID, object: 'chat.completion', created: 1741569952, model: 'gpt-4.1-2025-04-14',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
  usage: CHAT_USAGE, service_tier: 'default',
});
export const RESPONSES_JSON = JSON.stringify(responseObj('completed', RESPONSES_USAGE, [message]));
/** POST /v1/messages/count_tokens answers this: free, never a ledger row. */
export const COUNT_TOKENS_JSON = JSON.stringify({ input_tokens: 2095 });
