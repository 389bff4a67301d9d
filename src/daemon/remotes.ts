import { readFileSync } from 'node:fs';
import { UserError, EXIT } from '../errors.js';
import { isValidName } from '../config/paths.js';
import { readTomlFile, writeTomlFile } from '../config/toml.js';
import { getSecret, openStore, setSecret } from '../credentials/store.js';
import { daemonFiles } from './files.js';
import { ensureDaemon } from './lifecycle.js';
import { readToken } from './token.js';
import type { Endpoint } from './client.js';

/**
 * Named remote daemons: `remotes.toml` in the config dir holds each one's URL (and optional CA file); the
 * token goes to the keychain as provider "remote", account "remote/<name>" — never to a file of ours.
 * "local" is built in: this machine's daemon, started on demand.
 */

export const LOCAL = 'local';
const KEYCHAIN_PROVIDER = 'remote';

export interface Remote {
  name: string;
  url: string;
  ca?: string;
}

interface RemotesFile {
  remote?: Record<string, { url: string; ca?: string }>;
}

function readFile(env: NodeJS.ProcessEnv): RemotesFile {
  return (readTomlFile(daemonFiles.remotes(env)) as RemotesFile | undefined) ?? {};
}

/** A daemon URL: http(s)://host[:port], nothing after the authority. */
export function normaliseUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UserError(`--url: expected http(s)://HOST:PORT (got ${JSON.stringify(value)})`, EXIT.usage);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`--url: expected http:// or https:// (got ${u.protocol})`, EXIT.usage);
  if (u.username || u.password) throw new UserError('--url: put no credentials in the URL; the token goes in with --token-stdin or --token-file', EXIT.usage);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) throw new UserError('--url: give just the scheme, host and port (no path or query)', EXIT.usage);
  return `${u.protocol}//${u.host}`;
}

export function listRemotes(env: NodeJS.ProcessEnv = process.env): Remote[] {
  const f = readFile(env);
  return Object.entries(f.remote ?? {}).map(([name, r]) => ({ name, url: r.url, ...(r.ca ? { ca: r.ca } : {}) })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function addRemote(r: Remote, token: string, opts: { replace?: boolean } = {}, env: NodeJS.ProcessEnv = process.env): Promise<'system' | 'file'> {
  if (r.name === LOCAL) throw new UserError('"local" is built in (this machine\'s daemon); pick another name', EXIT.usage);
  if (!isValidName(r.name)) throw new UserError(`invalid remote name "${r.name}": use letters, digits, ".", "_" or "-"`, EXIT.usage);
  const url = normaliseUrl(r.url);
  const f = readFile(env);
  f.remote ??= {};
  if (f.remote[r.name] && !opts.replace) throw new UserError(`remote ${r.name} exists; pass --replace to change it`, EXIT.usage);
  token = token.trim();
  if (!/^[\x21-\x7e]{16,512}$/.test(token)) throw new UserError('that does not look like a daemon token (expected one line of printable characters)', EXIT.usage);
  const backend = await setSecret(KEYCHAIN_PROVIDER, r.name, token, { replace: true }, env);
  f.remote[r.name] = { url, ...(r.ca ? { ca: r.ca } : {}) };
  writeTomlFile(daemonFiles.remotes(env), f as Record<string, unknown>);
  return backend;
}

export function removeRemote(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (name === LOCAL) throw new UserError('"local" is built in and cannot be removed', EXIT.usage);
  const f = readFile(env);
  if (!f.remote?.[name]) throw new UserError(`no remote ${name}; see: ringlet remotes list`, EXIT.notFound);
  delete f.remote[name];
  writeTomlFile(daemonFiles.remotes(env), f as Record<string, unknown>);
  openStore(env).delete(KEYCHAIN_PROVIDER, name);
}

/**
 * The endpoint for a remote name, a URL, or "local" (whose daemon is started when not running). A bare URL
 * uses the token of a registered remote with that URL, or $RINGLET_REMOTE_TOKEN.
 */
export async function resolveRemote(nameOrUrl: string | undefined, env: NodeJS.ProcessEnv = process.env, warn?: (l: string) => void): Promise<Endpoint> {
  if (!nameOrUrl || nameOrUrl === LOCAL) {
    const d = await ensureDaemon(env, warn);
    return { name: LOCAL, url: d.url, token: readToken(env)! };
  }
  const remotes = listRemotes(env);
  let remote: Remote | undefined;
  if (/^https?:\/\//.test(nameOrUrl)) {
    const url = normaliseUrl(nameOrUrl);
    remote = remotes.find((r) => r.url === url);
    if (!remote) {
      const token = env.RINGLET_REMOTE_TOKEN;
      if (!token) throw new UserError(`no token for ${url}: register it with \`ringlet remotes add NAME --url ${url} --token-stdin\`, or set RINGLET_REMOTE_TOKEN`, EXIT.config);
      return { name: url, url, token };
    }
  } else {
    remote = remotes.find((r) => r.name === nameOrUrl);
    if (!remote) throw new UserError(`no remote ${nameOrUrl}; add it with: ringlet remotes add ${nameOrUrl} --url http://HOST:8765 --token-stdin`, EXIT.notFound);
  }
  const token = getSecret(KEYCHAIN_PROVIDER, remote.name, env);
  if (!token) throw new UserError(`no token for remote ${remote.name} in the keychain; store it with: ringlet remotes add ${remote.name} --url ${remote.url} --token-stdin --replace`, EXIT.config);
  let ca: string | undefined;
  if (remote.ca) {
    try {
      ca = readFileSync(remote.ca, 'utf8');
    } catch (err) {
      throw new UserError(`remote ${remote.name}: cannot read CA file ${remote.ca}: ${(err as Error).message}`, EXIT.config);
    }
  }
  return { name: remote.name, url: remote.url, token, ...(ca ? { ca } : {}) };
}
