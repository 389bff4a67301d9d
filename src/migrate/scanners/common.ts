/** Pieces the bash/zsh/sh, fish and direnv scanners share: reading a file into the session, `source` paths. */
import { accessSync, constants } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Dialect, Word } from '../tokenizer.js';
import { expand, literal } from '../words.js';
import { expandBraces, glob, hasGlob, readTextFile, withinHome } from '../files.js';
import { LIMITS, type Session, type SourceFile } from '../session.js';
import type { Scope } from '../scope.js';
import type { ShellKind } from '../types.js';

/** Third-party scripts people source from their rc files: large, never hold their agent setup. */
const THIRD_PARTY = [
  /\/\.oh-my-zsh\/(?!custom\/)/, /\/\.zprezto\//, /\/\.nvm\//, /\/\.sdkman\//, /\/\.rvm\//, /\/\.asdf\//, /\/\.pyenv\//, /\/\.rbenv\//,
  /\/node_modules\//, /\/google-cloud-sdk\//, /\/\.zinit\//, /\/zinit\//, /\/\.antigen\//, /\/\.zplug\//, /\/\.fzf\//, /\/\.iterm2_shell_integration/,
  /\/(mini|ana)?conda3?\//, /\/\.bun\//, /\/\.ghcup\//, /\/\.cargo\/env$/, /\/\.p10k\.zsh$/, /\/powerlevel10k\//, /\/\.local\/share\/(zinit|sheldon|antidote)\//,
  /\/\.antidote\//, /\/\.zgen\//, /\/\.zgenom\//, /\/\.fig\//, /\/\.orbstack\//, /\/\.wezterm/, /\/\.kiro\//, /\/\.vscode-server\//,
];

export function isThirdParty(real: string): boolean {
  return THIRD_PARTY.some((re) => re.test(real));
}

export interface ReadOpts {
  shell: ShellKind;
  dialect: Dialect;
  from?: string;
  /** Sourced files must lie inside HOME; the standard rc files are read wherever their symlinks point. */
  requireWithinHome: boolean;
  /** Checks third-party and source-count limits (for sourced files). */
  sourced: boolean;
}

/** Read a file into the session once; undefined when skipped (recorded with a reason) or already read. */
export function loadFile(session: Session, path: string, opts: ReadOpts): SourceFile | undefined {
  if (opts.sourced) {
    if (session.sourcedCount >= LIMITS.maxSourced) {
      session.skip(path, `more than ${LIMITS.maxSourced} sourced files`);
      return undefined;
    }
  }
  const r = readTextFile(path);
  if (!r.ok) {
    if (r.reason !== 'missing' || opts.sourced) session.skip(path, r.reason);
    return undefined;
  }
  const tf = r.file;
  if (session.files.has(tf.real)) return undefined;
  if (opts.sourced && isThirdParty(tf.real)) {
    session.skip(path, 'third-party script');
    return undefined;
  }
  const inside = withinHome(tf.real, session.home);
  if (opts.requireWithinHome && !inside) {
    session.skip(path, 'outside HOME');
    return undefined;
  }
  if (opts.sourced) session.sourcedCount++;
  return session.addFile(tf, opts.shell, opts.dialect, inside && writable(tf.real), opts.from);
}

function writable(real: string): boolean {
  try {
    accessSync(real, constants.W_OK);
    accessSync(dirname(real), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Paths a `source WORD` reads: the word expanded (variables, `~`, the file's own directory), brace
 * alternatives and globs, or each value of the loop variable it names.
 */
export function sourcePaths(word: Word, scope: Scope, file: string, home: string, loops: Map<string, Word[]>): { paths: string[]; unresolved?: string } {
  const lookup = scope.lookup(file);
  const vars = word.parts.filter((p) => p.kind === 'var');
  let words: Word[] = [word];
  if (vars.length === 1 && vars[0].kind === 'var' && loops.has(vars[0].name) && word.parts.length <= 2) {
    const loopName = vars[0].name;
    const items = loops.get(loopName)!;
    // "$f" or $f alone, or "$f/init.zsh": substitute each item.
    const out: string[] = [];
    for (const item of items) {
      const base = expand(item, lookup) ?? literal(item);
      if (base === undefined) continue;
      const rest = word.parts.filter((p) => p.kind !== 'var').map((p) => (p.kind === 'lit' ? p.text : '')).join('');
      for (const pat of expandBraces(base + rest)) out.push(...globOrSelf(absolute(pat, home)));
    }
    return { paths: out };
  }
  const paths: string[] = [];
  for (const w of words) {
    const s = expand(w, lookup);
    if (s === undefined) return { paths, unresolved: w.raw };
    for (const pat of expandBraces(s)) paths.push(...globOrSelf(absolute(pat, home)));
  }
  words = [];
  return { paths };
}

function globOrSelf(p: string): string[] {
  return hasGlob(p) ? glob(p) : [p];
}

function absolute(p: string, home: string): string {
  return isAbsolute(p) ? p : join(home, p);
}

export function isOhMyZsh(path: string): boolean {
  return basename(path) === 'oh-my-zsh.sh';
}
