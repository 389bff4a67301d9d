import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandClass, Definition } from 'clipanion';
import { writeFileAtomic } from '../config/atomic.js';
import { BUILTIN_PROVIDERS } from '../providers/builtin.js';
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

/** Agent ids = binary names. Kept here until the agents registry exports its list. */
export const AGENT_IDS = ['claude', 'codex', 'grok', 'droid', 'opencode', 'gemini'];
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

function header(shell: ShellName, comment: string): string {
  return [
    `${comment} ${shell} completion for ringlet. Generated from the command tree (src/shell/completions-gen.ts); do not edit.`,
    `${comment} Profiles, providers and key aliases are read from disk when you press Tab: no node process starts.`,
  ].join('\n');
}

function renderBash(t: Tree): string {
  const q = posixQuote;
  const L: string[] = [header('bash', '#'), ''];
  L.push('_ringlet_children() {', '    case $1 in');
  for (const [p, kids] of t.children) L.push(`    ${q(p)}) _ringlet_r=${q([...kids.keys()].join(' '))} ;;`);
  L.push("    *) _ringlet_r='' ;;", '    esac', '}');
  L.push('_ringlet_options() {', '    case $1 in');
  L.push(`    '') _ringlet_r=${q(TOP_OPTIONS.flatMap((o) => o.names).join(' '))} ;;`);
  for (const [p, s] of t.commands) L.push(`    ${q(p)}) _ringlet_r=${q(s.options.flatMap((o) => o.names).join(' '))} ;;`);
  L.push("    *) _ringlet_r='--help' ;;", '    esac', '}');
  L.push('# Succeeds when option $2 of command $1 takes a value; its kind goes to _ringlet_kind.', '_ringlet_valopt() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) for (const o of s.options) if (o.value) for (const n of o.names) L.push(`    ${q(`${p}|${n}`)}) _ringlet_kind=${o.kind ?? 'file'} ;;`);
  L.push('    *) return 1 ;;', '    esac', '}');
  L.push('_ringlet_arg() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) s.positionals.forEach((a, i) => a.kind && L.push(`    ${q(`${p}|${i}`)}) _ringlet_kind=${a.kind} ;;`));
  for (const [p, s] of t.commands) if (s.rest) L.push(`    ${q(`${p}|`)}*) _ringlet_kind=file ;;`);
  L.push("    *) _ringlet_kind='' ;;", '    esac', '}');
  L.push(BASH_RUNTIME.replace('@AGENTS@', AGENT_IDS.join(' ')).replace('@PROVIDERS@', providerIds().join(' ')));
  L.push('complete -F _ringlet ringlet');
  return L.join('\n') + '\n';
}

const BASH_RUNTIME = String.raw`
# Adds the words of $1 that start with $2.
_ringlet_words() {
    local w IFS=$' \t\n'
    for w in $1; do
        if [[ $w == "$2"* ]]; then COMPREPLY+=("$w"); fi
    done
}

# Lists names from a glob or a cache file; names are checked against the profile-name pattern.
_ringlet_names() {
    local f n fg=
    if shopt -q failglob; then fg=1; shopt -u failglob; fi
    case $1 in
    dir) for f in "$2"/*/ringlet.toml; do n=${f%/ringlet.toml}; n=${n##*/}; [[ -e $f ]] && _ringlet_r+=" $n"; done ;;
    toml) for f in "$2"/*.toml; do n=${f##*/}; n=${n%.toml}; [[ -e $f ]] && _ringlet_r+=" $n"; done ;;
    lines) if [[ -r $2 ]]; then while IFS= read -r n || [[ -n $n ]]; do _ringlet_r+=" $n"; done <"$2"; fi ;;
    esac
    if [[ -n $fg ]]; then shopt -s failglob; fi
    local keep=
    for n in $_ringlet_r; do if [[ $n =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then keep+=" $n"; fi; done
    _ringlet_r=$keep
}

_ringlet_values() {
    local cur=$2 home=${RINGLET_HOME:-${HOME-}/.ringlet} cfg IFS=$' \t\n'
    if [[ ${XDG_CONFIG_HOME-} == /* ]]; then cfg=$XDG_CONFIG_HOME/ringlet; else cfg=${HOME-}/.config/ringlet; fi
    _ringlet_r=
    case $1 in
    profile) _ringlet_names dir "$home/profiles" ;;
    agent) _ringlet_r='@AGENTS@' ;;
    provider) _ringlet_r='@PROVIDERS@'; _ringlet_names toml "$cfg/providers" ;;
    key-alias) _ringlet_names lines "$home/cache/key-aliases" ;;
    shell-alias) _ringlet_names lines "$home/cache/shell-aliases" ;;
    shell) _ringlet_r='bash zsh fish' ;;
    file)
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY+=($(compgen -f -- "$cur"))
        return 0 ;;
    command)
        local IFS=$'\n'
        COMPREPLY+=($(compgen -c -- "$cur"))
        return 0 ;;
    esac
    _ringlet_words "$_ringlet_r" "$cur"
}

# Walks the words before the cursor: subcommand words extend the command path, options that take a value
# swallow the next word, other words are positionals, and "--" starts a command line of its own.
_ringlet() {
    local cur=${COMP_WORDS[COMP_CWORD]-} cpath= w i npos=0 dd=0 want=0 _ringlet_r= _ringlet_kind=
    COMPREPLY=()
    for (( i = 1; i < COMP_CWORD; i++ )); do
        w=${COMP_WORDS[i]}
        if (( want )); then want=0; continue; fi
        if (( dd )); then dd=$(( dd + 1 )); continue; fi
        case $w in
        --) dd=1 ;;
        -*) if _ringlet_valopt "$cpath" "$w"; then want=1; fi ;;
        *)
            _ringlet_children "$cpath"
            if (( npos == 0 )) && [[ " $_ringlet_r " == *" $w "* ]]; then cpath=${cpath:+$cpath }$w; else npos=$(( npos + 1 )); fi ;;
        esac
    done
    if (( want )); then _ringlet_values "$_ringlet_kind" "$cur"; return 0; fi
    if (( dd == 1 )); then _ringlet_values command "$cur"; return 0; fi
    if (( dd > 1 )); then _ringlet_values file "$cur"; return 0; fi
    if [[ $cur == -* ]]; then _ringlet_options "$cpath"; _ringlet_words "$_ringlet_r" "$cur"; return 0; fi
    if (( npos == 0 )); then _ringlet_children "$cpath"; _ringlet_words "$_ringlet_r" "$cur"; fi
    _ringlet_arg "$cpath" "$npos"
    if [[ -n $_ringlet_kind ]]; then _ringlet_values "$_ringlet_kind" "$cur"; fi
    return 0
}
`;

/** zsh's _describe takes "word:description"; a colon in the word would need escaping (our words have none but `:`). */
const zdesc = (w: string, d: string) => posixQuote(`${w.replace(/:/g, '\\:')}:${d}`);

function renderZsh(t: Tree): string {
  const q = posixQuote;
  const L: string[] = ['#compdef ringlet', header('zsh', '#'), ''];
  L.push('_ringlet_children() {', '    case $1 in');
  for (const [p, kids] of t.children) L.push(`    (${q(p)}) reply=(${[...kids].map(([w, d]) => zdesc(w, d)).join(' ')}) ;;`);
  L.push('    (*) reply=() ;;', '    esac', '}');
  L.push('_ringlet_options() {', '    case $1 in');
  L.push(`    ('') reply=(${TOP_OPTIONS.flatMap((o) => o.names.map((n) => zdesc(n, o.description))).join(' ')}) ;;`);
  for (const [p, s] of t.commands) L.push(`    (${q(p)}) reply=(${s.options.flatMap((o) => o.names.map((n) => zdesc(n, o.description))).join(' ')}) ;;`);
  L.push(`    (*) reply=(${zdesc('--help', 'Show help')}) ;;`, '    esac', '}');
  L.push('_ringlet_valopt() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) for (const o of s.options) if (o.value) for (const n of o.names) L.push(`    (${q(`${p}|${n}`)}) REPLY=${o.kind ?? 'file'} ;;`);
  L.push('    (*) return 1 ;;', '    esac', '}');
  L.push('_ringlet_arg() {', '    case "$1|$2" in');
  for (const [p, s] of t.commands) s.positionals.forEach((a, i) => a.kind && L.push(`    (${q(`${p}|${i}`)}) REPLY=${a.kind} ;;`));
  for (const [p, s] of t.commands) if (s.rest) L.push(`    (${q(`${p}|`)}*) REPLY=file ;;`);
  L.push("    (*) REPLY='' ;;", '    esac', '}');
  L.push(ZSH_RUNTIME.replace('@AGENTS@', AGENT_IDS.join(' ')).replace('@PROVIDERS@', providerIds().join(' ')));
  return L.join('\n') + '\n';
}

const ZSH_RUNTIME = String.raw`
_ringlet_values() {
    emulate -L zsh
    setopt extendedglob
    local home=${RINGLET_HOME:-$HOME/.ringlet} cfg
    local -a names
    if [[ ${XDG_CONFIG_HOME-} == /* ]]; then cfg=$XDG_CONFIG_HOME/ringlet; else cfg=$HOME/.config/ringlet; fi
    case $1 in
    (profile) names=($home/profiles/*/ringlet.toml(N:h:t)) ;;
    (agent) names=(@AGENTS@) ;;
    (provider) names=(@PROVIDERS@ $cfg/providers/*.toml(N:t:r)) ;;
    (key-alias) [[ -r $home/cache/key-aliases ]] && names=(${(f)"$(<$home/cache/key-aliases)"}) ;;
    (shell-alias) [[ -r $home/cache/shell-aliases ]] && names=(${(f)"$(<$home/cache/shell-aliases)"}) ;;
    (shell) names=(bash zsh fish) ;;
    (file) _files; return ;;
    (*) return 1 ;;
    esac
    names=(${(M)names:#[A-Za-z0-9][A-Za-z0-9._-]#})
    (( $#names )) || return 1
    compadd -a names
}

# Walks the words before the cursor like the bash version; after "--" the rest is completed as a command line.
_ringlet() {
    emulate -L zsh
    local cpath= w REPLY= kind=
    local -a reply
    integer i npos=0 dd=0 want=0 ret=1
    for (( i = 2; i < CURRENT; i++ )); do
        w=${words[i]}
        if (( want )); then want=0; continue; fi
        if [[ $w == -- ]]; then dd=$i; break; fi
        case $w in
        (-*) if _ringlet_valopt "$cpath" "$w"; then want=1; kind=$REPLY; fi ;;
        (*)
            _ringlet_children "$cpath"
            if (( npos == 0 && ${reply[(I)${(b)w}:*]} )); then cpath=${cpath:+$cpath }$w; else (( npos++ )); fi ;;
        esac
    done
    if (( dd )); then
        words=("${(@)words[dd+1,-1]}")
        (( CURRENT -= dd ))
        _normal
        return
    fi
    if (( want )); then _ringlet_values $kind; return; fi
    if [[ ${words[CURRENT]} == -* ]]; then
        _ringlet_options "$cpath"
        _describe -t options option reply && ret=0
        return ret
    fi
    if (( npos == 0 )); then
        _ringlet_children "$cpath"
        (( $#reply )) && _describe -t commands 'ringlet command' reply && ret=0
    fi
    _ringlet_arg "$cpath" $npos
    [[ -n $REPLY ]] && _ringlet_values $REPLY && ret=0
    return ret
}

# Autoloaded from fpath, the file body runs on first use; sourced or eval'd, it registers itself.
if [[ ${zsh_eval_context[-1]-} == loadautofunc ]]; then
    _ringlet "$@"
elif (( $+functions[compdef] )); then
    compdef _ringlet ringlet
fi
`;

function renderFish(t: Tree): string {
  const q = fishQuote;
  const L: string[] = [header('fish', '#'), ''];
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
  for (const [p, s] of t.commands) for (const o of s.options) if (o.value) for (const n of o.names) L.push(`        case ${q(`${p}|${n}`)}`, `            echo ${o.kind ?? 'file'}`);
  L.push("        case '*'", '            return 1', '    end', 'end');
  L.push('function __ringlet_arg --argument-names p n', '    switch "$p|$n"');
  for (const [p, s] of t.commands) s.positionals.forEach((a, i) => a.kind && L.push(`        case ${q(`${p}|${i}`)}`, `            echo ${a.kind}`));
  for (const [p, s] of t.commands) if (s.rest) L.push(`        case ${q(`${p}|`)}'*'`, '            echo file');
  L.push('    end', 'end');
  L.push(FISH_RUNTIME.replace('@AGENTS@', AGENT_IDS.join(' ')).replace('@PROVIDERS@', providerIds().join(' ')));
  return L.join('\n') + '\n';
}

const FISH_RUNTIME = String.raw`
function __ringlet_values --argument-names kind cur
    set -l home $RINGLET_HOME
    test -n "$home"; or set home $HOME/.ringlet
    set -l cfg $HOME/.config/ringlet
    string match -q -- '/*' "$XDG_CONFIG_HOME"; and set cfg $XDG_CONFIG_HOME/ringlet
    set -l names
    switch $kind
        case profile
            for f in $home/profiles/*/ringlet.toml
                set -a names (string split -r -m2 / -- $f)[2]
            end
        case agent
            set names @AGENTS@
        case provider
            set names @PROVIDERS@
            for f in $cfg/providers/*.toml
                set -a names (string replace -r '^.*/([^/]*)\.toml$' '$1' -- $f)
            end
        case key-alias
            test -r $home/cache/key-aliases; and read -z -l all <$home/cache/key-aliases; and set names (string split \n -- $all)
        case shell-alias
            test -r $home/cache/shell-aliases; and read -z -l all <$home/cache/shell-aliases; and set names (string split \n -- $all)
        case shell
            set names bash zsh fish
        case file
            __fish_complete_path $cur
            return
    end
    string match -r -- '^[A-Za-z0-9][A-Za-z0-9._-]*$' $names
end

# Walks the tokens before the cursor like the bash version; after "--" the rest is completed as a command line.
function __ringlet_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cpath ''
    set -l npos 0
    set -l want ''
    set -l i 1
    for w in $tokens[2..-1]
        set i (math $i + 1)
        if test -n "$want"
            set want ''
            continue
        end
        if test "$w" = --
            set -l rest $tokens[(math $i + 1)..-1]
            if test (count $rest) -eq 0
                __fish_complete_command $cur
            else
                complete -C (string join ' ' -- (string escape -- $rest) "$cur")
            end
            return
        end
        if string match -q -- '-*' $w
            set want (__ringlet_valopt "$cpath" $w)
            continue
        end
        if test $npos -eq 0; and contains -- $w (__ringlet_children "$cpath" | string replace -r '\t.*' '')
            set cpath (string join ' ' -- $cpath $w | string trim)
            continue
        end
        set npos (math $npos + 1)
    end
    if test -n "$want"
        __ringlet_values $want $cur
        return
    end
    if string match -q -- '-*' $cur
        __ringlet_options "$cpath"
        return
    end
    test $npos -eq 0; and __ringlet_children "$cpath"
    set -l kind (__ringlet_arg "$cpath" $npos)
    test -n "$kind"; and __ringlet_values $kind $cur
end

complete -c ringlet -e
complete -c ringlet -f -a '(__ringlet_complete)'
`;

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
