/**
 * A tokenizer for shell words: POSIX sh/bash/zsh, and fish as a dialect. Pure and total: it never throws,
 * whatever the input (unterminated quotes, binary noise, deep nesting); problems are returned as `errors`.
 *
 * A word keeps its raw source text and a list of parts (literal text, `~`, `$VAR`/`${VAR…}`, `$(…)`/backticks,
 * arithmetic, process substitution), so callers can tell `"$KEY"` from `'$KEY'` and `$(op read …)` from a literal.
 */

export type Dialect = 'posix' | 'fish';

export type Part =
  /** Literal text; `quoted` when it came from quotes or an escape (so `*` in it is not a glob). */
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'tilde'; user: string }
  /** `$NAME`, `${NAME}`, `${NAME:-arg}` (op ":-", arg "arg"), fish `$NAME[1]`. */
  | { kind: 'var'; name: string; op: string; arg: string; quoted: boolean }
  /** `$(body)`, `` `body` ``, fish `(body)`. */
  | { kind: 'cmd'; body: string; quoted: boolean }
  | { kind: 'arith'; body: string }
  /** `<(body)`, `>(body)`, zsh `=(body)`. */
  | { kind: 'proc'; body: string };

export interface Word { type: 'word'; raw: string; parts: Part[]; start: number; end: number }
export interface Op { type: 'op'; op: string; start: number; end: number }
export interface Newline { type: 'nl'; start: number; end: number }
export type Token = Word | Op | Newline;

export interface TokenizeOptions {
  dialect?: Dialect;
  /** Offset to start at (used for `$(…)` bodies). */
  start?: number;
  /** Stop before an unmatched `)` (the end of a command substitution). */
  untilParen?: boolean;
  /** Nesting depth, bounded so hostile input cannot overflow the stack. */
  depth?: number;
}

export interface TokenizeResult {
  tokens: Token[];
  end: number;
  errors: string[];
  /** Where the first construct that could not be read starts (an unterminated quote, …). */
  errorAt?: number;
}

const MAX_DEPTH = 40;

// Longest first. `&!`/`&|` are zsh's disown forms.
const POSIX_OPS = [';;&', '<<<', '<<-', '&>>', ';;', ';&', ';|', '&&', '||', '|&', '&|', '<<', '>>', '<&', '>&', '<>', '>|', '&>', ';', '&', '|', '(', ')', '<', '>'];
const FISH_OPS = ['&>>', '&&', '||', '&|', '>>', '<&', '>&', '&>', '>?', ';', '&', '|', '<', '>', ')'];

const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF';
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function tokenize(src: string, opts: TokenizeOptions = {}): TokenizeResult {
  return new Lexer(src, opts.dialect ?? 'posix', opts.depth ?? 0).run(opts.start ?? 0, opts.untilParen ?? false);
}

interface PendingHeredoc { delim: string; strip: boolean }

class Lexer {
  private tokens: Token[] = [];
  private errors: string[] = [];
  private heredocs: PendingHeredoc[] = [];
  private i = 0;
  private tokStart = 0;
  private errorAt: number | undefined;
  private readonly n: number;
  private readonly ops: string[];

  constructor(private readonly s: string, private readonly dialect: Dialect, private readonly depth: number) {
    this.n = s.length;
    this.ops = dialect === 'fish' ? FISH_OPS : POSIX_OPS;
  }

