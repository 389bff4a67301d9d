import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as tomlStringify } from 'smol-toml';
import { UserError, EXIT } from '../errors.js';
import { readTomlFile } from '../config/toml.js';
import type { Wire } from '../providers/types.js';
import type { AgentContext, AgentSpec } from './types.js';
import { isObject, readJsonObject, resolveModel, withVersion, writeIfChanged, writeJsonIfChanged, type JsonObject } from './home-files.js';

/**
 * Two different programs install a `grok` binary and keep state in `~/.grok`:
 *
 * - **community** — superagent-ai/grok-cli (npm `@vibe-kit/grok-cli`), a Node script. Reads `GROK_API_KEY`,
 *   `GROK_BASE_URL`, `GROK_MODEL` (each outranks `~/.grok/user-settings.json`: `apiKey`, `baseURL`,
 *   `defaultModel`, `models`). Speaks OpenAI Chat Completions only. No login, no usage log.
 * - **xai** — xAI's official Grok Build (native binary, installed to `~/.grok/bin/`). Reads `GROK_HOME`
 *   (default `~/.grok`), `~/.grok/config.toml` with `[model.<key>]` entries
 *   (`model, base_url, name, env_key, api_backend = chat_completions|responses|messages, env_http_headers`)
 *   and `[models] default = "<key>"`; `GROK_DEFAULT_MODEL` picks the session model; `XAI_API_KEY` and
 *   `GROK_XAI_API_BASE_URL` serve its built-in catalog. Has its own login (`grok login`, `~/.grok/auth.json`).
 *   Sessions with token usage: `~/.grok/sessions/<cwd>/<id>/` (`signals.json`, `updates.jsonl`).
 *
 * The two never read each other's files or variables, so ringlet sets both variable sets and writes both
 * files: the profile works whichever `grok` is on PATH (or later replaces the other), and nothing needs a
 * process spawned at prepare time. `detectGrokFlavor` is for reporting (`agents list`) and explanations.
 */

export type GrokFlavor = 'community' | 'xai';

/**
 * Which grok this is, from its `--version` output and its path:
 * 1. xAI's prints `grok <semver> (<commit>)[ [channel]]`, e.g. `grok 0.2.5 (abc1234) [stable]` -> xai;
 *    the community one prints a bare semver (`1.0.1`) -> community.
 * 2. Otherwise the path: `~/.grok/bin/` (xAI's installer) -> xai; `node_modules`, `@vibe-kit`,
 *    `grok-cli` -> community.
 * 3. Otherwise xai, the maintained one (ringlet configures both anyway).
 */
