import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { codex, codexHookEventLabel, codexHookHash, mergeCodexHooks, trustCodexHooks, CODEX_HOOK_EVENTS, CODEX_KEY_ENV } from '../../src/agents/codex.js';
import { dispatchHooks, RINGLET_HOOK_MARKER } from '../../src/agents/hook-config.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import type { AgentContext } from '../../src/agents/types.js';

const provider = (id: string) => BUILTIN_PROVIDERS.find((p) => p.id === id)!;
let root: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ringlet-codex-'));
  home = join(root, 'home');
  mkdirSync(home);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function ctx(over: Partial<AgentContext> = {}): AgentContext {
  return { profile: 'work', home, realHome: '/nonexistent-real-home', provider: provider('openai'), wire: 'openai-responses', baseUrl: 'http://127.0.0.1:4000/v1', apiKey: 'ringlet-local-feedface', ...over };
}
const configPath = () => join(home, '.codex', 'config.toml');
const readConfig = () => parse(readFileSync(configPath(), 'utf8')) as any;

/**
 * Trust hashes for `dispatchHooks('sh "$RINGLET_TEST_HOOK"', CODEX_HOOK_EVENTS)`. The e2e test
 * (codex.e2e.test.ts) wires exactly these handlers and sees the real Codex 0.169 run every one of them.
 */
const VERIFIED_HASHES: Record<string, string> = {
  PreToolUse: 'sha256:e2fbdf1e491eab109b032419ea5232697829e8b893f67f7e63ab03d655e61620',
  PostToolUse: 'sha256:af97d43b39f2b5750571a0696a4b1766d72d1dfd10b0dd0effdf8cd9e40699f0',
  UserPromptSubmit: 'sha256:5fbcaf27bdcfd62ef5d1743afd95206fef5dbb3e63b71d168dc00976f105e6fb',
  Stop: 'sha256:d6e80435368b3f8ccdb6ece07fc935a9d6c487209c43da3bcc379a457941c0e7',
  SessionStart: 'sha256:394c55f5b78cbaff57ca339287bccb063d95f87f3348767048c9434c626cc0bb',
};

describe('codex env', () => {
  it('sets CODEX_HOME inside the profile HOME and the key variable the config names', () => {
    expect(codex.env(ctx())).toEqual({ CODEX_HOME: join(home, '.codex'), [CODEX_KEY_ENV]: 'ringlet-local-feedface' });
    expect(codex.env(ctx({ provider: provider('self'), apiKey: undefined, baseUrl: '' }))).toEqual({ CODEX_HOME: join(home, '.codex') });
    expect(codex.unsetEnv!(ctx())).toEqual(['CODEX_SQLITE_HOME']);
    expect(codex.logDirs('/h')).toEqual(['/h/.codex/sessions', '/h/.codex/archived_sessions']);
    expect(codex.wires).toEqual(['openai-responses']);
  });
});

