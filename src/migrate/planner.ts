/**
 * From findings to a plan: which profiles to create (identical setups share one), which keys to store and
 * how to get them, config dirs to import, directory mappings, and the rc rewrites. A plan is plain JSON with
 * no key values in it, so it can be printed, edited and applied later with `--plan FILE`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { internalsOf } from './audit.js';
import { replacementLines } from './rewrite.js';
import type { AuditResult, DefinitionSite, Finding, KeyKind, KeySource } from './types.js';
import type { ProfileManifest } from '../profiles/manifest-types.js';
import type { ProviderSpec } from '../providers/types.js';

export type ConfigDirAction = 'copy' | 'move' | 'skip';

export interface PlannedKey {
  /** The finding whose key this is (apply re-reads it from the file; the plan never holds it). */
  finding: string;
  kind: KeyKind;
  var: string | null;
  masked?: string;
  command?: string;
  program?: string;
  ref?: string;
  /** Variable read from migrate's own environment at apply time (kind env, not found in the files). */
  fromEnv?: string;
  /** Run the command (or `op read REF`) to read the key. Reading a file (`cat ~/.key`) needs no run. */
  run: boolean;
}

export interface PlannedProfile {
  name: string;
  agent: string;
  provider: string;
  endpoint: string | null;
  model: string | null;
  keyAlias: string | null;
  key: PlannedKey | null;
  configDir: { path: string; action: ConfigDirAction } | null;
  findings: string[];
  enabled: boolean;
  /** A profile of this name and settings exists already: nothing to create. */
  exists: boolean;
}

export interface PlannedStandaloneKey { provider: string; alias: string; key: PlannedKey; enabled: boolean }
export interface PlannedMapping { path: string; profile: string; finding: string; enabled: boolean }
export interface PlannedRewrite {
  finding: string;
  profile: string;
  file: string;
  real: string;
  startLine: number;
  endLine: number;
  replacement: string[];
  nested: boolean;
  dialect: 'posix' | 'fish';
  enabled: boolean;
  /** Why it is off by default, when it is. */
  note?: string;
}

export interface Plan {
  version: 1;
  home: string;
  roots: string[];
  /** sha256 of each file to rewrite, as planned: apply leaves a file alone if it changed since. */
  files: Record<string, string>;
  profiles: PlannedProfile[];
  keys: PlannedStandaloneKey[];
  mappings: PlannedMapping[];
  rewrites: PlannedRewrite[];
  /** [shell.aliases] entries: alias name → profile. */
  aliases: Record<string, string>;
  defaultProfile: string | null;
  /** Findings left alone, and why. */
  skipped: { finding: string; reason: string }[];
}

export interface PlanContext {
  /** An existing profile's manifest, or undefined. */
  existing(name: string): ProfileManifest | undefined;
  provider(id: string): ProviderSpec | undefined;
  /** Throws (UserError) when agent and provider cannot work together. */
  check(m: ProfileManifest): void;
  currentDefault?: string;
  existingMappings: { path: string; profile: string }[];
}

