import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseClaudeLine, parseClaudeLines } from '../../src/import/parsers/claude.js';
import { initialCodexState, parseCodexLine, parseCodexLines, uuidV7Ms, type CodexState } from '../../src/import/parsers/codex.js';
import { parseOpenCodeMessage } from '../../src/import/parsers/opencode.js';
import { isoTime } from '../../src/import/parsers/types.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const lines = (name: string) => readFileSync(join(FIX, name), 'utf8').split('\n').filter(Boolean);

/** An assistant line in Claude Code's format. */
function claudeLine(o: {
  id?: string; requestId?: string | null; model?: string; uuid?: string; ts?: string; stop?: string | null; block?: string;
  input?: number; output?: number; cw?: number; cw1h?: number; cr?: number; sidechain?: boolean;
}): string {
  const usage: Record<string, unknown> = {
    input_tokens: o.input ?? 10,
    cache_creation_input_tokens: o.cw ?? 0,
    cache_read_input_tokens: o.cr ?? 0,
    output_tokens: o.output ?? 5,
    service_tier: 'standard',
  };
  if (o.cw1h !== undefined) usage.cache_creation = { ephemeral_5m_input_tokens: (o.cw ?? 0) - o.cw1h, ephemeral_1h_input_tokens: o.cw1h };
  const line: Record<string, unknown> = {
    parentUuid: null,
    isSidechain: o.sidechain ?? false,
    userType: 'external',
    cwd: '/work',
    sessionId: 'b1e0c2a4-0000-4000-8000-000000000001',
    version: '1.0.98',
    type: 'assistant',
    uuid: o.uuid ?? 'u-1',
    timestamp: o.ts ?? '2026-05-01T10:00:00.000Z',
    message: {
      id: o.id,
      type: 'message',
      role: 'assistant',
      model: o.model ?? 'claude-sonnet-4-5-20250929',
      content: [{ type: o.block ?? 'text', text: 'x' }],
      stop_reason: o.stop === undefined ? 'end_turn' : o.stop,
      stop_sequence: null,
      usage,
    },
  };
  if (o.requestId !== null) line.requestId = o.requestId ?? 'req_1';
  return JSON.stringify(line);
}

describe('Claude Code transcripts', () => {
  it('reads the real 2.1.332 format: one response written as two lines counts once, 1h cache writes kept apart', () => {
    const all = lines('claude-2.1.332.jsonl');
    expect(all.filter((l) => l.includes('"msg_fake2"'))).toHaveLength(2);
    const out = parseClaudeLines(all);
    expect(out).toHaveLength(1);
    expect(out[0].key).toBe('msg_fake2');
    expect(out[0].usage).toMatchObject({
      agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', messageId: 'msg_fake2',
      inputTokens: 102, outputTokens: 42, cacheWriteTokens: 200, cacheWrite1hTokens: 50, cacheReadTokens: 300, reasoningTokens: 0,
      ts: '2026-11-25T21:17:05.198Z', // the later line: written when the response completed
    });
  });

  it('keeps the fullest line of a response streamed by an older version (partial output_tokens first)', () => {
    const out = parseClaudeLines([
      claudeLine({ id: 'msg_A', output: 9, stop: null, block: 'thinking', uuid: 'a1' }),
      claudeLine({ id: 'msg_A', output: 9, stop: null, block: 'text', uuid: 'a2' }),
      JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', content: '"usage": 1' }] } }),
      claudeLine({ id: 'msg_A', output: 159, stop: 'tool_use', block: 'tool_use', uuid: 'a3', ts: '2026-05-01T10:00:03.000Z' }),
      claudeLine({ id: 'msg_B', output: 4, uuid: 'b1' }),
    ]);
    expect(out.map((e) => [e.key, e.usage.outputTokens, e.complete])).toEqual([['msg_A', 159, true], ['msg_B', 4, true]]);
    // Whatever order the lines come in, the fullest one wins.
    const rev = parseClaudeLines([
      claudeLine({ id: 'msg_A', output: 159, stop: 'tool_use' }),
      claudeLine({ id: 'msg_A', output: 9, stop: null }),
    ]);
    expect(rev[0].usage.outputTokens).toBe(159);
  });

  it('keys on message.id even without requestId, and on requestId when message.id is missing', () => {
    expect(parseClaudeLine(claudeLine({ id: 'msg_X', requestId: null }))?.key).toBe('msg_X');
    expect(parseClaudeLine(claudeLine({ id: undefined, requestId: 'req_9' }))?.key).toBe('claude:req:req_9');
    expect(parseClaudeLine(claudeLine({ id: undefined, requestId: null, uuid: 'line-7' }))?.key).toBe('claude:line:line-7');
    // Two lines of one response without requestId still count once.
    expect(parseClaudeLines([claudeLine({ id: 'msg_Y', requestId: null }), claudeLine({ id: 'msg_Y', requestId: null })])).toHaveLength(1);
  });

  it('skips synthetic, user, malformed and usage-less lines; sidechain lines are ordinary responses', () => {
    expect(parseClaudeLine(claudeLine({ id: 'msg_S', model: '<synthetic>' }))).toBeUndefined();
    expect(parseClaudeLine('{"type":"user","message":{"role":"user","content":"hi"}}')).toBeUndefined();
    expect(parseClaudeLine('{"type":"assistant","message":{"id":"msg_1"')).toBeUndefined();
    expect(parseClaudeLine('{"type":"assistant","timestamp":"2026-05-01T00:00:00Z","message":{"id":"msg_1","model":"m"}}')).toBeUndefined();
    expect(parseClaudeLine(claudeLine({ id: 'msg_side', sidechain: true }))?.key).toBe('msg_side');
  });

  it('names Bedrock and Vertex from the message id, and falls back to the 5m/1h split when the total is absent', () => {
    expect(parseClaudeLine(claudeLine({ id: 'msg_bdrk_01abc' }))?.usage.provider).toBe('bedrock');
    expect(parseClaudeLine(claudeLine({ id: 'msg_vrtx_01abc' }))?.usage.provider).toBe('vertex');
    const l = JSON.parse(claudeLine({ id: 'msg_C', cw: 0, cw1h: 0 }));
    delete l.message.usage.cache_creation_input_tokens;
    l.message.usage.cache_creation = { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 70 };
    expect(parseClaudeLine(JSON.stringify(l))?.usage).toMatchObject({ cacheWriteTokens: 100, cacheWrite1hTokens: 70 });
  });
});

