import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadConfig, type DirectoryMapping, type RingletConfig } from '../config/config.js';
import { isValidName, paths, realHome } from '../config/paths.js';
import { readTomlFile } from '../config/toml.js';
import { allowedDir, listAllowed, type AllowRecord } from './project.js';
import { fishQuote, posixQuote, regexLiteral, type ShellName } from './quote.js';

/**
 * The generated part of the shell integration ("state"): the directory mapping compiled into a `case`
 * (or fish `string match`) table, the approved project files, the alias functions, and the staleness
 * test. The hook re-evaluates it only when a watched input is newer than the state's stamp file, so a
 * `cd` normally starts no process.
 */

export interface MappingEntry {
  /** Absolute, normalised directory (no trailing slash except for "/"). */
  dir: string;
  profile: string;
}

export interface AliasEntry {
  name: string;
  profile: string;
  /** Binary of the profile's agent; undefined when the profile does not exist (the function says so). */
  agent?: string;
}

/** An approved project file as the shell looks it up: under every spelling its path can have there. */
export interface AllowedEntry { keys: string[]; profile: string; content: string }

export interface StateData {
  mappings: MappingEntry[];
  allowed: AllowedEntry[];
  aliases: AliasEntry[];
  notify: boolean;
  watch: { path: string; exists: boolean }[];
  warnings: string[];
}

export interface StateOptions {
  /** Define alias functions (false with --no-aliases). */
  aliases: boolean;
  /** Names the init script already uses (the --cmd function, --wrap wrappers): aliases may not shadow them. */
  reserved: string[];
}

/** Names an alias may not take: they would shadow builtins the integration (or any shell session) relies on. */
export const RESERVED_NAMES = new Set([
  'ringlet', 'alias', 'and', 'begin', 'bg', 'bind', 'break', 'builtin', 'case', 'cd', 'command', 'commandline', 'complete',
  'contains', 'continue', 'do', 'done', 'echo', 'elif', 'else', 'emit', 'end', 'esac', 'eval', 'exec', 'exit', 'export',
  'false', 'fg', 'fi', 'for', 'function', 'functions', 'if', 'jobs', 'kill', 'local', 'math', 'not', 'or', 'path', 'printf',
  'pwd', 'read', 'readonly', 'realpath', 'return', 'set', 'shift', 'source', 'status', 'string', 'switch', 'test', 'then',
  'trap', 'true', 'type', 'typeset', 'unalias', 'unset', 'until', 'wait', 'while', 'zmodload',
]);

/** Expand `~`, resolve relative paths against HOME, drop trailing slashes and dot segments. */
export function normaliseDir(p: string, home: string): string {
  let s = p;
  if (s === '~') s = home;
  else if (s.startsWith('~/')) s = join(home, s.slice(2));
  else if (!isAbsolute(s)) s = join(home, s);
  return resolve(s);
}

/**
 * Each mapping in its spelled form and, when different, resolved through symlinks, so a `cd` through
 * either spelling matches. Longest first: the first matching `case` arm is the longest prefix.
 */
export function compileMappings(list: DirectoryMapping[], home: string): MappingEntry[] {
  const out: MappingEntry[] = [];
  const seen = new Set<string>();
  const add = (dir: string, profile: string) => {
    if (seen.has(dir)) return; // the first mapping of a directory wins, as in the config file's order
    seen.add(dir);
    out.push({ dir, profile });
  };
  for (const m of list) {
    const dir = normaliseDir(m.path, home);
    add(dir, m.profile);
    try {
      add(realpathSync(dir), m.profile);
    } catch {
      /* not there yet: the spelled path still works */
    }
  }
  // Stable sort keeps config order among equal lengths.
  return out.map((e, i) => ({ e, i })).sort((a, b) => b.e.dir.length - a.e.dir.length || a.i - b.i).map((x) => x.e);
}

function profileAgent(name: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const m = readTomlFile(paths.profileManifest(name, env));
    const agent = m?.agent;
    return typeof agent === 'string' && isValidName(agent) ? agent : undefined;
  } catch {
    return undefined;
  }
}

