import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentContext, AgentSpec } from './types.js';
import { child, readJsonObject, resolveModel, writeJsonIfChanged } from './home-files.js';
import { dispatchHooks, mergeHookMap, type HookMap } from './hook-config.js';

/**
 * Claude Code (npm `@anthropic-ai/claude-code`, a native binary). Verified against 2.1.332, see docs/agents.md:
 * - Reads `$HOME/.claude.json` (first-run state, key approvals, per-project trust) and
 *   `$HOME/.claude/settings.json` (hooks); `CLAUDE_CONFIG_DIR` would move both, so it is unset.
 * - `ANTHROPIC_BASE_URL` + `ANTHROPIC_API_KEY` (sent as `x-api-key`); `claude -p` streams
 *   `POST /v1/messages?beta=true`. An interactive session asks once whether to use a key from the
 *   environment unless its last 20 characters are in `customApiKeyResponses.approved`.
 * - `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1` stops telemetry, error reporting, the `HEAD /api/hello`
 *   probe and the update check: with it a run opens one connection, to the base URL.
 */

/** Variables that keep a profile run from calling anything but its provider. */
export const CLAUDE_OFFLINE_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
};

/** Hook events wired to ringlet's dispatcher when a run has a hook command. */
export const CLAUDE_HOOK_EVENTS = ['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SessionStart', 'SessionEnd'] as const;

const MODEL_VARS = ['ANTHROPIC_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL', 'ANTHROPIC_SMALL_FAST_MODEL', 'CLAUDE_CODE_SUBAGENT_MODEL'];
const BACKEND_SWITCHES = ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY', 'CLAUDE_CODE_USE_GATEWAY', 'CLAUDE_CODE_USE_MANTLE'];

/** Claude Code records an approved key by its last 20 characters. */
export function claudeKeySuffix(key: string): string {
  return key.trim().slice(-20);
}

function env(ctx: AgentContext): Record<string, string> {
  const out: Record<string, string> = { ...CLAUDE_OFFLINE_ENV };
  const { provider } = ctx;
  if (provider.kind === 'cloud') {
    if (provider.id === 'bedrock') {
      out.CLAUDE_CODE_USE_BEDROCK = '1';
      if (ctx.region) out.AWS_REGION = ctx.region;
      if (ctx.baseUrl) out.ANTHROPIC_BEDROCK_BASE_URL = ctx.baseUrl;
    } else if (provider.id === 'vertex') {
      out.CLAUDE_CODE_USE_VERTEX = '1';
      if (ctx.region) out.CLOUD_ML_REGION = ctx.region;
      if (ctx.project) out.ANTHROPIC_VERTEX_PROJECT_ID = ctx.project;
      if (ctx.baseUrl) out.ANTHROPIC_VERTEX_BASE_URL = ctx.baseUrl;
    }
  } else {
    // self: the user's own login; a base URL only when a meter sits in front of api.anthropic.com.
    if (ctx.baseUrl) out.ANTHROPIC_BASE_URL = ctx.baseUrl;
    if (ctx.apiKey && provider.kind !== 'self') out.ANTHROPIC_API_KEY = ctx.apiKey;
  }
  // Claude Code's own default suits Anthropic; any other provider needs a model it actually serves.
  const model = provider.id !== 'anthropic' && (provider.kind === 'api' || provider.kind === 'custom') ? resolveModel(ctx) : ctx.model;
  if (model) {
    out.ANTHROPIC_MODEL = model;
    // Claude Code picks other tiers for background work (titles, subagents, Haiku-class calls); a
    // provider that is not Anthropic serves none of Anthropic's names, so point every tier at the model.
    if (provider.id !== 'anthropic' && provider.kind !== 'self' && provider.kind !== 'cloud') {
      out.ANTHROPIC_DEFAULT_OPUS_MODEL = model;
      out.ANTHROPIC_DEFAULT_SONNET_MODEL = model;
      out.ANTHROPIC_DEFAULT_HAIKU_MODEL = model;
      out.CLAUDE_CODE_SUBAGENT_MODEL = model;
    }
  }
  return out;
}

