/**
 * What a definition does: the agent it starts (through `command`, `exec`, `env`, `npx`, `op run` …), the
 * environment it gives it, the arguments, and anything else it runs. Then: which provider, key source,
 * base URL, model and config dir that amounts to.
 */
import { basename, isAbsolute, join } from 'node:path';
import { createHash } from 'node:crypto';
import { parseScript, walk } from './syntax.js';
import type { Dialect, Word } from './tokenizer.js';
import { expand, expandLoose, literal, splitAssignment, varRefs, type Assignment } from './words.js';
import { Scope, type VarDef } from './scope.js';
import { classifyKey, mask, redactText, type Classified } from './keys.js';
import {
  AGENT_BINARIES, AGENT_PACKAGES, AGENT_VARS, EXTRA_HOSTS, KEY_PREFIX_PROVIDERS, PROVIDER_KEY_VARS, PROVIDER_SWITCHES,
  KEY_FLAGS, isAgentBinary, isLocalHost, isProfileVar, isSecretVar, type AgentId,
} from './knowledge.js';

const EMPTY_SCOPE = new Scope(undefined, '/');
import type { Definition, Session } from './session.js';
import { parseFishSet } from './scanners/fish.js';
import { readTextFile } from './files.js';
import type { KeySource, Problem, SecretValue } from './types.js';

export interface EnvEntry {
  name: string;
  word: Word | null;
  file: string;
  line: number;
  scope: Scope;
  dialect: Dialect;
  def?: VarDef;
  /** Raw text as it would be re-typed in a replacement (alias-level text for alias bodies). */
  raw: string | null;
}

export interface Invocation {
  agent: AgentId | null;
  /** The command it runs instead of an agent (to follow alias chains), when there is one. */
  program: string | null;
  bin: string;
  args: Word[];
  env: Map<string, EnvEntry>;
  runner: { program: string; text: string } | null;
  problems: Problem[];
  line: number;
  local: Scope;
  via: string | null;
}

const HARMLESS = new Set([
  'echo', 'printf', 'print', ':', 'true', 'false', 'return', 'exit', 'shift', '[', '[[', 'test', 'setopt', 'unsetopt', 'emulate', 'trap',
  'clear', 'tput', 'sleep', 'status', 'set_color', 'contains', 'type', 'which', 'hash', 'local', 'builtin', 'functions', 'string', 'count',
  'printenv', 'logger', 'notify-send', 'printf', '((', 'let', 'wait',
]);
const PREFIX_CMDS = new Set(['command', 'builtin', 'exec', 'nocorrect', 'noglob', 'nohup', 'time', 'caffeinate', 'stdbuf', 'unbuffer', 'chronic']);
const SETTERS = new Set(['export', 'local', 'declare', 'typeset', 'readonly', 'integer', 'float']);

interface Resolved {
  kind: 'agent' | 'other' | 'lookup' | 'dynamic';
  agent?: AgentId;
  program?: string;
  binStart: number;
  binEnd: number;
  assigns: Assignment[];
  runner: { program: string; text: string } | null;
}

function stripVersion(pkg: string): string {
  const at = pkg.lastIndexOf('@');
  return at > 0 ? pkg.slice(0, at) : pkg;
}