/** Gather everything the state depends on. Never throws for a broken config: the state says what is wrong. */
export function collectState(opts: StateOptions, env: NodeJS.ProcessEnv = process.env): StateData {
  const warnings: string[] = [];
  let cfg: RingletConfig = {};
  try {
    cfg = loadConfig(env);
  } catch (err) {
    warnings.push(`${(err as Error).message.split('\n')[0]}; directory mappings and aliases are off until it is fixed`);
  }
  const home = resolve(realHome(env));
  const mappings = compileMappings(cfg['directory-mapping'] ?? [], home);
  const aliases: AliasEntry[] = [];
  if (opts.aliases) {
    const reserved = new Set([...RESERVED_NAMES, ...opts.reserved]);
    for (const [name, profile] of Object.entries(cfg.shell?.aliases ?? {})) {
      if (!isValidName(name) || reserved.has(name)) {
        warnings.push(`alias "${name}" in ${paths.config(env)} is not a usable command name; skipped`);
        continue;
      }
      aliases.push({ name, profile, agent: profileAgent(profile, env) });
    }
  }
  const watch = watchedPaths(env).map((p) => ({ path: p, exists: exists(p) }));
  return { mappings, allowed: allowedEntries(listAllowed(env), home), aliases, notify: cfg.shell?.notify ?? true, watch, warnings };
}

/**
 * Records hold the physical path. The hook resolves symlinks only below HOME, so when HOME itself is
 * reached through a symlink (/home -> /data/home), the path spelled from $HOME is a key too.
 */
function allowedEntries(records: AllowRecord[], home: string): AllowedEntry[] {
  let homeReal = home;
  try {
    homeReal = realpathSync(home);
  } catch {
    /* no HOME on disk: nothing to respell */
  }
  return records.map((r) => {
    const keys = [r.path];
    if (homeReal !== home && r.path.startsWith(`${homeReal}/`)) keys.push(home + r.path.slice(homeReal.length));
    return { keys, profile: r.profile, content: r.content };
  });
}

