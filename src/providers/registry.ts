import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as t from 'typanion';
import { UserError, EXIT } from '../errors.js';
import { paths } from '../config/paths.js';
import { readTomlFile, validate } from '../config/toml.js';
import { BUILTIN_PROVIDERS } from './builtin.js';
import type { ProviderSpec, Wire } from './types.js';

const WIRES = ['anthropic', 'openai-chat', 'openai-responses', 'gemini'] as const;

// A user provider file: providers/<id>.toml with label, endpoints per wire, key-env, default models.
const isUserProvider = t.isObject({
  label: t.isOptional(t.isString()),
  'key-env': t.isOptional(t.isString()),
  endpoints: t.isObject(Object.fromEntries(WIRES.map((w) => [w, t.isOptional(t.isString())])) as Record<Wire, t.StrictValidator<unknown, string | undefined>>),
  'default-model': t.isOptional(t.isRecord(t.isString())),
});

function loadUserProviders(env: NodeJS.ProcessEnv): ProviderSpec[] {
  const dir = paths.userProviders(env);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.toml'));
  } catch {
    return [];
  }
  return files.sort().map((f) => {
    const file = join(dir, f);
    const id = f.slice(0, -'.toml'.length);
    const raw = validate(file, readTomlFile(file), isUserProvider, 'see `ringlet providers list --help`');
    for (const url of Object.values(raw.endpoints)) if (url) checkUrl(url, `${file}: endpoints`);
    return {
      id, label: raw.label ?? id, kind: 'api', keyEnv: raw['key-env'],
      endpoints: raw.endpoints as ProviderSpec['endpoints'],
      defaultModel: raw['default-model'] as ProviderSpec['defaultModel'],
      hosts: Object.values(raw.endpoints).flatMap((u) => (u ? [new URL(u).hostname] : [])),
    } satisfies ProviderSpec;
  });
}

export function listProviders(env: NodeJS.ProcessEnv = process.env): ProviderSpec[] {
  const user = loadUserProviders(env);
  const ids = new Set(user.map((p) => p.id));
  // A user file may override a built-in of the same id (e.g. a regional endpoint).
  return [...BUILTIN_PROVIDERS.filter((p) => !ids.has(p.id)), ...user];
}

export function getProvider(id: string, env: NodeJS.ProcessEnv = process.env): ProviderSpec {
  const p = listProviders(env).find((x) => x.id === id);
  if (!p) {
    throw new UserError(`unknown provider "${id}" (known: ${listProviders(env).map((x) => x.id).join(', ')}; add one as ${paths.userProviders(env)}/${id}.toml)`, EXIT.usage);
  }
  return p;
}

/** Infer a provider from a base URL (used by migrate and custom endpoints). */
export function providerFromUrl(url: string, env: NodeJS.ProcessEnv = process.env): ProviderSpec | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  return listProviders(env).find((p) => p.hosts?.some((h) => host === h || host.endsWith(`.${h}`) || host.includes(h)));
}

export function checkUrl(url: string, what: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`${what}: "${url}" is not a URL (expected e.g. https://host/v1)`, EXIT.usage);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`${what}: "${url}" must be http:// or https://`, EXIT.usage);
  if (u.username || u.password) throw new UserError(`${what}: put credentials in the keychain, not in the URL`, EXIT.usage);
}