describe('codex prepareHome: config.toml', () => {
  it('writes the provider entry, model and offline defaults on a fresh HOME', () => {
    codex.prepareHome(ctx({ model: 'gpt-5-codex' }));
    expect(readConfig()).toEqual({
      model_provider: 'ringlet',
      model: 'gpt-5-codex',
      check_for_update_on_startup: false,
      analytics: { enabled: false },
      model_providers: { ringlet: { name: 'ringlet (openai)', base_url: 'http://127.0.0.1:4000/v1', env_key: CODEX_KEY_ENV, wire_api: 'responses' } },
    });
    expect(statSync(configPath()).mode & 0o777).toBe(0o600);
    expect(readFileSync(configPath(), 'utf8')).not.toContain('ringlet-local-feedface');
    // nothing to trust, so no hooks file
    expect(existsSync(join(home, '.codex', 'hooks.json'))).toBe(false);
  });

  it('leaves the model to Codex for OpenAI, and uses the provider default elsewhere', () => {
    codex.prepareHome(ctx());
    expect(readConfig()).not.toHaveProperty('model');
    codex.prepareHome(ctx({ provider: provider('xai'), baseUrl: 'https://api.x.ai/v1' }));
    expect(readConfig().model).toBe('grok-4');
  });

  it('merges into an existing config.toml, keeping the user\'s keys and choices', () => {
    mkdirSync(join(home, '.codex'));
    writeFileSync(configPath(), [
      'model_reasoning_effort = "high"',
      'check_for_update_on_startup = true',
      '[analytics]',
      'enabled = true',
      '[projects."/src/app"]',
      'trust_level = "trusted"',
      '[mcp_servers.docs]',
      'command = "docs-mcp"',
      'args = ["--port", "9"]',
      '[model_providers.ringlet]',
      'request_max_retries = 0',
      'base_url = "http://old"',
      '',
    ].join('\n'));
    codex.prepareHome(ctx());
    const c = readConfig();
    expect(c).toMatchObject({
      model_reasoning_effort: 'high',
      check_for_update_on_startup: true,
      analytics: { enabled: true },
      projects: { '/src/app': { trust_level: 'trusted' } },
      mcp_servers: { docs: { command: 'docs-mcp', args: ['--port', '9'] } },
      model_provider: 'ringlet',
    });
    expect(c.model_providers.ringlet).toEqual({ request_max_retries: 0, base_url: 'http://127.0.0.1:4000/v1', name: 'ringlet (openai)', env_key: CODEX_KEY_ENV, wire_api: 'responses' });
  });

  it('does not rewrite a file it has nothing to change in (comments survive)', () => {
    codex.prepareHome(ctx());
    const text = `# my notes\n${readFileSync(configPath(), 'utf8')}`;
    writeFileSync(configPath(), text);
    codex.prepareHome(ctx());
    expect(readFileSync(configPath(), 'utf8')).toBe(text);
  });

  it('hands back to the user\'s own login for provider self', () => {
    codex.prepareHome(ctx());
    codex.prepareHome(ctx({ provider: provider('self'), apiKey: undefined, baseUrl: '' }));
    expect(readConfig()).not.toHaveProperty('model_provider');
  });

  it('names the file and line of a config.toml it cannot parse', () => {
    mkdirSync(join(home, '.codex'));
    writeFileSync(configPath(), 'model = "x"\nbroken = \n');
    expect(() => codex.prepareHome(ctx())).toThrow(/config\.toml:2:\d+: invalid TOML/);
  });
});