/** Walk the prefixes (`env X=1`, `command`, `exec`, `npx -y`, `op run --`) to the program a command runs. */
export function resolveProgram(words: Word[], from: number, lookup: (n: string) => string | undefined): Resolved {
  const assigns: Assignment[] = [];
  let runner: Resolved['runner'] = null;
  let i = from;
  const lit = (k: number) => literal(words[k]) ?? '';
  const skipToDashDash = (k: number): number => {
    const dd = words.findIndex((w, j) => j >= k && literal(w) === '--');
    if (dd >= 0) return dd + 1;
    // No `--`: skip options (with their values where they take one).
    while (k < words.length && lit(k).startsWith('-')) k += /^--?(env-file|config|project|environment|env|profile|token)$/.test(lit(k)) ? 2 : 1;
    return k;
  };
  for (let guard = 0; i < words.length && guard < 64; guard++) {
    const w = words[i];
    const a = splitAssignment(w);
    if (a) {
      assigns.push(a);
      i++;
      continue;
    }
    const t = literal(w);
    if (t === undefined) {
      const e = expand(w, lookup);
      const lastLit = [...w.parts].reverse().find((p) => p.kind === 'lit');
      const guess = e ?? (lastLit && lastLit.kind === 'lit' && lastLit.text.includes('/') ? lastLit.text : undefined);
      const base = guess ? basename(guess) : undefined;
      if (base && isAgentBinary(base)) return { kind: 'agent', agent: AGENT_BINARIES[base], binStart: i, binEnd: i + 1, assigns, runner };
      return { kind: 'dynamic', binStart: i, binEnd: i + 1, assigns, runner };
    }
    const base = basename(t);
    if (PREFIX_CMDS.has(base)) {
      if (base === 'command' && /^-[vV]/.test(lit(i + 1))) return { kind: 'lookup', binStart: i, binEnd: i, assigns, runner };
      i++;
      while (i < words.length && lit(i).startsWith('-')) i += lit(i) === '-a' && base === 'exec' ? 2 : 1;
      continue;
    }
    if (base === 'env') {
      i++;
      while (i < words.length && lit(i).startsWith('-')) {
        const o = lit(i);
        i += o === '-u' || o === '-C' || o === '--unset' || o === '--chdir' ? 2 : 1;
        if (o === '--') break;
      }
      continue;
    }
    const next = lit(i + 1);
    if ((base === 'op' || base === 'doppler' || base === 'infisical' || base === 'dotenvx' || base === 'phase' || base === 'teller') && next === 'run') {
      const end = skipToDashDash(i + 2);
      runner = { program: base, text: words.slice(i, end).map((x) => x.raw).join(' ') };
      i = end;
      continue;
    }
    if (base === 'aws-vault' && next === 'exec') {
      const end = skipToDashDash(i + 2);
      runner = { program: base, text: words.slice(i, end).map((x) => x.raw).join(' ') };
      i = end;
      continue;
    }
    if (base === 'envchain') {
      let k = i + 1;
      while (k < words.length && lit(k).startsWith('-')) k++;
      k++; // namespace(s)
      runner = { program: base, text: words.slice(i, k).map((x) => x.raw).join(' ') };
      i = k;
      continue;
    }
    const launcher = ['npx', 'bunx', 'pnpx', 'uvx'].includes(base) || (['pnpm', 'yarn', 'bun'].includes(base) && ['dlx', 'x'].includes(next)) ||
      (base === 'npm' && ['exec', 'x'].includes(next)) || (base === 'pipx' && next === 'run');
    if (launcher) {
      let j = ['npx', 'bunx', 'pnpx', 'uvx'].includes(base) ? i + 1 : i + 2;
      let pkg: string | undefined;
      while (j < words.length) {
        const o = lit(j);
        if (o === '--') {
          j++;
          break;
        }
        if (!o.startsWith('-')) break;
        if (o === '-p' || o === '--package' || o === '--from' || o === '--spec') {
          pkg = lit(j + 1);
          j += 2;
          continue;
        }
        if (o.startsWith('--package=') || o.startsWith('--from=')) pkg = o.slice(o.indexOf('=') + 1);
        j++;
      }
      const cand = lit(j);
      const agent = AGENT_PACKAGES[stripVersion(pkg ?? cand)] ?? AGENT_BINARIES[basename(stripVersion(cand))];
      if (agent) return { kind: 'agent', agent, binStart: i, binEnd: j + 1, assigns, runner };
      return { kind: 'other', program: base, binStart: i, binEnd: i + 1, assigns, runner };
    }
    if ((base === 'python' || base === 'python3') && next === '-m' && lit(i + 2) === 'aider') return { kind: 'agent', agent: 'aider', binStart: i, binEnd: i + 3, assigns, runner };
    if (isAgentBinary(base)) return { kind: 'agent', agent: AGENT_BINARIES[base], binStart: i, binEnd: i + 1, assigns, runner };
    return { kind: 'other', program: t, binStart: i, binEnd: i + 1, assigns, runner };
  }
  return { kind: 'dynamic', binStart: i, binEnd: i, assigns, runner };
}

