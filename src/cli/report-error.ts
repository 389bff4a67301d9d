import { UserError } from '../errors.js';

/** One line on stderr for errors the user can fix; a stack only with RINGLET_DEBUG. */
export function reportError(err: unknown): number {
  const e = err as Error;
  if (process.env.RINGLET_DEBUG && !(err instanceof UserError)) process.stderr.write(`${e?.stack ?? String(err)}\n`);
  else process.stderr.write(`ringlet: ${(e?.message ?? String(err)).split('\n')[0]}\n`);
  return err instanceof UserError ? err.exitCode : 1;
}
