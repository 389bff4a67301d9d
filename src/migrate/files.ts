/**
 * Bounded, never-throwing file access for the audit: size caps, no FIFOs or devices, binary detection,
 * encodings that round-trip byte for byte (so a rewrite never mangles bytes it did not mean to touch).
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

export const MAX_FILE_BYTES = 1024 * 1024;

export type Encoding = 'utf8' | 'latin1' | 'utf16le';

export interface TextFile {
  /** The path as named (may be a symlink). */
  path: string;
  /** Where the bytes live (symlinks resolved). */
  real: string;
  text: string;
  encoding: Encoding;
  /** The file starts with a byte-order mark (kept on rewrite). */
  bom: boolean;
  mode: number;
  size: number;
}

export type ReadResult = { ok: true; file: TextFile } | { ok: false; reason: string };

export function readTextFile(path: string, maxBytes = MAX_FILE_BYTES): ReadResult {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    return { ok: false, reason: errReason(err) };
  }
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO must never block the audit.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, reason: errReason(err) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
    if (st.size > maxBytes) return { ok: false, reason: `larger than ${Math.round(maxBytes / 1024)} KiB` };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n <= 0) break;
      off += n;
    }
    const bytes = buf.subarray(0, off);
    const decoded = decode(bytes);
    if (!decoded) return { ok: false, reason: 'binary file' };
    return { ok: true, file: { path, real, text: decoded.text, encoding: decoded.encoding, bom: decoded.bom, mode: st.mode & 0o7777, size: off } };
  } catch (err) {
    return { ok: false, reason: errReason(err) };
  } finally {
    closeSync(fd);
  }
}

function decode(bytes: Buffer): { text: string; encoding: Encoding; bom: boolean } | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: bytes.subarray(2).toString('utf16le'), encoding: 'utf16le', bom: true };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  if (body.subarray(0, 8192).includes(0)) return undefined;
  const text = body.toString('utf8');
  // Invalid UTF-8 would not survive a rewrite; latin1 maps every byte to one char and back.
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(body)) return { text: body.toString('latin1'), encoding: 'latin1', bom };
  return { text, encoding: 'utf8', bom };
}

export function encodeText(text: string, encoding: Encoding, bom: boolean): Buffer {
  if (encoding === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const body = Buffer.from(text, encoding);
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

function errReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'missing';
  if (code === 'EACCES' || code === 'EPERM') return 'not readable';
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'EISDIR') return 'a directory';
  return code ?? 'unreadable';
}

export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `path` (after resolving symlinks) lies inside `home` (also resolved). */
export function withinHome(path: string, home: string): boolean {
  let real: string;
  let realHome: string;
  try {
    realHome = realpathSync(home);
  } catch {
    realHome = resolve(home);
  }
  try {
    real = realpathSync(path);
  } catch {
    real = resolve(path);
  }
  return real === realHome || real.startsWith(realHome.endsWith(sep) ? realHome : realHome + sep);
}

export function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

// ---- globbing (for `source ~/.zsh/*.zsh` and `for f in ~/.{aliases,exports}`) ----

/** Expand `{a,b}` alternatives (not nested ranges); bounded. */
export function expandBraces(pattern: string, limit = 256): string[] {
  const m = /\{([^{}]*,[^{}]*)\}/.exec(pattern);
  if (!m) return [pattern];
  const out: string[] = [];
  for (const alt of m[1].split(',')) {
    for (const x of expandBraces(pattern.slice(0, m.index) + alt + pattern.slice(m.index + m[0].length), limit)) {
      if (out.length >= limit) return out;
      out.push(x);
    }
  }
  return out;
}

const GLOB = /[*?[]/;

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${seg.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expand an absolute pattern with * ? [..] in any segment (zsh qualifiers like (N) dropped); sorted, bounded. */
export function glob(pattern: string, limit = 256): string[] {
  const clean = pattern.replace(/\([^()/]*\)$/, '');
  if (!isAbsolute(clean)) return [];
  if (!GLOB.test(clean)) return exists(clean) ? [clean] : [];
  const segs = clean.split('/').slice(1);
  let current = ['/'];
  for (const seg of segs) {
    const next: string[] = [];
    for (const base of current) {
      if (seg === '**') {
        // zsh/bash globstar: this directory and every directory below (bounded, no hidden ones).
        next.push(...subdirs(base, 8, limit * 4));
        continue;
      }
      if (!GLOB.test(seg)) {
        const p = join(base, seg);
        if (exists(p)) next.push(p);
        continue;
      }
      const re = segmentRegex(seg);
      for (const name of safeReaddir(base)) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(name)) next.push(join(base, name));
        if (next.length >= limit) break;
      }
    }
    current = next;
    if (!current.length) return [];
  }
  return current.slice(0, limit);
}

function subdirs(root: string, maxDepth: number, limit: number): string[] {
  const out = [root];
  for (let i = 0; i < out.length && out.length < limit; i++) {
    const depth = out[i].slice(root.length).split('/').length - 1;
    if (depth >= maxDepth) continue;
    let entries;
    try {
      entries = readdirSync(out[i], { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) out.push(join(out[i], e.name));
  }
  return out.slice(0, limit);
}

export function hasGlob(s: string): boolean {
  return GLOB.test(s);
}