/** Analyse an alias/function/abbr/wrapper body on its own (alias chains are joined by `resolveChains`). */
export function analyzeBody(def: Definition, session: Session): Invocation {
  const local = new Scope(def.scope, session.home);
  const env = new Map<string, EnvEntry>();
  const problems: Problem[] = [];
  const invocations: { r: Resolved; words: Word[]; line: number }[] = [];
  const others: { program: string; line: number; words: Word[]; r: Resolved }[] = [];
  const file = def.file.path;
  const dialect = def.dialect;
  const lineOf = (offset: number) => (def.bodyText !== undefined ? def.line : def.file.lines.lineOf(offset));
  const lookup = local.lookup(file);
  const raw = (w: Word | null) => (w ? w.raw : null);

  const setEnv = (name: string, word: Word | null, line: number, exported: boolean) => {
    const d = local.set({ name, word, dialect, file, line, exported, global: false });
    if (exported || isProfileVar(name) || def.scope.get(name)?.exported) env.set(name, { name, word, file, line, scope: local, dialect, def: d, raw: raw(word) });
  };

  for (const { node } of walk(def.body)) {
    if (node.type === 'func') {
      problems.push({ line: lineOf(node.start), reason: `defines function ${node.name}` });
      continue;
    }
    if (node.type !== 'cmd') continue;
    const words = node.cmd.words;
    const line = lineOf(node.cmd.start);
    let i = 0;
    const prefix: Assignment[] = [];
    for (let a = splitAssignment(words[i]); a; a = splitAssignment(words[++i])) prefix.push(a);
    if (i === words.length) {
      for (const a of prefix) setEnv(a.name, a.value, line, !!local.get(a.name)?.exported);
      continue;
    }
    const prog = literal(words[i]);
    const rest = words.slice(i + 1);
    if (prog !== undefined && dialect === 'posix' && SETTERS.has(prog)) {
      const flags = rest.filter((w) => /^[-+][A-Za-z]+$/.test(literal(w) ?? ''));
      const exported = prog === 'export' || flags.some((w) => /^-[A-Za-z]*x/.test(literal(w) ?? ''));
      for (const w of rest) {
        if (flags.includes(w)) continue;
        const a = splitAssignment(w);
        if (a) setEnv(a.name, a.value, line, exported);
        else {
          const n = literal(w);
          const d = n ? local.get(n) : undefined;
          if (n && exported && d) env.set(n, { name: n, word: d.word, file, line, scope: local, dialect, def: d, raw: raw(d.word) });
        }
      }
      continue;
    }
    if (prog === 'set' && dialect === 'fish') {
      const s = parseFishSet(rest);
      if (!s || s.query) continue;
      const word = s.erase ? null : s.values.length === 1 ? s.values[0] : s.values.length ? { ...s.values[0], raw: s.values.map((v) => v.raw).join(' '), parts: s.values.flatMap((v) => v.parts) } : null;
      setEnv(s.name, word, line, s.exported && !s.erase);
      if (s.erase) env.set(s.name, { name: s.name, word: null, file, line, scope: local, dialect, raw: null });
      continue;
    }
    if (prog === 'export' && dialect === 'fish') {
      for (const w of rest) {
        const a = splitAssignment(w);
        if (a) setEnv(a.name, a.value, line, true);
      }
      continue;
    }
    if (prog === 'unset') {
      for (const w of rest) {
        const n = literal(w);
        if (n && /^[A-Za-z_]\w*$/.test(n)) env.set(n, { name: n, word: null, file, line, scope: local, dialect, raw: null });
      }
      continue;
    }
    if (prog === 'set' && dialect === 'posix') continue;
    if (prog !== undefined && HARMLESS.has(prog)) continue;
    if (prog === 'read') {
      problems.push({ line, reason: 'asks for input (read)' });
      continue;
    }
    if (prog === 'cd' || prog === 'pushd' || prog === 'popd') {
      problems.push({ line, reason: `changes directory (${prog})` });
      continue;
    }
    if (prog === 'eval') {
      problems.push({ line, reason: 'runs eval' });
      continue;
    }
    if (prog === 'source' || prog === '.') {
      sourceIntoEnv(rest[0], def, local, env, line, problems);
      continue;
    }
    const r = resolveProgram(words, i, lookup);
    r.assigns.unshift(...prefix);
    if (r.kind === 'lookup') continue;
    if (r.kind === 'agent') invocations.push({ r, words, line });
    else if (r.kind === 'other' && r.program) others.push({ program: r.program, line, words, r });
    else problems.push({ line, reason: 'runs a command chosen at run time' });
  }

  let inv: Invocation;
  const base: Omit<Invocation, 'agent' | 'program' | 'bin' | 'args' | 'runner' | 'line'> = { env, problems, local, via: null };
  if (invocations.length) {
    const primary = invocations[invocations.length - 1];
    if (invocations.length > 1) problems.push({ line: primary.line, reason: 'starts the agent in more than one way (a choice made at run time)' });
    for (const o of others) problems.push({ line: o.line, reason: `also runs ${basename(o.program)}` });
    const { r, words, line } = primary;
    for (const a of r.assigns) env.set(a.name, { name: a.name, word: a.value, file, line, scope: local, dialect, raw: a.value.raw });
    inv = { ...base, agent: r.agent!, program: null, bin: words.slice(r.binStart, r.binEnd).map((w) => w.raw).join(' '), args: words.slice(r.binEnd), runner: r.runner, line };
  } else if (others.length) {
    const o = others[others.length - 1];
    for (const x of others.slice(0, -1)) problems.push({ line: x.line, reason: `also runs ${basename(x.program)}` });
    for (const a of o.r.assigns) env.set(a.name, { name: a.name, word: a.value, file, line: o.line, scope: local, dialect, raw: a.value.raw });
    inv = { ...base, agent: null, program: o.program, bin: o.words.slice(o.r.binStart, o.r.binEnd).map((w) => w.raw).join(' '), args: o.words.slice(o.r.binEnd), runner: o.r.runner, line: o.line };
  } else {
    inv = { ...base, agent: null, program: null, bin: '', args: [], runner: null, line: def.line };
  }
  // Arguments built inside the body do not survive a rewrite.
  for (const a of inv.args) {
    if (a.parts.some((p) => p.kind === 'cmd' || p.kind === 'proc')) problems.push({ line: inv.line, reason: `passes an argument computed at run time (${a.raw})` });
    for (const v of varRefs(a)) if (local.own().some((d) => d.name === v)) problems.push({ line: inv.line, reason: `passes $${v}, set inside the definition` });
  }
  return inv;
}