export function detectGrokFlavor(versionOutput: string, binaryPath: string): GrokFlavor {
  const out = versionOutput.trim();
  if (/^grok\s+v?\d+\.\d+\S*/im.test(out) || /\(\s*[0-9a-f]{7,40}\s*\)/i.test(out) || /\[(alpha|beta|stable|nightly)\]/i.test(out)) return 'xai';
  if (/^v?\d+\.\d+\.\d+(-[\w.]+)?$/.test(out)) return 'community';
  const p = binaryPath.replace(/\\/g, '/');
  if (/\/\.grok\/bin\//.test(p)) return 'xai';
  if (/node_modules|@vibe-kit|grok-cli/i.test(p)) return 'community';
  return 'xai';
}

/** The catalog key ringlet owns in config.toml. */
export const GROK_MODEL_KEY = 'ringlet';
/** One variable serves the community CLI directly and xAI's through `env_key`. */
export const GROK_KEY_ENV = 'GROK_API_KEY';

const BACKEND: Record<Wire, string | undefined> = {
  'openai-chat': 'chat_completions',
  'openai-responses': 'responses',
  anthropic: 'messages',
  gemini: undefined,
};

function isXai(ctx: AgentContext): boolean {
  return ctx.provider.id === 'xai' || ctx.provider.hosts?.includes('api.x.ai') === true;
}

function env(ctx: AgentContext): Record<string, string> {
  const home = join(ctx.home, '.grok');
  // GROK_HOME outranks HOME for xAI's grok; pin it so an inherited value cannot reach the real HOME.
  const out: Record<string, string> = { GROK_HOME: home };
  if (ctx.provider.kind === 'self' || ctx.provider.kind === 'cloud') return out;
  const model = resolveModel(ctx);
  if (ctx.apiKey) out[GROK_KEY_ENV] = ctx.apiKey;
  out.GROK_DEFAULT_MODEL = GROK_MODEL_KEY; // xAI's: session model = our catalog entry
  if (ctx.wire === 'openai-chat') {
    // The community CLI only speaks Chat Completions.
    out.GROK_BASE_URL = ctx.baseUrl.replace(/\/+$/, '');
    if (model) out.GROK_MODEL = model;
  }
  if (isXai(ctx)) {
    // xAI's built-in models (web search, summaries) then use this key and endpoint too. Never for another
    // provider: that would send its key to api.x.ai.
    if (ctx.apiKey) out.XAI_API_KEY = ctx.apiKey;
    if (ctx.wire !== 'anthropic') out.GROK_XAI_API_BASE_URL = ctx.baseUrl.replace(/\/+$/, '');
  }
  return out;
}

/**
 * Inherited variables that would outrank the profile: config overlays (GROK_CONFIG can change the default
 * model), xAI endpoints and keys, and the community CLI's own variables when ringlet sets none.
 */
function unsetEnv(ctx: AgentContext): string[] {
  const set = new Set(Object.keys(env(ctx)));
  const candidates = [
    'GROK_CONFIG', 'GROK_CONFIG_PATH', 'GROK_MODELS_BASE_URL', 'GROK_MODELS_LIST_URL', 'GROK_XAI_API_BASE_URL',
    'GROK_CLI_CHAT_PROXY_BASE_URL', 'GROK_DEFAULT_MODEL', 'XAI_API_KEY', 'GROK_CODE_XAI_API_KEY',
    'GROK_API_KEY', 'GROK_BASE_URL', 'GROK_MODEL',
  ];
  return candidates.filter((v) => !set.has(v));
}

function prepareXaiConfig(ctx: AgentContext, model: string | undefined): void {
  const file = join(ctx.home, '.grok', 'config.toml');
  const config: JsonObject = (readTomlFile(file) as JsonObject | undefined) ?? {};
  const catalog = isObject(config.model) ? config.model : (config.model = {});
  const models = isObject(config.models) ? config.models : (config.models = {});
  if (ctx.provider.kind === 'self' || ctx.provider.kind === 'cloud' || !model) {
    delete (catalog as JsonObject)[GROK_MODEL_KEY];
    if (models.default === GROK_MODEL_KEY) delete models.default;
    if (models.session_summary === GROK_MODEL_KEY) delete models.session_summary;
  } else {
    const backend = BACKEND[ctx.wire];
    if (!backend) throw new UserError(`grok does not speak the ${ctx.wire} wire`, EXIT.config);
    const entry: JsonObject = {
      model,
      base_url: ctx.wire === 'anthropic' ? withVersion(ctx.baseUrl) : ctx.baseUrl.replace(/\/+$/, ''),
      name: `ringlet: ${ctx.profile} (${model})`,
      api_backend: backend,
    };
    if (ctx.apiKey) {
      entry.env_key = GROK_KEY_ENV;
      // The messages backend authenticates with x-api-key; take it from the same variable, never the file.
      if (backend === 'messages') entry.env_http_headers = { 'x-api-key': GROK_KEY_ENV };
    }
    (catalog as JsonObject)[GROK_MODEL_KEY] = entry;
    models.default = GROK_MODEL_KEY;
    // Session titles/summaries otherwise use a built-in xAI model, unreachable with another provider's key.
    if (!isXai(ctx) && (models.session_summary === undefined || models.session_summary === GROK_MODEL_KEY)) models.session_summary = GROK_MODEL_KEY;
  }
  if (Object.keys(catalog).length === 0) delete config.model;
  if (Object.keys(models).length === 0) delete config.models;
  if (Object.keys(config).length === 0 && !existsSync(file)) return; // nothing to say; create nothing
  writeIfChanged(file, `${tomlStringify(config).trimEnd()}\n`, { mode: 0o600 });
}

function prepareCommunitySettings(ctx: AgentContext, model: string | undefined): void {
  const file = join(ctx.home, '.grok', 'user-settings.json');
  if (ctx.provider.kind === 'self' || ctx.provider.kind === 'cloud' || ctx.wire !== 'openai-chat') return;
  const settings = readJsonObject(file);
  // Environment variables already win; the file makes the model show in its /models picker.
  settings.baseURL = ctx.baseUrl.replace(/\/+$/, '');
  if (model) {
    settings.defaultModel = model;
    const list = Array.isArray(settings.models) ? settings.models.filter((m) => typeof m === 'string') : [];
    if (!list.includes(model)) settings.models = [model, ...list];
  }
  // The community CLI writes this file 0600 itself (it may hold `apiKey`); keep it that way.
  writeJsonIfChanged(file, settings, { mode: 0o600, forceMode: true });
}

function prepareHome(ctx: AgentContext): void {
  const model = ctx.provider.kind === 'self' || ctx.provider.kind === 'cloud' ? undefined : resolveModel(ctx);
  if ((ctx.provider.kind === 'api' || ctx.provider.kind === 'custom') && !model) {
    throw new UserError(`grok needs a model for provider ${ctx.provider.id}; set one with: ringlet profiles set ${ctx.profile} --model NAME`, EXIT.config);
  }
  prepareXaiConfig(ctx, model);
  prepareCommunitySettings(ctx, model);
}

export const grok: AgentSpec = {
  id: 'grok',
  label: 'Grok CLI',
  binary: 'grok',
  wires: ['openai-chat', 'openai-responses', 'anthropic'],
  // xAI's grok has `grok login`; the community one has no login (it asks for a key).
  selfAuth: true,
  versionArgs: ['--version'],
  env,
  prepareHome,
  logDirs: (home) => [join(home, '.grok', 'sessions')],
  unsetEnv,
};
