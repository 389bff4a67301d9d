import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import type { Wire } from '../../src/providers/types.js';
import type { AgentContext, AgentSpec } from '../../src/agents/types.js';
import { UserError } from '../../src/errors.js';
import { detectGrokFlavor, grok } from '../../src/agents/grok.js';
import { droid, droidModelId } from '../../src/agents/droid.js';
import { opencode } from '../../src/agents/opencode.js';
import { gemini } from '../../src/agents/gemini.js';
import { stripJsonc } from '../../src/agents/home-files.js';

const REAL_KEY = 'sk-real-SECRET-0123456789';
const LOCAL_TOKEN = 'ringlet-local-5f1e2d3c4b5a69788796a5b4';
const METER = 'http://127.0.0.1:41234';

let dir: string;
let home: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringlet-agents-'));
  home = join(dir, 'profiles', 'work', 'HOME');
  mkdirSync(home, { recursive: true });
  // Nothing here should touch the real HOME; make sure it could not even if it tried.
  vi.stubEnv('HOME', join(dir, 'realhome'));
  vi.stubEnv('XDG_CONFIG_HOME', join(dir, 'config'));
  vi.stubEnv('RINGLET_HOME', join(dir, 'ringlet'));
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

function provider(id: string) {
  const p = BUILTIN_PROVIDERS.find((x) => x.id === id);
  if (!p) throw new Error(`no provider ${id}`);
  return p;
}

/**
 * A context as `profiles run` builds it. Metered: the base URL is the meter's, with the provider's path,
 * and the key is the meter's local token. Unmetered: the provider's own URL and the real key.
 */
function ctx(providerId: string, wire: Wire, opts: { metered?: boolean; model?: string; endpoint?: string } = {}): AgentContext {
  const p = provider(providerId);
  const upstream = opts.endpoint ?? p.endpoints[wire] ?? '';
  const metered = opts.metered ?? true;
  const isKeyless = p.kind === 'self' || p.kind === 'cloud';
  const baseUrl = isKeyless ? '' : metered ? METER + new URL(upstream).pathname.replace(/\/$/, '') : upstream;
  return {
    profile: 'work', home, realHome: join(dir, 'realhome'), provider: p, wire, baseUrl,
    apiKey: isKeyless ? undefined : metered ? LOCAL_TOKEN : REAL_KEY,
    model: opts.model,
  };
}

const read = (...parts: string[]) => readFileSync(join(home, ...parts), 'utf8');
const readJson = (...parts: string[]) => JSON.parse(read(...parts));
const mode = (...parts: string[]) => statSync(join(home, ...parts)).mode & 0o777;

/** Every file under the profile HOME, with its bytes. */
function snapshot(): Map<string, { text: string; mtimeMs: number }> {
  const out = new Map<string, { text: string; mtimeMs: number }>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p.slice(home.length), { text: readFileSync(p, 'utf8'), mtimeMs: statSync(p).mtimeMs });
    }
  };
  walk(home);
  return out;
}

function expectIdempotent(agent: AgentSpec, c: AgentContext): void {
  const before = snapshot();
  agent.prepareHome(c);
  const after = snapshot();
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [file, v] of before) {
    expect(after.get(file)!.text, file).toBe(v.text);
    expect(after.get(file)!.mtimeMs, `${file} was rewritten`).toBe(v.mtimeMs);
  }
}

function expectNoKeyInFiles(c: AgentContext): void {
  const files = snapshot();
  expect(files.size).toBeGreaterThan(0);
  for (const [file, { text }] of files) {
    expect(text.includes(REAL_KEY), `${file} holds the real key`).toBe(false);
    if (c.apiKey) expect(text.includes(c.apiKey), `${file} holds the agent's key`).toBe(false);
  }
}

