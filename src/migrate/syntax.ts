/**
 * From tokens to a forgiving syntax tree: simple commands, function definitions and blocks (if/for/while/
 * case/{ }/( ) for sh; function/if/for/while/begin/switch … end for fish). Unbalanced input never throws:
 * stray closers are skipped and open blocks close at the end of the file.
 */
import { tokenize, type Dialect, type Token, type Word } from './tokenizer.js';
import { literal } from './words.js';

export interface Cmd {
  words: Word[];
  start: number;
  end: number;
  /** Commands joined by && || | share a statement id (the unit a rewrite comments out). */
  stmt: number;
}

export type Node =
  | { type: 'cmd'; cmd: Cmd; start: number; end: number }
  | { type: 'func'; name: string; header: Word[]; body: Node[]; start: number; end: number; stmt: number }
  | { type: 'block'; kind: BlockKind; body: Node[]; loopVar?: string; loopWords?: Word[]; start: number; end: number; stmt: number };

export type BlockKind = 'if' | 'for' | 'while' | 'case' | 'group' | 'subshell' | 'begin' | 'switch';

export interface Script {
  dialect: Dialect;
  nodes: Node[];
  /** Every command (flattened), for span checks. */
  cmds: Cmd[];
  errors: string[];
  /** Offset where the file stops parsing as intended (first unterminated construct or unclosed block). */
  errorAt?: number;
}

type Item =
  | { kind: 'cmd'; cmd: Cmd; funcHeader?: string }
  | { kind: 'open'; start: number; end: number; stmt: number }
  | { kind: 'close'; start: number; end: number };

const POSIX_SPLIT = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'esac', '{', '}', '!', 'time']);
const FISH_SPLIT = new Set(['if', 'else', 'while', 'begin', 'end', 'and', 'or', 'not', '!']);
const STATEMENT_JOIN = new Set(['&&', '||', '|', '|&', '&|']);
const REDIRECT = /^[0-9]*(<<<|<<-|&>>|<<|>>|<&|>&|<>|>\||&>|>\?|<|>)$/;

export function parseScript(src: string, dialect: Dialect): Script {
  const tk = tokenize(src, { dialect });
  const items = splitCommands(tk.tokens, dialect);
  const p = new TreeParser(items, dialect);
  const nodes = p.parseList([]);
  const cmds = items.flatMap((it) => (it.kind === 'cmd' ? [it.cmd] : []));
  const at = Math.min(tk.errorAt ?? Infinity, p.errorAt ?? Infinity);
  return { dialect, nodes, cmds, errors: [...tk.errors, ...p.errors], ...(Number.isFinite(at) ? { errorAt: at } : {}) };
}

