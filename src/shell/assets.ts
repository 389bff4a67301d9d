import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, EXIT } from '../errors.js';

/** A file of the package's shell/ directory: next to dist/ when installed, two levels up from src/shell in tests. */
export function shellAsset(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const f = join(dir, 'shell', name);
    if (existsSync(f)) return f;
    dir = dirname(dir);
  }
  throw new UserError(`shell/${name} is missing from the ringlet installation`, EXIT.unavailable);
}

/**
 * Fill a script's `#@NAME@` lines (each alone on its line, so the file stays a valid, lintable script)
 * with generated code.
 */
export function fillTemplate(name: string, parts: Record<string, string>): string {
  return readFileSync(shellAsset(name), 'utf8').replace(/^#@([A-Z]+)@$/gm, (line, key: string) => {
    if (!(key in parts)) throw new Error(`unknown placeholder ${line} in shell/${name}`);
    return parts[key];
  });
}