describe('gemini', () => {
  it('points Gemini CLI at the meter with the local token, and selects API-key auth', () => {
    const c = ctx('google', 'gemini', { model: 'gemini-2.5-pro' });
    gemini.prepareHome(c);
    expect(gemini.env(c)).toEqual({
      GEMINI_CLI_HOME: home,
      GEMINI_MODEL: 'gemini-2.5-pro',
      GEMINI_API_KEY: LOCAL_TOKEN,
      GOOGLE_GEMINI_BASE_URL: METER,
    });
    expect(read('.gemini', 'settings.json')).toBe('{\n  "security": {\n    "auth": {\n      "selectedType": "gemini-api-key"\n    }\n  }\n}\n');
    expect(mode('.gemini', 'settings.json')).toBe(0o600);
    expectNoKeyInFiles(c);
    expectIdempotent(gemini, c);
  });

  it('unmetered: the provider URL and the real key stay in the environment only', () => {
    const c = ctx('google', 'gemini', { metered: false });
    gemini.prepareHome(c);
    expect(gemini.env(c)).toEqual({
      GEMINI_CLI_HOME: home,
      GEMINI_API_KEY: REAL_KEY,
      GOOGLE_GEMINI_BASE_URL: 'https://generativelanguage.googleapis.com',
    });
    expectNoKeyInFiles(c);
  });

  it('merges into an existing JSONC settings file, keeping the user settings', () => {
    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(join(home, '.gemini', 'settings.json'), `{
  // my theme
  "ui": { "theme": "GitHub" },
  "security": { "auth": { "selectedType": "oauth-personal" }, "folderTrust": { "enabled": true } },
  "mcpServers": { "docs": { "command": "docs-mcp", "args": ["--x", "a // not a comment"] } },
}`);
    const c = ctx('google', 'gemini');
    gemini.prepareHome(c);
    expect(readJson('.gemini', 'settings.json')).toEqual({
      ui: { theme: 'GitHub' },
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } },
      mcpServers: { docs: { command: 'docs-mcp', args: ['--x', 'a // not a comment'] } },
    });
    expectIdempotent(gemini, c);
  });

  it('uses the Google login for `self` and Vertex settings for `vertex`', () => {
    const self = ctx('self', 'gemini');
    gemini.prepareHome(self);
    expect(gemini.env(self)).toEqual({ GEMINI_CLI_HOME: home });
    expect(readJson('.gemini', 'settings.json').security.auth.selectedType).toBe('oauth-personal');

    const vertex = { ...ctx('vertex', 'gemini'), project: 'my-proj', region: 'us-central1' };
    gemini.prepareHome(vertex);
    expect(gemini.env(vertex)).toEqual({
      GEMINI_CLI_HOME: home, GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_CLOUD_PROJECT: 'my-proj', GOOGLE_CLOUD_LOCATION: 'us-central1',
    });
    expect(readJson('.gemini', 'settings.json').security.auth.selectedType).toBe('vertex-ai');
  });

  it('refuses to overwrite a settings file it cannot parse', () => {
    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(join(home, '.gemini', 'settings.json'), '{ "ui": ');
    expect(() => gemini.prepareHome(ctx('google', 'gemini'))).toThrow(UserError);
    expect(read('.gemini', 'settings.json')).toBe('{ "ui": ');
  });

  it('keeps logs under ~/.gemini/tmp', () => {
    expect(gemini.logDirs(home)).toEqual([join(home, '.gemini', 'tmp')]);
  });
});