/** A token_count event line. */
function tokenCount(ts: string, total: number[], last: number[]): string {
  const u = ([input, cached, output, reasoning]: number[]) => ({
    input_tokens: input, cached_input_tokens: cached, output_tokens: output, reasoning_output_tokens: reasoning, total_tokens: input + output,
  });
  return JSON.stringify({ timestamp: ts, type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: u(total), last_token_usage: u(last), model_context_window: 258400 }, rate_limits: null } });
}
const meta = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ timestamp: '2026-05-01T10:00:00.000Z', type: 'session_meta', payload: { id, timestamp: '2026-05-01T10:00:00.000Z', cwd: '/w', originator: 'codex_cli_rs', cli_version: '0.40.0', model_provider: 'openai', ...extra } });
const turn = (turnId: string, model = 'gpt-5-codex') => JSON.stringify({ timestamp: '2026-05-01T10:00:01.000Z', type: 'turn_context', payload: { turn_id: turnId, cwd: '/w', model } });

// UUIDv7 ids: 0x019de5a0-0000 ms ≈ 2026-05-01T…; a second thread created later, turns in between.
const PARENT = '019de5a0-0000-7000-8000-000000000001';
const CHILD = '019de6a0-0000-7000-8000-000000000002';
const PARENT_TURN_1 = '019de5a0-1000-7000-8000-0000000000a1';
const PARENT_TURN_2 = '019de5a0-2000-7000-8000-0000000000a2';
const CHILD_TURN = '019de6a0-1000-7000-8000-0000000000b1';

function parentRollout(): string[] {
  return [
    meta(PARENT),
    turn(PARENT_TURN_1),
    tokenCount('2026-05-01T10:00:02.000Z', [1000, 400, 50, 20], [1000, 400, 50, 20]),
    // Re-emitted with an unchanged total (rate-limit refresh): not a response.
    tokenCount('2026-05-01T10:00:03.000Z', [1000, 400, 50, 20], [1000, 400, 50, 20]),
    turn(PARENT_TURN_2),
    tokenCount('2026-05-01T10:01:00.000Z', [2500, 1300, 80, 20], [1500, 900, 30, 0]),
    tokenCount('2026-05-01T10:01:01.000Z', [2500, 1300, 80, 20], [1500, 900, 30, 0]),
  ];
}