describe('codex hooks and their trust', () => {
  it('labels events the way Codex keys them', () => {
    expect(codexHookEventLabel('PreToolUse')).toBe('pre_tool_use');
    expect(codexHookEventLabel('UserPromptSubmit')).toBe('user_prompt_submit');
    expect(codexHookEventLabel('Stop')).toBe('stop');
  });

  it('hashes handlers as Codex 0.169 does (values verified by the e2e test)', () => {
    const hooks = dispatchHooks('sh "$RINGLET_TEST_HOOK"', CODEX_HOOK_EVENTS);
    for (const ev of CODEX_HOOK_EVENTS) {
      const g = hooks[ev][0];
      expect(codexHookHash(ev, g.matcher, { ...g.hooks[0], command: `${g.hooks[0].command} ${RINGLET_HOOK_MARKER}` })).toBe(VERIFIED_HASHES[ev]);
    }
    // the defaults are part of the identity: an explicit 600 s timeout hashes like none, 30 s does not
    const h = { type: 'command', command: 'x' };
    expect(codexHookHash('PreToolUse', '*', { ...h, timeout: 600 })).toBe(codexHookHash('PreToolUse', '*', h));
    expect(codexHookHash('PreToolUse', '*', { ...h, timeout: 30 })).not.toBe(codexHookHash('PreToolUse', '*', h));
    // Stop and UserPromptSubmit ignore matchers
    expect(codexHookHash('Stop', 'whatever', h)).toBe(codexHookHash('Stop', undefined, h));
  });

  it('writes hooks.json after the user\'s hooks and trusts only ringlet\'s, keyed by position', () => {
    mkdirSync(join(home, '.codex'));
    const user = { hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'my-guard' }] }] } };
    writeFileSync(join(home, '.codex', 'hooks.json'), JSON.stringify(user));
    codex.prepareHome(ctx({ hookCommand: 'sh "$RINGLET_TEST_HOOK"' }));
    const doc = JSON.parse(readFileSync(join(home, '.codex', 'hooks.json'), 'utf8'));
    expect(doc.hooks.PreToolUse[0]).toEqual(user.hooks.PreToolUse[0]);
    expect(doc.hooks.PreToolUse[1].hooks[0].command).toBe(`sh "$RINGLET_TEST_HOOK" PreToolUse ${RINGLET_HOOK_MARKER}`);
    const state = readConfig().hooks.state;
    const src = join(realpathSync(join(home, '.codex')), 'hooks.json');
    expect(state).toEqual({
      [`${src}:pre_tool_use:1:0`]: { trusted_hash: VERIFIED_HASHES.PreToolUse },
      [`${src}:post_tool_use:0:0`]: { trusted_hash: VERIFIED_HASHES.PostToolUse },
      [`${src}:user_prompt_submit:0:0`]: { trusted_hash: VERIFIED_HASHES.UserPromptSubmit },
      [`${src}:stop:0:0`]: { trusted_hash: VERIFIED_HASHES.Stop },
      [`${src}:session_start:0:0`]: { trusted_hash: VERIFIED_HASHES.SessionStart },
    });
  });

  it('removes its hooks and their trust when a run has none, keeping the user\'s trust entries', () => {
    codex.prepareHome(ctx({ hookCommand: 'ringlet-dispatch' }));
    const src = join(realpathSync(join(home, '.codex')), 'hooks.json');
    // the user trusted a hook of their own elsewhere, and set one of ours disabled
    const cfg = readConfig();
    cfg.hooks.state['/elsewhere/hooks.json:stop:0:0'] = { trusted_hash: 'sha256:users' };
    cfg.hooks.state[`${src}:stop:0:0`].enabled = false;
    writeFileSync(configPath(), stringify(cfg));
    codex.prepareHome(ctx({ hookCommand: 'ringlet-dispatch' }));
    expect(readConfig().hooks.state[`${src}:stop:0:0`]).toEqual({ enabled: false, trusted_hash: expect.stringMatching(/^sha256:/) });
    codex.prepareHome(ctx());
    expect(JSON.parse(readFileSync(join(home, '.codex', 'hooks.json'), 'utf8'))).toEqual({});
    expect(readConfig().hooks.state).toEqual({ '/elsewhere/hooks.json:stop:0:0': { trusted_hash: 'sha256:users' } });
  });

  it('keys trust under both the given and the canonical path when HOME is reached through a symlink', () => {
    const link = join(root, 'link');
    symlinkSync(home, link);
    mergeCodexHooks(link, dispatchHooks('d', ['Stop']));
    const keys = Object.keys(readConfig().hooks.state).sort();
    expect(keys).toEqual([`${join(home, '.codex', 'hooks.json')}:stop:0:0`, `${join(link, '.codex', 'hooks.json')}:stop:0:0`].sort());
  });

  it('can trust a user\'s own handlers when asked to, and reports how many', () => {
    mkdirSync(join(home, '.codex'));
    writeFileSync(join(home, '.codex', 'hooks.json'), JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'a' }, { type: 'command', command: 'b' }] }] } }));
    expect(trustCodexHooks(home)).toBe(0);
    expect(existsSync(configPath())).toBe(false);
    expect(trustCodexHooks(home, (c) => c === 'b')).toBe(1);
    expect(Object.keys(readConfig().hooks.state)).toEqual([`${join(realpathSync(home), '.codex', 'hooks.json')}:stop:0:1`]);
  });
});

