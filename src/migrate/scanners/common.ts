/** Pieces the bash/zsh/sh, fish and direnv scanners share: reading a file into the session, `source` paths. */
import { accessSync, constants } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Dialect, Word } from '../tokenizer.js';
import { expand, literal } from '../words.js';
import { tokenize } from '../tokenizer.js';
import { expandBraces, glob, hasGlob, readTextFile, withinHome } from '../files.js';
import { LIMITS, spanConflict, type Session, type SourceFile } from '../session.js';
import type { Node } from '../syntax.js';
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
    // A missing file is normal (`[ -f x ] && source x`); anything else is worth reporting.
    if (r.reason !== 'missing') session.skip(path, r.reason);
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

/** Loop variables and the values they take (already expanded and globbed). */
export type Loops = Map<string, string[]>;

const MAX_COMBOS = 256;

/**
 * Every value a word can take: variables expanded (loop variables once per value, arrays per element),
 * `~`, brace alternatives and globs. `unresolved` when part of it is not known statically.
 */
export function expandAll(word: Word, scope: Scope, file: string, loops: Loops): { values: string[]; unresolved: boolean } {
  const base = scope.lookup(file);
  const refs = [...new Set(word.parts.flatMap((p) => (p.kind === 'var' && loops.has(p.name) ? [p.name] : [])))];
  let combos: Map<string, string>[] = [new Map()];
  for (const r of refs) {
    const next: Map<string, string>[] = [];
    for (const c of combos) for (const v of loops.get(r)!) if (next.length < MAX_COMBOS) next.push(new Map(c).set(r, v));
    combos = next;
  }
  const values: string[] = [];
  let unresolved = false;
  for (const c of combos) {
    const s = expand(word, (n) => (c.has(n) ? c.get(n) : base(n)));
    if (s === undefined) {
      unresolved = true;
      continue;
    }
    for (const raw of expandBraces(s)) {
      // zsh glob qualifiers: `*.zsh(N)`, `exports(Nn-)`.
      const pat = raw.replace(/\([A-Za-z0-9:.,+*^~#%=[\]/@!-]+\)$/, '');
      values.push(...(hasGlob(pat) && isAbsolute(pat) ? glob(pat) : [pat]));
    }
  }
  return { values, unresolved };
}

/** `for x in $arr` / `"${arr[@]}"` where arr=(a b c): the element words; otherwise the word itself. */
export function arrayElements(word: Word, scope: Scope): Word[] {
  const v = word.parts.length === 1 ? word.parts[0] : undefined;
  if (!v || v.kind !== 'var') return [word];
  const def = scope.get(v.name);
  const raw = def?.word ? literal(def.word) : undefined;
  if (!raw || !raw.startsWith('(') || !raw.endsWith(')')) return [word];
  return tokenize(raw.slice(1, -1), { depth: 1 }).tokens.filter((t): t is Word => t.type === 'word');
}

/** The values a `for` loop variable takes. */
export function loopValues(words: Word[], scope: Scope, file: string, home: string, loops: Loops): string[] {
  const out: string[] = [];
  for (const w of words) {
    for (const el of arrayElements(w, scope)) {
      for (const v of expandAll(el, scope, file, loops).values) if (out.length < MAX_COMBOS) out.push(v.startsWith('~/') ? join(home, v.slice(2)) : v);
    }
  }
  return out;
}

/** Paths a `source WORD` reads (relative ones from HOME, where login shells start). */
export function sourcePaths(word: Word, scope: Scope, file: string, home: string, loops: Loops): { paths: string[]; unresolved?: string } {
  const { values, unresolved } = expandAll(word, scope, file, loops);
  const paths = values.map((p) => absolute(p, home)).flatMap((p) => globOrSelf(p));
  return unresolved && !paths.length ? { paths, unresolved: word.raw } : { paths };
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

/** Each non-blank, non-comment line from the one holding `from` to the end (for files that do not parse). */
export function forEachLine(sf: SourceFile, from: number, fn: (text: string, line: number) => void): void {
  const text = sf.text;
  let pos = text.lastIndexOf('\n', Math.max(0, from - 1)) + 1;
  if (from === 0) pos = 0;
  let line = sf.lines.lineOf(pos);
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const l = text.slice(pos, end);
    if (l.trim() && !l.trimStart().startsWith('#') && l.length < 64 * 1024) fn(l, line);
    pos = end + 1;
    line++;
  }
}

/** Where a walker is in a script: under a condition, inside a block or function, and the loop variables in scope. */
export interface WalkFlags {
  cond: boolean;
  nested: boolean;
  loops: Loops;
}

/**
 * What the bash/zsh/sh and fish walkers share: line numbers (also when a broken file is re-read line by
 * line), finding each definition once, and recording function definitions.
 */
export abstract class ScriptWalker {
  /** Reading a broken file line by line: offsets are relative to that one line. */
  protected readonly lineMode: { line: number } | undefined;

  constructor(protected readonly session: Session, protected readonly sf: SourceFile, lineMode?: { line: number }) {
    this.lineMode = lineMode;
  }

  protected line(offset: number): number {
    return this.lineMode ? this.lineMode.line : this.sf.lines.lineOf(offset);
  }

  /** In a line-by-line pass: was this definition already found? (Records it otherwise.) */
  protected seen(name: string, line: number): boolean {
    const key = `${this.sf.real}:${name}:${line}`;
    if (this.session.defKeys.has(key)) return !!this.lineMode;
    this.session.defKeys.add(key);
    return false;
  }

  protected defineFunction(node: Extract<Node, { type: 'func' }>, f: WalkFlags, shell: ShellKind, dialect: Dialect, scope: Scope): void {
    if (this.seen(node.name, this.line(node.start))) return;
    let blocked = this.lineMode ? 'the file has syntax errors; left as is' : spanConflict(this.sf, node.start, node.end);
    if (!this.sf.rewritable) blocked ??= 'the file is outside HOME or not writable';
    this.session.defs.push({
      kind: 'function', name: node.name, shell, dialect, file: this.sf, line: this.line(node.start), endLine: this.line(Math.max(node.start, node.end - 1)),
      body: node.body, start: node.start, end: node.end, nested: f.nested, conditional: f.cond, blocked, scope,
    });
  }
}