describe('Codex rollouts', () => {
  it('reads the real 0.169 format: token_usage_record keyed by response_id, token_count not counted again', () => {
    const out = parseCodexLines(lines('codex-0.169-parent.jsonl'), 'rollout-2026-11-25T21-17-17-01a21491-eef8-78a3-b65a-18b73677e8c0.jsonl');
    expect(out.map((u) => u.messageId)).toEqual(['resp_fake3', 'resp_fake4']);
    expect(out[0]).toMatchObject({
      agent: 'codex', provider: 'fake', model: 'gpt-5.1-codex',
      // OpenAI terms -> ledger terms: input 1003 includes 400 cached; output 53 includes 20 reasoning.
      inputTokens: 603, cacheReadTokens: 400, outputTokens: 53, reasoningTokens: 20, cacheWriteTokens: 0,
      ts: '2026-11-25T21:17:18.138Z',
    });
    expect(out[1]).toMatchObject({ inputTokens: 604, cacheReadTokens: 400, outputTokens: 54, reasoningTokens: 20 });
  });

  it('a 0.169 fork continues the parent totals: only its own response is counted', () => {
    const out = parseCodexLines(lines('codex-0.169-fork.jsonl'), 'rollout-x-01a21492-46e9-7ed3-9856-ed115bd7f3d4.jsonl');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ messageId: 'resp_fake5', inputTokens: 605, cacheReadTokens: 400, outputTokens: 55 });
    // The same file without token_usage_record lines (as older Codex wrote): last_token_usage, not the inherited total.
    const old = parseCodexLines(lines('codex-0.169-fork.jsonl').filter((l) => !l.includes('"token_usage_record"')));
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ inputTokens: 605, cacheReadTokens: 400, outputTokens: 55, reasoningTokens: 20 });
    expect(old[0].messageId).toMatch(/^codex:01a21492-46e9-7ed3-9856-ed115bd7f3d4:/);
  });

  it('turns cumulative totals into per-response deltas and skips re-emitted totals', () => {
    const out = parseCodexLines(parentRollout());
    expect(out.map((u) => [u.inputTokens, u.cacheReadTokens, u.outputTokens, u.reasoningTokens])).toEqual([[600, 400, 50, 20], [600, 900, 30, 0]]);
    const sum = out.reduce((a, u) => a + u.inputTokens + u.cacheReadTokens, 0);
    expect(sum).toBe(2500); // equals the final cumulative input
    expect(new Set(out.map((u) => u.messageId)).size).toBe(2);
  });

  it('uses the total delta when it exceeds last_token_usage (an event went missing)', () => {
    const out = parseCodexLines([
      meta(PARENT),
      tokenCount('2026-05-01T10:00:02.000Z', [100, 0, 10, 0], [100, 0, 10, 0]),
      tokenCount('2026-05-01T10:00:09.000Z', [400, 0, 40, 0], [200, 0, 20, 0]),
    ]);
    expect(out.map((u) => [u.inputTokens, u.outputTokens])).toEqual([[100, 10], [300, 30]]);
  });

  it('a forked rollout that replays the parent history produces the parent keys, then its own', () => {
    const parent = parseCodexLines(parentRollout());
    const restamped = parentRollout().map((l) => l.replace(/"timestamp":"2026-05-01T10:0[01]:\d\d\.000Z"/, '"timestamp":"2026-05-02T09:00:00.000Z"'));
    const child = parseCodexLines([
      meta(CHILD, { forked_from_id: PARENT, timestamp: '2026-05-02T09:00:00.000Z' }),
      ...restamped,
      turn(CHILD_TURN),
      tokenCount('2026-05-02T09:00:05.000Z', [3700, 2300, 90, 20], [1200, 1000, 10, 0]),
    ]);
    expect(child).toHaveLength(3);
    expect(child.slice(0, 2).map((u) => u.messageId)).toEqual(parent.map((u) => u.messageId));
    expect(child[2].messageId.startsWith(`codex:${CHILD}:`)).toBe(true);
    expect(child[2]).toMatchObject({ inputTokens: 200, cacheReadTokens: 1000, outputTokens: 10 });
  });

  it('carries state across incremental reads (the state survives JSON)', () => {
    const all = parentRollout();
    const once = parseCodexLines(all);
    let state: CodexState = initialCodexState();
    const split = [];
    for (const [i, l] of all.entries()) {
      const u = parseCodexLine(state, l);
      if (u) split.push(u);
      if (i === 3) state = JSON.parse(JSON.stringify(state));
    }
    expect(split).toEqual(once);
  });

  it('reads the oldest format (usage on the payload) and ignores events without info', () => {
    const out = parseCodexLines([
      meta(PARENT),
      JSON.stringify({ timestamp: '2026-05-01T10:00:02.000Z', type: 'event_msg', payload: { type: 'token_count', input_tokens: 300, cached_input_tokens: 100, output_tokens: 7, reasoning_output_tokens: 0, total_tokens: 307 } }),
      JSON.stringify({ timestamp: '2026-05-01T10:00:03.000Z', type: 'event_msg', payload: { type: 'token_count', info: null, rate_limits: {} } }),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ inputTokens: 200, cacheReadTokens: 100, outputTokens: 7, model: 'unknown' });
  });

  it('decodes UUIDv7 times and takes the session id from the file name when meta is missing', () => {
    expect(new Date(uuidV7Ms('01a21491-eef8-78a3-b65a-18b73677e8c0')!).toISOString()).toBe('2026-11-25T21:17:17.944Z');
    expect(uuidV7Ms('6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBeUndefined();
    const out = parseCodexLines([tokenCount('2026-05-01T10:00:02.000Z', [10, 0, 1, 0], [10, 0, 1, 0])], 'rollout-2026-05-01T10-00-00-019de5a0-0000-7000-8000-0000000000ff.jsonl');
    expect(out[0].messageId).toBe('codex:019de5a0-0000-7000-8000-0000000000ff:11:10:0:1:0');
  });
});

