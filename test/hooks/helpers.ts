import { existsSync, readFileSync, rmSync } from 'node:fs';

/** Poll until `check` returns a value (background hooks finish after the command that fired them). */
export async function waitFor<T>(check: () => T | undefined | null | false | 0 | '', ms = 8_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function jsonLines(file: string): any[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Remove a test sandbox; background hook jobs may still be finishing a write in it. */
export function removeSandbox(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