export interface PlanOptions {
  runKeyCommands: boolean;
  configDirs: ConfigDirAction;
  rewriteExports: boolean;
  rewriteEnvrc: boolean;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { runKeyCommands: false, configDirs: 'copy', rewriteExports: false, rewriteEnvrc: false };

function keyIdentity(k: KeySource): string {
  return JSON.stringify([k.kind, k.masked, k.command, k.from, k.ref, k.resolved ? keyIdentity(k.resolved) : null]);
}

function finalSource(k: KeySource): KeySource {
  let x = k;
  for (let i = 0; i < 8 && x.kind === 'env' && x.resolved; i++) x = x.resolved;
  return x;
}

export function plannedKey(f: Finding | { id: string; keySource: KeySource }, runKeyCommands: boolean): PlannedKey | null {
  const k = f.keySource;
  const s = finalSource(k);
  const base = { finding: f.id, var: k.var };
  switch (s.kind) {
    case 'literal':
      return { ...base, kind: 'literal', masked: s.masked, run: false };
    case 'command':
      return { ...base, kind: 'command', command: s.command, program: s.program, ...(s.ref ? { ref: s.ref } : {}), run: s.file ? true : runKeyCommands };
    case 'reference':
      return { ...base, kind: 'reference', ref: s.ref, run: runKeyCommands && !!s.ref?.startsWith('op://') };
    case 'env':
      return { ...base, kind: 'env', fromEnv: s.from, run: false };
    default:
      return null;
  }
}

/** Does the key need a command the user did not agree to run? Then the old definition must stay. */
export function keyObtainable(k: PlannedKey | null): boolean {
  if (!k) return true;
  if (k.kind === 'command' || k.kind === 'reference') return k.run;
  return true;
}

function trimSlash(u: string): string {
  return u.replace(/\/+$/, '');
}

export function planMigration(a: AuditResult, ctx: PlanContext, opts: PlanOptions = DEFAULT_PLAN_OPTIONS): Plan {
  const inner = internalsOf(a);
  const plan: Plan = { version: 1, home: a.home, roots: a.roots, files: {}, profiles: [], keys: [], mappings: [], rewrites: [], aliases: {}, defaultProfile: null, skipped: [] };
  const byFinding = new Map<string, PlannedProfile>();
  const bySettings = new Map<string, PlannedProfile>();
  const byName = new Map<string, PlannedProfile>();
  const taken = new Set<string>();
  const linked: Finding[] = [];
  const configDirs = new Map(a.configDirs.map((c) => [c.path, c]));

  // Claude first, so `claude-work` is "work" and `codex-work` becomes "work-codex" rather than the reverse.
  const order = ['claude', 'codex', 'gemini', 'grok', 'opencode', 'droid', 'aider'];
  const findings = [...a.findings].sort((x, y) => order.indexOf(x.agent) - order.indexOf(y.agent));
  for (const f of findings) {
    if (!f.translatable || !f.provider) {
      plan.skipped.push({ finding: f.id, reason: f.problems[0]?.reason ?? 'no provider could be inferred' });
      continue;
    }
    if (inner.placeholderOnly.has(f.id)) {
      plan.skipped.push({ finding: f.id, reason: 'its key is a placeholder; nothing to migrate' });
      continue;
    }
    if (f.via && !inner.ownWorthy.get(f.id)) {
      linked.push(f);
      continue;
    }
    const providerId = f.provider;
    const spec = ctx.provider(providerId);
    if (!spec) {
      plan.skipped.push({ finding: f.id, reason: `unknown provider ${f.provider}` });
      continue;
    }
    let endpoint: string | null = null;
    if (f.baseUrl && (spec.kind === 'custom' || !Object.values(spec.endpoints).some((u) => u && trimSlash(u) === trimSlash(f.baseUrl!)))) endpoint = f.baseUrl;
    if (spec.kind === 'cloud' || spec.kind === 'self') endpoint = null;
    const key = spec.kind === 'api' || spec.kind === 'custom' ? plannedKey(f, opts.runKeyCommands) : null;
    const settings = JSON.stringify([f.agent, f.provider, endpoint, f.model, key ? keyIdentity(f.keySource) : null, f.configDir]);
    let p = bySettings.get(settings);
    if (!p) {
      const keyAliasFor = (name: string) => (spec.kind === 'api' || (spec.kind === 'custom' && key) ? name : null);
      const manifestFor = (name: string): ProfileManifest => {
        const pc: NonNullable<ProfileManifest['provider-config']> = {};
        const ka = keyAliasFor(name);
        if (ka) pc['key-alias'] = ka;
        if (endpoint) pc.endpoint = endpoint;
        if (f.model) pc.model = f.model;
        return { agent: f.agent, provider: providerId, ...(Object.keys(pc).length ? { 'provider-config': pc } : {}) };
      };
      // A name is usable if free, or an existing profile has exactly these settings (a re-run).
      let exists = false;
      const candidates = function* () {
        yield f.profile;
        yield `${f.profile}-${f.agent}`;
        for (let n = 2; ; n++) yield `${f.profile}-${n}`;
      };
      let name = f.profile;
      for (const c of candidates()) {
        if (c === `${f.profile}-${f.agent}` && (byName.get(f.profile)?.agent ?? f.agent) === f.agent) continue;
        const ex = ctx.existing(c);
        if (!taken.has(c) && (!ex || sameManifest(ex, manifestFor(c)))) {
          name = c;
          exists = !!ex;
          break;
        }
      }
      try {
        ctx.check(manifestFor(name));
      } catch (err) {
        plan.skipped.push({ finding: f.id, reason: (err as Error).message });
        continue;
      }
      taken.add(name);
      const existingAlias = exists ? ctx.existing(name)?.['provider-config']?.['key-alias'] : undefined;
      const cdInfo = f.configDir ? configDirs.get(f.configDir) : undefined;
      p = {
        name, agent: f.agent, provider: providerId, endpoint, model: f.model, keyAlias: existingAlias ?? keyAliasFor(name), key,
        configDir: cdInfo?.exists ? { path: cdInfo.path, action: exists ? 'skip' : opts.configDirs } : null,
        findings: [], enabled: true, exists,
      };
      plan.profiles.push(p);
      bySettings.set(settings, p);
      byName.set(name, p);
    }
    p.findings.push(f.id);
    byFinding.set(f.id, p);

    if (f.kind === 'envrc') {
      const dir = inner.envrcDirs.get(f.id);
      if (dir && !plan.mappings.some((m) => m.path === dir) && !ctx.existingMappings.some((m) => m.path === dir && m.profile === p!.name)) {
        plan.mappings.push({ path: dir, profile: p.name, finding: f.id, enabled: true });
      }
    }
    addRewrites(plan, f, p, inner.sites.get(f.id), opts);
  }

  // Aliases that only call another migrated alias keep working once that one is rewritten.
  const migratedByName = new Map<string, Finding>();
  for (const t of a.findings) if (t.name && byFinding.has(t.id)) migratedByName.set(`${t.shell === 'fish'}:${t.name}`, t);
  for (const f of linked) {
    const target = migratedByName.get(`${f.shell === 'fish'}:${f.via}`);
    const p = target ? byFinding.get(target.id) : undefined;
    if (!p) {
      plan.skipped.push({ finding: f.id, reason: `calls ${f.via}, which is not migrated` });
      continue;
    }
    p.findings.push(f.id);
    byFinding.set(f.id, p);
  }

  // Keys on their own: one keychain entry per provider/variable.
  for (const k of a.keys) {
    if (k.usedBy.length || !ctx.provider(k.provider)) continue;
    const key = plannedKey({ id: k.id, keySource: k.keySource }, opts.runKeyCommands);
    if (!key) continue;
    let alias = 'default';
    for (let n = 2; plan.keys.some((x) => x.provider === k.provider && x.alias === alias) || byName.get(alias)?.provider === k.provider; n++) alias = `default-${n}`;
    plan.keys.push({ provider: k.provider, alias, key, enabled: key.kind !== 'env' });
  }

  if (plan.profiles.some((p) => p.name === 'default') && !ctx.currentDefault) plan.defaultProfile = 'default';
  for (const r of plan.rewrites) {
    if (plan.files[r.real]) continue;
    try {
      plan.files[r.real] = sha256(readFileSync(r.real));
    } catch {
      r.enabled = false;
      r.note = 'file unreadable';
    }
  }
  return plan;
}

function addRewrites(plan: Plan, f: Finding, p: PlannedProfile, site: DefinitionSite | undefined, opts: PlanOptions): void {
  if (!site) return;
  if (site.blocked) {
    plan.skipped.push({ finding: f.id, reason: `not rewritten: ${site.blocked}` });
    return;
  }
  let enabled = true;
  let note: string | undefined;
  if (f.kind === 'export' && !opts.rewriteExports) {
    enabled = false;
    note = 'global exports stay unless you choose to comment them out (other tools may read them)';
  }
  if (f.kind === 'envrc' && !opts.rewriteEnvrc) {
    enabled = false;
    note = 'the directory mapping replaces it; .envrc left as is (direnv would ask to allow it again)';
  }
  if (!keyObtainable(p.key)) {
    enabled = false;
    note = `the key comes from \`${p.key?.command ?? p.key?.ref}\`, which migrate did not run; the old definition stays`;
  }
  const replacement = replacementLines(f.kind, f.name, site, p.name);
  // Neighbouring lines of one finding (export A, export B) share one block.
  const spans: DefinitionSite['spans'] = [];
  for (const s of [...site.spans].sort((x, y) => x.real.localeCompare(y.real) || x.startLine - y.startLine)) {
    const last = spans[spans.length - 1];
    if (last && last.real === s.real && s.startLine <= last.endLine + 1) last.endLine = Math.max(last.endLine, s.endLine);
    else spans.push({ ...s });
  }
  spans.forEach((s, i) => {
    plan.rewrites.push({
      finding: f.id, profile: p.name, file: s.file, real: s.real, startLine: s.startLine, endLine: s.endLine, replacement: i === 0 ? replacement : [],
      nested: site.nested, dialect: site.dialect, enabled, ...(note ? { note } : {}),
    });
  });
  if (enabled && (f.kind === 'alias' || f.kind === 'function' || f.kind === 'abbr') && f.name && !site.keepEnv.length && site.args.every((x) => ['"$@"', '$@', '$argv', '"$*"', '$*'].includes(x))) {
    plan.aliases[f.name] = p.name;
  }
}

export function sameManifest(a: ProfileManifest, b: ProfileManifest): boolean {
  const pa = a['provider-config'] ?? {};
  const pb = b['provider-config'] ?? {};
  // The key alias may differ (apply picks a free one when the name is taken in the keychain).
  return a.agent === b.agent && a.provider === b.provider && (pa.endpoint ?? null) === (pb.endpoint ?? null) && (pa.model ?? null) === (pb.model ?? null);
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}