describe('OpenCode messages', () => {
  const base = {
    id: 'msg_01', sessionID: 'ses_1', role: 'assistant', modelID: 'claude-sonnet-4-5', providerID: 'anthropic', cost: 0.0123,
    time: { created: 1777629600000, completed: 1777629605000 },
  };

  it('newer format: tokens.total counts reasoning separately, so output gains it', () => {
    const u = parseOpenCodeMessage({ ...base, modelID: 'gpt-5', providerID: 'openai', tokens: { total: 1390, input: 1000, output: 100, reasoning: 40, cache: { read: 200, write: 50 } } });
    expect(u).toMatchObject({
      messageId: 'opencode:msg_01', agent: 'opencode', provider: 'openai', model: 'gpt-5', ts: '2026-05-01T10:00:05.000Z',
      inputTokens: 1000, outputTokens: 140, reasoningTokens: 40, cacheReadTokens: 200, cacheWriteTokens: 50, recordedCostUsd: 0.0123,
    });
  });

  it('older format: output already includes reasoning', () => {
    const u = parseOpenCodeMessage({ ...base, tokens: { input: 1000, output: 100, reasoning: 40, cache: { read: 200, write: 0 } } });
    expect(u).toMatchObject({ outputTokens: 100, reasoningTokens: 40 });
    const withProviderTotal = parseOpenCodeMessage({ ...base, tokens: { total: 1300, input: 1000, output: 100, reasoning: 40, cache: { read: 200, write: 0 } } });
    expect(withProviderTotal?.outputTokens).toBe(100);
  });

  it('skips user messages, unfinished and empty ones', () => {
    expect(parseOpenCodeMessage({ ...base, role: 'user', tokens: { input: 1, output: 1, reasoning: 0, cache: { read: 0, write: 0 } } })).toBeUndefined();
    expect(parseOpenCodeMessage({ ...base, time: { created: 1 }, tokens: { input: 1, output: 1, reasoning: 0, cache: { read: 0, write: 0 } } })).toBeUndefined();
    expect(parseOpenCodeMessage({ ...base, tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } } })).toBeUndefined();
    expect(parseOpenCodeMessage('nope')).toBeUndefined();
  });
});

describe('isoTime', () => {
  it('answers exactly what Date.parse + toISOString would, on its fast path too', () => {
    const reference = (v: string) => {
      const ms = Date.parse(v);
      return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
    };
    const cases = [
      '2026-05-01T10:00:00.000Z', '2024-02-29T23:59:59.999Z', '2023-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-02-30T12:00:00.000Z', '2026-00-10T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2026-05-01T10:00:00Z',
      '2026-05-01T10:00:00.000+02:00', '2026-05-01 10:00:00.000Z', '2026-05-01T10:00:00.0000Z', 'x026-05-01T10:00:00.000Z',
    ];
    // And every day of a leap and a common year, with the day pushed one past the month's end.
    for (const y of [2024, 2026]) {
      for (let m = 1; m <= 12; m++) for (const d of [28, 29, 30, 31, 32]) cases.push(`${y}-${String(m).padStart(2, '0')}-${d}T08:09:10.011Z`);
    }
    for (const v of cases) expect([v, isoTime(v)]).toEqual([v, reference(v)]);
  });
});
