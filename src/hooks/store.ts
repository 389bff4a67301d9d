import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import * as t from 'typanion';
import { UserError, EXIT } from '../errors.js';
import { isValidName, paths } from '../config/paths.js';
import { readTomlFile, validate, writeTomlFile, type TomlTable } from '../config/toml.js';
import { GATING_EVENTS, HOOK_EVENTS, type HookEvent, type HookRule } from './types.js';

/**
 * Hook rules on disk: one TOML file per rule, `<profile dir>/hooks/<id>.toml` or, for every profile,
 * `<config dir>/hooks/<id>.toml`. A script handler is copied next to its rule (`<id>.js`) so the
 * directory is self-contained and travels in a dotfiles repo.
 *
 *   on = "pre-tool-use"
 *   shell = "grep -q 'rm -rf' <<< \"$RINGLET_TOOL_COMMAND\" && { echo 'no rm -rf' >&2; exit 1; } || exit 0"
 *   matcher = "Bash"
 *   timeout = 2
 */

const isPositive = t.cascade(t.isNumber(), [t.isPositive()]) as t.StrictValidator<unknown, number>;
const isRuleFile = t.isObject({
  on: t.isEnum(HOOK_EVENTS),
  shell: t.isOptional(t.isString()),
  webhook: t.isOptional(t.isString()),
  'webhook-template': t.isOptional(t.isString()),
  script: t.isOptional(t.isString()),
  matcher: t.isOptional(t.isString()),
  timeout: t.isOptional(isPositive),
  period: t.isOptional(t.isEnum(['day', 'month'] as const)),
  limit: t.isOptional(isPositive),
  of: t.isOptional(isPositive),
});

export function hooksDir(scope: string | null, env: NodeJS.ProcessEnv = process.env): string {
  return scope === null ? paths.globalHooks(env) : paths.profileHooks(scope, env);
}

export function scopeLabel(scope: string | null): string {
  return scope ?? '(all profiles)';
}

/** Checks that make a rule usable, shared by the loader (hand-edited files) and `hooks add`. */
export function checkRule(rule: HookRule, where: string): void {
  const handlers = [rule.shell, rule.webhook, rule.script].filter((h) => h !== undefined).length;
  if (handlers !== 1) throw new UserError(`${where}: a hook needs exactly one of shell, webhook, script`, EXIT.config);
  if (rule.webhook !== undefined) {
    let url: URL;
    try {
      url = new URL(rule.webhook);
    } catch {
      throw new UserError(`${where}: webhook is not a URL: ${rule.webhook}`, EXIT.config);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`${where}: webhook must be an http(s) URL`, EXIT.config);
  }
  if (rule.webhookTemplate !== undefined) {
    if (rule.webhook === undefined) throw new UserError(`${where}: webhook-template needs a webhook`, EXIT.config);
    try {
      JSON.parse(rule.webhookTemplate);
    } catch (err) {
      throw new UserError(`${where}: webhook-template is not JSON: ${(err as Error).message}`, EXIT.config);
    }
  }
  if (rule.on === 'cost-threshold') {
    if (rule.limit === undefined) throw new UserError(`${where}: a cost-threshold hook needs a limit (USD, or a percentage with of = BUDGET)`, EXIT.config);
  } else if (rule.limit !== undefined || rule.of !== undefined || rule.period !== undefined) {
    throw new UserError(`${where}: period, limit and of apply to cost-threshold hooks only`, EXIT.config);
  }
  if (rule.matcher !== undefined && rule.on !== 'pre-tool-use' && rule.on !== 'tool-use') {
    throw new UserError(`${where}: matcher applies to pre-tool-use and tool-use hooks only`, EXIT.config);
  }
}

function readRule(file: string, scope: string | null): HookRule {
  const raw = validate(file, readTomlFile(file) ?? {}, isRuleFile);
  const dir = join(file, '..');
  const rule: HookRule = {
    id: basename(file, '.toml'), scope, file, on: raw.on,
    shell: raw.shell, webhook: raw.webhook, webhookTemplate: raw['webhook-template'],
    script: raw.script === undefined ? undefined : isAbsolute(raw.script) ? raw.script : join(dir, raw.script),
    matcher: raw.matcher, timeout: raw.timeout, period: raw.period, limit: raw.limit, of: raw.of,
  };
  checkRule(rule, file);
  return rule;
}

/** The rules of one scope, in file-name order. A missing directory has none. */
export function loadRules(scope: string | null, env: NodeJS.ProcessEnv = process.env): HookRule[] {
  const dir = hooksDir(scope, env);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.toml')).sort().map((n) => readRule(join(dir, n), scope));
}

/** Every rule that applies to a profile: the global ones first, then its own. */
export function rulesFor(profile: string | null, env: NodeJS.ProcessEnv = process.env): HookRule[] {
  return [...loadRules(null, env), ...(profile && isValidName(profile) ? loadRules(profile, env) : [])];
}