describe('opencode', () => {
  it('anthropic wire: a ringlet provider on @ai-sdk/anthropic, key by {env:} reference', () => {
    const c = ctx('anthropic', 'anthropic', { model: 'claude-sonnet-4-5' });
    opencode.prepareHome(c);
    expect(opencode.env(c)).toEqual({ RINGLET_OPENCODE_API_KEY: LOCAL_TOKEN });
    expect(readJson('.config', 'opencode', 'opencode.json')).toEqual({
      $schema: 'https://opencode.ai/config.json',
      provider: {
        ringlet: {
          npm: '@ai-sdk/anthropic',
          name: 'ringlet: work (Anthropic)',
          options: { baseURL: `${METER}/v1`, apiKey: '{env:RINGLET_OPENCODE_API_KEY}' },
          models: { 'claude-sonnet-4-5': { name: 'claude-sonnet-4-5' } },
        },
      },
      model: 'ringlet/claude-sonnet-4-5',
      small_model: 'ringlet/claude-sonnet-4-5',
    });
    expect(mode('.config', 'opencode', 'opencode.json')).toBe(0o600);
    expectNoKeyInFiles(c);
    expectIdempotent(opencode, c);
  });

  it('openai-chat wire (Z.ai, unmetered): openai-compatible SDK, provider default model', () => {
    const c = ctx('zai', 'openai-chat', { metered: false });
    opencode.prepareHome(c);
    expect(opencode.env(c)).toEqual({ RINGLET_OPENCODE_API_KEY: REAL_KEY });
    const cfg = readJson('.config', 'opencode', 'opencode.json');
    expect(cfg.provider.ringlet).toEqual({
      npm: '@ai-sdk/openai-compatible',
      name: 'ringlet: work (Z.ai)',
      options: { baseURL: 'https://api.z.ai/api/paas/v4', apiKey: '{env:RINGLET_OPENCODE_API_KEY}' },
      models: { 'glm-4.6': { name: 'glm-4.6' } },
    });
    expect(cfg.model).toBe('ringlet/glm-4.6');
    expectNoKeyInFiles(c);
  });

  it('maps the responses and gemini wires to their SDKs and URL shapes', () => {
    opencode.prepareHome(ctx('openai', 'openai-responses', { model: 'gpt-5-codex' }));
    let p = readJson('.config', 'opencode', 'opencode.json').provider.ringlet;
    expect([p.npm, p.options.baseURL]).toEqual(['@ai-sdk/openai', `${METER}/v1`]);
    opencode.prepareHome(ctx('google', 'gemini', { model: 'gemini-2.5-pro' }));
    p = readJson('.config', 'opencode', 'opencode.json').provider.ringlet;
    expect([p.npm, p.options.baseURL, Object.keys(p.models)]).toEqual(['@ai-sdk/google', `${METER}/v1beta`, ['gemini-2.5-pro']]);
  });

  it("merges with the user's config: their providers, MCP servers and small_model stay", () => {
    mkdirSync(join(home, '.config', 'opencode'), { recursive: true });
    writeFileSync(join(home, '.config', 'opencode', 'opencode.json'), JSON.stringify({
      $schema: 'https://opencode.ai/config.json',
      theme: 'tokyonight',
      model: 'anthropic/claude-opus-4-1',
      small_model: 'anthropic/claude-haiku-4-5',
      provider: { ollama: { npm: '@ai-sdk/openai-compatible', options: { baseURL: 'http://localhost:11434/v1' }, models: { llama3: {} } } },
      mcp: { docs: { type: 'local', command: ['docs-mcp'] } },
    }));
    const c = ctx('anthropic', 'anthropic', { model: 'claude-sonnet-4-5' });
    opencode.prepareHome(c);
    const cfg = readJson('.config', 'opencode', 'opencode.json');
    expect(cfg.theme).toBe('tokyonight');
    expect(cfg.mcp).toEqual({ docs: { type: 'local', command: ['docs-mcp'] } });
    expect(Object.keys(cfg.provider).sort()).toEqual(['ollama', 'ringlet']);
    expect(cfg.provider.ollama.options.baseURL).toBe('http://localhost:11434/v1');
    expect(cfg.model).toBe('ringlet/claude-sonnet-4-5');
    expect(cfg.small_model).toBe('anthropic/claude-haiku-4-5');
    expectIdempotent(opencode, c);
  });

  it('writes into opencode.jsonc when that is the file OpenCode uses', () => {
    mkdirSync(join(home, '.config', 'opencode'), { recursive: true });
    writeFileSync(join(home, '.config', 'opencode', 'opencode.jsonc'), '{\n  // mine\n  "autoupdate": false,\n}\n');
    opencode.prepareHome(ctx('anthropic', 'anthropic'));
    const cfg = readJson('.config', 'opencode', 'opencode.jsonc');
    expect(cfg.autoupdate).toBe(false);
    expect(cfg.model).toBe('ringlet/claude-sonnet-4-5');
  });

  it('switching the profile to its own login takes back only what ringlet wrote', () => {
    mkdirSync(join(home, '.config', 'opencode'), { recursive: true });
    writeFileSync(join(home, '.config', 'opencode', 'opencode.json'), JSON.stringify({ theme: 'x', provider: { ollama: { models: {} } } }));
    opencode.prepareHome(ctx('anthropic', 'anthropic'));
    const self = ctx('self', 'anthropic');
    opencode.prepareHome(self);
    expect(opencode.env(self)).toEqual({});
    expect(readJson('.config', 'opencode', 'opencode.json')).toEqual({ theme: 'x', provider: { ollama: { models: {} } }, $schema: 'https://opencode.ai/config.json' });
  });

  it('asks for a model when neither the profile nor the provider names one', () => {
    expect(() => opencode.prepareHome(ctx('custom', 'openai-chat', { endpoint: 'https://llm.example.com/v1' }))).toThrow(/--model/);
  });

  it('keeps logs in ~/.local/share/opencode', () => {
    expect(opencode.logDirs(home)).toEqual([join(home, '.local', 'share', 'opencode')]);
  });
});

