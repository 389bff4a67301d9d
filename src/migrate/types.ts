/** The shapes migrate reports (`--dry-run --json`) and plans. Documented in docs/migrate.md. */
import type { AgentId } from './knowledge.js';
import type { Dialect } from './tokenizer.js';

export type ShellKind = 'bash' | 'zsh' | 'sh' | 'fish' | 'direnv';
export type FindingKind = 'alias' | 'function' | 'abbr' | 'export' | 'envrc' | 'wrapper';
export type KeyKind = 'literal' | 'command' | 'env' | 'reference' | 'placeholder' | 'none';

/** Where a key comes from. Never holds the key itself. */
export interface KeySource {
  kind: KeyKind;
  /** The variable that carries the key to the agent, e.g. ANTHROPIC_API_KEY. */
  var: string | null;
  /** literal: the key masked, e.g. `sk-ant-…0001`. */
  masked?: string;
  /** command: the command text (anything key-like in it masked) and its program. */
  command?: string;
  program?: string;
  /** command: the file it reads, when it only reads a file (`cat ~/.key`, `$(<~/.key)`). */
  file?: string;
  /** env: the variable it is taken from, and what that variable holds when migrate found it. */
  from?: string;
  resolved?: KeySource;
  /** reference: a secret-manager reference such as op://vault/item/field. */
  ref?: string;
  /** Where the value is written (file:line), when not the finding's own line. */
  definedAt?: string;
}

export interface Problem { line: number; reason: string }

export interface Finding {
  /** Stable id (file, kind, name, line), used by plans. */
  id: string;
  kind: FindingKind;
  /** Alias, function, abbreviation or wrapper name; the directory name for .envrc; null for global exports. */
  name: string | null;
  shell: ShellKind;
  file: string;
  line: number;
  endLine: number;
  agent: AgentId;
  provider: string | null;
  baseUrl: string | null;
  model: string | null;
  configDir: string | null;
  keySource: KeySource;
  /** Other variables the definition sets (secrets masked). */
  env: Record<string, string>;
  /** Arguments passed to the agent, as written. */
  args: string[];
  /** The alias or function this one calls, when it reaches the agent through another definition. */
  via: string | null;
  /** Inside if/case/for, or guarded by `&&`. */
  conditional: boolean;
  /** false when the definition does more than set env and start the agent (see problems). */
  translatable: boolean;
  problems: Problem[];
  notes: string[];
  /** The profile name migrate suggests. */
  profile: string;
}

/** A key exported on its own (no agent evidence): becomes a keychain entry. */
export interface KeyFinding {
  id: string;
  var: string;
  provider: string;
  shell: ShellKind;
  file: string;
  line: number;
  keySource: KeySource;
  /** Findings whose key resolves to this variable. */
  usedBy: string[];
}

/** Recognised, but not a profile (flag-only alias, an alias named claude that runs something else, …). */
export interface Ignored { file: string; line: number; name: string | null; reason: string }

export interface ScannedFile { file: string; shell: ShellKind; /** file:line that sourced it */ from?: string }
export interface SkippedFile { file: string; reason: string }

export interface ConfigDirInfo {
  path: string;
  agent: AgentId;
  exists: boolean;
  /** A login or auth file is inside (.credentials.json, auth.json, …). */
  hasLogin: boolean;
  findings: string[];
}

export interface AuditResult {
  version: 1;
  home: string;
  roots: string[];
  scanned: ScannedFile[];
  skipped: SkippedFile[];
  findings: Finding[];
  keys: KeyFinding[];
  ignored: Ignored[];
  configDirs: ConfigDirInfo[];
  /** Files that parsed with errors (scanned line by line anyway). */
  parseErrors: { file: string; error: string }[];
}

/** How apply obtains a key value; kept out of every serialised shape. */
export type SecretValue =
  | { kind: 'literal'; value: string }
  | { kind: 'command'; command: string; dialect: Dialect; file?: string }
  | { kind: 'env'; name: string };

/** What a rewrite needs about a definition; internal, not serialised. */
export interface DefinitionSite {
  dialect: Dialect;
  /** Line ranges (1-based, inclusive) the rewrite comments out; `real` is the file behind any symlink. */
  spans: { file: string; real: string; startLine: number; endLine: number }[];
  /** Why the lines cannot be rewritten safely (shared with other code, outside HOME, …). */
  blocked?: string;
  /** The agent command as written (`claude`, `~/.claude/local/claude`, `npx -y @openai/codex`). */
  bin: string;
  args: string[];
  /** Non-profile variables to keep in front of the new command: [name, value as written]. */
  keepEnv: [string, string][];
  /** Nested inside a block: an emptied block needs a no-op. */
  nested: boolean;
}
