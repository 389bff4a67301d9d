import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { UserError, EXIT } from '../errors.js';
import { isValidName, paths, realHome, ringletHome } from '../config/paths.js';
import { writeFileAtomic } from '../config/atomic.js';

/**
 * Per-project profile files (`.ringlet.toml` with `profile = "name"`, or `.ringlet-profile` holding a bare
 * name) and the allow store that trusts them.
 *
 * Trust is bound to the file's exact content: `ringlet allow` records the content (and its sha256) in
 * `<ringlet home>/allowed/<sha256 of path>.json`. The shell hook cannot hash without starting a process,
 * so the compiled shell state carries the approved content and the hook compares the bytes it reads
 * (at most MAX_PROJECT_FILE + 1 of them, with a builtin) against it: any change means "not allowed".
 */

export const PROJECT_FILES = ['.ringlet.toml', '.ringlet-profile'] as const;
/** Larger files are refused by `allow`; the hook reads at most this + 1 bytes, so a huge file costs nothing. */
export const MAX_PROJECT_FILE = 4096;

export interface AllowRecord {
  /** Physical directory + file name (the file itself may be a symlink; its content is what counts). */
  path: string;
  sha256: string;
  profile: string;
  content: string;
  allowedAt: string;
}

export const allowedDir = (env: NodeJS.ProcessEnv = process.env) => join(ringletHome(env), 'allowed');

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const recordFile = (path: string, env?: NodeJS.ProcessEnv) => join(allowedDir(env), `${sha256(path)}.json`);

/** The canonical key of a project file: its directory resolved through symlinks, plus its own name. */
export function projectKey(file: string): string {
  const abs = resolve(file);
  let dir = dirname(abs);
  try {
    dir = realpathSync(dir);
  } catch {
    /* a directory that no longer exists keeps its spelled path (deny of a removed project) */
  }
  return join(dir, basename(abs));
}

/**
 * The nearest project file at or above `start` (a directory), the same walk the shell hook does: inside
 * HOME it stops below HOME, elsewhere at the root.
 */
export function findProjectFile(start: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(start);
  } catch {
    return undefined;
  }
  let home = resolve(realHome(env));
  try {
    home = realpathSync(home);
  } catch {
    /* keep the spelled HOME */
  }
  const stop = home !== '/' && (dir === home || dir.startsWith(`${home}/`)) ? home : undefined;
  for (;;) {
    if (dir === stop) return undefined;
    for (const name of PROJECT_FILES) {
      const f = join(dir, name);
      try {
        if (statSync(f).isFile()) return f;
      } catch {
        /* not here */
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Resolve what `allow`/`deny` act on: a project file, or the nearest one from a directory upward. */
export function resolveTarget(target: string | undefined, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | undefined {
  const abs = resolve(cwd, target ?? '.');
  let st;
  try {
    st = statSync(abs);
  } catch {
    // A file that is gone can still be denied by name.
    return (PROJECT_FILES as readonly string[]).includes(basename(abs)) ? abs : undefined;
  }
  if (st.isDirectory()) return findProjectFile(abs, env);
  if (!(PROJECT_FILES as readonly string[]).includes(basename(abs))) {
    throw new UserError(`${abs} is not a project file (expected ${PROJECT_FILES.join(' or ')})`, EXIT.usage);
  }
  return abs;
}

/** Read and validate a project file; returns its exact content and the profile it names. */
export function readProjectFile(file: string): { content: string; profile: string } {
  const st = statSync(file);
  if (!st.isFile()) throw new UserError(`${file} is not a regular file`, EXIT.usage);
  if (st.size > MAX_PROJECT_FILE) throw new UserError(`${file} is larger than ${MAX_PROJECT_FILE} bytes; a project file only names a profile`, EXIT.config);
  const buf = readFileSync(file);
  if (buf.includes(0)) throw new UserError(`${file} contains a NUL byte`, EXIT.config);
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    throw new UserError(`${file} is not valid UTF-8`, EXIT.config);
  }
  let profile: unknown;
  if (basename(file) === '.ringlet-profile') {
    const lines = content.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    if (lines.length !== 1) throw new UserError(`${file}: expected one line with a profile name`, EXIT.config);
    profile = lines[0];
  } else {
    let table: Record<string, unknown>;
    try {
      table = parse(content) as Record<string, unknown>;
    } catch (err) {
      throw new UserError(`${file}: invalid TOML: ${(err as Error).message.split('\n')[0]}`, EXIT.config);
    }
    const extra = Object.keys(table).filter((k) => k !== 'profile');
    if (extra.length) throw new UserError(`${file}: unknown key "${extra[0]}" (a project file holds only profile = "name")`, EXIT.config);
    profile = table.profile;
    if (typeof profile !== 'string') throw new UserError(`${file}: expected profile = "name"`, EXIT.config);
  }
  if (typeof profile !== 'string' || !isValidName(profile)) {
    throw new UserError(`${file}: invalid profile name ${JSON.stringify(profile)} (use letters, digits, ".", "_" or "-")`, EXIT.config);
  }
  return { content, profile };
}

export function profileExists(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return isValidName(name) && existsSync(paths.profileManifest(name, env));
}

/** Trust a project file's current content. */
export function allowFile(file: string, env: NodeJS.ProcessEnv = process.env): AllowRecord {
  const { content, profile } = readProjectFile(file);
  if (!profileExists(profile, env)) {
    throw new UserError(`${file} names profile "${profile}", which does not exist (create it first: ringlet profiles create …)`, EXIT.notFound);
  }
  const key = projectKey(file);
  const rec: AllowRecord = { path: key, sha256: sha256(content), profile, content, allowedAt: new Date().toISOString() };
  mkdirSync(allowedDir(env), { recursive: true });
  writeFileAtomic(recordFile(key, env), JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
  return rec;
}

/** Forget a project file's approval. Returns false when it was not allowed. */
export function denyFile(file: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const rec = recordFile(projectKey(file), env);
  if (!existsSync(rec)) return false;
  unlinkSync(rec);
  return true;
}

/**
 * Every valid approval. A record whose content no longer hashes to its recorded sha256, or whose name is
 * invalid, was not written by `allow` and is skipped.
 */
export function listAllowed(env: NodeJS.ProcessEnv = process.env): AllowRecord[] {
  const dir = allowedDir(env);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
  } catch {
    return [];
  }
  const out: AllowRecord[] = [];
  for (const n of names.sort()) {
    try {
      const f = join(dir, n);
      if (!lstatSync(f).isFile()) continue;
      const rec = JSON.parse(readFileSync(f, 'utf8')) as AllowRecord;
      if (typeof rec.path !== 'string' || typeof rec.content !== 'string' || typeof rec.profile !== 'string') continue;
      if (!isValidName(rec.profile) || sha256(rec.content) !== rec.sha256 || `${sha256(rec.path)}.json` !== n) continue;
      if (rec.content.includes('\0') || Buffer.byteLength(rec.content) > MAX_PROJECT_FILE) continue;
      out.push(rec);
    } catch {
      /* unreadable record: ignore it, the user can allow again */
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether a project file is allowed as it is now: 'allowed', 'changed' (content differs) or 'unknown'. */
export function allowStatus(file: string, env: NodeJS.ProcessEnv = process.env): 'allowed' | 'changed' | 'unknown' {
  const key = projectKey(file);
  const rec = listAllowed(env).find((r) => r.path === key);
  if (!rec) return 'unknown';
  let now: string;
  try {
    now = readFileSync(file, 'utf8');
  } catch {
    return 'changed';
  }
  return now === rec.content ? 'allowed' : 'changed';
}
