import * as t from 'typanion';
import { UserError, EXIT } from '../errors.js';
import { paths, isValidName } from '../config/paths.js';
import { readTomlFile, validate, writeTomlFile, type TomlTable } from '../config/toml.js';
import type { ProfileManifest, Profile } from './manifest-types.js';

const opt = <T>(v: t.StrictValidator<unknown, T>) => t.isOptional(v);

const isManifest = t.isObject(
  {
    agent: t.isString(),
    provider: t.isString(),
    'provider-config': opt(t.isObject({
      'key-alias': opt(t.isString()),
      endpoint: opt(t.isString()),
      model: opt(t.isString()),
      wire: opt(t.isEnum(['anthropic', 'openai-chat', 'openai-responses', 'gemini'] as const)),
      region: opt(t.isString()),
      project: opt(t.isString()),
    })),
    run: opt(t.isObject({
      binary: opt(t.isString()),
      meter: opt(t.isBoolean()),
      sandbox: opt(t.isEnum(['never', 'remote', 'always'] as const)),
    })),
    home: opt(t.isObject({ share: opt(t.isArray(t.isString())) })),
    sandbox: opt(t.isObject({
      writable: opt(t.isArray(t.isString())),
      hidden: opt(t.isArray(t.isString())),
      network: opt(t.isOneOf([t.isEnum(['on', 'off'] as const), t.isArray(t.isString())])),
      'inner-sandbox': opt(t.isBoolean()),
      'allow-unsandboxed-remote': opt(t.isBoolean()),
    })),
  },
  // Unknown top-level tables are kept (other tools may add them); unknown keys inside ours are typos.
  { extra: t.isRecord(t.isUnknown()) },
);

export function checkProfileName(name: string): void {
  if (!isValidName(name)) {
    throw new UserError(`invalid profile name "${name}": use letters, digits, ".", "_" or "-", starting with a letter or digit`, EXIT.usage);
  }
}

export function readProfile(name: string, env: NodeJS.ProcessEnv = process.env): Profile {
  checkProfileName(name);
  const file = paths.profileManifest(name, env);
  const raw = readTomlFile(file);
  if (!raw) throw new UserError(`no profile named "${name}" (see \`ringlet profiles list\`)`, EXIT.notFound);
  const manifest = validate(file, raw, isManifest as t.StrictValidator<unknown, ProfileManifest>, 'fix the file or recreate the profile');
  return { name, dir: paths.profileDir(name, env), home: paths.profileHome(name, env), manifest };
}

export function writeManifest(name: string, manifest: ProfileManifest, env: NodeJS.ProcessEnv = process.env): void {
  writeTomlFile(paths.profileManifest(name, env), manifest as TomlTable);
}
