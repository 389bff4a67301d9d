import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandClass, Definition } from 'clipanion';
import { writeFileAtomic } from '../config/atomic.js';
import { AGENTS } from '../agents/registry.js';
import { BUILTIN_PROVIDERS } from '../providers/builtin.js';
import { fillTemplate } from './assets.js';
import { fishQuote, posixQuote, type ShellName } from './quote.js';

/**
 * Completion scripts generated from the clipanion command tree, so commands added later are completed
 * without touching this file. Values that change at run time (profiles, providers, key aliases, shell
 * aliases) are read from disk by the shell when Tab is pressed; no node process is started.
 *
 * Placeholders name what a positional or an option takes: `<profile>`, `--to`, `<agent>`, `--provider`,
 * `<alias>` under `keychain`, `--key-alias`, `<shell>`, `[path]`. Command authors get completion by
 * naming them that way (`Option.String({ name: 'profile' })`).
 */

export type ValueKind = 'profile' | 'agent' | 'provider' | 'key-alias' | 'shell-alias' | 'shell' | 'file';

export interface OptionSpec { names: string[]; value: boolean; description: string; kind?: ValueKind }
export interface PositionalSpec { name: string; kind?: ValueKind }
export interface CommandSpec {
  words: string[];
  description: string;
  options: OptionSpec[];
  positionals: PositionalSpec[];
  /** Takes further arguments (`...`): after `--`, a command line. */
  rest: boolean;
}

const agentIds = () => AGENTS.map((a) => a.id).filter((id) => WORD_RE.test(id));
export const COMPLETION_FILES: Record<ShellName, string> = { bash: 'ringlet.bash', zsh: '_ringlet', fish: 'ringlet.fish' };

const WORD_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const OPTION_RE = /^--?[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function valueKind(placeholder: string, words: string[]): ValueKind | undefined {
  const n = placeholder.replace(/^-+/, '').toLowerCase();
  if (['profile', 'profiles', 'to', 'from-profile', 'to-profile'].includes(n)) return 'profile';
  if (n === 'name' && words[0] === 'profiles' && words[1] !== 'create') return 'profile';
  if (n === 'agent' || n === 'agents') return 'agent';
  if (n === 'provider' || n === 'providers') return 'provider';
  if (n === 'key-alias' || (n === 'alias' && words[0] === 'keychain')) return 'key-alias';
  if ((n === 'name' || n === 'alias') && words[0] === 'alias' && words[1] !== 'add') return 'shell-alias';
  if (n === 'shell') return 'shell';
  if (['path', 'file', 'dir', 'directory'].includes(n)) return 'file';
  return undefined;
}

const firstLine = (s: string | undefined) => (s ?? '').trim().split('\n')[0].trim();

/** Command specs from the CLI's definitions; secondary paths (aliases such as `revoke`) come from the classes. */
export function commandSpecs(defs: Definition[], classes: CommandClass[] = []): CommandSpec[] {
  const byPath = new Map<string, string[][]>();
  for (const c of classes) {
    const ps = (c.paths ?? []).filter((p) => p.length > 0);
    if (c.usage && ps.length) byPath.set(`ringlet ${ps[0].join(' ')}`, ps);
  }
  const out: CommandSpec[] = [];
  for (const d of defs) {
    const words = d.path.split(' ').slice(1);
    if (!words.length || !words.every((w) => WORD_RE.test(w))) continue;
    const tail = d.usage.slice(d.path.length).trim().split(/\s+/).filter(Boolean);
    const positionals: PositionalSpec[] = [];
    let rest = false;
    for (const t of tail) {
      if (t === '...') rest = true;
      else if (/^<[^>]+>$/.test(t) || /^\[[^\]-][^\]]*\]$/.test(t)) {
        const name = t.slice(1, -1);
        positionals.push({ name, kind: valueKind(name, words) });
      }
    }
    const options: OptionSpec[] = [];
    for (const o of d.options) {
      const [namePart, ...more] = o.definition.split(' ');
      const names = namePart.split(',').filter((n) => OPTION_RE.test(n));
      if (!names.length) continue;
      const long = names.find((n) => n.startsWith('--')) ?? names[0];
      const value = more.some((m) => m.startsWith('#'));
      options.push({ names, value, description: firstLine(o.description), kind: value ? valueKind(long, words) : undefined });
    }
    options.push({ names: ['--help', '-h'], value: false, description: 'Show help for this command' });
    const spec = { words, description: firstLine(d.description), options, positionals, rest };
    for (const p of byPath.get(d.path) ?? [words]) {
      if (p.every((w) => WORD_RE.test(w))) out.push({ ...spec, words: p });
    }
  }
  return out.sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')));
}