/** `source ~/.secrets/work.env` inside a function: its assignments become the function's environment. */
function sourceIntoEnv(word: Word | undefined, def: Definition, local: Scope, env: Map<string, EnvEntry>, line: number, problems: Problem[]): void {
  const path = word ? expand(word, local.lookup(def.file.path)) : undefined;
  if (!path) {
    problems.push({ line, reason: 'sources a file chosen at run time' });
    return;
  }
  const abs = isAbsolute(path) ? path : join(local.home, path);
  const r = readTextFile(abs, 256 * 1024);
  if (!r.ok) {
    problems.push({ line, reason: `sources ${path} (${r.reason})` });
    return;
  }
  const script = parseScript(r.file.text, def.dialect);
  const idx = r.file.text;
  for (const { node } of walk(script.nodes)) {
    if (node.type !== 'cmd') continue;
    const words = node.cmd.words;
    const start = literal(words[0]) === 'export' ? 1 : 0;
    const ln = idx.slice(0, node.cmd.start).split('\n').length;
    for (const w of words.slice(start)) {
      const a = splitAssignment(w);
      if (!a) break;
      const d = local.set({ name: a.name, word: a.value, dialect: def.dialect, file: abs, line: ln, exported: true, global: false });
      env.set(a.name, { name: a.name, word: a.value, file: abs, line: ln, scope: local, dialect: def.dialect, def: d, raw: `$${a.name}` });
    }
  }
}

