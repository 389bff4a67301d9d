/**
 * Key sources: literal, command (security, secret-tool, pass, op, gopass, bw, lpass, aws, gcloud, vault, cat …),
 * another variable, a secret-manager reference, a placeholder, or nothing. Values never leave this module
 * except inside a SecretValue, which no serialised shape carries.
 */
import { basename } from 'node:path';
import { tokenize, type Dialect, type Word } from './tokenizer.js';
import { expand, literal, splitAssignment, wordOf } from './words.js';
import type { Scope, VarDef } from './scope.js';
import type { KeySource, SecretValue } from './types.js';

export interface Classified {
  source: KeySource;
  secret?: SecretValue;
}

export interface KeyContext {
  scope: Scope;
  file: string;
  line: number;
  dialect: Dialect;
  /** The definition being classified, so `X="${X:-…}"` looks at the earlier X. */
  self?: VarDef;
}

const MAX_DEPTH = 6;

/** Programs whose output people feed into key variables. */
export const SECRET_PROGRAMS = new Set([
  'security', 'secret-tool', 'pass', 'gopass', 'op', 'bw', 'rbw', 'lpass', 'aws', 'gcloud', 'vault', 'keyring', 'kwallet-query',
  'keepassxc-cli', 'doppler', 'infisical', 'sops', 'age', 'gpg', 'chamber', 'envchain', 'pass-cli', 'passage', 'cat', 'head', 'tail',
  'jq', 'yq', 'grep', 'awk', 'sed', 'cut', 'python', 'python3', 'node', 'ruby', 'perl', 'az', 'akeyless', 'bws', 'dotenvx',
]);