describe('droid', () => {
  const settings = () => readJson('.factory', 'settings.json');

  it('anthropic wire: a customModels entry with a ${VAR} key, selected as the default model', () => {
    const c = ctx('anthropic', 'anthropic', { model: 'claude-sonnet-4-5' });
    droid.prepareHome(c);
    expect(droid.env(c)).toEqual({ FACTORY_HOME_OVERRIDE: home, RINGLET_DROID_API_KEY: LOCAL_TOKEN });
    expect(read('.factory', 'settings.json')).toBe(`${JSON.stringify({
      sessionDefaultSettings: { model: 'custom:ringlet:-work-0' },
      customModels: [{ model: 'claude-sonnet-4-5', displayName: 'ringlet: work', baseUrl: METER, provider: 'anthropic', apiKey: '${RINGLET_DROID_API_KEY}' }],
    }, null, 2)}\n`);
    expect(mode('.factory', 'settings.json')).toBe(0o600);
    expectNoKeyInFiles(c);
    expectIdempotent(droid, c);
  });

  it('openai wires map to `openai` (Responses) and `generic-chat-completion-api`', () => {
    droid.prepareHome(ctx('openai', 'openai-responses', { metered: false }));
    expect(settings().customModels[0]).toEqual({
      model: 'gpt-5-codex', displayName: 'ringlet: work', baseUrl: 'https://api.openai.com/v1', provider: 'openai', apiKey: '${RINGLET_DROID_API_KEY}',
    });
    const chat = ctx('moonshot', 'openai-chat', { metered: false });
    droid.prepareHome(chat);
    expect(settings().customModels).toEqual([{
      model: 'kimi-k2-turbo-preview', displayName: 'ringlet: work', baseUrl: 'https://api.moonshot.ai/v1', provider: 'generic-chat-completion-api', apiKey: '${RINGLET_DROID_API_KEY}',
    }]);
    expect(droid.env(chat).RINGLET_DROID_API_KEY).toBe(REAL_KEY);
    expectNoKeyInFiles(chat);
  });

  it("replaces only ringlet's entry; the user's models, hooks and defaults stay", () => {
    mkdirSync(join(home, '.factory'), { recursive: true });
    const userModel = { model: 'llama3', displayName: 'Local Llama', baseUrl: 'http://localhost:11434/v1', apiKey: 'ollama', provider: 'generic-chat-completion-api' };
    const hooks = { PreToolUse: [{ matcher: 'Execute', hooks: [{ type: 'command', command: 'audit.sh' }] }] };
    writeFileSync(join(home, '.factory', 'settings.json'), JSON.stringify({
      sessionDefaultSettings: { model: 'custom:ringlet:-work-0', autonomyMode: 'auto-low' },
      customModels: [
        { model: 'old-model', displayName: 'ringlet: work', baseUrl: 'http://127.0.0.1:1', provider: 'anthropic', apiKey: '${RINGLET_DROID_API_KEY}' },
        userModel,
      ],
      hooks,
      enableSounds: false,
    }));
    const c = ctx('anthropic', 'anthropic', { model: 'claude-opus-4-1' });
    droid.prepareHome(c);
    const s = settings();
    expect(s.customModels).toEqual([
      { model: 'claude-opus-4-1', displayName: 'ringlet: work', baseUrl: METER, provider: 'anthropic', apiKey: '${RINGLET_DROID_API_KEY}' },
      userModel,
    ]);
    expect(s.hooks).toEqual(hooks);
    expect(s.enableSounds).toBe(false);
    expect(s.sessionDefaultSettings).toEqual({ model: 'custom:ringlet:-work-0', autonomyMode: 'auto-low' });
    expectIdempotent(droid, c);
  });

  it('tightens an existing settings file to 0600', () => {
    mkdirSync(join(home, '.factory'), { recursive: true });
    writeFileSync(join(home, '.factory', 'settings.json'), '{}');
    chmodSync(join(home, '.factory', 'settings.json'), 0o644);
    droid.prepareHome(ctx('anthropic', 'anthropic'));
    expect(mode('.factory', 'settings.json')).toBe(0o600);
  });

  it("derives the model id the way Droid does (`custom:<displayName, spaces as '-'>-<n>`)", () => {
    expect(droidModelId('ringlet: work')).toBe('custom:ringlet:-work-0');
    expect(droidModelId('  My  Custom Model ', 2)).toBe('custom:My-Custom-Model-2');
  });

  it('`self` removes the ringlet entry and its default, keeping the rest', () => {
    mkdirSync(join(home, '.factory'), { recursive: true });
    writeFileSync(join(home, '.factory', 'settings.json'), JSON.stringify({ customModels: [{ model: 'm', displayName: 'Mine', baseUrl: 'http://x/v1', provider: 'openai' }] }));
    droid.prepareHome(ctx('anthropic', 'anthropic'));
    const self = ctx('self', 'anthropic');
    droid.prepareHome(self);
    expect(droid.env(self)).toEqual({ FACTORY_HOME_OVERRIDE: home });
    expect(settings()).toEqual({ customModels: [{ model: 'm', displayName: 'Mine', baseUrl: 'http://x/v1', provider: 'openai' }] });
  });

  it('keeps session logs under ~/.factory/sessions', () => {
    expect(droid.logDirs(home)).toEqual([join(home, '.factory', 'sessions')]);
  });
});