/** Split a token stream into simple commands, dropping redirections and case patterns. */
function splitCommands(tokens: Token[], dialect: Dialect): Item[] {
  const items: Item[] = [];
  let words: Word[] = [];
  let stmt = 0;
  let joinNext = false;
  // case: after `case W in` and after `;;`, the next tokens up to `)` are a pattern.
  const caseStack: ('pattern' | 'body')[] = [];
  const reserved = dialect === 'fish' ? FISH_SPLIT : POSIX_SPLIT;

  const emit = () => {
    if (!words.length) return;
    if (!joinNext) stmt++;
    joinNext = false;
    // Split leading reserved words into their own items: `then alias x=…` is `then` + `alias x=…`.
    while (words.length) {
      const w0 = literal(words[0]);
      if (dialect === 'fish' && w0 === 'else' && literal(words[1]) === 'if') {
        items.push({ kind: 'cmd', cmd: mk([words[0]], stmt) });
        words = words.slice(2);
        continue;
      }
      if (w0 !== undefined && reserved.has(w0)) {
        items.push({ kind: 'cmd', cmd: mk([words[0]], stmt) });
        words = words.slice(1);
        continue;
      }
      if (dialect === 'posix' && w0 === 'function' && words.length >= 2) {
        items.push({ kind: 'cmd', cmd: mk(words.slice(0, 2), stmt), funcHeader: literal(words[1]) ?? words[1].raw });
        words = words.slice(2);
        continue;
      }
      break;
    }
    // zsh closes a brace group with a `}` that ends a command line without `;`: `f() { cmd "$@" }`.
    const last = words[words.length - 1];
    if (dialect === 'posix' && words.length > 1 && last.raw === '}') {
      items.push({ kind: 'cmd', cmd: mk(words.slice(0, -1), stmt) });
      items.push({ kind: 'cmd', cmd: mk([last], stmt) });
    } else if (words.length) items.push({ kind: 'cmd', cmd: mk(words, stmt) });
    words = [];
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (caseStack.length && caseStack[caseStack.length - 1] === 'pattern' && !words.length) {
      if (t.type === 'nl') continue;
      if (t.type === 'word' && literal(t) === 'esac') {
        caseStack.pop();
        words.push(t);
        emit();
        continue;
      }
      // Skip the pattern up to its `)`.
      if (t.type === 'op' && t.op === ')') {
        caseStack[caseStack.length - 1] = 'body';
        continue;
      }
      continue;
    }
    if (t.type === 'word') {
      words.push(t);
      if (caseStack.length && literal(t) === 'esac' && words.length === 1) {
        caseStack.pop();
        emit();
        continue;
      }
      if (dialect === 'posix' && literal(t) === 'in') {
        // `case WORD in` (after any leading reserved words): what follows up to `)` is a pattern.
        let k = 0;
        while (k < words.length && reserved.has(literal(words[k]) ?? '')) k++;
        if (words.length - k === 3 && literal(words[k]) === 'case') {
          emit();
          caseStack.push('pattern');
        }
      }
      continue;
    }
    if (t.type === 'nl') {
      emit();
      continue;
    }
    const op = t.op;
    if (REDIRECT.test(op)) {
      // Drop the redirect and its target word.
      const next = tokens[i + 1];
      if (next && next.type === 'word') i++;
      continue;
    }
    if (dialect === 'posix' && op === '(' && tokens[i + 1]?.type === 'op' && (tokens[i + 1] as { op: string }).op === ')' && words.length >= 1 && words.length <= 2) {
      // `name ()` or `function name ()`: a function header.
      const nameWord = words[words.length - 1];
      const isFn = words.length === 1 || literal(words[0]) === 'function';
      if (isFn) {
        if (!joinNext) stmt++;
        joinNext = false;
        items.push({ kind: 'cmd', cmd: mk(words, stmt), funcHeader: literal(nameWord) ?? nameWord.raw });
        words = [];
        i++;
        continue;
      }
    }
    if (op === '(') {
      emit();
      if (!joinNext) stmt++;
      items.push({ kind: 'open', start: t.start, end: t.end, stmt });
      joinNext = true; // the subshell's first command belongs to the same statement
      continue;
    }
    if (op === ')') {
      emit();
      items.push({ kind: 'close', start: t.start, end: t.end });
      joinNext = false;
      continue;
    }
    emit();
    if (STATEMENT_JOIN.has(op)) joinNext = true;
    if (op === ';;' || op === ';&' || op === ';;&' || op === ';|') {
      if (caseStack.length) caseStack[caseStack.length - 1] = 'pattern';
    }
  }
  emit();
  return items;
}

function mk(words: Word[], stmt: number): Cmd {
  return { words, start: words[0].start, end: words[words.length - 1].end, stmt };
}

class TreeParser {
  private pos = 0;
  errors: string[] = [];
  errorAt: number | undefined;
  private unclosed(at: number, what: string): void {
    this.errors.push(what);
    this.errorAt = Math.min(this.errorAt ?? Number.MAX_SAFE_INTEGER, at);
  }
  constructor(private readonly items: Item[], private readonly dialect: Dialect) {}

  private w0(it: Item | undefined): string | undefined {
    if (!it || it.kind !== 'cmd' || it.funcHeader !== undefined) return undefined;
    return literal(it.cmd.words[0]);
  }

