/**
 * bash/zsh/sh rc files (and direnv's .envrc, which is bash): variables and exports, aliases, functions,
 * and `source`/`.` of other files inside HOME, followed the way the shell would at start-up.
 */
import { dirname, join } from 'node:path';
import type { Node } from '../syntax.js';
import { parseScript } from '../syntax.js';
import type { Word } from '../tokenizer.js';
import { aliasText, literal, splitAssignment, expand } from '../words.js';
import { glob, isDir } from '../files.js';
import type { Scope } from '../scope.js';
import { LIMITS, spanConflict, statementSpan, type Session, type SourceFile } from '../session.js';
import type { ShellKind } from '../types.js';
import { forEachLine, isOhMyZsh, loadFile, loopValues, sourcePaths, ScriptWalker, type WalkFlags } from './common.js';

export type PosixMode = 'rc' | 'envrc';

type Flags = WalkFlags;

export interface PosixScanOpts {
  shell: ShellKind;
  scope: Scope;
  mode: PosixMode;
  from?: string;
  depth: number;
  requireWithinHome: boolean;
  sourced: boolean;
}

export function scanPosixFile(session: Session, path: string, opts: PosixScanOpts): SourceFile | undefined {
  const sf = loadFile(session, path, { shell: opts.shell, dialect: 'posix', from: opts.from, requireWithinHome: opts.requireWithinHome, sourced: opts.sourced });
  if (!sf) return undefined;
  new PosixWalker(session, sf, opts).run();
  return sf;
}

export class PosixWalker extends ScriptWalker {
  private allexport = false;
  constructor(session: Session, sf: SourceFile, private readonly opts: PosixScanOpts, lineMode?: { line: number }) {
    super(session, sf, lineMode);
  }

  run(): void {
    this.nodes(this.sf.script.nodes, { cond: false, nested: false, loops: new Map() });
    // The shell may not read a file with syntax errors at all; migrate still looks at every line after the break.
    if (this.sf.script.errorAt !== undefined) {
      forEachLine(this.sf, this.sf.script.errorAt, (text, line) => new PosixWalker(this.session, this.sf, this.opts, { line }).nodes(parseScript(text, 'posix').nodes, { cond: false, nested: false, loops: new Map() }));
    }
  }

  /** Walk nodes of this walker's file (also used to run a function body called at start-up). */
  nodes(list: Node[], f: Flags): void {
    for (const node of list) {
      if (node.type === 'cmd') this.command(node.cmd.words, node.cmd.start, node.cmd.end, node.cmd.stmt, f);
      else if (node.type === 'func') this.func(node, f);
      else if (node.kind === 'subshell') continue; // nothing set in ( … ) survives it
      else {
        const loops = node.kind === 'for' && node.loopVar ? new Map(f.loops).set(node.loopVar, loopValues(node.loopWords ?? [], this.opts.scope, this.sf.path, this.session.home, f.loops)) : f.loops;
        const cond = f.cond || node.kind === 'if' || node.kind === 'case' || node.kind === 'while';
        this.nodes(node.body, { cond, nested: true, loops });
      }
    }
  }

