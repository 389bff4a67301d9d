import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claude, claudeKeySuffix, mergeClaudeHooks, CLAUDE_HOOK_EVENTS } from '../../src/agents/claude.js';
import { RINGLET_HOOK_MARKER } from '../../src/agents/hook-config.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import type { AgentContext } from '../../src/agents/types.js';

const provider = (id: string) => BUILTIN_PROVIDERS.find((p) => p.id === id)!;
let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ringlet-claude-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function ctx(over: Partial<AgentContext> = {}): AgentContext {
  return { profile: 'work', home, realHome: '/nonexistent-real-home', provider: provider('anthropic'), wire: 'anthropic', baseUrl: 'http://127.0.0.1:4000', apiKey: 'ringlet-local-0123456789abcdef0123456789', ...over };
}
const readJson = (f: string) => JSON.parse(readFileSync(join(home, f), 'utf8'));

describe('claude env', () => {
  it('points Claude Code at the base URL with the key, and keeps it offline', () => {
    expect(claude.env(ctx())).toEqual({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000',
      ANTHROPIC_API_KEY: 'ringlet-local-0123456789abcdef0123456789',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    });
  });

  it('sets the model; for a provider that is not Anthropic every tier gets it', () => {
    expect(claude.env(ctx({ model: 'claude-opus-4-1' }))).toMatchObject({ ANTHROPIC_MODEL: 'claude-opus-4-1' });
    expect(claude.env(ctx({ model: 'claude-opus-4-1' }))).not.toHaveProperty('ANTHROPIC_DEFAULT_HAIKU_MODEL');
    const mm = claude.env(ctx({ provider: provider('minimax') }));
    expect(mm).toMatchObject({ ANTHROPIC_MODEL: 'MiniMax-M2', ANTHROPIC_DEFAULT_HAIKU_MODEL: 'MiniMax-M2', ANTHROPIC_DEFAULT_SONNET_MODEL: 'MiniMax-M2', ANTHROPIC_DEFAULT_OPUS_MODEL: 'MiniMax-M2', CLAUDE_CODE_SUBAGENT_MODEL: 'MiniMax-M2' });
  });

  it('uses Bedrock and Vertex switches with region and project, and no key', () => {
    const b = claude.env(ctx({ provider: provider('bedrock'), baseUrl: '', apiKey: undefined, region: 'eu-west-1', model: 'anthropic.claude-x' }));
    expect(b).toEqual({ CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'eu-west-1', ANTHROPIC_MODEL: 'anthropic.claude-x', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' });
    const v = claude.env(ctx({ provider: provider('vertex'), baseUrl: '', apiKey: undefined, region: 'us-east5', project: 'proj-1' }));
    expect(v).toMatchObject({ CLAUDE_CODE_USE_VERTEX: '1', CLOUD_ML_REGION: 'us-east5', ANTHROPIC_VERTEX_PROJECT_ID: 'proj-1' });
    expect(v).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(v).not.toHaveProperty('ANTHROPIC_BASE_URL');
    expect(claude.homeShare!(ctx({ provider: provider('bedrock') }))).toEqual(['.aws']);
    expect(claude.homeShare!(ctx({ provider: provider('vertex') }))).toEqual(['.config/gcloud']);
    expect(claude.homeShare!(ctx())).toEqual([]);
  });

  it('passes no key for the agent\'s own login', () => {
    const e = claude.env(ctx({ provider: provider('self'), baseUrl: '', apiKey: undefined }));
    expect(e).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(e).not.toHaveProperty('ANTHROPIC_BASE_URL');
  });

  it('unsets inherited variables that would escape or override the profile, never one it sets', () => {
    const unset = claude.unsetEnv!(ctx());
    expect(unset).toEqual(expect.arrayContaining(['CLAUDE_CONFIG_DIR', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_USE_BEDROCK', 'ANTHROPIC_MODEL']));
    expect(unset).not.toContain('ANTHROPIC_API_KEY');
    expect(unset).not.toContain('ANTHROPIC_BASE_URL');
    const self = claude.unsetEnv!(ctx({ provider: provider('self'), baseUrl: '', apiKey: undefined }));
    expect(self).toContain('ANTHROPIC_API_KEY');
    expect(claude.unsetEnv!(ctx({ provider: provider('bedrock'), baseUrl: '' }))).not.toContain('CLAUDE_CODE_USE_BEDROCK');
  });

  it('keeps logs under .claude/projects', () => {
    expect(claude.logDirs('/h')).toEqual(['/h/.claude/projects']);
    expect(claude.versionArgs).toEqual(['--version']);
  });
});

describe('claude prepareHome', () => {
  it('writes first-run state on a fresh HOME: onboarding done, the key approved by its last 20 chars', () => {
    claude.prepareHome(ctx());
    const cfg = readJson('.claude.json');
    expect(cfg.hasCompletedOnboarding).toBe(true);
    expect(cfg.customApiKeyResponses).toEqual({ approved: ['456789abcdef0123456789'.slice(-20)], rejected: [] });
    expect(claudeKeySuffix('  abc' + 'x'.repeat(20) + '\n')).toBe('x'.repeat(20));
    expect(statSync(join(home, '.claude.json')).mode & 0o777).toBe(0o600);
    // no settings.json when there is nothing to put in it
    expect(existsSync(join(home, '.claude', 'settings.json'))).toBe(false);
    // the file never holds the whole key
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).not.toContain('ringlet-local-0123456789abcdef0123456789');
  });

  it('merges into an existing .claude.json without clobbering the user\'s keys, and un-rejects the key', () => {
    const key = 'sk-ant-api03-' + 'k'.repeat(30) + 'LAST20CHARSOFTHEKEY!';
    writeFileSync(join(home, '.claude.json'), JSON.stringify({
      numStartups: 12, theme: 'light', projects: { '/src/x': { hasTrustDialogAccepted: true } },
      customApiKeyResponses: { approved: ['users-own-key-suffix'], rejected: ['LAST20CHARSOFTHEKEY!'] },
    }));
    claude.prepareHome(ctx({ apiKey: key }));
    const cfg = readJson('.claude.json');
    expect(cfg).toMatchObject({ numStartups: 12, theme: 'light', projects: { '/src/x': { hasTrustDialogAccepted: true } }, hasCompletedOnboarding: true });
    expect(cfg.customApiKeyResponses).toEqual({ approved: ['users-own-key-suffix', 'LAST20CHARSOFTHEKEY!'], rejected: [] });
  });

  it('replaces the approval it wrote for an earlier run\'s token instead of piling them up', () => {
    claude.prepareHome(ctx({ apiKey: 'ringlet-local-aaaaaaaaaaaaaaaaaaaaaaaaaaaa' }));
    const cfg0 = readJson('.claude.json');
    cfg0.customApiKeyResponses.approved.unshift('users-own-key-suffix');
    writeFileSync(join(home, '.claude.json'), JSON.stringify(cfg0));
    claude.prepareHome(ctx({ apiKey: 'ringlet-local-bbbbbbbbbbbbbbbbbbbbbbbbbbbb' }));
    expect(readJson('.claude.json').customApiKeyResponses.approved).toEqual(['users-own-key-suffix', 'b'.repeat(20)]);
  });

  it('is idempotent: a second run changes no byte', () => {
    claude.prepareHome(ctx({ hookCommand: '/opt/ringlet hooks dispatch --agent claude' }));
    const a = readFileSync(join(home, '.claude.json'), 'utf8');
    const s = readFileSync(join(home, '.claude', 'settings.json'), 'utf8');
    claude.prepareHome(ctx({ hookCommand: '/opt/ringlet hooks dispatch --agent claude' }));
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).toBe(a);
    expect(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')).toBe(s);
  });

  it('leaves onboarding to the user for the agent\'s own login', () => {
    claude.prepareHome(ctx({ provider: provider('self'), apiKey: undefined, baseUrl: '' }));
    expect(existsSync(join(home, '.claude.json'))).toBe(false);
  });

  it('refuses to merge into a .claude.json it cannot parse, naming it', () => {
    writeFileSync(join(home, '.claude.json'), '{"numStartups": 3,,');
    expect(() => claude.prepareHome(ctx())).toThrow(/\.claude\.json: not valid JSON/);
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).toBe('{"numStartups": 3,,');
  });
});

describe('mergeClaudeHooks', () => {
  const userHooks = {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '~/bin/guard.sh', timeout: 5 }] }],
    Notification: [{ hooks: [{ type: 'command', command: 'notify-send hi' }] }],
  };

  it('wires the dispatcher for each event when a run has a hook command', () => {
    claude.prepareHome(ctx({ hookCommand: "'/opt/ringlet' hooks dispatch --profile work" }));
    const { hooks } = readJson('.claude/settings.json');
    expect(Object.keys(hooks)).toEqual([...CLAUDE_HOOK_EVENTS]);
    expect(hooks.PreToolUse).toEqual([{ matcher: '*', hooks: [{ type: 'command', command: `'/opt/ringlet' hooks dispatch --profile work PreToolUse ${RINGLET_HOOK_MARKER}` }] }]);
    expect(hooks.Stop).toEqual([{ hooks: [{ type: 'command', command: `'/opt/ringlet' hooks dispatch --profile work Stop ${RINGLET_HOOK_MARKER}` }] }]);
  });

  it('keeps the user\'s hooks and other settings, replacing only its own entries', () => {
    mkdirSync(join(home, '.claude'), { recursive: true });
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify({ model: 'opus', permissions: { allow: ['Bash(ls)'] }, hooks: userHooks }));
    mergeClaudeHooks(home, { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'ringlet-dispatch v1 PreToolUse' }] }], Stop: [{ hooks: [{ type: 'command', command: 'ringlet-dispatch v1 Stop' }] }] });
    mergeClaudeHooks(home, { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'ringlet-dispatch v2 PreToolUse', timeout: 30 }] }] });
    const s = readJson('.claude/settings.json');
    expect(s.model).toBe('opus');
    expect(s.permissions).toEqual({ allow: ['Bash(ls)'] });
    expect(s.hooks).toEqual({
      PreToolUse: [userHooks.PreToolUse[0], { matcher: '*', hooks: [{ type: 'command', command: `ringlet-dispatch v2 PreToolUse ${RINGLET_HOOK_MARKER}`, timeout: 30 }] }],
      Notification: userHooks.Notification,
    });
    // an empty map takes ringlet's entries back out and leaves the user's
    mergeClaudeHooks(home, {});
    expect(readJson('.claude/settings.json').hooks).toEqual(userHooks);
  });

  it('removes a ringlet handler that shares a group with the user\'s, keeping theirs', () => {
    mkdirSync(join(home, '.claude'), { recursive: true });
    const mixed = { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'mine' }, { type: 'command', command: `old ${RINGLET_HOOK_MARKER}` }] }] } };
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify(mixed));
    mergeClaudeHooks(home, {});
    expect(readJson('.claude/settings.json').hooks).toEqual({ Stop: [{ hooks: [{ type: 'command', command: 'mine' }] }] });
  });
});
