import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'smol-toml';
import { UserError, EXIT } from '../errors.js';
import { readTomlFile, type TomlTable } from '../config/toml.js';
import type { AgentContext, AgentSpec } from './types.js';
import { isObject, readJsonObject, writeIfChanged, writeJsonIfChanged, type JsonObject } from './home-files.js';
import { dispatchHooks, isRingletCommand, markCommand, mergeHookMap, type HookMap } from './hook-config.js';

/**
 * Codex CLI (npm `@openai/codex`, a Rust binary). Verified against 0.169, see docs/agents.md:
 * - Everything lives in `CODEX_HOME` (default `~/.codex`): config.toml, hooks.json, sessions/, sqlite state.
 * - It ignores OPENAI_BASE_URL for a custom provider; it needs `model_provider = "<id>"` and
 *   `[model_providers.<id>] base_url, env_key, wire_api = "responses"` (the only wire left).
 * - `codex exec --skip-git-repo-check "…"` needs no login with such a provider and streams `POST /v1/responses`.
 * - Hooks in `hooks.json` run only once trusted: `[hooks.state."<abs hooks.json>:<event>:<group>:<handler>"]
 *   trusted_hash = "sha256:…"` in config.toml, the hash of the normalised handler (see codexHookHash).
 */

/** Id of the model provider entry ringlet owns in config.toml. */
export const CODEX_PROVIDER_ID = 'ringlet';
/** The variable Codex reads the key from (`env_key`). */
export const CODEX_KEY_ENV = 'RINGLET_API_KEY';
/** Hook events wired to ringlet's dispatcher when a run has a hook command. */
export const CODEX_HOOK_EVENTS = ['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SessionStart'] as const;

export function codexHome(home: string): string {
  return join(home, '.codex');
}

function env(ctx: AgentContext): Record<string, string> {
  const out: Record<string, string> = { CODEX_HOME: codexHome(ctx.home) };
  if (ctx.apiKey && ctx.provider.kind !== 'self') out[CODEX_KEY_ENV] = ctx.apiKey;
  return out;
}

/** Defaults written only when the user has not chosen: no update check, no analytics upload (ab.chatgpt.com). */
function offlineDefaults(config: TomlTable): void {
  if (config.check_for_update_on_startup === undefined) config.check_for_update_on_startup = false;
  const analytics = table(config, 'analytics');
  if (analytics.enabled === undefined) analytics.enabled = false;
}

function table(obj: TomlTable, key: string): TomlTable {
  const v = obj[key];
  if (isObject(v)) return v;
  const fresh: TomlTable = {};
  obj[key] = fresh;
  return fresh;
}

/**
 * Merge ringlet's provider into `<home>/.codex/config.toml`, keeping every other key of the user's.
 * The file is rewritten only when its content changes (smol-toml does not keep comments).
 */
export function writeCodexConfig(ctx: AgentContext): void {
  const file = join(codexHome(ctx.home), 'config.toml');
  const config = readTomlFile(file) ?? {};
  const before = JSON.stringify(config);

  if (ctx.provider.kind === 'self') {
    // The user's own ChatGPT / API login: take back only the pointer to ringlet's provider.
    if (config.model_provider === CODEX_PROVIDER_ID) delete config.model_provider;
  } else {
    if (!ctx.baseUrl) throw new UserError(`codex needs a base URL for provider ${ctx.provider.id}; set one with: ringlet profiles set ${ctx.profile} --endpoint URL`, EXIT.config);
    config.model_provider = CODEX_PROVIDER_ID;
    const providers = table(config, 'model_providers');
    const entry = table(providers, CODEX_PROVIDER_ID);
    Object.assign(entry, { name: `ringlet (${ctx.provider.id})`, base_url: ctx.baseUrl.replace(/\/+$/, ''), env_key: CODEX_KEY_ENV, wire_api: 'responses' });
    // Codex's own default model is OpenAI's; any other provider needs one it serves.
    const model = ctx.model ?? (ctx.provider.id === 'openai' ? undefined : ctx.provider.defaultModel?.['openai-responses']);
    if (model) config.model = model;
  }
  if (ctx.provider.kind === 'self' && ctx.model) config.model = ctx.model;
  offlineDefaults(config);
  if (JSON.stringify(config) !== before || !existsSync(file)) writeIfChanged(file, `${stringify(config)}\n`, { mode: 0o600 });
}

