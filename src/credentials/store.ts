import { createRequire } from 'node:module';
import { UserError, EXIT } from '../errors.js';
import { loadConfig } from '../config/config.js';
import { isValidName, paths } from '../config/paths.js';
import { FileStore } from './file-store.js';

/**
 * Keys live in the OS keychain (service "ringlet", account "<provider>/<alias>") or, where no keychain
 * answers, in credentials.toml (0600). There is deliberately no way to print a key.
 */
export const SERVICE = 'ringlet';

type Keyring = typeof import('@napi-rs/keyring');
let keyring: Keyring | null | undefined;

function loadKeyring(): Keyring | null {
  if (keyring !== undefined) return keyring;
  try {
    keyring = createRequire(import.meta.url)('@napi-rs/keyring') as Keyring;
  } catch {
    keyring = null;
  }
  return keyring;
}

// On Linux only the Secret Service persists; the kernel keyutils store the library may otherwise pick
// forgets keys when the session ends, which would lose a user's key silently.
const ENTRY_OPTIONS = process.platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
const entry = (k: Keyring, acct: string) => new k.Entry(SERVICE, acct, ENTRY_OPTIONS);

export type Backend = 'system' | 'file';
export interface KeyRef { provider: string; alias: string; backend: Backend }

export const account = (provider: string, alias: string) => `${provider}/${alias}`;

export function checkAlias(alias: string): void {
  if (!isValidName(alias)) throw new UserError(`invalid key alias "${alias}": use letters, digits, ".", "_" or "-"`, EXIT.usage);
}

/** Called with a one-line notice when the file fallback is used; the CLI sets it to print to stderr. */
export let onFallback: (msg: string) => void = () => {};
export function setFallbackNotice(fn: (msg: string) => void): void {
  onFallback = fn;
}

class Store {
  private mode: 'system' | 'file' | 'system-only';
  private file: FileStore;
  private systemWorks: boolean | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    this.mode = loadConfig(env).credentials?.backend ?? 'system';
    this.file = new FileStore(paths.credentials(env));
  }

  /** Run op against the system keychain, or undefined when it is unavailable and fallback is allowed. */
  private system<T>(op: (k: Keyring) => T): { ok: true; value: T } | { ok: false } {
    if (this.mode === 'file' || this.systemWorks === false) return { ok: false };
    const k = loadKeyring();
    let error: unknown = new Error('@napi-rs/keyring is not installed');
    if (k) {
      try {
        const value = op(k);
        this.systemWorks = true;
        return { ok: true, value };
      } catch (err) {
        error = err;
      }
    }
    this.systemWorks = false;
    if (this.mode === 'system-only') {
      throw new UserError(`the OS keychain is unavailable (${(error as Error).message}); unlock it, or set [credentials] backend = "file" in ${paths.config()}`, EXIT.unavailable);
    }
    onFallback(`ringlet: no OS keychain answered; using ${this.file.file} (mode 0600)`);
    return { ok: false };
  }

  get(provider: string, alias: string): { value: string; backend: Backend } | undefined {
    const acct = account(provider, alias);
    const sys = this.system((k) => entry(k, acct).getPassword());
    if (sys.ok && sys.value) return { value: sys.value, backend: 'system' };
    const v = this.file.get(acct);
    return v === undefined ? undefined : { value: v, backend: 'file' };
  }

  set(provider: string, alias: string, value: string): Backend {
    const acct = account(provider, alias);
    const sys = this.system((k) => entry(k, acct).setPassword(value));
    if (sys.ok) {
      // A key moved into the keychain must not linger in the file.
      if (this.file.accounts().includes(acct)) this.file.delete(acct);
      return 'system';
    }
    this.file.set(acct, value);
    return 'file';
  }

  delete(provider: string, alias: string): boolean {
    const acct = account(provider, alias);
    const sys = this.system((k) => entry(k, acct).deletePassword());
    const fromFile = this.file.accounts().includes(acct) && this.file.delete(acct);
    return (sys.ok && sys.value) || fromFile;
  }

  list(): KeyRef[] {
    const out = new Map<string, KeyRef>();
    const sys = this.system((k) => k.findCredentials(SERVICE).map((c) => c.account));
    const add = (acct: string, backend: Backend) => {
      const i = acct.indexOf('/');
      if (i > 0 && !out.has(acct)) out.set(acct, { provider: acct.slice(0, i), alias: acct.slice(i + 1), backend });
    };
    if (sys.ok) sys.value.forEach((a) => add(a, 'system'));
    this.file.accounts().forEach((a) => add(a, 'file'));
    return [...out.values()].sort((a, b) => account(a.provider, a.alias).localeCompare(account(b.provider, b.alias)));
  }
}

export function openStore(env: NodeJS.ProcessEnv = process.env): Store {
  return new Store(env);
}

export async function setSecret(provider: string, alias: string, value: string, opts: { replace?: boolean } = {}, env: NodeJS.ProcessEnv = process.env): Promise<Backend> {
  checkAlias(alias);
  if (!value) throw new UserError('refusing to store an empty key', EXIT.usage);
  if (/[\r\n]/.test(value)) throw new UserError('the key contains a line break; paste it on one line', EXIT.usage);
  const store = openStore(env);
  if (!opts.replace && store.get(provider, alias)) {
    throw new UserError(`a key for ${account(provider, alias)} exists; pass --replace to overwrite it`, EXIT.usage);
  }
  return store.set(provider, alias, value);
}

export function getSecret(provider: string, alias: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return openStore(env).get(provider, alias)?.value;
}
