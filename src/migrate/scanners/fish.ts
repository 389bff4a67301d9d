/**
 * fish: config.fish, conf.d/*.fish, autoloaded functions/*.fish, files they `source`, and universal
 * variables in fish_variables (`set -Ux` keeps keys there). Recognises `set -gx/-x/-Ux`, `export`,
 * `alias` (both forms), `abbr`, and `function … end`.
 */
import { join } from 'node:path';
import type { Node } from '../syntax.js';
import { parseScript } from '../syntax.js';
import type { Word } from '../tokenizer.js';
import { aliasText, litWord, literal, splitAssignment } from '../words.js';
import { readTextFile } from '../files.js';
import type { Scope } from '../scope.js';
import { LIMITS, spanConflict, statementSpan, type Session, type SourceFile } from '../session.js';
import { forEachLine, loadFile, loopValues, sourcePaths, ScriptWalker, type WalkFlags } from './common.js';
import { splitAliasWord, type VarSite } from './rc.js';

type Flags = WalkFlags;

export interface FishScanOpts {
  scope: Scope;
  from?: string;
  depth: number;
  requireWithinHome: boolean;
  sourced: boolean;
}

export function scanFishFile(session: Session, path: string, opts: FishScanOpts): SourceFile | undefined {
  const sf = loadFile(session, path, { shell: 'fish', dialect: 'fish', from: opts.from, requireWithinHome: opts.requireWithinHome, sourced: opts.sourced });
  if (!sf) return undefined;
  new FishWalker(session, sf, opts).run();
  return sf;
}

export interface FishSet {
  name: string;
  values: Word[];
  exported: boolean;
  erase: boolean;
  query: boolean;
  local: boolean;
}

/** `set [-gxlUeq…] NAME VALUE…` */
export function parseFishSet(args: Word[]): FishSet | undefined {
  let exported = false;
  let erase = false;
  let query = false;
  let local = false;
  let i = 0;
  for (; i < args.length; i++) {
    const t = literal(args[i]);
    if (t === undefined || !t.startsWith('-') || t === '-') break;
    if (t === '--') {
      i++;
      break;
    }
    if (t.startsWith('--')) {
      if (t === '--export') exported = true;
      else if (t === '--erase') erase = true;
      else if (t === '--query' || t === '--names' || t === '--show') query = true;
      else if (t === '--local' || t === '--function') local = true;
      continue;
    }
    if (t.includes('x')) exported = true;
    if (t.includes('e')) erase = true;
    if (/[qnS]/.test(t)) query = true;
    if (/[lf]/.test(t)) local = true;
  }
  const name = literal(args[i]);
  if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  return { name, values: args.slice(i + 1), exported, erase, query, local };
}

export class FishWalker extends ScriptWalker {
  constructor(session: Session, sf: SourceFile, private readonly opts: FishScanOpts, lineMode?: { line: number }) {
    super(session, sf, lineMode);
  }

  run(): void {
    this.nodes(this.sf.script.nodes, { cond: false, nested: false, loops: new Map() });
    if (this.sf.script.errorAt !== undefined) {
      forEachLine(this.sf, this.sf.script.errorAt, (text, line) => new FishWalker(this.session, this.sf, this.opts, { line }).nodes(parseScript(text, 'fish').nodes, { cond: false, nested: false, loops: new Map() }));
    }
  }

  nodes(list: Node[], f: Flags): void {
    for (const node of list) {
      if (node.type === 'cmd') this.command(node.cmd.words, node.cmd.start, node.cmd.end, node.cmd.stmt, f);
      else if (node.type === 'func') this.func(node, f);
      else {
        const loops = node.kind === 'for' && node.loopVar ? new Map(f.loops).set(node.loopVar, loopValues(node.loopWords ?? [], this.opts.scope, this.sf.path, this.session.home, f.loops)) : f.loops;
        const cond = f.cond || node.kind === 'if' || node.kind === 'switch' || node.kind === 'while';
        this.nodes(node.body, { cond, nested: true, loops });
      }
    }
  }

  private command(words: Word[], start: number, end: number, stmt: number, f: Flags): void {
    const { scope } = this.opts;
    let i = 0;
    while (i < words.length && ['builtin', 'command'].includes(literal(words[i]) ?? '')) i++;
    const prog = literal(words[i]);
    const rest = words.slice(i + 1);
    const ss = this.lineMode ? { start, end, guardsOnly: true } : statementSpan(this.sf, stmt, { start, end });
    const cond = f.cond || ss.start !== start || ss.end !== end;
    const site: VarSite | undefined = this.lineMode ? undefined : { real: this.sf.real, start: ss.start, end: ss.end, stmt, nested: f.nested, guardsOnly: ss.guardsOnly };
    switch (prog) {
      case 'set': {
        const s = parseFishSet(rest);
        if (!s || s.query) return;
        if (s.erase) {
          scope.set({ name: s.name, word: null, dialect: 'fish', file: this.sf.path, line: this.line(start), exported: false, global: true });
          return;
        }
        const prev = scope.get(s.name);
        scope.set({
          name: s.name, word: joinValues(s.values), dialect: 'fish', file: this.sf.path, line: this.line(start),
          exported: s.exported || !!prev?.exported, global: !s.local, conditional: cond, site,
        });
        return;
      }
      case 'export':
        for (const w of rest) {
          const a = splitAssignment(w);
          if (a) scope.set({ name: a.name, word: a.value, dialect: 'fish', file: this.sf.path, line: this.line(start), exported: true, global: true, conditional: cond, site });
        }
        return;
      case 'alias':
        this.alias(rest, start, end, stmt, f, cond);
        return;
      case 'abbr':
        this.abbr(rest, start, end, stmt, f, cond);
        return;
      case 'source':
      case '.':
        if (rest[0]) this.source(rest[0], start, f);
        return;
    }
  }

