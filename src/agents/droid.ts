import { join } from 'node:path';
import { UserError, EXIT } from '../errors.js';
import type { Wire } from '../providers/types.js';
import type { AgentContext, AgentSpec } from './types.js';
import { child, isObject, readJsonObject, resolveModel, writeJsonIfChanged, type JsonObject } from './home-files.js';
import { dispatchHooks, mergeHookMap } from './hook-config.js';

/**
 * Droid (Factory, npm `@factory/cli`). Facts from docs.factory.ai "Custom Models (BYOK)" and the 0.225 binary:
 * - `~/.factory/settings.json` (JSONC) `customModels[]`: `{model, displayName, baseUrl, apiKey, provider}`;
 *   provider `anthropic` (Messages; baseUrl without /v1), `openai` (Responses; baseUrl with /v1),
 *   `generic-chat-completion-api` (Chat Completions; baseUrl with /v1).
 * - `apiKey` expands `${VAR}` from the environment (settings.json only, not the legacy config.json), so the
 *   key never has to be written down.
 * - A custom model's id is `custom:<displayName, whitespace runs turned into '-'>-<n>`, n counting earlier
 *   entries with the same displayName; `sessionDefaultSettings.model` selects the default model.
 * - `FACTORY_HOME_OVERRIDE` outranks HOME for locating `~/.factory`.
 * - `droid exec` runs on a BYOK model without a Factory account (0.225); the interactive TUI still asks for
 *   a Factory login first. That login is the user's own (selfAuth), kept in the profile HOME or OS keyring.
 * - Per-session token totals: `~/.factory/sessions/<cwd-slug>/<id>.settings.json` next to `<id>.jsonl`.
 */

export const DROID_KEY_ENV = 'RINGLET_DROID_API_KEY';
const MARKER = 'ringlet: ';

export function droidDisplayName(profile: string): string {
  return `${MARKER}${profile}`;
}

/** The id Droid derives for the n-th custom model with this display name. */
export function droidModelId(displayName: string, n = 0): string {
  return `custom:${displayName.trim().replace(/\s+/g, '-')}-${n}`;
}

function droidProvider(wire: Wire): { provider: string; baseUrl: (u: string) => string } {
  const trim = (u: string) => u.replace(/\/+$/, '');
  switch (wire) {
    case 'anthropic':
      return { provider: 'anthropic', baseUrl: (u) => trim(u).replace(/\/v1$/, '') };
    case 'openai-responses':
      return { provider: 'openai', baseUrl: trim };
    case 'openai-chat':
      return { provider: 'generic-chat-completion-api', baseUrl: trim };
    case 'gemini':
      throw new UserError('droid does not speak the gemini wire; pick an Anthropic- or OpenAI-shaped endpoint', EXIT.config);
  }
}

const isOurs = (m: unknown): boolean => isObject(m) && typeof m.displayName === 'string' && m.displayName.startsWith(MARKER);

function env(ctx: AgentContext): Record<string, string> {
  // FACTORY_HOME_OVERRIDE outranks HOME for Droid; pin it so an inherited value cannot reach the real HOME.
  const out: Record<string, string> = { FACTORY_HOME_OVERRIDE: ctx.home };
  if (ctx.provider.kind !== 'self' && ctx.apiKey) out[DROID_KEY_ENV] = ctx.apiKey;
  return out;
}

/** Inherited overrides: a runtime settings file merged over settings.json, another Factory account's key. */
const DROID_OVERRIDES = ['FACTORY_RUNTIME_SETTINGS_PATH', 'FACTORY_API_KEY'];

/** Hook events wired to ringlet's dispatcher when a run has a hook command (Droid's hooks follow Claude Code's shape and exit-2 contract). */
export const DROID_HOOK_EVENTS = ['PreToolUse', 'PostToolUse', 'Notification', 'Stop'] as const;

function prepareHome(ctx: AgentContext): void {
  const file = join(ctx.home, '.factory', 'settings.json');
  const settings = readJsonObject(file);
  // The user's own hooks stay; ringlet's (marked) are replaced, or removed when the run has none.
  const hooks = mergeHookMap(settings.hooks, ctx.hookCommand ? dispatchHooks(ctx.hookCommand, ctx.hookEvents ?? DROID_HOOK_EVENTS) : {});
  if (hooks) settings.hooks = hooks;
  else delete settings.hooks;
  const others = Array.isArray(settings.customModels) ? settings.customModels.filter((m) => !isOurs(m)) : [];
  const defaults = child(settings, 'sessionDefaultSettings');
  const pointsAtOurs = typeof defaults.model === 'string' && defaults.model.startsWith(`custom:${MARKER.trim()}`);

  if (ctx.provider.kind === 'self' || ctx.provider.kind === 'cloud') {
    // Factory's own models: take back only what ringlet wrote.
    if (Array.isArray(settings.customModels)) settings.customModels = others;
    if (pointsAtOurs) delete defaults.model;
    if (ctx.model) defaults.model = ctx.model;
    if (Object.keys(defaults).length === 0) delete settings.sessionDefaultSettings;
    writeJsonIfChanged(file, settings, { mode: 0o600, forceMode: true });
    return;
  }

  const model = resolveModel(ctx);
  if (!model) throw new UserError(`droid needs a model for provider ${ctx.provider.id}; set one with: ringlet profiles set ${ctx.profile} --model NAME`, EXIT.config);
  const { provider, baseUrl } = droidProvider(ctx.wire);
  const displayName = droidDisplayName(ctx.profile);
  const entry: JsonObject = { model, displayName, baseUrl: baseUrl(ctx.baseUrl), provider };
  // `${VAR}` is expanded by Droid at load time; the file never holds a key, local token or real.
  if (ctx.apiKey) entry.apiKey = `\${${DROID_KEY_ENV}}`;
  // First in the list, so its derived id ends in -0 whatever the user's own entries are called.
  settings.customModels = [entry, ...others];
  defaults.model = droidModelId(displayName, 0);
  writeJsonIfChanged(file, settings, { mode: 0o600, forceMode: true });
}

export const droid: AgentSpec = {
  id: 'droid',
  label: 'Droid (Factory)',
  binary: 'droid',
  wires: ['anthropic', 'openai-responses', 'openai-chat'],
  selfAuth: true,
  versionArgs: ['--version'],
  env,
  prepareHome,
  logDirs: (home) => [join(home, '.factory', 'sessions')],
  unsetEnv: () => DROID_OVERRIDES,
};