export function classifyKey(word: Word | null | undefined, varName: string | null, ctx: KeyContext, depth = 0): Classified {
  const none: Classified = { source: { kind: 'none', var: varName } };
  if (!word || depth > MAX_DEPTH) return none;
  const cmd = word.parts.find((p) => p.kind === 'cmd' || p.kind === 'proc');
  if (cmd && (cmd.kind === 'cmd' || cmd.kind === 'proc')) return classifyCommand(cmd.body, varName, ctx);
  const v = word.parts.find((p) => p.kind === 'var');
  if (v && v.kind === 'var') {
    if (!v.name || /^[0-9@*#?$!-]$/.test(v.name) || v.name === 'argv') return { source: { kind: 'none', var: varName } };
    let def = ctx.scope.get(v.name);
    if (def && ctx.self && def === ctx.self) def = def.prev;
    if (def?.word) {
      const inner = classifyKey(def.word, v.name, { scope: def.scope, file: def.file, line: def.line, dialect: def.dialect, self: def }, depth + 1);
      return {
        source: { kind: 'env', var: varName, from: v.name, resolved: { ...inner.source, definedAt: `${def.file}:${def.line}` } },
        secret: inner.secret ?? { kind: 'env', name: v.name },
      };
    }
    // ${X:-default}: X unknown here, so the default is what runs.
    if ((v.op === ':-' || v.op === '-' || v.op === ':=' || v.op === '=') && v.arg) {
      const dw = wordOf(v.arg, ctx.dialect);
      if (dw) {
        const inner = classifyKey(dw, varName, ctx, depth + 1);
        if (inner.source.kind !== 'none') return { source: { kind: 'env', var: varName, from: v.name, resolved: inner.source }, secret: inner.secret ?? { kind: 'env', name: v.name } };
      }
    }
    return { source: { kind: 'env', var: varName, from: v.name }, secret: { kind: 'env', name: v.name } };
  }
  const value = expand(word, ctx.scope.lookup(ctx.file)) ?? literal(word) ?? '';
  return classifyLiteral(value, varName);
}

export function classifyLiteral(value: string, varName: string | null): Classified {
  const v = value.trim();
  if (!v) return { source: { kind: 'none', var: varName } };
  const ref = secretReference(v);
  if (ref) return { source: { kind: 'reference', var: varName, ref } };
  if (isPlaceholder(v)) return { source: { kind: 'placeholder', var: varName } };
  return { source: { kind: 'literal', var: varName, masked: mask(v) }, secret: { kind: 'literal', value: v } };
}

function classifyCommand(body: string, varName: string | null, ctx: KeyContext): Classified {
  const text = body.trim();
  // bash: $(<file) reads a file.
  if (text.startsWith('<')) {
    const w = wordOf(text.slice(1).trim(), ctx.dialect);
    const file = w ? expand(w, ctx.scope.lookup(ctx.file)) : undefined;
    return { source: { kind: 'command', var: varName, program: 'cat', command: redactText(`cat ${text.slice(1).trim()}`), ...(file ? { file } : {}) }, secret: { kind: 'command', command: body, dialect: ctx.dialect, ...(file ? { file } : {}) } };
  }
  const tokens = tokenize(text, { dialect: ctx.dialect, depth: 1 }).tokens;
  const first: Word[] = [];
  let piped = false;
  for (const t of tokens) {
    if (t.type === 'word') {
      if (!piped) first.push(t);
    } else if (t.type === 'op' && /^[0-9]*[<>]/.test(t.op)) {
      continue;
    } else {
      piped = true;
    }
  }
  let i = 0;
  while (i < first.length && splitAssignment(first[i])) i++;
  while (i < first.length && ['command', 'exec', 'env', 'noglob'].includes(literal(first[i]) ?? '')) i++;
  const prog = literal(first[i]);
  const program = prog ? basename(prog) : undefined;
  const args = first.slice(i + 1);
  const lookup = ctx.scope.lookup(ctx.file);
  if (!piped && (program === 'echo' || program === 'printf')) {
    const lits = args.map((a) => literal(a));
    if (lits.length && lits.every((x) => x !== undefined)) {
      const vals = (lits as string[]).filter((x) => !/^-[neE]+$/.test(x) && x !== '%s' && x !== '%s\\n');
      if (vals.length === 1) return classifyLiteral(vals[0], varName);
    }
  }
  const source: KeySource = { kind: 'command', var: varName, command: redactText(text), ...(program ? { program } : {}) };
  let file: string | undefined;
  if (!piped && program === 'cat') {
    const paths = args.filter((a) => !(literal(a) ?? '').startsWith('-'));
    if (paths.length === 1) file = expand(paths[0], lookup);
  }
  if (program === 'op') {
    const ref = args.map((a) => literal(a)).find((a) => a && a.startsWith('op://'));
    if (ref) source.ref = ref;
  }
  if (file) source.file = file;
  return { source, secret: { kind: 'command', command: body, dialect: ctx.dialect, ...(file ? { file } : {}) } };
}

export function secretReference(v: string): string | undefined {
  const m = /^(?:\{\{\s*)?((?:op|vault|bw|pass|keychain|doppler|infisical|sops|gcp|aws-sm|azure-kv|bws):\/\/\S+?)(?:\s*\}\})?$/.exec(v);
  return m?.[1];
}

const PLACEHOLDER_PATTERNS = [
  /^\{\{.*\}\}$/, /^<[^>]*>$/, /^\[[^\]]*\]$/, /^%[A-Z_]+%$/, /^__[A-Z0-9_]+__$/,
  /(your|my)[-_ ]?(own[-_ ]?)?(api[-_ ]?)?(key|token|secret)/i, /(key|token|secret)[-_ ]?here/i, /^(insert|put|paste|add|enter)[-_ ]/i,
  /replace[-_ ]?(me|this|with)/i, /change[-_ ]?me/i, /placeholder/i, /x{5,}/i, /\*{4,}/, /\.\.\.|…/,
  /^(test|dummy|fake|none|null|nil|todo|tbd|example|foo|bar|baz|changeme|secret|token|key|api[-_]?key|password|xxx|sk-|sk-ant-|undefined|redacted)$/i,
  /^sk-(ant-|proj-|or-)?(your|xxx|abc|123|test|dummy|fake|example)/i, /^YOUR_/i,
];

export function isPlaceholder(v: string): boolean {
  return PLACEHOLDER_PATTERNS.some((re) => re.test(v));
}

const KEY_PREFIXES = ['sk-ant-', 'sk-or-v1-', 'sk-or-', 'sk-proj-', 'sk-svcacct-', 'sk-', 'gsk_', 'xai-', 'AIza', 'pplx-', 'ghp_', 'github_pat_', 'glpat-', 'hf_', 'r8_', 'fk-'];

/** `sk-ant-api03-…0001`: a known prefix when short relative to the key, and the last four characters of long keys. */
export function mask(value: string): string {
  let prefix = KEY_PREFIXES.find((p) => value.startsWith(p)) ?? '';
  if (prefix === 'sk-or-v1-') prefix = 'sk-or-';
  if (prefix.length * 3 > value.length) prefix = '';
  const tail = value.length >= 20 ? value.slice(-4) : value.length >= 12 ? value.slice(-2) : '';
  return `${prefix}…${tail}`;
}

// Things that look like keys inside a command line: known prefixes, or long random-looking tokens.
const KEYLIKE = /\b(?:sk-ant-|sk-or-|sk-proj-|sk-|gsk_|xai-|AIza|pplx-|ghp_|github_pat_|glpat-|hf_)[A-Za-z0-9_\-]{8,}|(?<![A-Za-z0-9/_.-])(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}/g;

/** Mask key-like tokens and password arguments in free text (commands shown to the user). */
export function redactText(text: string): string {
  return text
    .replace(/((?:^|\s)--?(?:passphrase(?:=|\s+)|password=|passwd=|api-key(?:=|\s+)|token(?:=|\s+)|secret(?:=|\s+)))(?!-)(\S+)/gi, (_m, a: string) => `${a}…`)
    .replace(KEYLIKE, (m) => mask(m));
}
