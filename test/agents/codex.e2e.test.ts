/**
 * The real Codex CLI, offline, against the fake provider, in a HOME prepared by src/agents/codex.ts.
 * Spawned directly (not through `ringlet profiles run`), so these tests pin down the agent module alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'smol-toml';
import { codex } from '../../src/agents/codex.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import type { AgentContext } from '../../src/agents/types.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { agentEnv, BIN, findFiles, hookEvents, readJsonl, run, scratch, TEST_HOOK_COMMAND, writeHookScript, type Scratch } from './e2e-helpers.js';

const CODEX = join(BIN, 'codex');
const openai = BUILTIN_PROVIDERS.find((p) => p.id === 'openai')!;
const USAGE = { inputTokens: 200, cacheReadTokens: 50, outputTokens: 30, reasoningTokens: 10 };
const COMMAND = 'echo ringlet-$((6*7))';

let s: Scratch;
let fake: FakeProvider;
let key: string;
let reply: string;

beforeEach(async () => {
  s = scratch('codex-e2e');
  reply = `Hi from fake ${randomBytes(3).toString('hex')}.`;
  fake = await startFakeProvider({ reply, usage: USAGE });
  key = `sk-test-${randomBytes(16).toString('hex')}`;
});
afterEach(async () => {
  await fake.close();
  s.cleanup();
});

function prepared(over: Partial<AgentContext> = {}): Record<string, string> {
  const ctx: AgentContext = { profile: 'e2e', home: s.home, realHome: '/nonexistent', provider: openai, wire: 'openai-responses', baseUrl: `${fake.url}/v1`, apiKey: key, model: 'gpt-5-codex', ...over };
  codex.prepareHome(ctx);
  return codex.env(ctx);
}

const exec = (env: Record<string, string>, prompt: string) => run(CODEX, ['exec', '--skip-git-repo-check', prompt], { env, cwd: s.work });

function rollout(): any[] {
  const files = findFiles(join(s.home, '.codex', 'sessions'), /^rollout-.*\.jsonl$/);
  expect(files).toHaveLength(1);
  return readJsonl(files[0]);
}

describe.skipIf(!existsSync(CODEX))('Codex CLI (real binary) against the fake provider', () => {
  it('codex exec answers offline with the profile key and writes its rollout in the profile HOME', async () => {
    const r = await exec(agentEnv(s, prepared()), 'say hi');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(reply);
    expect(r.stdout + r.stderr).not.toContain(key);
    const calls = fake.modelRequests();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: '/v1/responses', apiKey: key });
    expect(calls[0].headers.authorization).toBe(`Bearer ${key}`);
    expect(calls[0].body).toMatchObject({ model: 'gpt-5-codex', stream: true });
    // Nothing but the model call: no /v1/models, no update check, no analytics.
    expect(fake.requests).toHaveLength(1);

    const lines = rollout();
    expect(lines[0]).toMatchObject({ type: 'session_meta', payload: { cwd: s.work, model_provider: 'ringlet', cli_version: expect.any(String) } });
    const counts = lines.filter((l) => l.type === 'event_msg' && l.payload.type === 'token_count' && l.payload.info);
    expect(counts.at(-1).payload.info.total_token_usage).toMatchObject({ input_tokens: 250, cached_input_tokens: 50, output_tokens: 30, reasoning_output_tokens: 10, total_tokens: 280 });
    const records = lines.filter((l) => l.type === 'token_usage_record');
    expect(records.map((l) => l.payload.response_id)).toEqual([calls[0].responseId]);
    expect(readFileSync(join(s.home, '.codex', 'config.toml'), 'utf8')).not.toContain(key);
    expect(r.ms).toBeLessThan(20_000);
  });

  it('runs an exec_command tool call, fires every hook ringlet wired and trusted, and records it', async () => {
    const { script, log } = writeHookScript(s);
    fake.configure({ toolCall: { command: COMMAND, reply: 'The command ran.' } });
    const env = agentEnv(s, { ...prepared({ hookCommand: TEST_HOOK_COMMAND }), RINGLET_TEST_HOOK: script });
    const r = await exec(env, 'run the command');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('The command ran.');
    const calls = fake.modelRequests();
    expect(calls.map((q) => q.answered)).toEqual(['tool-call', 'text']);
    const output = calls[1].body.input.find((i: any) => i.type === 'function_call_output');
    expect(output.output).toContain('ringlet-42');

    const lines = rollout();
    const call = lines.find((l) => l.type === 'response_item' && l.payload.type === 'function_call');
    expect(call.payload).toMatchObject({ name: 'exec_command', arguments: JSON.stringify({ cmd: COMMAND }) });
    const out = lines.find((l) => l.type === 'response_item' && l.payload.type === 'function_call_output');
    expect(out.payload.call_id).toBe(call.payload.call_id);
    expect(out.payload.output).toContain('ringlet-42');
    expect(lines.filter((l) => l.type === 'token_usage_record').map((l) => l.payload.response_id)).toEqual(calls.map((c) => c.responseId));

    // Each of these only runs if its trusted_hash matched: the hash algorithm is right for all five.
    const events = hookEvents(log);
    expect(events.map((e) => e.event).sort()).toEqual(['PostToolUse', 'PreToolUse', 'SessionStart', 'Stop', 'UserPromptSubmit']);
    const pre = events.find((e) => e.event === 'PreToolUse')!.input;
    expect(pre).toMatchObject({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: COMMAND }, cwd: s.work });
    expect(pre.transcript_path.startsWith(join(s.home, '.codex', 'sessions'))).toBe(true);
  });

  it('a PreToolUse hook that exits 2 blocks the command', async () => {
    const { script, log } = writeHookScript(s);
    fake.configure({ toolCall: { command: COMMAND, reply: 'It was blocked.' } });
    const env = agentEnv(s, { ...prepared({ hookCommand: TEST_HOOK_COMMAND }), RINGLET_TEST_HOOK: script, RINGLET_TEST_DENY: '1' });
    const r = await exec(env, 'run the command');
    expect(r.code, r.stderr).toBe(0);
    const output = fake.modelRequests()[1].body.input.find((i: any) => i.type === 'function_call_output');
    expect(output.output).toContain('denied by the ringlet test hook');
    expect(output.output).not.toContain('ringlet-42');
    expect(hookEvents(log).map((e) => e.event)).not.toContain('PostToolUse');
  });

  it('ignores the same hooks without the trust entries (so the trust is what makes them run)', async () => {
    const { script, log } = writeHookScript(s);
    const env = agentEnv(s, { ...prepared({ hookCommand: TEST_HOOK_COMMAND }), RINGLET_TEST_HOOK: script });
    const file = join(s.home, '.codex', 'config.toml');
    const config = parse(readFileSync(file, 'utf8')) as Record<string, any>;
    expect(Object.keys(config.hooks.state)).toHaveLength(5);
    delete config.hooks;
    writeFileSync(file, stringify(config));
    const r = await exec(env, 'say hi');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(reply);
    expect(hookEvents(log)).toEqual([]);
  });
});
