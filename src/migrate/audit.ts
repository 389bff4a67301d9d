/**
 * `ringlet migrate --dry-run`: read what the user's shells load (bash, zsh, sh, fish), their .envrc files and
 * wrapper scripts, and report every agent setup found. Pure reading: no process is started, nothing is written.
 * Never throws on odd input; work is bounded (file sizes, source depth and count, directory walk).
 */
import { join, resolve } from 'node:path';
import { providerFromUrl } from '../providers/registry.js';
import { describe, displayArgs, findingId, analyzeBody, resolveChains, type EnvEntry, type Invocation } from './analyze.js';
import { classifyKey } from './keys.js';
import { AGENT_VARS, PROFILE_AGENTS, PROFILE_EXTRAS, PROVIDER_KEY_VARS, PROVIDER_SWITCHES, isAgentBinary, isProfileVar, type AgentId } from './knowledge.js';
import { suggestName, sanitizeName } from './naming.js';
import { Scope, type VarDef } from './scope.js';
import { Session, spanConflict, type Definition } from './session.js';
import { scanPosixFile } from './scanners/rc.js';
import { scanFishFile, scanFishVariables } from './scanners/fish.js';
import { scanWrappers, WRAPPER_DIRS } from './scanners/wrappers.js';
import { DEFAULT_ROOTS, scanEnvrcs } from './scanners/envrc.js';
import { inspectConfigDirs } from './scanners/config-dirs.js';
import { glob, isDir } from './files.js';
import type { AuditResult, DefinitionSite, Finding, KeyFinding, KeySource, SecretValue, ShellKind } from './types.js';

export interface AuditOptions {
  home: string;
  /** Project roots for .envrc files (absolute or relative to HOME); default ~/Projects ~/projects ~/src ~/code ~/work ~/dev. */
  roots?: string[];
  /** Environment used for provider lookups (user provider files). */
  env?: NodeJS.ProcessEnv;
}

/** What apply needs and JSON must never carry: key values and rewrite sites, by finding id. */
export interface AuditInternals {
  secrets: Map<string, SecretValue>;
  sites: Map<string, DefinitionSite>;
  /** Extra profile-worthy env of a finding of its own (vs. inherited through an alias chain). */
  ownWorthy: Map<string, boolean>;
  /** Every literal secret seen, for the last-line redaction of output. */
  redact: Set<string>;
  /** .envrc directory per envrc finding. */
  envrcDirs: Map<string, string>;
  /** Findings whose only key is a placeholder: reported, not migrated. */
  placeholderOnly: Set<string>;
}

const internals = new WeakMap<AuditResult, AuditInternals>();
export function internalsOf(r: AuditResult): AuditInternals {
  const i = internals.get(r);
  if (!i) throw new Error('audit internals are only available for results of audit() in this process');
  return i;
}