  run(start: number, untilParen: boolean): TokenizeResult {
    const s = this.s;
    this.i = start;
    let parenDepth = 0;
    let expectHeredocDelim: PendingHeredoc | undefined;
    while (this.i < this.n) {
      const c = s[this.i];
      if (c === '\\' && (s[this.i + 1] === '\n' || (s[this.i + 1] === '\r' && s[this.i + 2] === '\n'))) {
        this.i += s[this.i + 1] === '\n' ? 2 : 3;
        continue;
      }
      if (isBlank(c)) {
        this.i++;
        continue;
      }
      if (c === '\n') {
        this.tokens.push({ type: 'nl', start: this.i, end: this.i + 1 });
        this.i++;
        if (this.heredocs.length) this.readHeredocBodies();
        continue;
      }
      if (c === '#') {
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? this.n : nl;
        continue;
      }
      this.tokStart = this.i;
      const op = this.matchOp();
      if (op) {
        if (op === ')' && untilParen) {
          if (parenDepth === 0) return this.result(this.i);
          parenDepth--;
        }
        if (op === '(') parenDepth++;
        const start = this.i;
        this.i += op.length;
        this.tokens.push({ type: 'op', op, start, end: this.i });
        if (this.dialect === 'posix' && (op === '<<' || op === '<<-')) expectHeredocDelim = { delim: '', strip: op === '<<-' };
        continue;
      }
      const w = this.readWord();
      if (w.end === w.start) {
        this.i++; // defensive: never loop on a character no rule consumed
        continue;
      }
      this.tokens.push(w);
      if (expectHeredocDelim) {
        expectHeredocDelim.delim = w.parts.map((p) => (p.kind === 'lit' ? p.text : p.kind === 'var' ? `$${p.name}` : '')).join('');
        this.heredocs.push(expectHeredocDelim);
        expectHeredocDelim = undefined;
      }
    }
    if (untilParen) this.err('unterminated $( … )');
    if (this.heredocs.length) this.err('unterminated here-document');
    return this.result(this.n);
  }

  private result(end: number): TokenizeResult {
    return { tokens: this.tokens, end, errors: this.errors, ...(this.errorAt !== undefined ? { errorAt: this.errorAt } : {}) };
  }

  private err(msg: string): void {
    this.errors.push(msg);
    this.errorAt = Math.min(this.errorAt ?? Number.MAX_SAFE_INTEGER, this.tokStart);
  }

  private matchOp(): string | undefined {
    const s = this.s;
    const c = s[this.i];
    // `2>&1`, `2>/dev/null`: a redirect with its fd number.
    if (c >= '0' && c <= '9') {
      let j = this.i;
      while (j < this.n && s[j] >= '0' && s[j] <= '9') j++;
      if (s[j] === '>' || s[j] === '<') {
        const op = this.ops.find((o) => (o[0] === '<' || o[0] === '>') && s.startsWith(o, j));
        if (op) return s.slice(this.i, j) + op;
      }
      return undefined;
    }
    if (!';&|()<>'.includes(c)) return undefined;
    // `<(…)` and `>(…)` are process substitution: a word, not a redirect.
    if (this.dialect === 'posix' && (c === '<' || c === '>') && s[this.i + 1] === '(') return undefined;
    if (this.dialect === 'fish' && c === '(') return undefined;
    return this.ops.find((o) => s.startsWith(o, this.i));
  }

  private readHeredocBodies(): void {
    const s = this.s;
    for (const h of this.heredocs) {
      let found = false;
      while (this.i < this.n) {
        let nl = s.indexOf('\n', this.i);
        if (nl < 0) nl = this.n;
        let line = s.slice(this.i, nl);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (h.strip) line = line.replace(/^\t+/, '');
        this.i = Math.min(nl + 1, this.n);
        if (line === h.delim) {
          found = true;
          break;
        }
      }
      if (!found) this.err(`unterminated here-document (${h.delim})`);
    }
    this.heredocs = [];
  }

  // ---- words ----

