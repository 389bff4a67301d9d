import { existsSync, readFileSync } from 'node:fs';
import { parse, stringify, TomlError } from 'smol-toml';
import * as t from 'typanion';
import { UserError, EXIT } from '../errors.js';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic.js';

export type TomlTable = Record<string, unknown>;

/** Parse a TOML file; a syntax error names the file and line. Missing file -> undefined. */
export function readTomlFile(file: string): TomlTable | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    return parse(text) as TomlTable;
  } catch (err) {
    if (err instanceof TomlError) {
      const msg = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      throw new UserError(`${file}:${err.line}:${err.column}: invalid TOML: ${msg}`, EXIT.config);
    }
    throw err;
  }
}

/**
 * Validate a parsed table against a typanion schema. The first error names the file, the key path and
 * what was expected, e.g. `~/.config/ringlet/config.toml: directory-mapping[0].profile: expected a string`.
 */
export function validate<T>(file: string, value: unknown, schema: t.StrictValidator<unknown, T>, hint?: string): T {
  const errors: string[] = [];
  if (!schema(value, { errors })) {
    // typanion says `.["directory-mapping"][0].profile: Expected a string (got 42)`; print `directory-mapping[0].profile: expected …`
    const first = (errors[0] ?? 'invalid value')
      .replace(/\["([^"]+)"\]/g, '.$1')
      .replace(/^\.+/, '')
      .replace(/: Expected /, ': expected ')
      .replace(/: Extraneous property \(got .*\)$/, ': unknown key (a typo?)');
    throw new UserError(`${file}: ${first}${hint ? ` (${hint})` : ''}`, EXIT.config);
  }
  return value as T;
}

export function writeTomlFile(file: string, value: TomlTable, opts?: AtomicWriteOptions): string | undefined {
  return writeFileAtomic(file, stringify(value) + '\n', opts);
}

export { stringify as tomlStringify };
