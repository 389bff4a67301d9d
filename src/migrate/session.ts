/**
 * One audit's shared state: the files read (with their parse trees, for span checks and rewrites), the
 * definitions found (aliases, functions, abbreviations, wrappers), and the global shell variables.
 */
import { parseScript, type Cmd, type Node, type Script } from './syntax.js';
import type { Dialect } from './tokenizer.js';
import { Scope } from './scope.js';
import type { TextFile } from './files.js';
import type { Ignored, ScannedFile, ShellKind, SkippedFile } from './types.js';
import { literal } from './words.js';

export interface SourceFile extends TextFile {
  shell: ShellKind;
  dialect: Dialect;
  script: Script;
  lines: LineIndex;
  /** Whether migrate may rewrite it (inside HOME, writable). */
  rewritable: boolean;
  /** Commands per statement id (built on first use). */
  byStmt?: Map<number, Cmd[]>;
}

export type DefinitionKind = 'alias' | 'function' | 'abbr' | 'wrapper';

export interface Definition {
  kind: DefinitionKind;
  name: string;
  shell: ShellKind;
  dialect: Dialect;
  file: SourceFile;
  line: number;
  endLine: number;
  /** Parsed body; for aliases and abbreviations, parsed from `bodyText` (the value re-read by the shell). */
  body: Node[];
  bodyText?: string;
  /** Statement offsets in the file (what a rewrite comments out). */
  start: number;
  end: number;
  nested: boolean;
  conditional: boolean;
  /** Why a rewrite must leave it alone. */
  blocked?: string;
  scope: Scope;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  get count(): number {
    return this.starts.length;
  }
  /** Offset where a 1-based line starts. */
  startOf(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1];
  }
}

export const LIMITS = {
  /** Files read per audit through `source` chains. */
  maxSourced: 400,
  /** Depth of `source` nesting. */
  maxSourceDepth: 12,
};

export class Session {
  readonly scope: Scope;
  readonly files = new Map<string, SourceFile>();
  readonly defs: Definition[] = [];
  readonly scanned: ScannedFile[] = [];
  readonly skipped: SkippedFile[] = [];
  readonly ignored: Ignored[] = [];
  readonly parseErrors: { file: string; error: string }[] = [];
  /** Agent names mentioned anywhere in the files read (evidence for global OPENAI_API_KEY → codex, …). */
  readonly mentioned = new Set<string>();
  sourcedCount = 0;
  /** Functions already read as called at start-up. */
  readonly inlined = new Set<string>();
  /** file:name:line of every definition, to skip repeats when a broken file is re-read line by line. */
  readonly defKeys = new Set<string>();

  constructor(readonly home: string) {
    this.scope = new Scope(undefined, home);
  }

  addFile(tf: TextFile, shell: ShellKind, dialect: Dialect, rewritable: boolean, from?: string): SourceFile {
    const script = parseScript(tf.text, dialect);
    const sf: SourceFile = { ...tf, shell, dialect, script, lines: new LineIndex(tf.text), rewritable };
    this.files.set(tf.real, sf);
    this.scanned.push({ file: tf.path, shell, ...(from ? { from } : {}) });
    if (script.errors.length) this.parseErrors.push({ file: tf.path, error: [...new Set(script.errors)].slice(0, 3).join('; ') });
    for (const m of tf.text.matchAll(/(?<![A-Za-z0-9_-])(claude|codex|grok|droid|opencode|gemini|aider)(?![A-Za-z0-9_])/g)) this.mentioned.add(m[1]);
    return sf;
  }

  skip(file: string, reason: string): void {
    if (!this.skipped.some((s) => s.file === file)) this.skipped.push({ file, reason });
  }
}

const GUARDS = new Set(['command', 'type', 'which', 'hash', '[', '[[', 'test', 'true', 'false', '((', 'exists', 'has', 'is_command', 'command_exists', 'have', 'set', 'functions']);

/**
 * Why the lines of [start,end) cannot be commented out on their own: another command shares a line,
 * or the statement holds more than guards. Undefined when the lines belong to the definition alone.
 */
export function spanConflict(sf: SourceFile, start: number, end: number, stmt?: number): string | undefined {
  const first = sf.lines.lineOf(start);
  const last = sf.lines.lineOf(Math.max(start, end - 1));
  const cmds = sf.script.cmds;
  const from = sf.lines.startOf(first);
  const to = last < sf.lines.count ? sf.lines.startOf(last + 1) : Number.MAX_SAFE_INTEGER;
  // Commands are in text order: look only near the lines in question.
  let lo = 0;
  let hi = cmds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmds[mid].start < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = Math.max(0, lo - 64); i < cmds.length; i++) {
    const c = cmds[i];
    if (c.start >= to) break;
    if (c.end <= from) continue;
    if (c.start >= start && c.end <= end) continue;
    if (stmt !== undefined && c.stmt === stmt && GUARDS.has(literal(c.words[0]) ?? '')) continue;
    return `line ${Math.max(sf.lines.lineOf(c.start), first)} holds other commands too`;
  }
  return undefined;
}

/** The offsets covering every command of a statement (an && / || / | list). */
export function statementSpan(sf: SourceFile, stmt: number, fallback: { start: number; end: number }): { start: number; end: number; guardsOnly: boolean } {
  if (!sf.byStmt) {
    sf.byStmt = new Map();
    for (const c of sf.script.cmds) {
      const l = sf.byStmt.get(c.stmt);
      if (l) l.push(c);
      else sf.byStmt.set(c.stmt, [c]);
    }
  }
  let start = fallback.start;
  let end = fallback.end;
  let guardsOnly = true;
  for (const c of sf.byStmt.get(stmt) ?? []) {
    start = Math.min(start, c.start);
    end = Math.max(end, c.end);
    if (c.end <= fallback.start || c.start >= fallback.end) {
      if (!GUARDS.has(literal(c.words[0]) ?? '')) guardsOnly = false;
    }
  }
  return { start, end, guardsOnly };
}