/** Follow alias/function chains: `alias cw=claude-work` inherits claude-work's agent, env and arguments. */
export function resolveChains(defs: Definition[], invs: Map<Definition, Invocation>): Map<Definition, Invocation> {
  const byName = new Map<string, Definition>();
  for (const d of defs) {
    if (d.kind === 'wrapper') continue;
    const key = `${d.dialect}:${d.name}`;
    // Aliases shadow functions of the same name; a later definition replaces an earlier one.
    const prev = byName.get(key);
    if (!prev || d.kind === 'alias' || prev.kind !== 'alias') byName.set(key, d);
  }
  const out = new Map<Definition, Invocation>();
  const resolve = (d: Definition, seen: Set<Definition>): Invocation => {
    const done = out.get(d);
    if (done) return done;
    const inv = invs.get(d)!;
    if (inv.agent || !inv.program || seen.has(d)) {
      out.set(d, inv);
      return inv;
    }
    const target = byName.get(`${d.dialect}:${inv.program}`);
    if (!target || target === d) {
      out.set(d, inv);
      return inv;
    }
    seen.add(d);
    const t = resolve(target, seen);
    if (!t.agent) {
      out.set(d, inv);
      return inv;
    }
    const env = new Map(t.env);
    for (const [k, v] of inv.env) env.set(k, v);
    const merged: Invocation = {
      ...t, env, args: [...t.args, ...inv.args], problems: [...inv.problems], line: inv.line, local: inv.local, via: target.name,
      runner: inv.runner ?? t.runner,
    };
    out.set(d, merged);
    return merged;
  };
  for (const d of defs) resolve(d, new Set());
  return out;
}

// ---- from an environment to provider, key, base URL, model, config dir ----

export interface Description {
  provider: string | null;
  baseUrl: string | null;
  model: string | null;
  configDir: string | null;
  keySource: KeySource;
  secret?: SecretValue;
  /** Variables the profile absorbs (not kept in a replacement line). */
  consumed: Set<string>;
  keyVar: string | null;
  /** Other variables, for display (secrets masked). */
  display: Record<string, string>;
  profileWorthy: boolean;
  /** Only a placeholder key makes it look like a setup. */
  placeholderOnly: boolean;
  problems: Problem[];
}

function entryValue(e: EnvEntry): string | undefined {
  return e.word ? expand(e.word, e.scope.lookup(e.file)) : undefined;
}

function present(e: EnvEntry | undefined): e is EnvEntry {
  if (!e || !e.word) return false;
  const v = literal(e.word);
  return v === undefined || v.trim() !== '';
}

