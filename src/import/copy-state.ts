/**
 * Copies an agent's own state (settings, memory, transcripts, custom commands) from the user's real
 * config directory into a profile HOME, so `ringlet profiles run <profile>` starts where the user left off.
 *
 * The source is only ever read. In the profile HOME nothing is overwritten: files that already exist
 * are kept, and the JSON/TOML settings files are merged with the profile's copy winning on conflicts
 * (ringlet's own hooks and provider entries stay). Credentials (Claude's `.credentials.json`, Codex's
 * `auth.json`, an API key stored in `.claude.json`) are not copied: a profile gets its key from ringlet.
 */
import { copyFileSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { writeFileAtomic } from '../config/atomic.js';
import { writeTomlFile, type TomlTable } from '../config/toml.js';

export interface CopyResult {
  /** Files copied or merged into the profile HOME. */
  copied: number;
  /** Files left alone because the profile already had them. */
  kept: number;
}

export interface ClaudeSource {
  /** The Claude config directory (`~/.claude` or CLAUDE_CONFIG_DIR). */
  configDir: string;
  /** `~/.claude.json` (or `$CLAUDE_CONFIG_DIR/.claude.json`), if any. */
  stateFile?: string;
}

/** Entries of the Claude config directory worth carrying over; the rest is caches, logs and credentials. */
const CLAUDE_ENTRIES = ['CLAUDE.md', 'projects', 'agents', 'commands', 'skills', 'output-styles', 'plugins', 'keybindings.json'];
const CODEX_ENTRIES = ['AGENTS.md', 'sessions', 'archived_sessions', 'prompts', 'skills'];

/** Keys of `~/.claude.json` that hold secrets. */
const CLAUDE_STATE_SECRETS = ['primaryApiKey'];
/** The Codex provider entry ringlet writes for its meter. */
const RINGLET_CODEX_PROVIDER = 'ringlet';

export function copyClaudeState(src: ClaudeSource, profileHome: string): CopyResult {
  const r: CopyResult = { copied: 0, kept: 0 };
  const dst = join(profileHome, '.claude');
  mergeJsonFile(join(src.configDir, 'settings.json'), join(dst, 'settings.json'), r);
  for (const name of CLAUDE_ENTRIES) copyTree(join(src.configDir, name), join(dst, name), r);
  if (src.stateFile) {
    mergeJsonFile(src.stateFile, join(profileHome, '.claude.json'), r, (v) => {
      for (const k of CLAUDE_STATE_SECRETS) delete v[k];
      return v;
    });
  }
  return r;
}

export function copyCodexState(codexHome: string, profileHome: string): CopyResult {
  const r: CopyResult = { copied: 0, kept: 0 };
  const dst = join(profileHome, '.codex');
  const cfgSrc = join(codexHome, 'config.toml');
  if (existsSync(cfgSrc)) {
    const theirs = stripCodexProviders(parseToml(readFileSync(cfgSrc, 'utf8')) as TomlTable);
    const cfgDst = join(dst, 'config.toml');
    const ours = existsSync(cfgDst) ? (parseToml(readFileSync(cfgDst, 'utf8')) as TomlTable) : {};
    mkdirSync(dst, { recursive: true, mode: 0o700 });
    writeTomlFile(cfgDst, merge(ours, theirs) as TomlTable, { mode: 0o600 });
    r.copied++;
  }
  for (const name of CODEX_ENTRIES) copyTree(join(codexHome, name), join(dst, name), r);
  return r;
}

/**
 * The user's Codex config without what a profile manages: which provider to use (`model_provider`) and
 * ringlet's own provider entry; bearer tokens inlined in other provider entries are dropped too.
 */
export function stripCodexProviders(cfg: TomlTable): TomlTable {
  const out: TomlTable = { ...cfg };
  delete out.model_provider;
  const providers = out.model_providers;
  if (isPlain(providers)) {
    const kept: TomlTable = {};
    for (const [id, p] of Object.entries(providers)) {
      if (id === RINGLET_CODEX_PROVIDER) continue;
      if (isPlain(p)) {
        const { experimental_bearer_token: _secret, ...rest } = p;
        kept[id] = rest;
      } else kept[id] = p;
    }
    if (Object.keys(kept).length) out.model_providers = kept;
    else delete out.model_providers;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Deep merge where `ours` (the profile's file) wins: objects merge key by key, arrays become the union
 * (ours first), and for anything else ours is kept.
 */
export function merge(ours: unknown, theirs: unknown): unknown {
  if (ours === undefined) return theirs;
  if (isPlain(ours) && isPlain(theirs)) {
    const out: Record<string, unknown> = { ...ours };
    for (const [k, v] of Object.entries(theirs)) out[k] = merge(ours[k], v);
    return out;
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    const seen = new Set(ours.map((x) => JSON.stringify(x)));
    return [...ours, ...theirs.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  return ours;
}

function mergeJsonFile(src: string, dst: string, r: CopyResult, clean: (v: Record<string, any>) => Record<string, any> = (v) => v): void {
  if (!existsSync(src)) return;
  let theirs: unknown;
  try {
    theirs = JSON.parse(readFileSync(src, 'utf8'));
  } catch {
    // Not JSON we can merge: carry it over as a file, if the profile has none.
    copyTree(src, dst, r);
    return;
  }
  if (!isPlain(theirs)) return;
  let ours: unknown;
  if (existsSync(dst)) {
    try {
      ours = JSON.parse(readFileSync(dst, 'utf8'));
    } catch {
      r.kept++;
      return;
    }
  }
  const merged = merge(ours, clean({ ...theirs }));
  mkdirSync(dirname(dst), { recursive: true, mode: 0o700 });
  writeFileAtomic(dst, JSON.stringify(merged, null, 2) + '\n', { mode: 0o600 });
  r.copied++;
}

/** Copies a file or directory tree, keeping modes and times; existing destination files are kept. */
function copyTree(src: string, dst: string, r: CopyResult): void {
  let st;
  try {
    st = lstatSync(src);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    mkdirSync(dst, { recursive: true, mode: st.mode & 0o777 });
    for (const name of readdirSync(src)) copyTree(join(src, name), join(dst, name), r);
    return;
  }
  if (existsSync(dst) || lstatOk(dst)) {
    r.kept++;
    return;
  }
  mkdirSync(dirname(dst), { recursive: true });
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dst);
  } else if (st.isFile()) {
    copyFileSync(src, dst, constants.COPYFILE_EXCL);
    // Agents sort sessions by modification time: keep it.
    utimesSync(dst, st.atime, st.mtime);
  } else return; // sockets, fifos: nothing to carry over
  r.copied++;
}

function lstatOk(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
