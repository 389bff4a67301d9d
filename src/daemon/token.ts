import { closeSync, fchmodSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UserError, EXIT } from '../errors.js';
import { paths } from '../config/paths.js';
import { writeFileAtomic } from '../config/atomic.js';

/**
 * The daemon's bearer token: 32 random bytes, hex, in paths.httpToken() with mode 0600. The daemon and local
 * clients read it from the file; it is never printed, logged, put in a URL, in argv or in an error.
 */

const newToken = () => randomBytes(32).toString('hex');

function checkMode(file: string, mode: number): void {
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UserError(`${file} is readable by others (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); run: chmod 600 ${file}`, EXIT.config);
  }
}

/** Reads the token, refusing a file anyone but the owner can read. Undefined when there is none. */
export function readToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = paths.httpToken(env);
  let st;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  checkMode(file, st.mode);
  const token = readFileSync(file, 'utf8').trim();
  if (!token) throw new UserError(`${file} is empty; create a new token with: ringlet daemon rotate-token`, EXIT.config);
  return token;
}

/**
 * Reads the token, creating it (0600) on first use. The file appears whole or not at all (written aside,
 * then hard-linked into place, which fails if it exists), so racing creators agree on one token and none
 * ever reads a half-written file.
 */
export function ensureToken(env: NodeJS.ProcessEnv = process.env): string {
  const existing = readToken(env);
  if (existing) return existing;
  const file = paths.httpToken(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, newToken() + '\n');
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readToken(env)!;
}

/** Replaces the token; a running daemon notices the new file on its next request. */
export function rotateToken(env: NodeJS.ProcessEnv = process.env): void {
  writeFileAtomic(paths.httpToken(env), newToken() + '\n', { mode: 0o600, forceMode: true });
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The daemon's view of the token file: re-read whenever the file changes (a stat per check), so
 * `rotate-token` locks the old token out at once, and a file made readable by others stops all access.
 */
export class TokenFile {
  private cached: { key: string; token: string } | undefined;
  constructor(private env: NodeJS.ProcessEnv) {}

  /** The current token; throws a UserError when the file is missing, empty or too permissive. */
  current(): string {
    const file = paths.httpToken(this.env);
    let st;
    try {
      st = statSync(file);
    } catch {
      throw new UserError(`${file} is missing; restart the daemon or run: ringlet daemon rotate-token`, EXIT.config);
    }
    checkMode(file, st.mode);
    const key = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    if (this.cached?.key !== key) this.cached = { key, token: readToken(this.env)! };
    return this.cached.token;
  }
}
