import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, EXIT } from '../errors.js';
import type { Wire } from '../providers/types.js';
import type { AgentContext, AgentSpec } from './types.js';
import { child, isObject, readJsonObject, resolveModel, withVersion, writeJsonIfChanged } from './home-files.js';

/**
 * OpenCode (sst/opencode, npm `opencode-ai`). Facts checked against the 1.18 binary and its docs:
 * - Global config: `~/.config/opencode/` (XDG_CONFIG_HOME), files `config.json` < `opencode.json` <
 *   `opencode.jsonc`, merged in that order. Values may reference the environment as `{env:VAR}`.
 * - A provider entry: `provider.<id>.{npm, name, options.{baseURL, apiKey}, models.<id>}`; the model is
 *   chosen as `"model": "<provider>/<model>"`. AI SDK packages bundled in the binary include
 *   @ai-sdk/anthropic, @ai-sdk/openai, @ai-sdk/openai-compatible and @ai-sdk/google, so no download.
 * - Its own login (`opencode auth login`) lives in `~/.local/share/opencode/auth.json`.
 * - Messages with token counts: SQLite `~/.local/share/opencode/opencode.db` (older installs: JSON files
 *   under `storage/message/`).
 */

/** The provider id ringlet owns in the user's config; the user's own providers are left alone. */
export const OPENCODE_PROVIDER_ID = 'ringlet';
/** The key stays in the environment; the config names it. */
export const OPENCODE_KEY_ENV = 'RINGLET_OPENCODE_API_KEY';

/** AI SDK package and base URL shape per wire (the SDKs append /messages, /chat/completions, /responses, /models/…). */
function sdkFor(wire: Wire, baseUrl: string): { npm: string; baseURL: string } {
  switch (wire) {
    case 'anthropic':
      return { npm: '@ai-sdk/anthropic', baseURL: withVersion(baseUrl) };
    case 'openai-responses':
      return { npm: '@ai-sdk/openai', baseURL: baseUrl.replace(/\/+$/, '') };
    case 'openai-chat':
      return { npm: '@ai-sdk/openai-compatible', baseURL: baseUrl.replace(/\/+$/, '') };
    case 'gemini':
      return { npm: '@ai-sdk/google', baseURL: withVersion(baseUrl, 'v1beta') };
  }
}

/** opencode.jsonc outranks opencode.json; write to the one OpenCode will let win. */
export function opencodeConfigFile(home: string): string {
  const dir = join(home, '.config', 'opencode');
  const jsonc = join(dir, 'opencode.jsonc');
  return existsSync(jsonc) && !existsSync(join(dir, 'opencode.json')) ? jsonc : join(dir, 'opencode.json');
}

function env(ctx: AgentContext): Record<string, string> {
  if (ctx.provider.kind === 'self' || !ctx.apiKey) return {};
  return { [OPENCODE_KEY_ENV]: ctx.apiKey };
}

/**
 * Inherited overrides that would load another config, database or login than the profile HOME's. OpenCode
 * finds its files through the XDG base directories, so those must fall back to the profile HOME too.
 */
const OPENCODE_OVERRIDES = [
  'OPENCODE_CONFIG', 'OPENCODE_CONFIG_DIR', 'OPENCODE_CONFIG_CONTENT', 'OPENCODE_DB', 'OPENCODE_AUTH_CONTENT',
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME',
];

function prepareHome(ctx: AgentContext): void {
  const file = opencodeConfigFile(ctx.home);
  const config = readJsonObject(file);
  if (config.$schema === undefined) config.$schema = 'https://opencode.ai/config.json';
  const ours = `${OPENCODE_PROVIDER_ID}/`;

  if (ctx.provider.kind === 'self' || ctx.provider.kind === 'cloud') {
    // The agent's own login picks the provider: take back only what ringlet wrote.
    if (isObject(config.provider)) delete config.provider[OPENCODE_PROVIDER_ID];
    if (typeof config.model === 'string' && config.model.startsWith(ours)) delete config.model;
    if (typeof config.small_model === 'string' && config.small_model.startsWith(ours)) delete config.small_model;
    if (ctx.model) config.model = ctx.model; // with self, the profile names `<provider>/<model>` itself
    writeJsonIfChanged(file, config, { mode: 0o600 });
    return;
  }

  const model = resolveModel(ctx);
  if (!model) throw new UserError(`opencode needs a model for provider ${ctx.provider.id}; set one with: ringlet profiles set ${ctx.profile} --model NAME`, EXIT.config);
  const { npm, baseURL } = sdkFor(ctx.wire, ctx.baseUrl);
  const options: Record<string, unknown> = { baseURL };
  if (ctx.apiKey) options.apiKey = `{env:${OPENCODE_KEY_ENV}}`;
  child(config, 'provider')[OPENCODE_PROVIDER_ID] = {
    npm,
    name: `ringlet: ${ctx.profile} (${ctx.provider.label})`,
    options,
    models: { [model]: { name: model } },
  };
  config.model = `${ours}${model}`;
  // Titles and summaries go to `small_model`; keep them on this provider (and metered) unless the user chose one.
  if (typeof config.small_model !== 'string' || config.small_model.startsWith(ours)) config.small_model = `${ours}${model}`;
  writeJsonIfChanged(file, config, { mode: 0o600 });
}

export const opencode: AgentSpec = {
  id: 'opencode',
  label: 'OpenCode',
  binary: 'opencode',
  wires: ['openai-chat', 'anthropic', 'openai-responses', 'gemini'],
  selfAuth: true,
  versionArgs: ['--version'],
  env,
  prepareHome,
  logDirs: (home) => [join(home, '.local', 'share', 'opencode')],
  unsetEnv: () => OPENCODE_OVERRIDES,
};