describe('grok', () => {
  it('openai-chat (Z.ai): both CLIs configured, key only in the environment', () => {
    const c = ctx('zai', 'openai-chat', { model: 'glm-4.6' });
    grok.prepareHome(c);
    expect(grok.env(c)).toEqual({
      GROK_HOME: join(home, '.grok'),
      GROK_API_KEY: LOCAL_TOKEN,
      GROK_DEFAULT_MODEL: 'ringlet',
      GROK_BASE_URL: `${METER}/api/paas/v4`,
      GROK_MODEL: 'glm-4.6',
    });
    expect(read('.grok', 'config.toml')).toBe([
      '[model.ringlet]',
      'model = "glm-4.6"',
      `base_url = "${METER}/api/paas/v4"`,
      'name = "ringlet: work (glm-4.6)"',
      'api_backend = "chat_completions"',
      'env_key = "GROK_API_KEY"',
      '',
      '[models]',
      'default = "ringlet"',
      'session_summary = "ringlet"',
      '',
    ].join('\n'));
    expect(readJson('.grok', 'user-settings.json')).toEqual({ baseURL: `${METER}/api/paas/v4`, defaultModel: 'glm-4.6', models: ['glm-4.6'] });
    expect(mode('.grok', 'config.toml')).toBe(0o600);
    expect(mode('.grok', 'user-settings.json')).toBe(0o600);
    expectNoKeyInFiles(c);
    expectIdempotent(grok, c);
  });

  it('anthropic wire: messages backend with x-api-key from the same variable; community file untouched', () => {
    const c = ctx('anthropic', 'anthropic', { metered: false });
    grok.prepareHome(c);
    expect(grok.env(c)).toEqual({ GROK_HOME: join(home, '.grok'), GROK_API_KEY: REAL_KEY, GROK_DEFAULT_MODEL: 'ringlet' });
    expect(parseToml(read('.grok', 'config.toml'))).toEqual({
      model: {
        ringlet: {
          model: 'claude-sonnet-4-5', base_url: 'https://api.anthropic.com/v1', name: 'ringlet: work (claude-sonnet-4-5)',
          api_backend: 'messages', env_key: 'GROK_API_KEY', env_http_headers: { 'x-api-key': 'GROK_API_KEY' },
        },
      },
      models: { default: 'ringlet', session_summary: 'ringlet' },
    });
    expect(() => read('.grok', 'user-settings.json')).toThrow();
    expectNoKeyInFiles(c);
  });

  it("xai: the key also serves xAI's built-in models; never for another provider", () => {
    const c = ctx('xai', 'openai-chat', { metered: false });
    grok.prepareHome(c);
    const env = grok.env(c);
    expect(env).toMatchObject({ XAI_API_KEY: REAL_KEY, GROK_XAI_API_BASE_URL: 'https://api.x.ai/v1', GROK_MODEL: 'grok-4' });
    expect(parseToml(read('.grok', 'config.toml')).models).toEqual({ default: 'ringlet' });
    expect(grok.env(ctx('openrouter', 'openai-chat', { model: 'x/y' }))).not.toHaveProperty('XAI_API_KEY');
  });

  it("merges config.toml and user-settings.json with the user's own entries", () => {
    mkdirSync(join(home, '.grok'), { recursive: true });
    writeFileSync(join(home, '.grok', 'config.toml'), [
      '[models]', 'default = "grok-4.5"', 'web_search = "grok-4.5"', '',
      '[model.gpt-4o]', 'model = "gpt-4o"', 'base_url = "https://api.openai.com/v1"', 'env_key = "OPENAI_API_KEY"', '',
      '[features]', 'telemetry = false', '',
    ].join('\n'));
    writeFileSync(join(home, '.grok', 'user-settings.json'), JSON.stringify({ apiKey: 'user-own-key', defaultModel: 'grok-4', models: ['grok-4', 'grok-3'], settingsVersion: 2 }));
    const c = ctx('zai', 'openai-chat', { model: 'glm-4.6' });
    grok.prepareHome(c);
    const toml = parseToml(read('.grok', 'config.toml')) as any;
    expect(toml.features).toEqual({ telemetry: false });
    expect(toml.models).toEqual({ default: 'ringlet', web_search: 'grok-4.5', session_summary: 'ringlet' });
    expect(Object.keys(toml.model).sort()).toEqual(['gpt-4o', 'ringlet']);
    expect(toml.model['gpt-4o']).toEqual({ model: 'gpt-4o', base_url: 'https://api.openai.com/v1', env_key: 'OPENAI_API_KEY' });
    expect(readJson('.grok', 'user-settings.json')).toEqual({
      apiKey: 'user-own-key', defaultModel: 'glm-4.6', models: ['glm-4.6', 'grok-4', 'grok-3'], settingsVersion: 2, baseURL: `${METER}/api/paas/v4`,
    });
    expectIdempotent(grok, c);

    // Back to the agent's own login: ringlet's entry and defaults go, the user's stay.
    grok.prepareHome(ctx('self', 'openai-chat'));
    const after = parseToml(read('.grok', 'config.toml')) as any;
    expect(Object.keys(after.model)).toEqual(['gpt-4o']);
    expect(after.models).toEqual({ web_search: 'grok-4.5' });
  });

  it('self: only GROK_HOME, and no files created', () => {
    const c = ctx('self', 'openai-chat');
    grok.prepareHome(c);
    expect(grok.env(c)).toEqual({ GROK_HOME: join(home, '.grok') });
    expect(snapshot().size).toBe(0);
  });

  it('asks for a model when neither the profile nor the provider names one', () => {
    expect(() => grok.prepareHome(ctx('groq', 'openai-chat'))).toThrow(UserError);
  });

  it('tells the two grok CLIs apart', () => {
    expect(detectGrokFlavor('grok 0.2.5 (abc1234) [stable]\n', '/home/u/.grok/bin/grok')).toBe('xai');
    expect(detectGrokFlavor('grok 0.1.220-alpha.2 (def0123)\n', '/usr/local/bin/grok')).toBe('xai');
    expect(detectGrokFlavor('1.0.1\n', '/usr/local/bin/grok')).toBe('community');
    expect(detectGrokFlavor('', '/usr/lib/node_modules/@vibe-kit/grok-cli/dist/index.js')).toBe('community');
    expect(detectGrokFlavor('', '/home/u/.grok/bin/grok')).toBe('xai');
    expect(detectGrokFlavor('garbage', '/opt/bin/grok')).toBe('xai');
  });

  it('keeps sessions (xAI grok) under ~/.grok/sessions', () => {
    expect(grok.logDirs(home)).toEqual([join(home, '.grok', 'sessions')]);
  });
});

