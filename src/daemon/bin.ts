import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `bin/ringlet` launcher of this very installation, found from the running module's location (the
 * bundle in dist/, or src/daemon when tests import the sources), so sessions and the lazily started daemon
 * run the same ringlet as the client that asked for them.
 */
export function ringletBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'bin', 'ringlet');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`cannot find bin/ringlet above ${fileURLToPath(import.meta.url)}`);
}