  /** Parse until one of `until` (not consumed) or `)` when inParen (consumed). */
  parseList(until: string[], inParen = false): Node[] {
    const out: Node[] = [];
    let guard = 0;
    while (this.pos < this.items.length && guard++ < 1_000_000) {
      const it = this.items[this.pos];
      if (it.kind === 'close') {
        this.pos++;
        if (inParen) return out;
        continue;
      }
      if (it.kind === 'open') {
        this.pos++;
        const body = this.parseList([], true);
        const end = this.items[this.pos - 1]?.kind === 'close' ? (this.items[this.pos - 1] as { end: number }).end : lastEnd(body, it.end);
        out.push({ type: 'block', kind: 'subshell', body, start: it.start, end, stmt: it.stmt });
        continue;
      }
      const w0 = this.w0(it);
      if (w0 !== undefined && until.includes(w0)) return out;
      const node = this.dialect === 'fish' ? this.fishNode(it, w0) : this.posixNode(it, w0);
      if (node) out.push(node);
    }
    return out;
  }

  private consume(word: string): number | undefined {
    const it = this.items[this.pos];
    if (this.w0(it) === word) {
      this.pos++;
      return (it as { cmd: Cmd }).cmd.end;
    }
    return undefined;
  }

  private block(kind: BlockKind, start: number, stmt: number, body: Node[], end: number | undefined, extra: Partial<Extract<Node, { type: 'block' }>> = {}): Node {
    if (end === undefined) this.unclosed(start, `unclosed ${kind}`);
    return { type: 'block', kind, body, start, end: end ?? lastEnd(body, start), stmt, ...extra };
  }

  private posixNode(it: Extract<Item, { kind: 'cmd' }>, w0: string | undefined): Node | undefined {
    const { cmd } = it;
    if (it.funcHeader !== undefined) {
      this.pos++;
      return this.funcBody(it.funcHeader, cmd);
    }
    switch (w0) {
      case 'if': {
        this.pos++;
        const body: Node[] = [];
        body.push(...this.parseList(['then']));
        this.consume('then');
        let end: number | undefined;
        for (;;) {
          body.push(...this.parseList(['elif', 'else', 'fi']));
          if (this.consume('elif') !== undefined) {
            body.push(...this.parseList(['then']));
            this.consume('then');
            continue;
          }
          if (this.consume('else') !== undefined) continue;
          end = this.consume('fi');
          break;
        }
        return this.block('if', cmd.start, cmd.stmt, body, end);
      }
      case 'while':
      case 'until': {
        this.pos++;
        const body = this.parseList(['do']);
        this.consume('do');
        body.push(...this.parseList(['done']));
        return this.block('while', cmd.start, cmd.stmt, body, this.consume('done'));
      }
      case 'for':
      case 'select':
      case 'foreach': {
        this.pos++;
        const loopVar = literal(cmd.words[1]);
        let loopWords: Word[] = [];
        const inIdx = cmd.words.findIndex((w, i) => i >= 2 && literal(w) === 'in');
        if (inIdx >= 0) loopWords = cmd.words.slice(inIdx + 1);
        else if (this.items[this.pos]?.kind === 'open') {
          // zsh: for f (~/.zsh/*.zsh) …
          this.pos++;
          const inner = this.items[this.pos];
          if (inner?.kind === 'cmd') {
            loopWords = inner.cmd.words;
            this.pos++;
          }
          if (this.items[this.pos]?.kind === 'close') this.pos++;
        }
        let body: Node[];
        let end: number | undefined;
        if (this.consume('do') !== undefined) {
          body = this.parseList(['done']);
          end = this.consume('done');
        } else if (this.consume('{') !== undefined) {
          body = this.parseList(['}']);
          end = this.consume('}');
        } else {
          // zsh short form: a single command body.
          const next = this.items[this.pos];
          body = [];
          if (next?.kind === 'cmd') {
            const n = this.posixNode(next, this.w0(next));
            if (n) body.push(n);
            end = n?.end;
          }
        }
        return this.block('for', cmd.start, cmd.stmt, body, end, { loopVar, loopWords });
      }
      case 'case': {
        this.pos++;
        const body = this.parseList(['esac']);
        return this.block('case', cmd.start, cmd.stmt, body, this.consume('esac'));
      }
      case '{': {
        this.pos++;
        const body = this.parseList(['}']);
        return this.block('group', cmd.start, cmd.stmt, body, this.consume('}'));
      }
      case 'then':
      case 'do':
      case 'else':
      case 'elif':
      case 'fi':
      case 'done':
      case 'esac':
      case '}':
      case '!':
      case 'time':
        this.pos++;
        return undefined;
      default:
        this.pos++;
        return { type: 'cmd', cmd, start: cmd.start, end: cmd.end };
    }
  }