export function describe(agent: AgentId, env: Map<string, EnvEntry>, args: Word[], runner: Invocation['runner'], home: string, registry: (url: string) => string | undefined, line = 0): Description {
  const vars = AGENT_VARS[agent];
  const consumed = new Set<string>();
  const problems: Problem[] = [];
  // Key
  let keyVar: string | null = null;
  for (const k of vars.keys) {
    if (present(env.get(k))) {
      keyVar = k;
      break;
    }
  }
  if (!keyVar && (agent === 'opencode' || agent === 'aider')) keyVar = [...env.keys()].find((k) => /_API_KEY$/.test(k) && present(env.get(k))) ?? null;
  for (const k of vars.keys) if (env.has(k)) consumed.add(k);
  let key: Classified;
  if (keyVar) {
    const e = env.get(keyVar)!;
    consumed.add(keyVar);
    key = classifyKey(e.word, keyVar, { scope: e.scope, file: e.file, line: e.line, dialect: e.dialect, self: e.def });
  } else if (runner) {
    const v = vars.keys[0] ?? null;
    keyVar = v;
    const cmd = runner.program === 'envchain' ? `${runner.text} printenv ${v}` : `${runner.text}${runner.text.trim().endsWith('--') ? '' : ' --'} printenv ${v}`;
    key = { source: { kind: 'command', var: v, program: runner.program, command: redactText(runner.text) }, secret: v ? { kind: 'command', command: cmd, dialect: 'posix' } : undefined };
  } else {
    // A key on the command line: `aider --anthropic-api-key …`.
    const flagged = keyFlag(args);
    if (flagged) {
      keyVar = flagged.flag;
      key = classifyKey(flagged.value, flagged.flag, { scope: env.values().next().value?.scope ?? EMPTY_SCOPE, file: '', line: 0, dialect: 'posix' });
      problems.push({ line, reason: `passes the key on the command line (${flagged.flag})` });
    } else key = { source: { kind: 'none', var: null } };
  }

  const pick = (names: string[]) => {
    for (const n of names) {
      const e = env.get(n);
      if (present(e)) {
        consumed.add(n);
        const v = entryValue(e);
        if (v !== undefined) return v;
        problems.push({ line: e.line, reason: `${n} is set from something migrate cannot read (${e.word!.raw})` });
        return expandLoose(e.word!, e.scope.lookup(e.file));
      }
      if (e) consumed.add(n);
    }
    return null;
  };
  const baseUrl = pick(vars.baseUrl);
  let model = pick(vars.model);
  let configDir = pick(vars.configDir);
  if (configDir && !isAbsolute(configDir) && !configDir.startsWith('$') && !configDir.startsWith('~')) configDir = join(home, configDir);
  if (!model) {
    for (let k = 0; k < args.length; k++) {
      const t = literal(args[k]) ?? '';
      if ((t === '--model' || t === '-m') && args[k + 1]) {
        model = literal(args[k + 1]) ?? null;
        break;
      }
      if (t.startsWith('--model=')) {
        model = t.slice('--model='.length);
        break;
      }
    }
  }
  let switchProvider: string | null = null;
  for (const [name, provider] of Object.entries(PROVIDER_SWITCHES)) {
    const e = env.get(name);
    if (!present(e)) continue;
    consumed.add(name);
    const v = (entryValue(e) ?? '1').toLowerCase();
    if (!['0', 'false', 'no', 'off', ''].includes(v)) switchProvider = provider;
  }
  const provider = inferProvider(agent, { switchProvider, baseUrl, keyVar, key: key.source }, registry);
  // The agent's own login (CLAUDE_CODE_OAUTH_TOKEN, FACTORY_API_KEY): ringlet stores no key for it, so the
  // variable stays in the replacement line; a literal one cannot be written there.
  if (provider === 'self' && keyVar && key.source.kind !== 'none') {
    if (key.source.kind === 'literal') problems.push({ line: env.get(keyVar)!.line, reason: `${keyVar} holds a literal token for the agent's own login, which ringlet does not store` });
    else consumed.delete(keyVar);
  }

  const display: Record<string, string> = {};
  for (const [name, e] of env) {
    if (consumed.has(name)) continue;
    if (!e.word) {
      display[name] = '(unset)';
      continue;
    }
    if (isSecretVar(name)) {
      const c = classifyKey(e.word, name, { scope: e.scope, file: e.file, line: e.line, dialect: e.dialect, self: e.def });
      display[name] = c.source.kind === 'literal' ? c.source.masked! : `(${c.source.kind}${c.source.from ? ` $${c.source.from}` : ''})`;
      if (c.source.kind === 'literal') problems.push({ line: e.line, reason: `also sets another secret (${name})` });
      continue;
    }
    display[name] = redactText(entryValue(e) ?? expandLoose(e.word, e.scope.lookup(e.file)));
  }
  const profileWorthy = [...env.entries()].some(([k, e]) => isProfileVar(k) && present(e)) || !!runner || (!!keyVar && KEY_FLAGS.test(keyVar));
  // A key that is only a placeholder is reported, but makes no profile on its own.
  const realKey = !!keyVar && key.source.kind !== 'placeholder' && key.source.kind !== 'none';
  const placeholderOnly = profileWorthy && !realKey && !runner && ![...env.entries()].some(([k, e]) => isProfileVar(k) && present(e) && !vars.keys.includes(k) && !(k in PROVIDER_KEY_VARS));
  return { provider, baseUrl, model, configDir, keySource: key.source, secret: key.secret, consumed, keyVar, display, profileWorthy, placeholderOnly, problems };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    const m = /^[a-z]+:\/\/([^/:?#]+)/i.exec(url);
    return m?.[1]?.toLowerCase();
  }
}

function keyChain(k: KeySource | undefined): KeySource[] {
  const out: KeySource[] = [];
  for (let x = k; x && out.length < 8; x = x.resolved) out.push(x);
  return out;
}

export function inferProvider(agent: AgentId, s: { switchProvider: string | null; baseUrl: string | null; keyVar: string | null; key: KeySource }, registry: (url: string) => string | undefined): string | null {
  if (s.switchProvider) return s.switchProvider;
  if (s.baseUrl) {
    const host = hostOf(s.baseUrl);
    if (!host || s.baseUrl.includes('${') || isLocalHost(host)) return 'custom';
    const id = registry(s.baseUrl);
    if (id && id !== 'custom' && id !== 'self') return id;
    return EXTRA_HOSTS.find(([re]) => re.test(host))?.[1] ?? 'custom';
  }
  const chain = keyChain(s.key);
  for (const k of chain) {
    if (k.kind === 'literal' && k.masked) {
      const p = KEY_PREFIX_PROVIDERS.find(([re]) => re.test(k.masked!))?.[1];
      if (p) return p;
    }
  }
  for (const k of chain) if (k.from && PROVIDER_KEY_VARS[k.from] && !AGENT_VARS[agent].keys.includes(k.from)) return PROVIDER_KEY_VARS[k.from];
  if (s.keyVar === 'CLAUDE_CODE_OAUTH_TOKEN' || s.keyVar === 'FACTORY_API_KEY') return 'self';
  if (s.keyVar) return PROVIDER_KEY_VARS[s.keyVar] ?? (s.keyVar.startsWith('ANTHROPIC_') ? 'anthropic' : null);
  if (agent === 'grok') return 'xai';
  if (agent === 'aider') return null;
  return 'self';
}

export function findingId(file: string, kind: string, name: string | null, line: number): string {
  return `f${createHash('sha256').update(`${file}|${kind}|${name ?? ''}|${line}`).digest('hex').slice(0, 10)}`;
}


/** Arguments as shown: values of key flags (`--api-key X`, `--token=X`) and key-like tokens masked. */
export function displayArgs(args: Word[], redact: Set<string>): string[] {
  return args.map((a, i) => {
    const prev = i > 0 ? literal(args[i - 1]) ?? '' : '';
    const t = literal(a);
    if (KEY_FLAGS.test(prev) && t !== undefined) {
      redact.add(t);
      return mask(t);
    }
    const eq = t !== undefined ? /^(--?[A-Za-z-]+)=(.+)$/.exec(t) : null;
    if (eq && KEY_FLAGS.test(eq[1])) {
      redact.add(eq[2]);
      return `${eq[1]}=${mask(eq[2])}`;
    }
    return redactText(a.raw);
  });
}

/** `--api-key VALUE` or `--api-key=VALUE` among the arguments. */
function keyFlag(args: Word[]): { flag: string; value: Word } | undefined {
  for (let i = 0; i < args.length; i++) {
    const t = literal(args[i]);
    if (t !== undefined && KEY_FLAGS.test(t) && args[i + 1]) return { flag: t, value: args[i + 1] };
    const p = args[i].parts[0];
    const m = p?.kind === 'lit' ? /^(--?[A-Za-z-]+)=/.exec(p.text) : null;
    if (m && KEY_FLAGS.test(m[1]) && p.kind === 'lit') {
      const rest = p.text.slice(m[0].length);
      const parts = [...(rest ? [{ ...p, text: rest }] : []), ...args[i].parts.slice(1)];
      return { flag: m[1], value: { ...args[i], raw: args[i].raw.slice(m[0].length), parts } };
    }
  }
  return undefined;
}
