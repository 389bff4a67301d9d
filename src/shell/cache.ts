import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic.js';
import { loadConfig } from '../config/config.js';
import { isValidName, paths } from '../config/paths.js';

/**
 * Plain-text lists the completion scripts read when Tab is pressed, so completing key aliases and shell
 * aliases never starts node. Names only: a key's value never reaches these files.
 */

export const keyAliasCache = (env: NodeJS.ProcessEnv = process.env) => join(paths.cacheDir(env), 'key-aliases');
export const shellAliasCache = (env: NodeJS.ProcessEnv = process.env) => join(paths.cacheDir(env), 'shell-aliases');

function writeNames(file: string, names: Iterable<string>): void {
  const list = [...new Set([...names].filter(isValidName))].sort();
  const text = list.length ? `${list.join('\n')}\n` : '';
  // Called at every shell start: skip the write (and its fsync) when nothing changed.
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileAtomic(file, text, { mode: 0o600 });
}

/** Rewrite the shell-alias list from config.toml's [shell.aliases]. */
export function refreshShellAliasCache(env: NodeJS.ProcessEnv = process.env): void {
  let names: string[] = [];
  try {
    names = Object.keys(loadConfig(env).shell?.aliases ?? {});
  } catch {
    /* a broken config completes nothing */
  }
  writeNames(shellAliasCache(env), names);
}

/**
 * Refresh the completion caches. Call after keychain changes with the stored keys (provider + alias);
 * without `keys` the credential store is asked for its list.
 */
export async function refreshCompletionCache(keys?: { provider: string; alias: string }[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let list = keys;
  if (!list) {
    const { openStore } = await import('../credentials/store.js');
    list = openStore(env).list();
  }
  writeNames(keyAliasCache(env), list.map((k) => k.alias));
  refreshShellAliasCache(env);
}
