import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { UserError, EXIT } from '../errors.js';
import { writeFileAtomic } from '../config/atomic.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Drop comments and trailing commas, outside strings. Several agents (Gemini CLI, OpenCode, Droid) read
 * their settings as JSONC, so a user's file may carry either; we must still merge into it.
 */
export function stripJsonc(text: string): string {
  const skipTrivia = (from: number): number => {
    let i = from;
    for (;;) {
      if (/\s/.test(text[i] ?? '')) i++;
      else if (text.startsWith('//', i)) while (i < text.length && text[i] !== '\n') i++;
      else if (text.startsWith('/*', i)) i = text.indexOf('*/', i + 2) < 0 ? text.length : text.indexOf('*/', i + 2) + 2;
      else return i;
    }
  };
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (text.startsWith('//', i) || text.startsWith('/*', i)) {
      const j = skipTrivia(i);
      out += text.slice(i, j).includes('\n') ? '\n' : ' ';
      i = j;
    } else if (c === ',' && (text[skipTrivia(i + 1)] === '}' || text[skipTrivia(i + 1)] === ']')) {
      i++; // trailing comma
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Read a JSON (or JSONC) object file; missing or empty -> {}. A file we cannot parse is an error naming
 * it: merging means we must never overwrite settings we could not read.
 */
export function readJsonObject(file: string): JsonObject {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON.parse(stripJsonc(text));
    } catch (err) {
      throw new UserError(`${file}: not valid JSON (${(err as Error).message}); fix or remove it so ringlet can merge its settings`, EXIT.config);
    }
  }
  if (!isObject(value)) throw new UserError(`${file}: expected a JSON object at the top level; fix or remove it`, EXIT.config);
  return value;
}

/**
 * Write `text` only when it differs from what is on disk, so preparing a HOME twice changes nothing
 * (same bytes, same mtime). `mode` applies to a new file; with `forceMode` also to an existing one.
 */
export function writeIfChanged(file: string, text: string, opts: { mode?: number; forceMode?: boolean } = {}): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) {
    if (opts.forceMode && opts.mode !== undefined) writeModeOnly(file, opts.mode);
    return false;
  }
  writeFileAtomic(file, text, { mode: opts.mode ?? 0o600, forceMode: opts.forceMode });
  return true;
}

export function writeJsonIfChanged(file: string, value: JsonObject, opts?: { mode?: number; forceMode?: boolean }): boolean {
  return writeIfChanged(file, `${JSON.stringify(value, null, 2)}\n`, opts);
}

function writeModeOnly(file: string, mode: number): void {
  // Content is already right; only tighten the mode.
  if ((statSync(file).mode & 0o7777) !== mode) chmodSync(file, mode);
}

/** Object at `obj[key]`, created when absent or not an object. */
export function child(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (isObject(v)) return v;
  const fresh: JsonObject = {};
  obj[key] = fresh;
  return fresh;
}

/** The model a run uses: the profile's, else the provider's default for the wire. */
export function resolveModel(ctx: { model?: string; provider: { defaultModel?: Partial<Record<string, string>> }; wire: string }): string | undefined {
  return ctx.model ?? ctx.provider.defaultModel?.[ctx.wire];
}

/** Join a base URL and a path segment without doubling or dropping the slash. */
export function joinUrl(base: string, segment: string): string {
  return `${base.replace(/\/+$/, '')}/${segment.replace(/^\/+/, '')}`;
}

/** Append `/v1` unless the URL already ends in a version segment (Anthropic-wire URLs are stored without it). */
export function withVersion(base: string, version = 'v1'): string {
  const trimmed = base.replace(/\/+$/, '');
  return /\/v\d+(beta\d*|alpha\d*)?$/.test(trimmed) ? trimmed : `${trimmed}/${version}`;
}
