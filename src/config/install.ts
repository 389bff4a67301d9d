import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The root of this very installation (the directory holding bin/ringlet and package.json), found from the
 * running module's location: a dist/ chunk, or src/ when tests import the sources. Sessions, the lazily
 * started daemon and agents' hook commands run the same ringlet as the process that set them up.
 */
export function ringletRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'bin', 'ringlet')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find bin/ringlet above ${fileURLToPath(import.meta.url)}`);
}

export const ringletBin = (): string => join(ringletRoot(), 'bin', 'ringlet');
