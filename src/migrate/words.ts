/** Helpers over tokenizer words: literal text, static expansion, assignments, quoting for generated lines. */
import { tokenize, type Dialect, type Part, type Word } from './tokenizer.js';

/** The text of a word made only of literal parts (quoted or not), else undefined. */
export function literal(w: Word | undefined): string | undefined {
  if (!w) return undefined;
  let out = '';
  for (const p of w.parts) {
    if (p.kind !== 'lit') return undefined;
    out += p.text;
  }
  return out;
}

/** Variable lookup: the static value of a variable, or undefined when unknown or dynamic. `#dir` is the current file's directory. */
export type Lookup = (name: string) => string | undefined;

const MAX_EXPAND_DEPTH = 8;

/** Expand a word statically; undefined when any part depends on something unknown (a command, an unknown variable). */
export function expand(w: Word, lookup: Lookup, depth = 0): string | undefined {
  return expandParts(w.parts, lookup, depth);
}

export function expandParts(parts: Part[], lookup: Lookup, depth = 0): string | undefined {
  let out = '';
  for (const p of parts) {
    const v = expandPart(p, lookup, depth);
    if (v === undefined) return undefined;
    out += v;
  }
  return out;
}

function expandPart(p: Part, lookup: Lookup, depth: number): string | undefined {
  switch (p.kind) {
    case 'lit':
      return p.text;
    case 'tilde':
      return p.user === '' ? lookup('HOME') : undefined;
    case 'var': {
      if (depth > MAX_EXPAND_DEPTH) return undefined;
      // The directory of the file being read: zsh ${0:A:h}, ${0:h}; bash ${BASH_SOURCE%/*}.
      if ((p.name === '0' && p.op === ':' && /h/.test(p.arg)) || (p.name === 'BASH_SOURCE' && p.op === '%' && p.arg.startsWith('/'))) return lookup('#dir');
      const v = p.name ? lookup(p.name) : undefined;
      switch (p.op) {
        case '':
        case '[':
          return v;
        case ':-':
        case ':=':
          return v !== undefined && v !== '' ? v : expandArg(p.arg, lookup, depth);
        case '-':
        case '=':
          return v !== undefined ? v : expandArg(p.arg, lookup, depth);
        case ':+':
          return v !== undefined && v !== '' ? expandArg(p.arg, lookup, depth) : '';
        case '+':
          return v !== undefined ? expandArg(p.arg, lookup, depth) : '';
        case ':?':
        case '?':
          return v;
        default:
          return undefined;
      }
    }
    case 'cmd':
      // `$(dirname "$0")`, `$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)`: the current file's directory.
      if (/\bdirname\b/.test(p.body) && /(BASH_SOURCE|\$\{?0\b|%x|%N)/.test(p.body)) return lookup('#dir');
      return undefined;
    default:
      return undefined;
  }
}

function expandArg(arg: string, lookup: Lookup, depth: number): string | undefined {
  if (arg === '') return '';
  const t = tokenize(arg, { depth: 1 });
  const words = t.tokens.filter((x): x is Word => x.type === 'word');
  if (words.length === 0) return '';
  const parts: string[] = [];
  for (const w of words) {
    const v = expand(w, lookup, depth + 1);
    if (v === undefined) return undefined;
    parts.push(v);
  }
  return parts.join(' ');
}

/** Expand with unknown variables left as `${NAME}` and commands as `$(…)`: for display and best-effort paths. */
export function expandLoose(w: Word, lookup: Lookup): string {
  let out = '';
  for (const p of w.parts) {
    const v = expandPart(p, lookup, 0);
    if (v !== undefined) out += v;
    else if (p.kind === 'var') out += `\${${p.name}}`;
    else if (p.kind === 'tilde') out += `~${p.user}`;
    else if (p.kind === 'cmd') out += '$(…)';
    else out += '…';
  }
  return out;
}

/** Names of variables a word refers to (outside command substitutions). */
export function varRefs(w: Word): string[] {
  return w.parts.flatMap((p) => (p.kind === 'var' && p.name ? [p.name] : []));
}

export function hasCommand(w: Word): boolean {
  return w.parts.some((p) => p.kind === 'cmd' || p.kind === 'proc');
}

export interface Assignment { name: string; value: Word; append: boolean }

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;

/** `NAME=value` (the name unquoted): the name and the value as a word of its own. */
export function splitAssignment(w: Word | undefined): Assignment | undefined {
  if (!w) return undefined;
  const first = w.parts[0];
  if (!first || first.kind !== 'lit' || first.quoted) return undefined;
  const m = ASSIGN.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  const parts: Part[] = rest ? [{ ...first, text: rest }, ...w.parts.slice(1)] : w.parts.slice(1);
  const value: Word = { type: 'word', raw: w.raw.slice(m[0].length), parts: parts.length ? parts : [{ kind: 'lit', text: '', quoted: false }], start: w.start + m[0].length, end: w.end };
  return { name: m[1], value, append: m[2] === '+' };
}

/** Parse one string as a single word (e.g. the value side of `alias x=…` re-read, or a fish `set` value). */
export function wordOf(text: string, dialect: Dialect = 'posix'): Word | undefined {
  return tokenize(text, { dialect, depth: 1 }).tokens.find((t): t is Word => t.type === 'word');
}

/** A literal word (for synthesised values). */
export function litWord(text: string): Word {
  return { type: 'word', raw: text, parts: [{ kind: 'lit', text, quoted: true }], start: 0, end: text.length };
}

/** Single-quote for POSIX shells: 'it'\''s'. */
export function shQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Single-quote for fish: only \\ and \' are escapes inside '…'. */
export function fishQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The text a word would become when the shell re-reads it as an alias body: quotes kept where they matter. */
export function aliasText(w: Word, dialect: Dialect = 'posix'): string {
  let out = '';
  for (const p of w.parts) {
    if (p.kind === 'lit') out += p.text;
    else if (p.kind === 'tilde') out += `~${p.user}`;
    else if (p.kind === 'var') {
      if (dialect === 'fish') out += `$${p.name}${p.op === '[' ? p.arg : ''}`;
      else out += p.op || p.arg ? `\${${p.name}${p.op === '[' ? '' : p.op}${p.arg}}` : `$${p.name}`;
    } else if (p.kind === 'cmd') out += dialect === 'fish' ? `(${p.body})` : `$(${p.body})`;
    else if (p.kind === 'arith') out += `$((${p.body}))`;
    else out += `<(${p.body})`;
  }
  return out;
}