describe('inherited variables and shared HOME entries', () => {
  it('each agent removes the inherited overrides it does not set itself', () => {
    const g = ctx('google', 'gemini', { model: 'gemini-2.5-pro' });
    expect(gemini.unsetEnv!(g)).toEqual(expect.arrayContaining(['GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GEMINI_API_KEY_AUTH_MECHANISM', 'GEMINI_CLI_TRUSTED_FOLDERS_PATH']));
    expect(gemini.unsetEnv!(g)).not.toContain('GEMINI_API_KEY');
    expect(gemini.unsetEnv!(ctx('self', 'gemini'))).toContain('GEMINI_API_KEY');
    expect(opencode.unsetEnv!(ctx('anthropic', 'anthropic'))).toEqual(expect.arrayContaining(['OPENCODE_CONFIG', 'OPENCODE_CONFIG_CONTENT', 'OPENCODE_DB', 'XDG_DATA_HOME']));
    expect(droid.unsetEnv!(ctx('anthropic', 'anthropic'))).toEqual(['FACTORY_RUNTIME_SETTINGS_PATH', 'FACTORY_API_KEY']);
    const k = ctx('zai', 'openai-chat');
    expect(grok.unsetEnv!(k)).toEqual(expect.arrayContaining(['GROK_CONFIG', 'GROK_CONFIG_PATH', 'XAI_API_KEY', 'GROK_MODELS_BASE_URL']));
    for (const v of Object.keys(grok.env(k))) expect(grok.unsetEnv!(k)).not.toContain(v);
  });

  it('Gemini on Vertex needs the gcloud credentials from the real HOME', () => {
    expect(gemini.homeShare!(ctx('vertex', 'gemini'))).toEqual(['.config/gcloud']);
    expect(gemini.homeShare!(ctx('google', 'gemini'))).toEqual([]);
  });
});

describe('stripJsonc', () => {
  it('drops comments and trailing commas but never touches strings', () => {
    const text = '{\n // c\n "a": "x // y", /* z */ "b": [1, 2,],\n "c": "q,}", }';
    expect(JSON.parse(stripJsonc(text))).toEqual({ a: 'x // y', b: [1, 2], c: 'q,}' });
  });
});