  private funcBody(name: string, header: Cmd): Node {
    const next = this.items[this.pos];
    let body: Node[] = [];
    let end: number | undefined;
    if (next?.kind === 'open') {
      this.pos++;
      body = this.parseList([], true);
      const closer = this.items[this.pos - 1];
      end = closer?.kind === 'close' ? closer.end : undefined;
    } else if (this.w0(next) === '{') {
      this.pos++;
      body = this.parseList(['}']);
      end = this.consume('}');
    } else if (next?.kind === 'cmd') {
      // zsh allows a single command as the body: `name() claude "$@"`
      const n = this.posixNode(next, this.w0(next));
      if (n) body = [n];
      end = n?.end;
    }
    if (end === undefined) this.unclosed(header.start, `unclosed function ${name}`);
    return { type: 'func', name, header: header.words, body, start: header.start, end: end ?? lastEnd(body, header.end), stmt: header.stmt };
  }

  private fishNode(it: Extract<Item, { kind: 'cmd' }>, w0: string | undefined): Node | undefined {
    const { cmd } = it;
    switch (w0) {
      case 'function': {
        this.pos++;
        const name = literal(cmd.words[1]) ?? cmd.words[1]?.raw ?? '';
        const body = this.parseList(['end']);
        const end = this.consume('end');
        if (end === undefined) this.unclosed(cmd.start, `unclosed function ${name}`);
        return { type: 'func', name, header: cmd.words, body, start: cmd.start, end: end ?? lastEnd(body, cmd.end), stmt: cmd.stmt };
      }
      case 'for': {
        this.pos++;
        const loopVar = literal(cmd.words[1]);
        const inIdx = cmd.words.findIndex((w, i) => i >= 2 && literal(w) === 'in');
        const loopWords = inIdx >= 0 ? cmd.words.slice(inIdx + 1) : [];
        const body = this.parseList(['end']);
        return this.block('for', cmd.start, cmd.stmt, body, this.consume('end'), { loopVar, loopWords });
      }
      case 'if':
      case 'while':
      case 'begin':
      case 'switch': {
        this.pos++;
        const kind: BlockKind = w0 === 'if' ? 'if' : w0 === 'while' ? 'while' : w0 === 'begin' ? 'begin' : 'switch';
        // `if` and `while` conditions are the next command; `switch VALUE` keeps its value on this line.
        const body = this.parseList(['end']);
        return this.block(kind, cmd.start, cmd.stmt, body, this.consume('end'));
      }
      case 'else':
      case 'and':
      case 'or':
      case 'not':
      case '!':
      case 'end':
        this.pos++;
        return undefined;
      case 'case':
        this.pos++;
        return undefined;
      default:
        this.pos++;
        return { type: 'cmd', cmd, start: cmd.start, end: cmd.end };
    }
  }
}

function lastEnd(body: Node[], fallback: number): number {
  return body.length ? body[body.length - 1].end : fallback;
}

/** Walk nodes depth-first with the chain of enclosing blocks. */
export function* walk(nodes: Node[], parents: Node[] = []): Generator<{ node: Node; parents: Node[] }> {
  for (const node of nodes) {
    yield { node, parents };
    if (node.type !== 'cmd') yield* walk(node.body, [...parents, node]);
  }
}