interface Tree {
  /** path ("" for the top) -> child word -> description */
  children: Map<string, Map<string, string>>;
  commands: Map<string, CommandSpec>;
}

function buildTree(specs: CommandSpec[]): Tree {
  const children = new Map<string, Map<string, string>>();
  const commands = new Map<string, CommandSpec>();
  for (const s of specs) {
    commands.set(s.words.join(' '), s);
    for (let i = 0; i < s.words.length; i++) {
      const parent = s.words.slice(0, i).join(' ');
      if (!children.has(parent)) children.set(parent, new Map());
      const kids = children.get(parent)!;
      const here = s.words[i];
      if (i === s.words.length - 1) kids.set(here, s.description);
      else if (!kids.has(here)) kids.set(here, '');
    }
  }
  // A group without a command of its own is described by what it holds.
  for (const [parent, kids] of children) {
    for (const [w, desc] of kids) {
      const p = parent ? `${parent} ${w}` : w;
      if (!desc && children.has(p)) kids.set(w, `${[...children.get(p)!.keys()].join(', ')}`);
    }
  }
  return { children, commands };
}

const TOP_OPTIONS: OptionSpec[] = [
  { names: ['--help', '-h'], value: false, description: 'Show help' },
  { names: ['--version', '-v'], value: false, description: 'Show the version' },
];

const providerIds = () => BUILTIN_PROVIDERS.map((p) => p.id).filter((id) => WORD_RE.test(id));

const GENERATED = '# Generated from the command tree by src/shell/completions-gen.ts; edit shell/completion.* instead.';

