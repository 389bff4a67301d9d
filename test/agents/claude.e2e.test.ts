/**
 * The real Claude Code binary, offline, against the fake provider, in a HOME prepared by src/agents/claude.ts.
 * Spawned directly (not through `ringlet profiles run`), so these tests pin down the agent module alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { claude } from '../../src/agents/claude.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import type { AgentContext } from '../../src/agents/types.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { agentEnv, BIN, findFiles, hookEvents, readJsonl, run, scratch, TEST_HOOK_COMMAND, writeHookScript, type Scratch } from './e2e-helpers.js';

const CLAUDE = join(BIN, 'claude');
const anthropic = BUILTIN_PROVIDERS.find((p) => p.id === 'anthropic')!;
const USAGE = { inputTokens: 123, outputTokens: 45, cacheWriteTokens: 67, cacheWrite1hTokens: 17, cacheReadTokens: 89 };

let s: Scratch;
let fake: FakeProvider;
let key: string;
let reply: string;

beforeEach(async () => {
  s = scratch('claude-e2e');
  reply = `Hi from fake ${randomBytes(3).toString('hex')}.`;
  fake = await startFakeProvider({ reply, usage: USAGE });
  key = `sk-ant-test-${randomBytes(16).toString('hex')}`;
});
afterEach(async () => {
  await fake.close();
  s.cleanup();
});

function prepared(over: Partial<AgentContext> = {}): Record<string, string> {
  const ctx: AgentContext = { profile: 'e2e', home: s.home, realHome: '/nonexistent', provider: anthropic, wire: 'anthropic', baseUrl: fake.url, apiKey: key, ...over };
  claude.prepareHome(ctx);
  return claude.env(ctx);
}

function transcript(): any[] {
  const files = findFiles(join(s.home, '.claude', 'projects'), /\.jsonl$/);
  expect(files).toHaveLength(1);
  return readJsonl(files[0]);
}

describe.skipIf(!existsSync(CLAUDE))('Claude Code (real binary) against the fake provider', () => {
  it('claude -p answers offline with the profile key and writes its transcript in the profile HOME', async () => {
    const env = agentEnv(s, prepared());
    const r = await run(CLAUDE, ['-p', 'say hi'], { env, cwd: s.work });
    expect(r.stderr).not.toContain(key);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(reply);
    const calls = fake.modelRequests();
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const c of calls) {
      expect(c.apiKey).toBe(key);
      expect(c.url).toBe('/v1/messages?beta=true');
      expect(c.body.stream).toBe(true);
    }
    // With non-essential traffic off, the model call is the only request: no /api/hello probe.
    expect(fake.requests.map((q) => q.path)).toEqual(calls.map(() => '/v1/messages'));

    const lines = transcript();
    const assistant = lines.filter((l) => l.type === 'assistant');
    expect(assistant.map((l) => l.message.id)).toEqual(calls.map((c) => c.responseId));
    expect(assistant[0].message.usage).toMatchObject({
      input_tokens: 123, output_tokens: 45, cache_creation_input_tokens: 67, cache_read_input_tokens: 89,
      cache_creation: { ephemeral_1h_input_tokens: 17, ephemeral_5m_input_tokens: 50 },
    });
    expect(assistant[0].cwd).toBe(s.work);
    expect(typeof assistant[0].sessionId).toBe('string');
    // The key itself lands nowhere in the HOME; only its approval suffix does.
    const stateText = readFileSync(join(s.home, '.claude.json'), 'utf8');
    expect(stateText).not.toContain(key);
    expect(JSON.parse(stateText).customApiKeyResponses.approved).toContain(key.slice(-20));
    expect(r.ms).toBeLessThan(20_000);
  });

  it('runs a Bash tool call, fires the hooks ringlet wired, and records tool_use/tool_result', async () => {
    const { script, log } = writeHookScript(s);
    fake.configure({ toolCall: { command: 'echo ringlet-$((6*7))', reply: 'The command ran.' } });
    const env = agentEnv(s, { ...prepared({ hookCommand: TEST_HOOK_COMMAND }), RINGLET_TEST_HOOK: script });
    const r = await run(CLAUDE, ['-p', 'run the command'], { env, cwd: s.work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('The command ran.');
    expect(fake.modelRequests().map((q) => q.answered)).toEqual(['tool-call', 'text']);

    const lines = transcript();
    const toolUse = lines.flatMap((l) => (l.type === 'assistant' ? l.message.content : [])).find((b: any) => b.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'Bash', input: { command: 'echo ringlet-$((6*7))' } });
    const result = lines.find((l) => l.type === 'user' && Array.isArray(l.message.content) && l.message.content[0]?.type === 'tool_result');
    expect(result.message.content[0]).toMatchObject({ tool_use_id: toolUse.id, content: 'ringlet-42', is_error: false });
    expect(result.toolUseResult).toMatchObject({ stdout: 'ringlet-42', stderr: '', interrupted: false });
    // every assistant line carries the fake's id and usage
    for (const l of lines.filter((x) => x.type === 'assistant')) {
      expect(l.message.id).toMatch(new RegExp(`^msg_${fake.prefix}_`));
      expect(l.message.usage.output_tokens).toBe(45);
    }

    const events = hookEvents(log);
    expect(events.map((e) => e.event)).toEqual(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd']);
    const pre = events.find((e) => e.event === 'PreToolUse')!.input;
    expect(pre).toMatchObject({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'echo ringlet-$((6*7))' }, cwd: s.work });
    expect(pre.transcript_path.startsWith(join(s.home, '.claude', 'projects'))).toBe(true);
  });

  it('a PreToolUse hook that exits 2 denies the tool; the reason goes back to the model', async () => {
    const { script, log } = writeHookScript(s);
    fake.configure({ toolCall: { command: 'echo ringlet-$((6*7))', reply: 'It was blocked.' } });
    const env = agentEnv(s, { ...prepared({ hookCommand: TEST_HOOK_COMMAND }), RINGLET_TEST_HOOK: script, RINGLET_TEST_DENY: '1' });
    const r = await run(CLAUDE, ['-p', 'run the command'], { env, cwd: s.work });
    expect(r.code, r.stderr).toBe(0);
    const followUp = fake.modelRequests()[1].body.messages.at(-1).content;
    const result = followUp.find((b: any) => b.type === 'tool_result');
    expect(result.is_error).toBe(true);
    expect(result.content).toContain('denied by the ringlet test hook');
    expect(JSON.stringify(followUp)).not.toContain('ringlet-42');
    expect(hookEvents(log).map((e) => e.event)).not.toContain('PostToolUse');
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe.skipIf(!existsSync(CLAUDE) || !hasTmux)('Claude Code interactive first run (tmux)', () => {
  it('a fresh profile HOME reaches the prompt without onboarding, theme or API-key questions', async () => {
    const env = agentEnv(s, prepared());
    const launcher = join(s.root, 'launch.sh');
    writeFileSync(launcher, `#!/bin/sh\ncd '${s.work}'\nexec env -i ${Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`).join(' ')} '${CLAUDE}'\n`);
    const sock = `ringlet-e2e-${randomBytes(4).toString('hex')}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-t', 'cc');
    const waitFor = async (re: RegExp, ms = 15_000) => {
      const end = Date.now() + ms;
      for (;;) {
        const text = screen();
        if (re.test(text)) return text;
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${text}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    tmux('new-session', '-d', '-s', 'cc', '-x', '120', '-y', '40', `sh '${launcher}'`);
    const [pid, socket] = tmux('display-message', '-p', '-t', 'cc', '#{pane_pid} #{socket_path}').trim().split(' ');
    tmux('set-option', '-t', 'cc', 'remain-on-exit', 'on'); // keep the last screen if the agent exits early
    try {
      // The first screen: either the folder-trust question (expected: ringlet leaves that decision to
      // the user) or the prompt itself. Never onboarding, the theme picker or the key approval.
      let text = await waitFor(/Yes, I trust this folder|Claude Code v/);
      const seen = [text];
      if (/Yes, I trust this folder/.test(text)) {
        // Keys sent before the dialog takes input are lost (seen under load): move the selection until it shows.
        for (let i = 0; !/❯\s+Yes, I trust this folder/.test(screen()); i++) {
          if (i === 10) throw new Error(`could not select "Yes" in the trust dialog:\n${screen()}`);
          tmux('send-keys', '-t', 'cc', 'Down');
          await new Promise((r) => setTimeout(r, 500));
        }
        tmux('send-keys', '-t', 'cc', 'Enter');
        text = await waitFor(/Claude Code v/);
        seen.push(text);
      }
      // Likewise the prompt (which may not be drawn yet after the trust dialog): submit until answered.
      for (let i = 0; ; i++) {
        tmux('send-keys', '-t', 'cc', '-l', 'say hi');
        await new Promise((r) => setTimeout(r, 300));
        tmux('send-keys', '-t', 'cc', 'Enter');
        try {
          seen.push(await waitFor(new RegExp(escapeRe(reply)), 5000));
          break;
        } catch (err) {
          if (i === 3) throw err;
        }
      }
      for (const t of seen) {
        expect(t).not.toMatch(/Detected a custom API key/i);
        expect(t).not.toMatch(/Choose the text style|Let's get started|Select login method/i);
      }
      expect(fake.modelRequests().every((q) => q.apiKey === key)).toBe(true);
      expect(fake.modelRequests().length).toBeGreaterThanOrEqual(1);
    } finally {
      try { tmux('kill-server'); } catch { /* already gone */ }
      rmSync(socket, { force: true }); // tmux leaves its socket file behind
      await waitGone(Number(pid));
    }
  });
});

/** Wait for the agent to finish writing its files after SIGHUP, so the scratch dir can be removed. */
async function waitGone(pid: number, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