  private command(words: Word[], start: number, end: number, stmt: number, f: Flags): void {
    const { scope } = this.opts;
    let i = 0;
    const assigns = [];
    for (let a = splitAssignment(words[i]); a; a = splitAssignment(words[++i])) assigns.push(a);
    const ss = this.lineMode ? { start, end, guardsOnly: true } : statementSpan(this.sf, stmt, { start, end });
    const cond = f.cond || ss.start !== start || ss.end !== end;
    const site = this.lineMode ? undefined : { real: this.sf.real, start: ss.start, end: ss.end, stmt, nested: f.nested, guardsOnly: ss.guardsOnly };
    if (i === words.length) {
      for (const a of assigns) this.setVar(a.name, a.value, this.allexport, start, cond, site);
      return;
    }
    let prog = literal(words[i]);
    if ((prog === 'builtin' || prog === 'command') && words[i + 1] && !(literal(words[i + 1]) ?? '').startsWith('-')) prog = literal(words[++i]);
    if (prog === undefined) return;
    const rest = words.slice(i + 1);
    switch (prog) {
      case 'export':
      case 'declare':
      case 'typeset':
      case 'local':
      case 'readonly':
      case 'integer':
      case 'float': {
        const opts = rest.filter((w) => /^[-+][A-Za-z]+$/.test(literal(w) ?? ''));
        const exported = prog === 'export' || opts.some((w) => /^-[A-Za-z]*x/.test(literal(w) ?? ''));
        if (opts.some((w) => /^-[A-Za-z]*[fF]/.test(literal(w) ?? ''))) return; // declare -f: functions
        for (const w of rest) {
          if (opts.includes(w)) continue;
          const a = splitAssignment(w);
          if (a) this.setVar(a.name, a.value, exported || this.allexport, start, cond, site);
          else {
            const name = literal(w);
            if (exported && name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) scope.markExported(name, this.sf.path, this.line(start));
          }
        }
        return;
      }
      case 'unset':
        if (rest.some((w) => literal(w) === '-f')) return;
        for (const w of rest) {
          const name = literal(w);
          if (name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) scope.set({ name, word: null, dialect: 'posix', file: this.sf.path, line: this.line(start), exported: false, global: true });
        }
        return;
      case 'alias':
        this.alias(rest, start, end, stmt, f, cond);
        return;
      case 'source':
      case '.':
        if (rest[0]) this.source(rest[0], start, f);
        return;
      case 'zsh-defer': {
        const j = rest.findIndex((w) => !(literal(w) ?? '-').startsWith('-'));
        if (j >= 0) this.command(rest.slice(j), start, end, stmt, f);
        return;
      }
      case 'set':
        for (let k = 0; k < rest.length; k++) {
          const t = literal(rest[k]);
          if (t === '-a' || (t === '-o' && literal(rest[k + 1]) === 'allexport')) this.allexport = true;
          if (t === '+a' || (t === '+o' && literal(rest[k + 1]) === 'allexport')) this.allexport = false;
        }
        return;
    }
    if (this.opts.mode === 'envrc') this.direnv(prog, rest, start);
    this.callFunction(prog, f);
  }

  /** A function defined earlier and called at start-up (`_init() { … source … }; _init`): read its body as if inline. */
  private callFunction(name: string, f: Flags): void {
    if (this.session.inlined.has(name) || this.opts.depth >= LIMITS.maxSourceDepth) return;
    const def = [...this.session.defs].reverse().find((d) => d.kind === 'function' && d.dialect === 'posix' && d.name === name);
    if (!def) return;
    this.session.inlined.add(name);
    new PosixWalker(this.session, def.file, { ...this.opts, depth: this.opts.depth + 1 }).nodes(def.body, { ...f, nested: true });
  }

  /** direnv's stdlib: dotenv files and other .envrc files feed the same environment. */
  private direnv(prog: string, rest: Word[], start: number): void {
    const dir = dirname(this.sf.real);
    const arg = rest.find((w) => !(literal(w) ?? '').startsWith('-'));
    const target = (dflt: string) => {
      const p = arg ? expand(arg, this.opts.scope.lookup(this.sf.path)) : dflt;
      return p === undefined ? undefined : p.startsWith('/') ? p : join(dir, p);
    };
    let file: string | undefined;
    if (prog === 'dotenv' || prog === 'dotenv_if_exists') file = target('.env');
    else if (prog === 'source_env' || prog === 'source_env_if_exists') {
      file = target('.envrc');
      if (file && isDir(file)) file = join(file, '.envrc');
    }
    if (!file || this.opts.depth >= LIMITS.maxSourceDepth) return;
    const sf = loadFile(this.session, file, { shell: 'direnv', dialect: 'posix', from: `${this.sf.path}:${this.line(start)}`, requireWithinHome: true, sourced: true });
    if (!sf) return;
    // dotenv files export every assignment.
    const w = new PosixWalker(this.session, sf, { ...this.opts, depth: this.opts.depth + 1, from: undefined });
    if (prog.startsWith('dotenv')) w.allexport = true;
    w.run();
  }

  private setVar(name: string, value: Word, exported: boolean, start: number, cond: boolean, site: VarSite | undefined): void {
    const { scope } = this.opts;
    const prev = scope.get(name);
    scope.set({
      name, word: value, dialect: 'posix', file: this.sf.path, line: this.line(start), exported: exported || !!prev?.exported, global: true,
      conditional: cond, site,
    });
  }

