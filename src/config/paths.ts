import { homedir } from 'node:os';
import { join } from 'node:path';

/** All on-disk locations, resolved from the environment at call time (tests change it). */
export function realHome(env: NodeJS.ProcessEnv = process.env): string {
  // Inside a profile run HOME is the profile's; the launcher passes the user's own HOME along.
  return env.RINGLET_REAL_HOME || env.HOME || homedir();
}

export function ringletHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.RINGLET_HOME || join(realHome(env), '.ringlet');
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  // Set for agents run under a profile (whose XDG_CONFIG_HOME points into the profile HOME), so a
  // nested `ringlet` (hook dispatch, `ringlet usage` inside a session) still finds the user's config.
  if (env.RINGLET_CONFIG_DIR) return env.RINGLET_CONFIG_DIR;
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(realHome(env), '.config'), 'ringlet');
}

export const paths = {
  profilesDir: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'profiles'),
  profileDir: (name: string, env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'profiles', name),
  profileManifest: (name: string, env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'profiles', name, 'ringlet.toml'),
  profileHome: (name: string, env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'profiles', name, 'HOME'),
  profileHooks: (name: string, env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'profiles', name, 'hooks'),
  ledger: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'ledger.db'),
  audit: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'audit.db'),
  daemonLog: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'daemon.log'),
  cacheDir: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'cache'),
  config: (env?: NodeJS.ProcessEnv) => join(configDir(env), 'config.toml'),
  credentials: (env?: NodeJS.ProcessEnv) => join(configDir(env), 'credentials.toml'),
  globalHooks: (env?: NodeJS.ProcessEnv) => join(configDir(env), 'hooks'),
  userProviders: (env?: NodeJS.ProcessEnv) => join(configDir(env), 'providers'),
  httpToken: (env?: NodeJS.ProcessEnv) => join(configDir(env), 'http_token'),
};

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Profile and alias names reach paths and shell scripts: refuse anything else early. */
export function isValidName(name: string): boolean {
  return NAME_RE.test(name) && name.length <= 64 && !name.includes('..');
}

/** `path` is `root` or lies inside it (both absolute and normalised). */
export const isUnder = (path: string, root: string): boolean => path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