// ---------- hooks and their trust ----------

const NO_MATCHER_EVENTS = new Set(['UserPromptSubmit', 'Stop']);
const CONTEXT_LIMIT_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'SessionStart', 'UserPromptSubmit', 'SubagentStart']);

/** `PreToolUse` -> `pre_tool_use`, the label Codex uses in hook-state keys and hashes. */
export function codexHookEventLabel(event: string): string {
  return event.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

/**
 * The `trusted_hash` Codex expects for one command handler: sha256 over the compact, key-sorted JSON of
 * `{event_name, matcher?, hooks: [normalised handler]}`, where the handler always carries `timeout`
 * (default 600 s; SessionEnd 1 s, clamped to 1..3) and `async`, and absent options are left out.
 * Verified against Codex 0.169 for SessionStart, PreToolUse (with matcher and timeout), PostToolUse,
 * UserPromptSubmit and Stop.
 */
export function codexHookHash(event: string, matcher: string | undefined, handler: JsonObject): string {
  const t = typeof handler.timeout === 'number' ? handler.timeout : undefined;
  const norm: JsonObject = {
    type: 'command',
    command: handler.command,
    timeout: event === 'SessionEnd' ? Math.min(3, Math.max(1, t ?? 1)) : Math.max(1, t ?? 600),
    async: handler.async === true,
  };
  if (typeof handler.statusMessage === 'string') norm.statusMessage = handler.statusMessage;
  const limit = handler.additionalContextLimit;
  if (typeof limit === 'number' && limit !== 2500 && CONTEXT_LIMIT_EVENTS.has(event)) norm.additionalContextLimit = limit;
  const identity: JsonObject = { event_name: codexHookEventLabel(event), hooks: [norm] };
  if (matcher !== undefined && !NO_MATCHER_EVENTS.has(event)) identity.matcher = matcher;
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(identity))).digest('hex')}`;
}

/**
 * Record trust in `<home>/.codex/config.toml` for the handlers of `<home>/.codex/hooks.json` that `which`
 * accepts (by default: the ones ringlet wrote), the way Codex itself does when the user approves a hook.
 * Entries for handlers that no longer exist in that file are removed. Returns the number trusted.
 */
export function trustCodexHooks(home: string, which: (command: string) => boolean = isRingletCommand): number {
  const dir = codexHome(home);
  const hooksFile = join(dir, 'hooks.json');
  const configFile = join(dir, 'config.toml');
  // Codex keys the state by the hooks.json path under its (canonicalised) CODEX_HOME; cover both spellings.
  const sources = new Set([hooksFile]);
  if (existsSync(dir)) sources.add(join(realpathSync(dir), 'hooks.json'));

  const events = existsSync(hooksFile) ? readJsonObject(hooksFile).hooks : undefined;
  const wanted = new Map<string, string>(); // state key suffix -> hash
  const present = new Set<string>();
  if (isObject(events)) {
    for (const [event, groups] of Object.entries(events)) {
      if (!Array.isArray(groups)) continue;
      groups.forEach((g, gi) => {
        if (!isObject(g) || !Array.isArray(g.hooks)) return;
        g.hooks.forEach((h, hi) => {
          const suffix = `${codexHookEventLabel(event)}:${gi}:${hi}`;
          present.add(suffix);
          if (isObject(h) && h.type === 'command' && typeof h.command === 'string' && which(h.command)) {
            wanted.set(suffix, codexHookHash(event, typeof g.matcher === 'string' ? g.matcher : undefined, h));
          }
        });
      });
    }
  }

  const config = readTomlFile(configFile) ?? {};
  const before = JSON.stringify(config);
  const hooks = table(config, 'hooks');
  const state = table(hooks, 'state');
  for (const key of Object.keys(state)) {
    const src = [...sources].find((s) => key.startsWith(`${s}:`));
    if (src && !present.has(key.slice(src.length + 1))) delete state[key];
  }
  for (const src of sources) {
    for (const [suffix, hash] of wanted) {
      const key = `${src}:${suffix}`;
      const prev = isObject(state[key]) ? state[key] as TomlTable : {};
      state[key] = { ...prev, trusted_hash: hash };
    }
  }
  if (!Object.keys(state).length) delete hooks.state;
  if (!Object.keys(hooks).length) delete config.hooks;
  if (JSON.stringify(config) !== before) writeIfChanged(configFile, `${stringify(config)}\n`, { mode: 0o600 });
  return wanted.size;
}

/**
 * Merge `hooks` into `<home>/.codex/hooks.json` (the user's handlers stay; ringlet's earlier ones are
 * replaced, appended after the user's so their trust keys keep their positions) and trust ringlet's.
 */
export function mergeCodexHooks(home: string, hooks: HookMap): void {
  const file = join(codexHome(home), 'hooks.json');
  const existed = existsSync(file);
  const doc = readJsonObject(file);
  const merged = mergeHookMap(doc.hooks, hooks);
  if (merged) doc.hooks = merged;
  else delete doc.hooks;
  if (existed || merged) writeJsonIfChanged(file, doc, { mode: 0o600 });
  trustCodexHooks(home);
}

/** In `ctx.hookEvents`, asks for Codex's `notify` program (one JSON argument per finished turn) rather than a hooks.json event. */
export const CODEX_NOTIFY_EVENT = 'notify';

/**
 * Point config.toml's `notify` at `<hookCommand> notify <json>` (through `sh -c`, marked like the hooks),
 * or take ringlet's entry out when hookCommand is undefined. `notify` holds one program: when the user
 * has their own, it stays and this returns false.
 */
export function mergeCodexNotify(home: string, hookCommand: string | undefined): boolean {
  const file = join(codexHome(home), 'config.toml');
  const config = readTomlFile(file) ?? {};
  const current = config.notify;
  const ours = Array.isArray(current) && current.some((w) => isRingletCommand(w));
  if (current !== undefined && !ours) return false;
  if (hookCommand) config.notify = ['sh', '-c', markCommand(`${hookCommand} notify "$1"`), 'ringlet-notify'];
  else if (ours) delete config.notify;
  else return true;
  if (JSON.stringify(config.notify) !== JSON.stringify(current)) writeIfChanged(file, `${stringify(config)}\n`, { mode: 0o600 });
  return true;
}

function prepareHome(ctx: AgentContext): void {
  writeCodexConfig(ctx);
  const events = [...(ctx.hookEvents ?? CODEX_HOOK_EVENTS)];
  const wantsNotify = Boolean(ctx.hookCommand) && events.includes(CODEX_NOTIFY_EVENT);
  // The user's own notify program stays; the Stop hook then reports finished turns instead.
  if (!mergeCodexNotify(ctx.home, wantsNotify ? ctx.hookCommand : undefined) && wantsNotify) events.push('Stop');
  const hookEvents = events.filter((e) => e !== CODEX_NOTIFY_EVENT);
  mergeCodexHooks(ctx.home, ctx.hookCommand && hookEvents.length ? dispatchHooks(ctx.hookCommand, hookEvents) : {});
}

export const codex: AgentSpec = {
  id: 'codex',
  label: 'Codex CLI',
  binary: 'codex',
  wires: ['openai-responses'],
  selfAuth: true,
  versionArgs: ['--version'],
  env,
  // CODEX_SQLITE_HOME would move Codex's state databases out of the profile HOME.
  unsetEnv: () => ['CODEX_SQLITE_HOME'],
  prepareHome,
  logDirs: (home) => [join(codexHome(home), 'sessions'), join(codexHome(home), 'archived_sessions')],
};