/** What the state is computed from: config.toml, the allow store, the profiles (alias targets). */
function watchedPaths(env: NodeJS.ProcessEnv): string[] {
  return [paths.config(env), allowedDir(env), paths.profilesDir(env)];
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

const matchKey = (dir: string) => (dir === '/' ? '/' : `${dir}/`);

/**
 * The staleness tests, one per input, so a cd pays only for config.toml: the allow store is tested when a
 * project file is found, the profiles when an alias runs. A test is true when the input changed after the
 * state was built (or appeared, or went away). Each costs two or three stat() calls.
 */
function staleTests(shell: ShellName, d: StateData, stamp: string): { name: string; cond: string }[] {
  const names = ['config', 'allow', 'profiles'];
  return d.watch.map((w, i) => {
    let cond: string;
    if (shell === 'fish') {
      const W = fishQuote(w.path);
      const S = fishQuote(stamp);
      // fish's `a -ot b` is true when a is missing: existence is tested too.
      // One `test` call: -ot alone would be true for a missing file.
      cond = w.exists ? `not test -e ${W} -a ${W} -ot ${S}` : `test -e ${W}`;
    } else {
      const W = posixQuote(w.path);
      const S = posixQuote(stamp);
      // zsh's `a -ot b` needs both files: false when either is missing, so one test covers all cases.
      // bash's is true when a is missing, hence the separate existence test.
      cond = !w.exists ? `-e ${W}` : shell === 'zsh' ? `! ${W} -ot ${S}` : `! -e ${W} || ! ${W} -ot ${S}`;
    }
    return { name: names[i] ?? `input${i}`, cond };
  });
}

function renderPosix(shell: 'bash' | 'zsh', d: StateData, stamp: string): string {
  const q = posixQuote;
  const L: string[] = [];
  L.push(`__ringlet_stamp=${q(stamp)}`);
  L.push(`__ringlet_notify=${d.notify ? '1' : "''"}`);
  const tests = staleTests(shell, d, stamp);
  for (const t of tests) L.push(`__ringlet_stale_${t.name}() { [[ ${t.cond} ]]; }`);
  // The same config.toml test as text, for the directory cache's tests (shell/ringlet.${shell}).
  const config = tests.find((t) => t.name === 'config');
  if (config) L.push(`__ringlet_cfgcond=${q(config.cond)}`);
  // zsh: the user's options (KSH_GLOB, SH_GLOB, …) must not change how the patterns match.
  const emulate = shell === 'zsh' ? ['    emulate -L zsh'] : [];
  // Paths and contents are literal text in single quotes; a `$` in them is not meant to expand.
  const literal = shell === 'bash' ? ['# shellcheck disable=SC2016'] : [];
  L.push(...literal, '__ringlet_map() {', ...emulate);
  L.push('    case $1 in');
  for (const m of d.mappings) L.push(`    ${q(matchKey(m.dir))}*) __ringlet_hit=${q(m.profile)} __ringlet_hitdir=${q(m.dir)} ;;`);
  L.push('    *) return 1 ;;');
  L.push('    esac');
  L.push('}');
  L.push(...literal, '__ringlet_allowed() {', ...emulate);
  L.push('    case $1 in');
  for (const a of d.allowed) L.push(`    ${a.keys.map(q).join('|')}) __ringlet_hit=${q(a.profile)}; [[ $2 == ${q(a.content)} ]] ;;`);
  L.push('    *) return 2 ;;');
  L.push('    esac');
  L.push('}');
  L.push('__ringlet_alias_target() {', ...emulate);
  L.push('    case $1 in');
  for (const a of d.aliases) L.push(`    ${q(a.name)}) __ringlet_hit=${q(a.profile)} __ringlet_agent=${q(a.agent ?? '')} ;;`);
  L.push('    *) return 1 ;;');
  L.push('    esac');
  L.push('}');
  L.push('__ringlet_unalias');
  L.push(`__ringlet_aliases=(${d.aliases.map((a) => q(a.name)).join(' ')})`);
  for (const a of d.aliases) {
    L.push(`builtin unalias ${q(a.name)} 2>/dev/null || :`);
    L.push(`function ${a.name} { __ringlet_alias ${q(a.name)} "$@"; }`);
    if (shell === 'zsh' && a.agent) L.push(`if (( $+functions[compdef] )); then compdef ${q(`${a.name}=${a.agent}`)}; fi`);
  }
  for (const w of d.warnings) L.push(...literal, `builtin printf '%s\\n' ${q(`ringlet: ${w}`)} >&2`);
  // A new state invalidates every cached directory (a script from an older ringlet has no cache).
  L.push(shell === 'zsh' ? 'if (( $+functions[__ringlet_cache_reset] )); then __ringlet_cache_reset; fi' : 'if builtin declare -F __ringlet_cache_reset >/dev/null; then __ringlet_cache_reset; fi');
  return L.join('\n') + '\n';
}

function renderFish(d: StateData, stamp: string): string {
  const q = fishQuote;
  const L: string[] = [];
  L.push(`set -g __ringlet_stamp ${q(stamp)}`);
  L.push(d.notify ? 'set -g __ringlet_notify 1' : 'set -g __ringlet_notify');
  for (const t of staleTests('fish', d, stamp)) L.push(`function __ringlet_stale_${t.name}`, `    ${t.cond}`, 'end');
  // config.toml's checks for the directory cache (shell/ringlet.fish), as fish code for `test` (true when
  // stale): its mtime on every cd (a builtin's redirection can rewrite it), its removal (which only another
  // process can do) after each external command and before each command line.
  const cfg = d.watch[0];
  if (cfg) {
    const W = q(cfg.path);
    L.push(`set -g __ringlet_cfgtest ${q(cfg.exists ? `${W} -nt ${q(stamp)}` : `-e ${W}`)}`);
    L.push(`set -g __ringlet_cfggone ${q(cfg.exists ? `-o ! -e ${W}` : '')}`);
  }
  L.push('function __ringlet_map --argument-names dir');
  // One `set`: (profile, directory, its length in characters as fish counts them, its parent).
  const parent = (dir: string) => (dir === '/' ? '' : dir.slice(0, dir.lastIndexOf('/')));
  const hit = (m: MappingEntry, pad: string) => [`${pad}set -g __ringlet_hit ${q(m.profile)} ${q(m.dir)} ${[...m.dir].length} ${q(parent(m.dir))}`, `${pad}return 0`];
  if (d.mappings.some((m) => m.dir.includes('\\'))) {
    // A backslash cannot be escaped in a `case` pattern: these go through (slower) regex matches.
    for (const m of d.mappings) {
      L.push(`    if string match -qr -- ${q(`^${regexLiteral(matchKey(m.dir))}`)} "$dir"`, ...hit(m, '        '), '    end');
    }
  } else if (d.mappings.length) {
    // One `switch`: no function call or regex compilation per mapping. \* and \? make them literal.
    L.push('    switch $dir');
    for (const m of d.mappings) L.push(`        case ${q(`${matchKey(m.dir).replace(/[*?]/g, '\\$&')}*`)}`, ...hit(m, '            '));
    L.push('    end');
  }
  L.push('    return 1');
  L.push('end');
  L.push('function __ringlet_allowed --argument-names file content');
  for (const a of d.allowed) {
    L.push(`    if contains -- "$file" ${a.keys.map(q).join(' ')}`);
    L.push(`        set -g __ringlet_hit ${q(a.profile)}`);
    L.push(`        test "$content" = ${q(a.content)}`);
    L.push('        return');
    L.push('    end');
  }
  L.push('    return 2');
  L.push('end');
  L.push('function __ringlet_alias_target --argument-names name');
  L.push('    switch $name');
  for (const a of d.aliases) L.push(`        case ${q(a.name)}`, `            set -g __ringlet_hit ${q(a.profile)}`, `            set -g __ringlet_agent ${q(a.agent ?? '')}`, '            return 0');
  L.push('    end');
  L.push('    return 1');
  L.push('end');
  L.push('__ringlet_unalias');
  L.push(`set -g __ringlet_aliases ${d.aliases.map((a) => q(a.name)).join(' ')}`.trimEnd());
  for (const a of d.aliases) {
    const wraps = a.agent ? ` --wraps ${q(a.agent)}` : '';
    L.push(`function ${a.name}${wraps} --description ${q(`ringlet alias for profile ${a.profile}`)}`);
    L.push(`    __ringlet_alias ${q(a.name)} $argv`);
    L.push('end');
  }
  for (const w of d.warnings) L.push(`printf '%s\\n' ${q(`ringlet: ${w}`)} >&2`);
  // A new state invalidates every cached directory (a script from an older ringlet has no cache).
  L.push('functions -q __ringlet_cache_reset; and __ringlet_cache_reset');
  return L.join('\n') + '\n';
}

export function renderState(shell: ShellName, d: StateData, stamp: string): string {
  return shell === 'fish' ? renderFish(d, stamp) : renderPosix(shell, d, stamp);
}

/** Keep this many stamp files; one that a live shell still uses and gets pruned only costs it one reload. */
const KEEP_STAMPS = 32;

/**
 * The stamp is named after the state's content and its mtime is set just past the newest watched input,
 * so `input -nt stamp` is true exactly when an input changed after the state was computed, whichever of
 * several shells computed it.
 */
function newestInput(env: NodeJS.ProcessEnv): bigint {
  let newest = 0n;
  for (const p of watchedPaths(env)) {
    try {
      const ns = statSync(p, { bigint: true }).mtimeNs;
      if (ns > newest) newest = ns;
    } catch {
      /* absent inputs are watched by existence instead */
    }
  }
  return newest;
}

function writeStamp(shell: ShellName, body: string, newestNs: bigint, env: NodeJS.ProcessEnv): string {
  const dir = join(paths.cacheDir(env), 'shell');
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 20);
  const file = join(dir, `${shell}-${hash}`);
  writeFileSync(file, '');
  // utimes takes float seconds (~0.24 µs resolution now) and libuv truncates them to whole microseconds:
  // 2 µs of margin keeps the stamp strictly newer than the newest input after both losses.
  const secs = Number(newestNs / 1000n + 2n) / 1e6;
  utimesSync(file, secs, secs);
  pruneStamps(dir, file);
  return file;
}

function pruneStamps(dir: string, keep: string): void {
  try {
    const entries = readdirSync(dir)
      .map((n) => join(dir, n))
      .filter((f) => f !== keep)
      .map((f) => ({ f, t: statSync(f).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of entries.slice(KEEP_STAMPS - 1)) unlinkSync(f);
  } catch {
    /* pruning is best effort */
  }
}

/** Compute, stamp and render the state for one shell. */
export function buildState(shell: ShellName, opts: StateOptions, env: NodeJS.ProcessEnv = process.env): string {
  // Input times are read before the inputs: an edit made while we read them then shows up as newer.
  const newestNs = newestInput(env);
  const d = collectState(opts, env);
  // The stamp path is part of the output, so the content hash is taken over the state rendered without it.
  const body = renderState(shell, d, '');
  const stamp = writeStamp(shell, body, newestNs, env);
  return renderState(shell, d, stamp);
}
