import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../config/paths.js';

/**
 * The daily rollup's fast path, kept free of imports so every `profiles run` can afford it: one small
 * read says whether yesterday's rollup was already handled.
 */

/** The day a rollup is due for: yesterday, from 00:05 UTC on (a little slack for responses finishing at midnight). */
export function dueRollupDay(now: Date): string {
  return new Date(now.getTime() - 5 * 60_000 - 86_400_000).toISOString().slice(0, 10);
}

export function rollupStampFile(env: NodeJS.ProcessEnv): string {
  return join(paths.cacheDir(env), 'daily-rollup');
}

/** True unless the stamp says the due day was handled. */
export function rollupMaybeDue(env: NodeJS.ProcessEnv, now = new Date()): boolean {
  try {
    return readFileSync(rollupStampFile(env), 'utf8').trim() < dueRollupDay(now);
  } catch {
    return true;
  }
}