  private readWord(): Word {
    const s = this.s;
    const start = this.i;
    const parts: Part[] = [];
    let lit = '';
    let litQuoted = false;
    const flush = () => {
      if (lit) parts.push({ kind: 'lit', text: lit, quoted: litQuoted });
      lit = '';
    };
    const addLit = (text: string, quoted: boolean) => {
      if (lit && litQuoted !== quoted) flush();
      litQuoted = quoted;
      lit += text;
    };
    const push = (p: Part) => {
      flush();
      parts.push(p);
    };
    const fish = this.dialect === 'fish';
    let assignmentTilde = false; // after NAME= in an assignment, `~` expands too

    while (this.i < this.n) {
      const c = s[this.i];
      if (isBlank(c) || c === '\n') break;
      if (fish ? ';&|<>)'.includes(c) : ';&|()<>'.includes(c)) {
        if (!fish && (c === '<' || c === '>') && s[this.i + 1] === '(' && parts.length === 0 && !lit) {
          push({ kind: 'proc', body: this.readParenBody(this.i + 2) });
          continue;
        }
        // Arrays: `roots=( a b )`, `local -a dirs=(…)`: the whole list is the value.
        if (!fish && c === '(' && parts.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(lit)) {
          const end = this.readParenBodyEnd(this.i + 1);
          addLit(s.slice(this.i, end), true);
          this.i = end;
          continue;
        }
        if (!fish && c === '(' && (lit || parts.length) && this.globQualifier()) {
          const close = s.indexOf(')', this.i);
          addLit(s.slice(this.i, close + 1), false);
          this.i = close + 1;
          continue;
        }
        // `2>` inside a word is not a redirect (e.g. `a2>b` is the word a2 then >b); digits handled by matchOp.
        break;
      }
      if (c === '\\') {
        const next = s[this.i + 1];
        if (next === '\n') {
          this.i += 2;
          continue;
        }
        if (next === '\r' && s[this.i + 2] === '\n') {
          this.i += 3;
          continue;
        }
        if (next === undefined) {
          addLit('\\', false);
          this.i++;
          continue;
        }
        addLit(next, true);
        this.i += 2;
        continue;
      }
      if (c === "'") {
        this.i++;
        addLit(fish ? this.readFishSingle() : this.readSingle(), true);
        continue;
      }
      if (c === '"') {
        this.i++;
        flush();
        this.readDouble(parts);
        continue;
      }
      if (c === '$') {
        flush();
        this.readDollar(parts, false);
        continue;
      }
      if (c === '`' && !fish) {
        push({ kind: 'cmd', body: this.readBacktick(), quoted: false });
        continue;
      }
      if (c === '(' && fish) {
        push({ kind: 'cmd', body: this.readParenBody(this.i + 1), quoted: false });
        continue;
      }
      if (c === '~' && ((parts.length === 0 && !lit) || assignmentTilde || (!fish && lit.endsWith(':') && /^[A-Za-z_][A-Za-z0-9_]*=/.test(lit)))) {
        let j = this.i + 1;
        while (j < this.n && /[A-Za-z0-9_.-]/.test(s[j])) j++;
        const after = s[j];
        if (after === undefined || after === '/' || isBlank(after) || after === '\n' || after === ':' || ';&|()<>"\''.includes(after)) {
          push({ kind: 'tilde', user: s.slice(this.i + 1, j) });
          this.i = j;
          assignmentTilde = false;
          continue;
        }
      }
      addLit(c, false);
      this.i++;
      // `VAR=~/x cmd` expands the tilde in sh and in fish alike.
      assignmentTilde = c === '=' && parts.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/.test(lit);
    }
    flush();
    return { type: 'word', raw: s.slice(start, this.i), parts, start, end: this.i };
  }

