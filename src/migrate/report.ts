/** Human-readable audit and plan text (the CLI prints it), and the last-line scrub of key values. */
import { mask } from './keys.js';
import { describeKey } from './wizard.js';
import type { Plan } from './planner.js';
import type { AuditResult, Finding, KeySource } from './types.js';

export function tildify(path: string, home: string): string {
  return path === home ? '~' : path.startsWith(home + '/') ? `~${path.slice(home.length)}` : path;
}

export function keyText(k: KeySource): string {
  switch (k.kind) {
    case 'literal':
      return k.masked ?? 'literal';
    case 'command':
      return `$(${truncate(k.command ?? k.program ?? '…', 40)})`;
    case 'env':
      return `$${k.from}${k.resolved ? ` = ${keyText(k.resolved)}` : ''}`;
    case 'reference':
      return k.ref ?? 'reference';
    case 'placeholder':
      return 'placeholder';
    default:
      return '-';
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function findingLabel(f: Finding, home: string): string {
  const what = f.kind === 'export' ? 'exports' : f.kind === 'envrc' ? '.envrc' : `${f.kind} ${f.name}`;
  return `${tildify(f.file, home)}:${f.line} ${what}`;
}

export function renderAudit(a: AuditResult, plan: Plan, table: (h: string[], rows: string[][]) => string): string {
  const home = a.home;
  const out: string[] = [];
  const files = new Set(a.scanned.map((s) => s.file)).size;
  out.push(`Found ${a.findings.length} agent setup(s) and ${a.keys.length} key(s) on their own in ${files} file(s).`);
  if (a.findings.length) {
    out.push('');
    const profileOf = new Map<string, string>();
    for (const p of plan.profiles) for (const id of p.findings) profileOf.set(id, p.name);
    out.push(table(['PROFILE', 'FROM', 'AGENT', 'PROVIDER', 'KEY', 'CONFIG DIR'], a.findings.map((f) => [
      profileOf.get(f.id) ?? '(left alone)', findingLabel(f, home), f.agent, f.provider ?? '?', keyText(f.keySource), f.configDir ? tildify(f.configDir, home) : '',
    ])).trimEnd());
  }
  if (a.keys.length) {
    out.push('', 'Keys on their own:');
    for (const k of a.keys) out.push(`  ${k.provider}  ${tildify(k.file, home)}:${k.line} ${k.var}  ${keyText(k.keySource)}${k.usedBy.length ? '  (used by a profile above)' : ''}`);
  }
  const problems = a.findings.filter((f) => f.problems.length);
  if (problems.length) {
    out.push('', 'Left alone (does not translate):');
    for (const f of problems) for (const p of f.problems) out.push(`  ${tildify(f.file, home)}:${p.line} ${f.name ?? ''}: ${p.reason}`);
  }
  if (a.ignored.length) {
    out.push('', 'Recognised, not profiles:');
    for (const i of a.ignored) out.push(`  ${tildify(i.file, home)}:${i.line} ${i.name ?? ''}: ${i.reason}`);
  }
  if (a.skipped.length) {
    out.push('', 'Files not read:');
    for (const s of a.skipped.slice(0, 20)) out.push(`  ${tildify(s.file, home)}: ${s.reason}`);
    if (a.skipped.length > 20) out.push(`  … and ${a.skipped.length - 20} more`);
  }
  out.push('', renderPlan(plan, home, new Map(a.findings.map((f) => [f.id, findingLabel(f, home)]))));
  return out.join('\n') + '\n';
}

export function renderPlan(plan: Plan, home: string, labels: Map<string, string> = new Map()): string {
  const out: string[] = ['Plan:'];
  const create = plan.profiles.filter((p) => p.enabled && !p.exists);
  const kept = plan.profiles.filter((p) => p.exists);
  for (const p of create) {
    const extra = [p.endpoint ? `endpoint ${p.endpoint}` : '', p.model ? `model ${p.model}` : '', p.keyAlias ? `key ${p.provider}/${p.keyAlias} (${describeKey(p.key)}${p.key && (p.key.kind === 'command' || p.key.kind === 'reference') && !p.key.run ? ', not run' : ''})` : '',
      p.configDir && p.configDir.action !== 'skip' ? `${p.configDir.action} ${tildify(p.configDir.path, home)}` : ''].filter(Boolean).join(', ');
    out.push(`  create profile ${p.name}: ${p.agent} with ${p.provider}${extra ? `; ${extra}` : ''}`);
  }
  for (const p of kept) out.push(`  profile ${p.name} exists with these settings`);
  for (const k of plan.keys.filter((x) => x.enabled)) out.push(`  store key ${k.provider}/${k.alias} (${describeKey(k.key)})`);
  for (const m of plan.mappings.filter((x) => x.enabled)) out.push(`  map ${tildify(m.path, home)} to profile ${m.profile}`);
  const rw = plan.rewrites.filter((r) => r.enabled);
  const rwFiles = [...new Set(rw.map((r) => tildify(r.file, home)))];
  if (rw.length) out.push(`  rewrite ${rw.length} definition(s) in ${rwFiles.join(', ')} (backed up; \`ringlet migrate --undo\` restores them)`);
  const seen = new Set<string>();
  for (const r of plan.rewrites) {
    if (r.enabled || !r.note || seen.has(r.finding)) continue;
    seen.add(r.finding);
    out.push(`  keep ${labels.get(r.finding) ?? `${tildify(r.file, home)}:${r.startLine}`}: ${r.note}`);
  }
  for (const s of plan.skipped) out.push(`  leave ${labels.get(s.finding) ?? `finding ${s.finding}`}: ${s.reason}`);
  if (out.length === 1) out.push('  nothing to do');
  return out.join('\n');
}

/** Replace any known key value in text by its masked form: the last guard before anything is printed. */
export function scrub(text: string, secrets: Iterable<string>): string {
  const list = [...new Set(secrets)].filter((x) => x.length >= 8).sort((a, b) => b.length - a.length).slice(0, 3000);
  const forms = new Map<string, string>();
  for (const s of list) {
    forms.set(s, mask(s));
    const j = JSON.stringify(s).slice(1, -1); // as it appears inside JSON strings
    if (j !== s) forms.set(j, mask(s));
  }
  const keys = [...forms.keys()];
  let out = text;
  // One pass per chunk of alternatives, longest first, so a big report with many keys stays fast.
  for (let i = 0; i < keys.length; i += 300) {
    const re = new RegExp(keys.slice(i, i + 300).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    out = out.replace(re, (m) => forms.get(m) ?? m);
  }
  return out;
}