/** Profiles that have a hooks directory. */
export function profilesWithHooks(env: NodeJS.ProcessEnv = process.env): string[] {
  let names: string[];
  try {
    names = readdirSync(paths.profilesDir(env));
  } catch {
    return [];
  }
  return names.filter((n) => isValidName(n) && existsSync(paths.profileHooks(n, env))).sort();
}

function globToRe(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

/** `Bash`, `Bash|Edit`, `mcp__*`; no matcher (or `*`) matches every tool. */
export function matchesTool(matcher: string | undefined, tool: string | undefined): boolean {
  if (matcher === undefined || matcher.trim() === '' || matcher.trim() === '*') return true;
  if (tool === undefined) return false;
  return matcher.split('|').some((m) => globToRe(m.trim()).test(tool));
}

export function matching(rules: HookRule[], event: HookEvent, tool?: string): HookRule[] {
  return rules.filter((r) => r.on === event && matchesTool(r.matcher, tool));
}

export interface NewRule {
  on: HookEvent;
  shell?: string;
  webhook?: string;
  webhookTemplate?: string;
  /** Path of a script to copy into the hooks dir. */
  scriptFile?: string;
  matcher?: string;
  timeout?: number;
  period?: 'day' | 'month';
  limit?: number;
  of?: number;
  /** Rule id; default `<event>-<n>`. */
  name?: string;
}

/** Write a new rule file; returns it. Refuses an id already taken. */
export function addRule(scope: string | null, spec: NewRule, env: NodeJS.ProcessEnv = process.env): HookRule {
  if (scope !== null && !existsSync(paths.profileManifest(scope, env))) {
    throw new UserError(`no profile named ${scope}; see \`ringlet profiles list\``, EXIT.notFound);
  }
  const dir = hooksDir(scope, env);
  let id = spec.name;
  if (id !== undefined && !isValidName(id)) throw new UserError(`hook name ${JSON.stringify(id)} must look like [A-Za-z0-9][A-Za-z0-9._-]*`, EXIT.usage);
  if (id === undefined) {
    let n = 1;
    while (existsSync(join(dir, `${spec.on}-${n}.toml`))) n++;
    id = `${spec.on}-${n}`;
  } else if (existsSync(join(dir, `${id}.toml`))) {
    throw new UserError(`a hook named ${id} already exists in ${scopeLabel(scope)}; remove it first: ringlet hooks rm ${scope ?? '--all-profiles'} ${id}`, EXIT.usage);
  }
  const file = join(dir, `${id}.toml`);
  let scriptName: string | undefined;
  if (spec.scriptFile !== undefined) {
    if (!existsSync(spec.scriptFile)) throw new UserError(`no such script: ${spec.scriptFile}`, EXIT.notFound);
    scriptName = `${id}.js`;
  }
  const rule: HookRule = {
    id, scope, file, on: spec.on, shell: spec.shell, webhook: spec.webhook, webhookTemplate: spec.webhookTemplate,
    script: scriptName && join(dir, scriptName), matcher: spec.matcher, timeout: spec.timeout, period: spec.period, limit: spec.limit, of: spec.of,
  };
  if (rule.on === 'cost-threshold') rule.period ??= 'day';
  checkRule(rule, `hook ${id}`);
  if (spec.scriptFile !== undefined) {
    // Checked before anything is written: a script that does not even parse should not become a rule.
    const source = readFileSync(spec.scriptFile, 'utf8');
    if (!source.trim()) throw new UserError(`script ${spec.scriptFile} is empty`, EXIT.usage);
  }
  const table: TomlTable = { on: rule.on };
  if (rule.shell !== undefined) table.shell = rule.shell;
  if (rule.webhook !== undefined) table.webhook = rule.webhook;
  if (rule.webhookTemplate !== undefined) table['webhook-template'] = rule.webhookTemplate;
  if (scriptName !== undefined) table.script = scriptName;
  if (rule.matcher !== undefined) table.matcher = rule.matcher;
  if (rule.timeout !== undefined) table.timeout = rule.timeout;
  if (rule.period !== undefined) table.period = rule.period;
  if (rule.limit !== undefined) table.limit = rule.limit;
  if (rule.of !== undefined) table.of = rule.of;
  if (spec.scriptFile !== undefined) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(spec.scriptFile, join(dir, scriptName!));
  }
  writeTomlFile(file, table, { mode: 0o600 });
  return rule;
}

/** Remove a rule (and its copied script). */
export function removeRule(scope: string | null, id: string, env: NodeJS.ProcessEnv = process.env): HookRule {
  const dir = hooksDir(scope, env);
  const file = join(dir, `${id}.toml`);
  if (!isValidName(id) || !existsSync(file)) throw new UserError(`no hook named ${id} in ${scopeLabel(scope)}; see \`ringlet hooks list\``, EXIT.notFound);
  const rule = readRule(file, scope);
  rmSync(file);
  // Only a script we copied in (same dir, named after the rule) is ours to delete.
  if (rule.script === join(dir, `${id}.js`)) rmSync(rule.script, { force: true });
  return rule;
}

/** True when the rule is one the agent waits for. */
export function isGating(rule: HookRule): boolean {
  return GATING_EVENTS.has(rule.on);
}