  /** zsh glob qualifiers glued to a word, such as `*.zsh(N)` or `{a,b}(Nn-)`: short, no blanks; `()` is a function header. */
  private globQualifier(): boolean {
    const close = this.s.indexOf(')', this.i);
    return close > this.i + 1 && close - this.i < 24 && /^[A-Za-z0-9:.,+*^~#%=\[\]\/@!-]+$/.test(this.s.slice(this.i + 1, close));
  }

  private readSingle(): string {
    const end = this.s.indexOf("'", this.i);
    if (end < 0) {
      this.err('unterminated single quote');
      const text = this.s.slice(this.i);
      this.i = this.n;
      return text;
    }
    const text = this.s.slice(this.i, end);
    this.i = end + 1;
    return text;
  }

  private readFishSingle(): string {
    const s = this.s;
    let out = '';
    while (this.i < this.n) {
      const c = s[this.i];
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c === '\\' && (s[this.i + 1] === "'" || s[this.i + 1] === '\\')) {
        out += s[this.i + 1];
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
    this.err('unterminated single quote');
    return out;
  }

  private readDouble(parts: Part[]): void {
    const s = this.s;
    const fish = this.dialect === 'fish';
    let lit = '';
    const flush = () => {
      if (lit) parts.push({ kind: 'lit', text: lit, quoted: true });
      lit = '';
    };
    let closed = false;
    while (this.i < this.n) {
      const c = s[this.i];
      if (c === '"') {
        this.i++;
        closed = true;
        break;
      }
      if (c === '\\') {
        const next = s[this.i + 1];
        if (next === '\n') {
          this.i += 2;
          continue;
        }
        if (next !== undefined && (next === '$' || next === '"' || next === '\\' || (!fish && next === '`'))) {
          lit += next;
          this.i += 2;
          continue;
        }
        lit += c;
        this.i++;
        continue;
      }
      if (c === '$') {
        flush();
        this.readDollar(parts, true);
        continue;
      }
      if (c === '`' && !fish) {
        flush();
        parts.push({ kind: 'cmd', body: this.readBacktick(), quoted: true });
        continue;
      }
      lit += c;
      this.i++;
    }
    if (!closed) this.err('unterminated double quote');
    flush();
    // An empty "" still makes a (quoted, empty) word part.
    if (parts.length === 0) parts.push({ kind: 'lit', text: '', quoted: true });
  }

  private readDollar(parts: Part[], quoted: boolean): void {
    const s = this.s;
    const fish = this.dialect === 'fish';
    const next = s[this.i + 1];
    if (next === '(') {
      if (!fish && s[this.i + 2] === '(') {
        const end = this.matchArith(this.i + 3);
        parts.push({ kind: 'arith', body: s.slice(this.i + 3, Math.max(this.i + 3, end - 2)) });
        this.i = end;
        return;
      }
      parts.push({ kind: 'cmd', body: this.readParenBody(this.i + 2), quoted });
      return;
    }
    if (!fish && next === '{') {
      this.readBraceVar(parts, quoted);
      return;
    }
    if (!fish && !quoted && next === "'") {
      this.i += 2;
      parts.push({ kind: 'lit', text: this.readAnsiC(), quoted: true });
      return;
    }
    if (!fish && !quoted && next === '"') {
      this.i += 2;
      this.readDouble(parts);
      return;
    }
    if (next !== undefined && (NAME_START.test(next) || (fish && /[0-9]/.test(next)))) {
      let j = this.i + 1;
      while (j < this.n && NAME_CHAR.test(s[j])) j++;
      const name = s.slice(this.i + 1, j);
      let arg = '';
      // fish list index: $argv[1], $PATH[-1..1]
      if (fish && s[j] === '[') {
        const close = s.indexOf(']', j);
        if (close > 0 && close - j < 64) {
          arg = s.slice(j, close + 1);
          j = close + 1;
        }
      }
      parts.push({ kind: 'var', name, op: arg ? '[' : '', arg, quoted });
      this.i = j;
      return;
    }
    if (fish && next === '$') {
      // $$name: indirect; treat as an unknown variable.
      let j = this.i + 2;
      while (j < this.n && NAME_CHAR.test(s[j])) j++;
      parts.push({ kind: 'var', name: s.slice(this.i + 2, j), op: '$', arg: '', quoted });
      this.i = j;
      return;
    }
    if (!fish && next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      parts.push({ kind: 'var', name: next, op: '', arg: '', quoted });
      this.i += 2;
      return;
    }
    parts.push({ kind: 'lit', text: '$', quoted });
    this.i++;
  }

  private readBraceVar(parts: Part[], quoted: boolean): void {
    const s = this.s;
    const open = this.i + 2;
    // Find the matching `}` honouring nested ${…}, quotes and escapes.
    let j = open;
    let depth = 1;
    while (j < this.n && depth > 0) {
      const c = s[j];
      if (c === '\\') {
        j += 2;
        continue;
      }
      if (c === "'" && !quoted) {
        const e = s.indexOf("'", j + 1);
        j = e < 0 ? this.n : e + 1;
        continue;
      }
      if (c === '"') {
        j = this.skipDouble(j + 1);
        continue;
      }
      if (c === '$' && s[j + 1] === '{') {
        depth++;
        j += 2;
        continue;
      }
      if (c === '$' && s[j + 1] === '(') {
        j = this.readParenBodyEnd(j + 2);
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') depth--;
      j++;
    }
    if (depth > 0) this.err('unterminated ${');
    const inner = s.slice(open, depth > 0 ? this.n : j - 1);
    this.i = depth > 0 ? this.n : j;
    parts.push(parseBraceVar(inner, quoted));
  }

  private skipDouble(j: number): number {
    const s = this.s;
    while (j < this.n) {
      if (s[j] === '\\') {
        j += 2;
        continue;
      }
      if (s[j] === '"') return j + 1;
      j++;
    }
    return this.n;
  }

  private matchArith(j: number): number {
    const s = this.s;
    let depth = 2;
    while (j < this.n) {
      const c = s[j];
      if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    this.err('unterminated $(( … ))');
    return this.n;
  }

  /** Body of `$(`/`(`/`<(` starting at `from`; leaves this.i after the closing paren. */
  private readParenBody(from: number): string {
    const end = this.readParenBodyEnd(from);
    const body = this.s.slice(from, end > from && this.s[end - 1] === ')' ? end - 1 : end);
    this.i = end;
    return body;
  }

  private readParenBodyEnd(from: number): number {
    if (this.depth >= MAX_DEPTH) {
      this.err('nesting too deep');
      return this.n;
    }
    const sub = new Lexer(this.s, this.dialect, this.depth + 1).run(from, true);
    for (const e of sub.errors) this.err(e);
    if (sub.errorAt !== undefined) this.errorAt = Math.min(this.errorAt ?? Number.MAX_SAFE_INTEGER, this.tokStart, sub.errorAt);
    return sub.end >= this.n ? this.n : sub.end + 1;
  }

  private readBacktick(): string {
    const s = this.s;
    let j = this.i + 1;
    let body = '';
    while (j < this.n && s[j] !== '`') {
      if (s[j] === '\\' && (s[j + 1] === '`' || s[j + 1] === '\\' || s[j + 1] === '$')) {
        body += s[j + 1];
        j += 2;
        continue;
      }
      body += s[j];
      j++;
    }
    if (j >= this.n) this.err('unterminated backtick');
    this.i = Math.min(j + 1, this.n);
    return body;
  }

  private readAnsiC(): string {
    const s = this.s;
    let out = '';
    while (this.i < this.n) {
      const c = s[this.i];
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c === '\\' && this.i + 1 < this.n) {
        const e = s[this.i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
        if (e in simple) {
          out += simple[e];
          this.i += 2;
          continue;
        }
        if (e === 'x') {
          const m = /^[0-9A-Fa-f]{1,2}/.exec(s.slice(this.i + 2, this.i + 4));
          if (m) {
            out += String.fromCharCode(parseInt(m[0], 16));
            this.i += 2 + m[0].length;
            continue;
          }
        }
        out += e;
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
    this.err("unterminated $'");
    return out;
  }
}

/** `NAME`, `NAME:-arg`, `#NAME`, `!NAME`, `(flags)NAME`, `NAME[0]`, `0:A:h`. */
function parseBraceVar(inner: string, quoted: boolean): Part {
  let rest = inner.replace(/^\([^)]*\)/, ''); // zsh flags
  let prefix = '';
  if (rest.startsWith('#') && rest.length > 1) {
    prefix = '#';
    rest = rest.slice(1);
  } else if (rest.startsWith('!')) {
    prefix = '!';
    rest = rest.slice(1);
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(\[[^\]]*\])?/.exec(rest);
  if (!m) return { kind: 'var', name: '', op: '?', arg: inner, quoted };
  const tail = rest.slice(m[0].length);
  const opm = /^(:-|:=|:\?|:\+|-|=|\?|\+|##|#|%%|%|\/\/|\/#|\/%|\/|\^\^|\^|,,|,|:)?/.exec(tail)!;
  const op = prefix || opm[1] || (m[2] ? '[' : '');
  return { kind: 'var', name: m[1], op, arg: prefix ? tail : tail.slice(opm[1]?.length ?? 0), quoted };
}
