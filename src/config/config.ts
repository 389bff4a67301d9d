import * as t from 'typanion';
import { paths, isValidName } from './paths.js';
import { readTomlFile, validate, writeTomlFile, type TomlTable } from './toml.js';

const isName = t.cascade(t.isString(), [(v: string, s) => isValidName(v) || (s?.errors?.push(`${s?.p ?? '.'}: expected a name like [A-Za-z0-9][A-Za-z0-9._-]* (got ${JSON.stringify(v)})`), false)]) as t.StrictValidator<unknown, string>;

/** A table whose keys are all optional and whose unknown keys are reported (typos). */
function table<T extends Record<string, t.AnyStrictValidator>>(props: T) {
  const optional = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, t.isOptional(v)]));
  return t.isObject(optional as { [K in keyof T]: t.StrictValidator<unknown, t.InferType<T[K]> | undefined> });
}

const isPrice = table({
  input: t.isNumber(),
  output: t.isNumber(),
  'cache-write': t.isNumber(),
  'cache-write-1h': t.isNumber(),
  'cache-read': t.isNumber(),
});

const isConfig = table({
  'default-profile': isName,
  'directory-mapping': t.isArray(t.isObject({ path: t.isString(), profile: isName })),
  credentials: table({ backend: t.isEnum(['system', 'file', 'system-only'] as const) }),
  shell: table({ notify: t.isBoolean(), aliases: t.isRecord(isName) }),
  /** USD per million tokens, overriding the shipped price table. */
  prices: t.isRecord(isPrice),
  import: table({ 'project-roots': t.isArray(t.isString()) }),
  daemon: table({ listen: t.isString(), 'idle-minutes': t.isNumber(), 'allow-hosts': t.isArray(t.isString()), 'detach-key': t.isString(), 'tls-cert': t.isString(), 'tls-key': t.isString() }),
});

export interface DirectoryMapping { path: string; profile: string }
export interface PriceOverride { input?: number; output?: number; 'cache-write'?: number; 'cache-write-1h'?: number; 'cache-read'?: number }
export interface RingletConfig {
  'default-profile'?: string;
  'directory-mapping'?: DirectoryMapping[];
  credentials?: { backend?: 'system' | 'file' | 'system-only' };
  shell?: { notify?: boolean; aliases?: Record<string, string> };
  prices?: Record<string, PriceOverride>;
  import?: { 'project-roots'?: string[] };
  daemon?: { listen?: string; 'idle-minutes'?: number; 'allow-hosts'?: string[]; 'detach-key'?: string; 'tls-cert'?: string; 'tls-key'?: string };
  [k: string]: unknown;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RingletConfig {
  const file = paths.config(env);
  const raw = readTomlFile(file);
  if (!raw) return {};
  return validate(file, raw, isConfig as t.StrictValidator<unknown, RingletConfig>);
}

export function saveConfig(cfg: RingletConfig, env: NodeJS.ProcessEnv = process.env): void {
  writeTomlFile(paths.config(env), cfg as TomlTable);
}