  private defSpan(start: number, end: number, stmt: number, many: boolean): { start: number; end: number; blocked?: string } {
    if (this.lineMode) return { start, end, blocked: 'the file has syntax errors; left as is' };
    const ss = statementSpan(this.sf, stmt, { start, end });
    let blocked: string | undefined;
    if (many) blocked = 'the command defines several names';
    else if (!ss.guardsOnly) blocked = 'the statement also runs other commands';
    else blocked = spanConflict(this.sf, ss.start, ss.end, stmt);
    if (!this.sf.rewritable) blocked ??= 'the file is outside HOME or not writable';
    return { start: ss.start, end: ss.end, blocked };
  }

  private alias(args: Word[], start: number, end: number, stmt: number, f: Flags, cond: boolean): void {
    const pos = args.filter((w) => !/^-/.test(literal(w) ?? ''));
    let name: string | undefined;
    let bodyText: string;
    if (pos.length === 1) {
      // alias NAME=BODY (the quotes may start after the =)
      const sp = splitAliasWord(pos[0]);
      if (!sp) return;
      name = sp.name;
      bodyText = aliasText(sp.value, 'fish');
    } else if (pos.length > 1) {
      name = literal(pos[0]);
      bodyText = pos.slice(1).map((w) => aliasText(w, 'fish')).join(' ');
    } else return;
    if (!name) return;
    this.pushDef('alias', name, bodyText, start, end, stmt, f, cond);
  }

  private abbr(args: Word[], start: number, end: number, stmt: number, f: Flags, cond: boolean): void {
    const pos: Word[] = [];
    for (let i = 0; i < args.length; i++) {
      const t = literal(args[i]) ?? '';
      if (/^(-e|--erase|-l|--list|-s|--show|-q|--query|--rename|-f|--function)$/.test(t) || t.startsWith('--function=')) return;
      if (/^(-p|--position|-r|--regex|--set-cursor|-c|--command)$/.test(t)) {
        if (t !== '--set-cursor') i++;
        continue;
      }
      if (t.startsWith('-') && !pos.length) continue;
      if (t === '--') continue;
      pos.push(args[i]);
    }
    const name = literal(pos[0]);
    if (!name || pos.length < 2) return;
    this.pushDef('abbr', name, pos.slice(1).map((w) => literal(w) ?? aliasText(w, 'fish')).join(' '), start, end, stmt, f, cond);
  }

  private pushDef(kind: 'alias' | 'abbr', name: string, bodyText: string, start: number, end: number, stmt: number, f: Flags, cond: boolean): void {
    const span = this.defSpan(start, end, stmt, false);
    if (this.seen(name, this.line(span.start))) return;
    this.session.defs.push({
      kind, name, shell: 'fish', dialect: 'fish', file: this.sf, line: this.line(span.start), endLine: this.line(Math.max(span.start, span.end - 1)),
      body: parseScript(bodyText, 'fish').nodes, bodyText, start: span.start, end: span.end, nested: f.nested, conditional: cond, blocked: span.blocked, scope: this.opts.scope,
    });
  }

  private func(node: Extract<Node, { type: 'func' }>, f: Flags): void {
    this.defineFunction(node, f, 'fish', 'fish', this.opts.scope);
  }

  private source(word: Word, start: number, f: Flags): void {
    if (this.opts.depth >= LIMITS.maxSourceDepth) return;
    const { paths, unresolved } = sourcePaths(word, this.opts.scope, this.sf.path, this.session.home, f.loops);
    if (unresolved) this.session.skip(unresolved, `sourced from ${this.sf.path}:${this.line(start)}; path not known statically`);
    for (const p of paths) {
      const sf = loadFile(this.session, p, { shell: 'fish', dialect: 'fish', from: `${this.sf.path}:${this.line(start)}`, requireWithinHome: true, sourced: true });
      if (sf) new FishWalker(this.session, sf, { ...this.opts, depth: this.opts.depth + 1 }).run();
    }
  }
}

/** A fish list value as one word (keys and URLs are single values; lists join with spaces). */
function joinValues(values: Word[]): Word {
  if (values.length === 1) return values[0];
  if (values.length === 0) return litWord('');
  return { type: 'word', raw: values.map((v) => v.raw).join(' '), parts: values.flatMap((v, i) => (i ? [{ kind: 'lit' as const, text: ' ', quoted: true }, ...v.parts] : v.parts)), start: values[0].start, end: values[values.length - 1].end };
}

/** fish_variables: `SETUVAR [--export] NAME:VALUE` with \xNN escapes; list items separated by \x1e. */
export function scanFishVariables(session: Session, path: string, scope: Scope): void {
  const r = readTextFile(path);
  if (!r.ok) {
    if (r.reason !== 'missing') session.skip(path, r.reason);
    return;
  }
  session.scanned.push({ file: path, shell: 'fish' });
  const lines = r.file.text.split('\n');
  lines.forEach((text, idx) => {
    const m = /^SETUVAR\s+(--export\s+)?([A-Za-z_][A-Za-z0-9_]*):(.*)$/.exec(text.replace(/\r$/, ''));
    if (!m) return;
    const value = m[3].replace(/\\x([0-9a-fA-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\\\/g, '\\').split('\x1e')[0];
    scope.set({ name: m[2], word: litWord(value), dialect: 'fish', file: path, line: idx + 1, exported: !!m[1], global: true });
  });
}

export function fishConfigDir(session: Session): string {
  return join(session.home, '.config', 'fish');
}