  private alias(args: Word[], start: number, end: number, stmt: number, f: Flags, cond: boolean): void {
    const opts = args.filter((w) => /^-[a-zA-Z]+$/.test(literal(w) ?? ''));
    if (opts.some((w) => (literal(w) ?? '').includes('s'))) return; // zsh suffix aliases
    const defs = args.filter((w) => !opts.includes(w) && literal(w) !== '--').map(splitAliasWord).filter((x): x is { name: string; value: Word } => !!x);
    const ss = this.lineMode ? { start, end, guardsOnly: true } : statementSpan(this.sf, stmt, { start, end });
    let blocked: string | undefined;
    if (this.lineMode) blocked = 'the file has syntax errors; left as is';
    else if (defs.length > 1) blocked = 'the alias command defines several names';
    else if (!ss.guardsOnly) blocked = 'the statement also runs other commands';
    else blocked = spanConflict(this.sf, ss.start, ss.end, stmt);
    if (!this.sf.rewritable) blocked ??= 'the file is outside HOME or not writable';
    for (const d of defs) {
      const bodyText = aliasText(d.value, 'posix');
      if (this.seen(d.name, this.line(ss.start))) continue;
      this.session.defs.push({
        kind: 'alias', name: d.name, shell: this.opts.shell, dialect: 'posix', file: this.sf, line: this.line(ss.start), endLine: this.line(Math.max(ss.start, ss.end - 1)),
        body: parseScript(bodyText, 'posix').nodes, bodyText, start: ss.start, end: ss.end, nested: f.nested, conditional: cond, blocked, scope: this.opts.scope,
      });
    }
  }

  private func(node: Extract<Node, { type: 'func' }>, f: Flags): void {
    this.defineFunction(node, f, this.opts.shell, 'posix', this.opts.scope);
  }

  private source(word: Word, start: number, f: Flags): void {
    if (this.opts.depth >= LIMITS.maxSourceDepth) return;
    const { scope } = this.opts;
    const { paths, unresolved } = sourcePaths(word, scope, this.sf.path, this.session.home, f.loops);
    if (unresolved) this.session.skip(unresolved, `sourced from ${this.sf.path}:${this.line(start)}; path not known statically`);
    for (const p of paths) {
      if (isOhMyZsh(p)) {
        // Oh My Zsh itself is not user config; its custom dir is.
        const lookup = scope.lookup(this.sf.path);
        const custom = lookup('ZSH_CUSTOM') ?? join(dirname(p), 'custom');
        for (const c of glob(join(custom, '*.zsh'))) this.follow(c, start);
        continue;
      }
      this.follow(p, start);
    }
  }

  private follow(path: string, start: number): void {
    const sf = loadFile(this.session, path, { shell: this.opts.shell, dialect: 'posix', from: `${this.sf.path}:${this.line(start)}`, requireWithinHome: true, sourced: true });
    if (!sf) return;
    new PosixWalker(this.session, sf, { ...this.opts, depth: this.opts.depth + 1 }).run();
  }
}

export interface VarSite { real: string; start: number; end: number; stmt: number; nested: boolean; guardsOnly: boolean }

/** `name=value` of an alias argument (the name may need no quotes, the value usually does). */
export function splitAliasWord(w: Word): { name: string; value: Word } | undefined {
  let name = '';
  for (let k = 0; k < w.parts.length; k++) {
    const p = w.parts[k];
    if (p.kind !== 'lit') return undefined;
    const eq = p.text.indexOf('=');
    if (eq < 0) {
      name += p.text;
      continue;
    }
    name += p.text.slice(0, eq);
    const restText = p.text.slice(eq + 1);
    const parts = [...(restText ? [{ ...p, text: restText }] : []), ...w.parts.slice(k + 1)];
    if (!name || /[\s/$`]/.test(name)) return undefined;
    return { name, value: { type: 'word', raw: w.raw.slice(w.raw.indexOf('=') + 1), parts: parts.length ? parts : [{ kind: 'lit', text: '', quoted: true }], start: w.start, end: w.end } };
  }
  return undefined;
}