function renderBash(t: Tree): string {
  const q = posixQuote;
  const L: string[] = [GENERATED];
  L.push('_ringlet_static() {', '    case $1 in');
  L.push(`    agent) _ringlet_r=${q(agentIds().join(' '))} ;;`, `    provider) _ringlet_r=${q(providerIds().join(' '))} ;;`, '    esac', '}');
  L.push('_ringlet_children() {', '    case $1 in');
  for (const [p, kids] of t.children) L.push(`    ${q(p)}) _ringlet_r=${q([...kids.keys()].join(' '))} ;;`);
  L.push("    *) _ringlet_r='' ;;", '    esac', '}');
  L.push('_ringlet_options() {', '    case $1 in');
  L.push(`    '') _ringlet_r=${q(TOP_OPTIONS.flatMap((o) => o.names).join(' '))} ;;`);
  for (const [p, s] of t.commands) L.push(`    ${q(p)}) _ringlet_r=${q(s.options.flatMap((o) => o.names).join(' '))} ;;`);
  L.push("    *) _ringlet_r='--help' ;;", '    esac', '}');
  L.push('# Succeeds when option $2 of command $1 takes a value; its kind goes to _ringlet_kind.', '_ringlet_valopt() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) for (const o of s.options) if (o.value) for (const n of o.names) L.push(`    ${q(`${p}|${n}`)}) _ringlet_kind=${q(o.kind ?? 'none')} ;;`);
  L.push('    *) return 1 ;;', '    esac', '}');
  L.push('_ringlet_arg() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) s.positionals.forEach((a, i) => a.kind && L.push(`    ${q(`${p}|${i}`)}) _ringlet_kind=${q(a.kind)} ;;`));
  for (const [p, s] of t.commands) if (s.rest) L.push(`    ${q(`${p}|`)}*) _ringlet_kind='file' ;;`);
  L.push("    *) _ringlet_kind='' ;;", '    esac', '}');
  return fillTemplate('completion.bash', { TABLES: L.join('\n') });
}


/** zsh's _describe takes "word:description"; a colon in the word would need escaping (our words have none but `:`). */
const zdesc = (w: string, d: string) => posixQuote(`${w.replace(/:/g, '\\:')}:${d}`);

function renderZsh(t: Tree): string {
  const q = posixQuote;
  const L: string[] = [GENERATED];
  L.push('_ringlet_static() {', '    case $1 in');
  L.push(`    (agent) _ringlet_cands=(${agentIds().join(' ')}) ;;`, `    (provider) _ringlet_cands=(${providerIds().join(' ')}) ;;`, '    esac', '}');
  L.push('_ringlet_children() {', '    case $1 in');
  for (const [p, kids] of t.children) L.push(`    (${q(p)}) _ringlet_cands=(${[...kids].map(([w, d]) => zdesc(w, d)).join(' ')}) ;;`);
  L.push('    (*) _ringlet_cands=() ;;', '    esac', '}');
  L.push('_ringlet_options() {', '    case $1 in');
  L.push(`    ('') _ringlet_cands=(${TOP_OPTIONS.flatMap((o) => o.names.map((n) => zdesc(n, o.description))).join(' ')}) ;;`);
  for (const [p, s] of t.commands) L.push(`    (${q(p)}) _ringlet_cands=(${s.options.flatMap((o) => o.names.map((n) => zdesc(n, o.description))).join(' ')}) ;;`);
  L.push(`    (*) _ringlet_cands=(${zdesc('--help', 'Show help')}) ;;`, '    esac', '}');
  L.push('_ringlet_valopt() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) for (const o of s.options) if (o.value) for (const n of o.names) L.push(`    (${q(`${p}|${n}`)}) REPLY=${q(o.kind ?? 'none')} ;;`);
  L.push('    (*) return 1 ;;', '    esac', '}');
  L.push('_ringlet_arg() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) s.positionals.forEach((a, i) => a.kind && L.push(`    (${q(`${p}|${i}`)}) REPLY=${a.kind} ;;`));
  for (const [p, s] of t.commands) if (s.rest) L.push(`    (${q(`${p}|`)}*) REPLY=file ;;`);
  L.push("    (*) REPLY='' ;;", '    esac', '}');
  return fillTemplate('completion.zsh', { TABLES: L.join('\n') });
}


function renderFish(t: Tree): string {
  const q = fishQuote;
  const L: string[] = [GENERATED];
  L.push('function __ringlet_static --argument-names kind', '    switch $kind');
  L.push('        case agent', `            printf '%s\\n' ${agentIds().join(' ')}`, '        case provider', `            printf '%s\\n' ${providerIds().join(' ')}`, '    end', 'end');
  const desc = (w: string, d: string) => `${q(w)} ${q(d)}`;
  L.push('function __ringlet_children --argument-names p', '    switch $p');
  for (const [p, kids] of t.children) {
    L.push(`        case ${q(p)}`);
    L.push(`            printf '%s\\t%s\\n' ${[...kids].map(([w, d]) => desc(w, d)).join(' ')}`);
  }
  L.push('    end', 'end');
  L.push('function __ringlet_options --argument-names p', '    switch $p');
  L.push("        case ''", `            printf '%s\\t%s\\n' ${TOP_OPTIONS.flatMap((o) => o.names.map((n) => desc(n, o.description))).join(' ')}`);
  for (const [p, s] of t.commands) {
    L.push(`        case ${q(p)}`);
    L.push(`            printf '%s\\t%s\\n' ${s.options.flatMap((o) => o.names.map((n) => desc(n, o.description))).join(' ')}`);
  }
  L.push('        case \'*\'', `            printf '%s\\t%s\\n' ${desc('--help', 'Show help')}`, '    end', 'end');
  L.push('function __ringlet_valopt --argument-names p o', '    switch "$p|$o"');
  for (const [p, s] of t.commands) for (const o of s.options) if (o.value) for (const n of o.names) L.push(`        case ${q(`${p}|${n}`)}`, `            echo ${o.kind ?? 'none'}`);
  L.push("        case '*'", '            return 1', '    end', 'end');
  L.push('function __ringlet_arg --argument-names p n', '    switch "$p|$n"');
  for (const [p, s] of t.commands) s.positionals.forEach((a, i) => a.kind && L.push(`        case ${q(`${p}|${i}`)}`, `            echo ${a.kind}`));
  for (const [p, s] of t.commands) if (s.rest) L.push(`        case ${q(`${p}|`)}'*'`, '            echo file');
  L.push('    end', 'end');
  return fillTemplate('completion.fish', { TABLES: L.join('\n') });
}


/** The completion script for one shell. */
export function renderCompletions(shell: ShellName, specs: CommandSpec[]): string {
  const t = buildTree(specs);
  if (shell === 'bash') return renderBash(t);
  if (shell === 'zsh') return renderZsh(t);
  return renderFish(t);
}

/** Specs of the running CLI (the same tree `ringlet --help` shows). */
export async function currentSpecs(): Promise<CommandSpec[]> {
  const [{ buildCli }, { loadCommands }] = await Promise.all([import('../main.js'), import('../cli/commands.js')]);
  const cli = await buildCli();
  return commandSpecs(cli.definitions(), await loadCommands());
}

/** Called by build.mjs after bundling: writes completions/ringlet.bash, completions/_ringlet, completions/ringlet.fish. */
export async function generateCompletions(root: string): Promise<void> {
  const specs = await currentSpecs();
  const dir = join(root, 'completions');
  mkdirSync(dir, { recursive: true });
  for (const shell of ['bash', 'zsh', 'fish'] as const) writeFileAtomic(join(dir, COMPLETION_FILES[shell]), renderCompletions(shell, specs));
}
