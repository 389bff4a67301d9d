/**
 * How a run's hooks reach each agent's own config: only the events that have rules, the user's entries
 * kept, Codex's single `notify` slot respected, Droid's `hooks` key in .factory/settings.json.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { claude } from '../../src/agents/claude.js';
import { codex, mergeCodexNotify } from '../../src/agents/codex.js';
import { droid } from '../../src/agents/droid.js';
import type { AgentContext } from '../../src/agents/types.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import { agentEventsFor } from '../../src/hooks/wiring.js';
import { toPayload } from '../../src/hooks/dispatch.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ringlet-wiring-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const provider = (id: string) => BUILTIN_PROVIDERS.find((p) => p.id === id)!;
const HOOK = "'/usr/bin/node' '/opt/ringlet/bin/ringlet' hooks dispatch";
const ctx = (over: Partial<AgentContext>): AgentContext => ({
  profile: 'w', home, realHome: '/nonexistent', provider: provider('anthropic'), wire: 'anthropic', baseUrl: 'http://127.0.0.1:9', apiKey: 'local-token', ...over,
});
const json = (file: string) => JSON.parse(readFileSync(join(home, file), 'utf8'));
const toml = (file: string) => parse(readFileSync(join(home, file), 'utf8')) as Record<string, any>;

describe('which agent events are wired', () => {
  it('maps ringlet events to each agent\'s own', () => {
    expect(agentEventsFor('claude', ['pre-tool-use', 'start', 'stop'])).toEqual(['PreToolUse']);
    expect(agentEventsFor('claude', ['tool-use', 'notify'])).toEqual(['PostToolUse', 'PostToolUseFailure', 'Notification', 'Stop']);
    expect(agentEventsFor('codex', ['notify', 'pre-tool-use'])).toEqual(['notify', 'PreToolUse']);
    expect(agentEventsFor('droid', ['pre-tool-use'])).toEqual(['PreToolUse']);
    expect(agentEventsFor('opencode', ['pre-tool-use'])).toEqual([]);
    expect(agentEventsFor('claude', ['cost-threshold', 'daily-rollup'])).toEqual([]);
  });

  it('translates agent payloads into ringlet events', () => {
    const env = { RINGLET_PROFILE: 'w', RINGLET_AGENT: 'claude', RINGLET_PROVIDER: 'anthropic' };
    expect(toPayload('claude', 'PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, session_id: 's', cwd: '/w' }, env))
      .toMatchObject({ event: 'pre-tool-use', profile: 'w', agent: 'claude', provider: 'anthropic', tool: 'Bash', input: { command: 'ls' }, sessionId: 's', cwd: '/w', source: 'PreToolUse' });
    expect(toPayload('codex', 'PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: 'out' }, env)).toMatchObject({ event: 'tool-use', result: 'out' });
    expect(toPayload('claude', 'PostToolUseFailure', { tool_name: 'Bash', tool_input: { command: 'false' }, error: 'Exit code 1' }, env))
      .toMatchObject({ event: 'tool-use', tool: 'Bash', result: 'Exit code 1', failed: true });
    expect(toPayload('claude', 'Notification', { message: 'Claude needs your permission' }, env)).toMatchObject({ event: 'notify', kind: 'notification', message: 'Claude needs your permission' });
    expect(toPayload('claude', 'Stop', { last_assistant_message: 'done' }, env)).toMatchObject({ event: 'notify', kind: 'turn-complete', message: 'done' });
    expect(toPayload('codex', 'notify', { type: 'agent-turn-complete', 'thread-id': 't', 'last-assistant-message': 'ok' }, env))
      .toMatchObject({ event: 'notify', kind: 'turn-complete', message: 'ok', sessionId: 't', source: 'agent-turn-complete' });
    expect(toPayload('claude', 'SessionStart', {}, env)).toBeUndefined();
  });
});

describe('Claude Code', () => {
  it('wires only the requested events', () => {
    claude.prepareHome(ctx({ hookCommand: `${HOOK} claude`, hookEvents: ['PreToolUse'] }));
    expect(Object.keys(json('.claude/settings.json').hooks)).toEqual(['PreToolUse']);
  });
});

describe('Codex notify', () => {
  const codexCtx = (over: Partial<AgentContext>) => ctx({ provider: provider('openai'), wire: 'openai-responses', baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-5-codex', ...over });

  it('takes the free notify slot, and gives it back', () => {
    codex.prepareHome(codexCtx({ hookCommand: `${HOOK} codex`, hookEvents: ['notify'] }));
    const notify = toml('.codex/config.toml').notify as string[];
    expect(notify.slice(0, 2)).toEqual(['sh', '-c']);
    expect(notify[2]).toBe(`${HOOK} codex notify "$1" # ringlet-managed`);
    // Only notify was asked for: no hooks.json handlers.
    expect(JSON.stringify(safeJson('.codex/hooks.json')) ?? '').not.toContain('ringlet-managed');
    codex.prepareHome(codexCtx({}));
    expect(toml('.codex/config.toml').notify).toBeUndefined();
  });

  it('leaves the user\'s own notify program alone and reports turns through the Stop hook instead', () => {
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(join(home, '.codex', 'config.toml'), stringify({ notify: ['notify-send', 'codex'] }));
    expect(mergeCodexNotify(home, `${HOOK} codex`)).toBe(false);
    codex.prepareHome(codexCtx({ hookCommand: `${HOOK} codex`, hookEvents: ['notify', 'PreToolUse'] }));
    expect(toml('.codex/config.toml').notify).toEqual(['notify-send', 'codex']);
    const hooks = json('.codex/hooks.json').hooks;
    expect(Object.keys(hooks).sort()).toEqual(['PreToolUse', 'Stop']);
    expect(hooks.Stop[0].hooks[0].command).toBe(`${HOOK} codex Stop # ringlet-managed`);
    // Trusted, or Codex would skip it.
    expect(Object.keys(toml('.codex/config.toml').hooks.state).some((k) => k.endsWith(':stop:0:0'))).toBe(true);
  });
});

function safeJson(file: string): unknown {
  try {
    return json(file);
  } catch {
    return undefined;
  }
}

describe('Droid', () => {
  const droidCtx = (over: Partial<AgentContext>) => ctx({ provider: provider('anthropic'), model: 'claude-sonnet-4-5', ...over });

  it('writes ringlet\'s hooks into .factory/settings.json next to the user\'s, and removes only its own', () => {
    mkdirSync(join(home, '.factory'), { recursive: true });
    const user = { hooks: { PreToolUse: [{ matcher: 'Execute', hooks: [{ type: 'command', command: 'my-guard' }] }] }, theme: 'light' };
    writeFileSync(join(home, '.factory', 'settings.json'), JSON.stringify(user));
    droid.prepareHome(droidCtx({ hookCommand: `${HOOK} droid`, hookEvents: ['PreToolUse', 'PostToolUse'] }));
    const s = json('.factory/settings.json');
    expect(s.theme).toBe('light');
    expect(s.customModels).toHaveLength(1);
    expect(s.hooks.PreToolUse[0]).toEqual(user.hooks.PreToolUse[0]);
    expect(s.hooks.PreToolUse[1]).toEqual({ matcher: '*', hooks: [{ type: 'command', command: `${HOOK} droid PreToolUse # ringlet-managed` }] });
    expect(s.hooks.PostToolUse[0].hooks[0].command).toBe(`${HOOK} droid PostToolUse # ringlet-managed`);

    droid.prepareHome(droidCtx({}));
    expect(json('.factory/settings.json').hooks).toEqual(user.hooks);
  });
});