function unsetEnv(ctx: AgentContext): string[] {
  const set = new Set(Object.keys(env(ctx)));
  // Config-dir overrides would move state out of the profile HOME; auth and transport overrides would
  // outrank the profile's key; a stray backend switch would send the run to another cloud.
  const candidates = ['CLAUDE_CONFIG_DIR', 'ANTHROPIC_CONFIG_DIR', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_UNIX_SOCKET',
    'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', ...BACKEND_SWITCHES, ...MODEL_VARS];
  return candidates.filter((v) => !set.has(v));
}

function homeShare(ctx: AgentContext): string[] {
  if (ctx.provider.id === 'bedrock') return ['.aws'];
  if (ctx.provider.id === 'vertex') return ['.config/gcloud'];
  return [];
}

/** Sidecar listing the key suffixes ringlet approved, so a per-run meter token does not pile up entries. */
function stateFile(home: string): string {
  return join(home, '.claude', 'ringlet-state.json');
}

/**
 * Merge first-run state into `<home>/.claude.json`: onboarding done (unless the provider is the user's
 * own login, whose onboarding is the login), and the run's key approved. Everything else is the user's.
 */
export function prepareClaudeState(home: string, apiKey: string | undefined, selfAuth: boolean): void {
  const file = join(home, '.claude.json');
  const config = readJsonObject(file);
  if (!selfAuth) config.hasCompletedOnboarding = true;

  const state = readJsonObject(stateFile(home));
  const ours = new Set(Array.isArray(state.approvedKeySuffixes) ? state.approvedKeySuffixes.filter((s): s is string => typeof s === 'string') : []);
  const suffix = apiKey && !selfAuth ? claudeKeySuffix(apiKey) : undefined;
  if (suffix || ours.size) {
    const responses = child(config, 'customApiKeyResponses');
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
    const approved = list(responses.approved).filter((s) => !ours.has(s) || s === suffix);
    if (suffix && !approved.includes(suffix)) approved.push(suffix);
    responses.approved = approved;
    // A key ringlet hands the agent was refused once by accident: that refusal would break every run.
    responses.rejected = list(responses.rejected).filter((s) => s !== suffix);
  }
  if (existsSync(file) || Object.keys(config).length) writeJsonIfChanged(file, config, { mode: 0o600 });
  if (suffix || ours.size) writeJsonIfChanged(stateFile(home), { approvedKeySuffixes: suffix ? [suffix] : [] }, { mode: 0o600 });
}

/**
 * Merge `hooks` into `<home>/.claude/settings.json`: the user's own hooks stay untouched, the handlers
 * ringlet wrote earlier (marked with a trailing `# ringlet-managed` comment) are replaced. An empty map
 * removes ringlet's handlers. A missing settings file is created only when there is something to write.
 */
export function mergeClaudeHooks(home: string, hooks: HookMap): void {
  const file = join(home, '.claude', 'settings.json');
  const existed = existsSync(file);
  const settings = readJsonObject(file);
  const merged = mergeHookMap(settings.hooks, hooks);
  if (merged) settings.hooks = merged;
  else delete settings.hooks;
  if (!existed && !merged) return;
  writeJsonIfChanged(file, settings, { mode: 0o600 });
}

function prepareHome(ctx: AgentContext): void {
  prepareClaudeState(ctx.home, ctx.apiKey, ctx.provider.kind === 'self');
  mergeClaudeHooks(ctx.home, ctx.hookCommand ? dispatchHooks(ctx.hookCommand, ctx.hookEvents ?? CLAUDE_HOOK_EVENTS) : {});
}

export const claude: AgentSpec = {
  id: 'claude',
  label: 'Claude Code',
  binary: 'claude',
  wires: ['anthropic'],
  selfAuth: true,
  cloud: ['bedrock', 'vertex'],
  versionArgs: ['--version'],
  env,
  unsetEnv,
  homeShare,
  prepareHome,
  logDirs: (home) => [join(home, '.claude', 'projects')],
};
