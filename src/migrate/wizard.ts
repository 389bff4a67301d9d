/**
 * The interactive review of a plan: which findings become which profiles (and names), whether to run key
 * commands, copy or move config dirs, store standalone keys, rewrite rc files, add directory mappings.
 * Terminal I/O belongs to the caller (a Prompter); this module only decides what to ask and edits the plan.
 */
import { isValidName } from '../config/paths.js';
import type { AuditResult, Finding } from './types.js';
import type { ConfigDirAction, Plan, PlannedKey, PlannedProfile } from './planner.js';

export interface Prompter {
  say(text: string): void;
  confirm(question: string, dflt: boolean): Promise<boolean>;
  ask(question: string, dflt: string): Promise<string>;
  choose<T extends string>(question: string, options: readonly T[], dflt: T): Promise<T>;
}

export function describeKey(k: PlannedKey | null): string {
  if (!k) return 'no key';
  switch (k.kind) {
    case 'literal':
      return `literal ${k.masked}`;
    case 'command':
      return `from \`${k.command}\``;
    case 'reference':
      return `reference ${k.ref}`;
    case 'env':
      return `from $${k.fromEnv} in migrate's environment`;
    default:
      return k.kind;
  }
}

export function renameProfile(plan: Plan, p: PlannedProfile, name: string): void {
  const old = p.name;
  if (p.keyAlias === old) p.keyAlias = name;
  for (const r of plan.rewrites) {
    if (r.profile !== old) continue;
    r.profile = name;
    r.replacement = r.replacement.map((l) => l.split(` profiles run ${old} -- `).join(` profiles run ${name} -- `));
  }
  for (const m of plan.mappings) if (m.profile === old) m.profile = name;
  for (const [k, v] of Object.entries(plan.aliases)) if (v === old) plan.aliases[k] = name;
  if (plan.defaultProfile === old) plan.defaultProfile = name;
  p.name = name;
}

/** Walk the user through the plan; returns the edited plan, or null when they stop. */
export async function reviewPlan(a: AuditResult, plan: Plan, io: Prompter, show: (f: Finding) => string): Promise<Plan | null> {
  const byId = new Map(a.findings.map((f) => [f.id, f]));
  const names = new Set(plan.profiles.filter((p) => p.exists).map((p) => p.name));
  for (const p of plan.profiles) {
    if (p.exists) continue;
    io.say('');
    io.say(`Profile ${p.name}: ${p.agent} with ${p.provider}${p.endpoint ? ` at ${p.endpoint}` : ''}${p.model ? `, model ${p.model}` : ''}`);
    for (const id of p.findings) {
      const f = byId.get(id);
      if (f) io.say(`  from ${show(f)}`);
    }
    if (p.keyAlias) io.say(`  key: ${describeKey(p.key)}`);
    if (p.configDir) io.say(`  config dir: ${p.configDir.path}`);
    p.enabled = await io.confirm(`Create profile ${p.name}?`, true);
    if (!p.enabled) {
      for (const r of plan.rewrites) if (r.profile === p.name) r.enabled = false;
      continue;
    }
    for (;;) {
      const name = (await io.ask('Name', p.name)).trim() || p.name;
      if (!isValidName(name)) io.say('  use letters, digits, ".", "_" or "-", starting with a letter or digit');
      else if (names.has(name)) io.say(`  ${name} is taken`);
      else {
        if (name !== p.name) renameProfile(plan, p, name);
        break;
      }
    }
    names.add(p.name);
    if (p.key && p.keyAlias && (p.key.kind === 'literal' || p.key.kind === 'env')) {
      if (!(await io.confirm(`Store the key (${describeKey(p.key)}) in the keychain as ${p.provider}/${p.keyAlias}?`, true))) {
        p.key = null;
        for (const r of plan.rewrites) if (r.profile === p.name && r.enabled) (r.enabled = false), (r.note = 'the key was not stored; the old definition stays');
      }
    }
    if (p.key && (p.key.kind === 'command' || (p.key.kind === 'reference' && p.key.ref?.startsWith('op://'))) && !p.key.run) {
      p.key.run = await io.confirm(`Run \`${p.key.command ?? `op read ${p.key.ref}`}\` now to read the key?`, false);
      if (p.key.run) for (const r of plan.rewrites) if (r.profile === p.name && r.note?.startsWith('the key comes from')) (r.enabled = true), delete r.note;
    }
    if (p.configDir) {
      const action = await io.choose<ConfigDirAction>(`Import ${p.configDir.path} into the profile: copy, move or skip?`, ['copy', 'move', 'skip'], p.configDir.action);
      p.configDir.action = action;
    }
  }
  for (const k of plan.keys) {
    io.say('');
    k.enabled = await io.confirm(`Store the ${k.provider} key (${describeKey(k.key)}) in the keychain as ${k.provider}/${k.alias}?`, k.enabled);
    if (k.enabled && (k.key.kind === 'command' || k.key.kind === 'reference') && !k.key.run) k.key.run = await io.confirm(`Run \`${k.key.command ?? `op read ${k.key.ref}`}\` now to read it?`, false);
  }
  for (const m of plan.mappings) {
    if (!plan.profiles.find((p) => p.name === m.profile)?.enabled) continue;
    m.enabled = await io.confirm(`Use profile ${m.profile} automatically in ${m.path} (a directory mapping)?`, true);
  }
  const live = plan.rewrites.filter((r) => plan.profiles.find((p) => p.name === r.profile)?.enabled);
  const defs = live.filter((r) => r.enabled);
  if (defs.length) {
    const files = [...new Set(defs.map((r) => (r.file.startsWith(`${plan.home}/`) ? `~${r.file.slice(plan.home.length)}` : r.file)))];
    io.say('');
    const ok = await io.confirm(`Rewrite ${defs.length} definition(s) in ${files.join(', ')}? (old lines stay as comments; backups are kept; \`ringlet migrate --undo\` restores them)`, true);
    if (!ok) for (const r of defs) r.enabled = false;
  }
  const exports = live.filter((r) => !r.enabled && r.note?.startsWith('global exports'));
  if (exports.length && (await io.confirm('Also comment out the exported keys and URLs now held by profiles?', false))) {
    for (const r of exports) (r.enabled = true), delete r.note;
  }
  io.say('');
  return (await io.confirm('Apply these changes?', true)) ? plan : null;
}
