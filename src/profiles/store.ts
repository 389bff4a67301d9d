import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError, EXIT } from '../errors.js';
import { isUnder, paths, realHome } from '../config/paths.js';
import { loadConfig, saveConfig } from '../config/config.js';
import { writeTomlFile, type TomlTable } from '../config/toml.js';
import { chooseWire, getAgent } from '../agents/registry.js';
import { checkUrl, getProvider } from '../providers/registry.js';
import type { Wire } from '../providers/types.js';
import { checkProfileName, readProfile, writeManifest } from './manifest.js';
import type { Profile, ProfileManifest, SandboxMode } from './manifest-types.js';

export interface CreateOptions {
  name: string;
  agent: string;
  provider: string;
  keyAlias?: string;
  model?: string;
  endpoint?: string;
  wire?: Wire;
}

/** Check the manifest is coherent (agent/provider compatible, endpoint present and valid). */
export function checkManifest(m: ProfileManifest, env: NodeJS.ProcessEnv = process.env): void {
  const agent = getAgent(m.agent);
  const provider = getProvider(m.provider, env);
  chooseWire(agent, provider, m['provider-config']?.wire);
  const endpoint = m['provider-config']?.endpoint;
  if (endpoint) checkUrl(endpoint, 'endpoint');
  if (provider.kind === 'custom' && !endpoint) throw new UserError('provider "custom" needs an endpoint: pass --custom-endpoint URL', EXIT.usage);
  if (provider.kind === 'self' || provider.kind === 'cloud') {
    if (m['provider-config']?.['key-alias']) throw new UserError(`provider ${provider.id} uses no ringlet key; drop --key-alias`, EXIT.usage);
  }
}

export function createProfile(opts: CreateOptions, env: NodeJS.ProcessEnv = process.env): Profile {
  checkProfileName(opts.name);
  const dir = paths.profileDir(opts.name, env);
  if (existsSync(dir)) throw new UserError(`profile "${opts.name}" already exists (change it with \`ringlet profiles set ${opts.name}\`)`, EXIT.usage);
  const provider = getProvider(opts.provider, env);
  const pc: NonNullable<ProfileManifest['provider-config']> = {};
  // A keyed provider defaults its key alias to the profile name: `keychain set anthropic work` + profile `work`.
  if (provider.kind === 'api' || (provider.kind === 'custom' && opts.keyAlias)) pc['key-alias'] = opts.keyAlias ?? opts.name;
  if (opts.endpoint) pc.endpoint = opts.endpoint;
  if (opts.model) pc.model = opts.model;
  if (opts.wire) pc.wire = opts.wire;
  const manifest: ProfileManifest = { agent: opts.agent, provider: opts.provider };
  if (Object.keys(pc).length) manifest['provider-config'] = pc;
  checkManifest(manifest, env);

  // Build the profile beside its final place and rename it in, so a failure leaves nothing half-made.
  const parent = paths.profilesDir(env);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.creating-${opts.name}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(join(tmp, 'HOME'), { recursive: true, mode: 0o700 });
    writeTomlFile(join(tmp, 'ringlet.toml'), manifest as TomlTable);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { name: opts.name, dir, home: paths.profileHome(opts.name, env), manifest };
}

export interface ListedProfile { name: string; profile?: Profile; error?: string }

/** All profiles; a broken manifest is listed with its error rather than failing the listing. */
export function listProfiles(env: NodeJS.ProcessEnv = process.env): ListedProfile[] {
  let names: string[];
  try {
    names = readdirSync(paths.profilesDir(env), { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    try {
      return { name, profile: readProfile(name, env) };
    } catch (err) {
      return { name, error: (err as Error).message };
    }
  });
}

export interface ProfileChanges {
  model?: string | null;
  provider?: string;
  keyAlias?: string | null;
  endpoint?: string | null;
  binary?: string | null;
  sandbox?: SandboxMode;
  meter?: boolean;
  share?: string[];
}

/** Apply changes; `null` clears a field. Validated as a whole before anything is written. */
export function updateProfile(name: string, changes: ProfileChanges, env: NodeJS.ProcessEnv = process.env): Profile {
  const p = readProfile(name, env);
  const m: ProfileManifest = structuredClone(p.manifest);
  const pc = { ...(m['provider-config'] ?? {}) };
  const run = { ...(m.run ?? {}) };
  const setOrClear = <T extends object>(obj: T, key: keyof T, v: unknown) => {
    if (v === undefined) return;
    if (v === null) delete obj[key];
    else (obj as Record<keyof T, unknown>)[key] = v;
  };
  if (changes.provider !== undefined) m.provider = changes.provider;
  setOrClear(pc, 'model', changes.model);
  setOrClear(pc, 'key-alias', changes.keyAlias);
  setOrClear(pc, 'endpoint', changes.endpoint);
  setOrClear(run, 'binary', changes.binary);
  setOrClear(run, 'sandbox', changes.sandbox);
  setOrClear(run, 'meter', changes.meter);
  if (changes.share) m.home = { ...(m.home ?? {}), share: changes.share };
  if (Object.keys(pc).length) m['provider-config'] = pc;
  else delete m['provider-config'];
  if (Object.keys(run).length) m.run = run;
  else delete m.run;
  checkManifest(m, env);
  writeManifest(name, m, env);
  return { ...p, manifest: m };
}

/** Remove a profile: renamed out of sight first, so it is either fully there or fully gone. */
export function removeProfile(name: string, env: NodeJS.ProcessEnv = process.env): void {
  checkProfileName(name);
  const dir = paths.profileDir(name, env);
  if (!existsSync(dir)) throw new UserError(`no profile named "${name}"`, EXIT.notFound);
  const trash = join(paths.profilesDir(env), `.removing-${name}-${randomBytes(4).toString('hex')}`);
  renameSync(dir, trash);
  rmSync(trash, { recursive: true, force: true });
  const cfg = loadConfig(env);
  if (cfg['default-profile'] === name) {
    delete cfg['default-profile'];
    saveConfig(cfg, env);
  }
}

export interface Resolution { name: string; reason: string }

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' ? realHome(env) : p.startsWith('~/') ? join(realHome(env), p.slice(2)) : p;
}

function canonical(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

/** The profile `run` uses with no name: RINGLET_PROFILE, then the longest directory mapping, then the default. */
export function resolveProfileName(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): Resolution {
  if (explicit) return { name: explicit, reason: 'named on the command line' };
  if (env.RINGLET_PROFILE) return { name: env.RINGLET_PROFILE, reason: 'from $RINGLET_PROFILE' };
  const cfg = loadConfig(env);
  const here = canonical(cwd);
  let best: { path: string; profile: string } | undefined;
  for (const m of cfg['directory-mapping'] ?? []) {
    const root = canonical(expandHome(m.path, env)).replace(/\/+$/, '') || '/';
    if (isUnder(here, root) && (!best || root.length > best.path.length)) best = { path: root, profile: m.profile };
  }
  if (best) return { name: best.profile, reason: `[[directory-mapping]] ${best.path} in ${paths.config(env)}` };
  if (cfg['default-profile']) return { name: cfg['default-profile'], reason: `default-profile in ${paths.config(env)}` };
  throw new UserError(`no profile given and none selected: name one, set $RINGLET_PROFILE, map this directory, or set default-profile in ${paths.config(env)}`, EXIT.usage);
}