export function audit(opts: AuditOptions): AuditResult {
  const home = resolve(opts.home);
  const env = opts.env ?? process.env;
  const session = new Session(home);
  const inner: AuditInternals = { secrets: new Map(), sites: new Map(), ownWorthy: new Map(), redact: new Set(), envrcDirs: new Map(), placeholderOnly: new Set() };

  // zsh: ZDOTDIR may be set in ~/.zshenv and moves the other files.
  const zsh = new Scope(undefined, home);
  // A bug met on one odd file must not cost the whole report: each step is fenced.
  const guard = <T>(what: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      session.parseErrors.push({ file: what, error: `not read: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}` });
      return undefined;
    }
  };
  const rc = (path: string, shell: ShellKind, scope: Scope) =>
    guard(path, () => scanPosixFile(session, path, { shell, scope, mode: 'rc', depth: 0, requireWithinHome: false, sourced: false }));
  rc(join(home, '.zshenv'), 'zsh', zsh);
  const zdotRaw = zsh.get('ZDOTDIR') ? zsh.lookup(join(home, '.zshenv'))('ZDOTDIR') : undefined;
  const zdot = zdotRaw && zdotRaw.startsWith('/') ? zdotRaw : home;
  if (zdot !== home) rc(join(zdot, '.zshenv'), 'zsh', zsh);
  for (const f of ['.zprofile', '.zshrc', '.zlogin']) rc(join(zdot, f), 'zsh', zsh);

  const bash = new Scope(undefined, home);
  for (const f of ['.bash_profile', '.bash_login', '.profile', '.bashrc', '.bash_aliases']) rc(join(home, f), f === '.profile' ? 'sh' : 'bash', bash);

  const fish = new Scope(undefined, home);
  const fishDirs = [join(home, '.config', 'fish')];
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && xdg.startsWith(home + '/') && join(xdg, 'fish') !== fishDirs[0]) fishDirs.push(join(xdg, 'fish'));
  for (const dir of fishDirs) {
    if (!isDir(dir)) continue;
    guard(join(dir, 'fish_variables'), () => scanFishVariables(session, join(dir, 'fish_variables'), fish));
    const fishOpts = { scope: fish, depth: 0, requireWithinHome: false, sourced: false };
    for (const f of glob(join(dir, 'conf.d', '*.fish'))) guard(f, () => scanFishFile(session, f, fishOpts));
    guard(join(dir, 'config.fish'), () => scanFishFile(session, join(dir, 'config.fish'), fishOpts));
    for (const f of glob(join(dir, 'functions', '*.fish'))) guard(f, () => scanFishFile(session, f, fishOpts));
  }

  // Wrapper scripts inherit what the login shells export.
  guard(join(home, '.local/bin'), () => scanWrappers(session, WRAPPER_DIRS.map((d) => join(home, d)), bash));

  const roots = (opts.roots?.length ? opts.roots : DEFAULT_ROOTS).map((r) => (r.startsWith('/') ? r : join(home, r.replace(/^~\//, ''))));
  const envrcs = guard(roots.join(' '), () => scanEnvrcs(session, roots.filter(isDir), bash)) ?? [];

  const registry = (url: string) => {
    try {
      return providerFromUrl(url, env)?.id;
    } catch {
      return undefined;
    }
  };

  const findings: Finding[] = [];
  const keys: KeyFinding[] = [];

  // ---- definitions: aliases, functions, abbreviations, wrappers ----
  const invs = new Map<Definition, Invocation>();
  for (const d of session.defs) {
    const inv = guard(`${d.file.path}:${d.line}`, () => analyzeBody(d, session));
    if (inv) invs.set(d, inv);
  }
  const defs = session.defs.filter((d) => invs.has(d));
  const resolved = guard('definitions', () => resolveChains(defs, invs)) ?? invs;
  for (const d of defs) guard(`${d.file.path}:${d.line}`, () => {
    const inv = resolved.get(d)!;
    const own = invs.get(d)!;
    if (!inv.agent) {
      if (isAgentBinary(d.name) && inv.program && d.kind !== 'wrapper') session.ignored.push({ file: d.file.path, line: d.line, name: d.name, reason: `named like an agent but runs ${inv.program}` });
      return;
    }
    const desc = describe(inv.agent, inv.env, inv.args, inv.runner, home, registry, inv.line);
    if (!desc.profileWorthy) {
      const reason = d.kind === 'wrapper' ? 'starts the agent with no key, endpoint, model or config dir of its own' : 'flags only: sets no key, endpoint, model or config dir';
      session.ignored.push({ file: d.file.path, line: d.line, name: d.name, reason });
      return;
    }
    const problems = [...inv.problems, ...desc.problems];
    if (d.kind === 'wrapper' && isAgentBinary(d.name) && inv.bin === d.name) problems.push({ line: inv.line, reason: `the wrapper is named ${d.name} and calls ${d.name} by name (it would call itself)` });
    if (!PROFILE_AGENTS.has(inv.agent)) problems.push({ line: inv.line, reason: `ringlet has no ${inv.agent} agent; run it inside a profile with \`ringlet profiles run NAME -- ${inv.agent}\`` });
    const id = findingId(d.file.path, d.kind, d.name, d.line);
    const f: Finding = {
      id, kind: d.kind, name: d.name, shell: d.shell, file: d.file.path, line: d.line, endLine: d.endLine, agent: inv.agent,
      provider: desc.provider, baseUrl: desc.baseUrl, model: desc.model, configDir: desc.configDir, keySource: desc.keySource, env: desc.display,
      args: displayArgs(inv.args, inner.redact), via: inv.via, conditional: d.conditional, translatable: problems.length === 0 && PROFILE_AGENTS.has(inv.agent) && !!desc.provider,
      problems: dedupeProblems(problems), notes: [], profile: suggestName(d.kind, d.name, inv.agent, desc.provider),
    };
    if (d.kind === 'wrapper' && d.file.script.errors.length) f.notes.push('parsed with errors; read line by line');
    findings.push(f);
    if (desc.placeholderOnly) inner.placeholderOnly.add(id);
    if (desc.secret) inner.secrets.set(id, desc.secret);
    inner.ownWorthy.set(id, [...own.env.entries()].some(([k, e]) => isProfileVar(k) && e.word) || !!own.runner);
    inner.sites.set(id, {
      dialect: d.dialect, spans: [{ file: d.file.path, real: d.file.real, startLine: d.line, endLine: d.endLine }], blocked: d.blocked,
      bin: inv.bin, args: inv.args.map((a) => a.raw), keepEnv: keptEnv(inv.env, desc.consumed), nested: d.nested,
    });
  });

  // ---- globally exported variables, per shell ----
  const shells: [ShellKind, Scope][] = [['zsh', zsh], ['bash', bash], ['fish', fish]];
  for (const [shell, scope] of shells) {
    const defs = scope.own().filter((d) => d.global && d.exported && d.word);
    guard(`${shell} exports`, () => groupFindings(defs, shell, 'export', null, session, registry, findings, keys, inner));
  }
  for (const e of envrcs) {
    const defs = e.scope.own().filter((d) => d.exported && d.word);
    const before = findings.length;
    guard(e.file, () => groupFindings(defs, 'direnv', 'envrc', sanitizeName(e.name) || 'project', session, registry, findings, keys, inner, e.file));
    for (const f of findings.slice(before)) inner.envrcDirs.set(f.id, e.dir);
  }

  // Keys referenced by findings are stored with those profiles, not on their own.
  for (const k of keys) {
    for (const f of findings) if (keyChainFrom(f.keySource).includes(k.var)) k.usedBy.push(f.id);
  }
  for (const s of inner.secrets.values()) if (s.kind === 'literal') inner.redact.add(s.value);
  guard('key values', () => collectLiterals(session, inner.redact));

  const result: AuditResult = {
    version: 1, home, roots, scanned: session.scanned, skipped: session.skipped, findings, keys, ignored: session.ignored,
    configDirs: guard('config dirs', () => inspectConfigDirs(findings)) ?? [], parseErrors: session.parseErrors,
  };
  internals.set(result, inner);
  return result;
}

function dedupeProblems<T extends { line: number; reason: string }>(ps: T[]): T[] {
  const seen = new Set<string>();
  return ps.filter((p) => (seen.has(p.reason) ? false : (seen.add(p.reason), true)));
}

function keptEnv(env: Map<string, EnvEntry>, consumed: Set<string>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, e] of env) if (!consumed.has(name) && e.word && e.raw !== null) out.push([name, e.raw]);
  return out;
}

function keyChainFrom(k: KeySource): string[] {
  const out: string[] = [];
  for (let x: KeySource | undefined = k; x && out.length < 8; x = x.resolved) if (x.from) out.push(x.from);
  return out;
}

/** Which agent a set of exported variables configures. */
function groupOf(name: string, mentioned: Set<string>, names: Set<string>): AgentId | undefined {
  const claude = AGENT_VARS.claude;
  if ([...claude.keys, ...claude.baseUrl, ...claude.model, ...claude.configDir].includes(name) || name === 'CLAUDE_CODE_USE_BEDROCK' || name === 'CLAUDE_CODE_USE_VERTEX') return 'claude';
  if (/^ANTHROPIC_(DEFAULT_(OPUS|SONNET|HAIKU)_MODEL|SMALL_FAST_MODEL)$/.test(name)) return 'claude';
  if (name === 'CODEX_HOME') return 'codex';
  if (['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_API_BASE'].includes(name) && (mentioned.has('codex') || names.has('CODEX_HOME'))) return 'codex';
  if (['GROK_API_KEY', 'GROK_BASE_URL', 'GROK_MODEL', 'GROK_HOME'].includes(name)) return 'grok';
  if (name === 'XAI_API_KEY' && mentioned.has('grok')) return 'grok';
  if (['GOOGLE_GEMINI_BASE_URL', 'GEMINI_MODEL'].includes(name)) return 'gemini';
  if (name === 'GEMINI_API_KEY' && mentioned.has('gemini')) return 'gemini';
  if (name === 'GOOGLE_GENAI_USE_VERTEXAI' && mentioned.has('gemini')) return 'gemini';
  if (name === 'FACTORY_API_KEY') return 'droid';
  return undefined;
}

function groupFindings(
  defs: VarDef[], shell: ShellKind, kind: 'export' | 'envrc', name: string | null, session: Session, registry: (u: string) => string | undefined,
  findings: Finding[], keys: KeyFinding[], inner: AuditInternals, envrcFile?: string,
): void {
  const names = new Set(defs.map((d) => d.name));
  const groups = new Map<AgentId, VarDef[]>();
  const used = new Set<string>();
  for (const d of defs) {
    const g = groupOf(d.name, session.mentioned, names);
    if (!g) continue;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(d);
    used.add(d.name);
  }
  // Cloud extras (AWS_REGION, …) travel with the claude group when it uses a cloud provider.
  const claude = groups.get('claude');
  if (claude && claude.some((d) => d.name in PROVIDER_SWITCHES)) {
    for (const d of defs) if (PROFILE_EXTRAS.has(d.name) && !used.has(d.name)) claude.push(d), used.add(d.name);
  }
  for (const [agent, group] of groups) {
    const env = new Map<string, EnvEntry>();
    for (const d of group) env.set(d.name, { name: d.name, word: d.word, file: d.file, line: d.line, scope: d.scope, dialect: d.dialect, def: d, raw: d.word?.raw ?? null });
    const desc = describe(agent, env, [], null, session.home, registry);
    if (!desc.profileWorthy) continue;
    const keyDef = group.find((d) => d.name === desc.keyVar) ?? group.slice().sort((a, b) => a.line - b.line)[0];
    const file = envrcFile ?? keyDef.file;
    const own = envrcFile ? group.filter((d) => d.file === envrcFile).map((d) => d.line) : [];
    // An .envrc that only loads a dotenv file: point at the .envrc itself.
    const line = envrcFile ? (own.length ? Math.min(...own) : 1) : keyDef.line;
    const id = findingId(file, kind, `${name ?? ''}:${agent}`, line);
    const problems = [...desc.problems];
    const f: Finding = {
      id, kind, name, shell, file, line, endLine: line, agent, provider: desc.provider, baseUrl: desc.baseUrl, model: desc.model,
      configDir: desc.configDir, keySource: desc.keySource, env: desc.display, args: [], via: null,
      conditional: group.some((d) => d.conditional), translatable: problems.length === 0 && !!desc.provider, problems, notes: [],
      profile: kind === 'export' ? 'default' : name ?? 'project',
    };
    if (kind === 'export' && group.some((d) => d.file.endsWith('fish_variables'))) f.notes.push('universal variable (set -U); erase it with `set -e -U NAME` once migrated');
    findings.push(f);
    if (desc.placeholderOnly) inner.placeholderOnly.add(id);
    if (desc.secret) inner.secrets.set(id, desc.secret);
    inner.ownWorthy.set(id, true);
    const spans: DefinitionSite['spans'] = [];
    let blocked: string | undefined;
    for (const d of group) {
      const site = d.site;
      const sf = site ? session.files.get(site.real) : undefined;
      if (!site || !sf) {
        blocked ??= `${d.name} is set in ${d.file}, which migrate does not rewrite`;
        continue;
      }
      const conflict = !site.guardsOnly ? 'the statement also runs other commands' : spanConflict(sf, site.start, site.end, site.stmt);
      if (conflict) blocked ??= `${d.name} (${d.file}:${d.line}): ${conflict}`;
      if (!sf.rewritable) blocked ??= `${d.file} is outside HOME or not writable`;
      spans.push({ file: sf.path, real: sf.real, startLine: sf.lines.lineOf(site.start), endLine: sf.lines.lineOf(Math.max(site.start, site.end - 1)) });
    }
    inner.sites.set(id, { dialect: group[0].dialect, spans, blocked, bin: '', args: [], keepEnv: [], nested: group.some((d) => d.site?.nested) });
  }
  // Keys on their own: a keychain entry each.
  for (const d of defs) {
    if (used.has(d.name)) continue;
    const provider = PROVIDER_KEY_VARS[d.name];
    if (!provider) continue;
    const c = classifyKey(d.word, d.name, { scope: d.scope, file: d.file, line: d.line, dialect: d.dialect, self: d });
    if (c.source.kind === 'none') continue;
    const id = findingId(d.file, 'key', d.name, d.line);
    keys.push({ id, var: d.name, provider, shell, file: d.file, line: d.line, keySource: c.source, usedBy: [] });
    if (c.secret) inner.secrets.set(id, c.secret);
  }
}

/** Every literal value of a secret-named variable anywhere, so output can be scrubbed of it as a last resort. */
function collectLiterals(session: Session, out: Set<string>): void {
  for (const sf of session.files.values()) {
    for (const m of sf.text.matchAll(/(?:^|[\s;'"])(?:export\s+|set\s+-\w+\s+)?[A-Z][A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD)\s*[=\s]\s*["']?([A-Za-z0-9_\-.:/+=]{12,})/gm)) {
      if (!m[1].includes('$') && !m[1].startsWith('op://')) out.add(m[1]);
    }
  }
}

