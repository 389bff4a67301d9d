/** direnv: `.envrc` files under the project roots (bounded walk), each read as bash with direnv's stdlib. */
import { basename, dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { Scope } from '../scope.js';
import type { Session } from '../session.js';
import { scanPosixFile } from './rc.js';

export const DEFAULT_ROOTS = ['Projects', 'projects', 'src', 'code', 'work', 'dev'];

const SKIP_DIRS = new Set([
  'node_modules', 'vendor', 'target', 'dist', 'build', 'out', 'venv', '__pycache__', 'site-packages', 'bower_components', 'Pods',
  'DerivedData', 'coverage', 'tmp', 'Library',
]);

export interface WalkLimits { maxDepth: number; maxDirs: number }

/** Every .envrc below the roots: breadth-first, no symlinked directories, no hidden or dependency dirs. */
export function findEnvrcFiles(roots: string[], limits: WalkLimits = { maxDepth: 6, maxDirs: 20_000 }): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  let dirs = 0;
  const queue: [string, number][] = roots.map((r) => [r, 0]);
  while (queue.length && dirs < limits.maxDirs) {
    const [dir, depth] = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    dirs++;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.name === '.envrc' && (e.isFile() || e.isSymbolicLink())) found.push(join(dir, e.name));
      else if (e.isDirectory() && depth < limits.maxDepth && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) queue.push([join(dir, e.name), depth + 1]);
    }
  }
  return found.sort();
}

export interface EnvrcScan { file: string; dir: string; name: string; scope: Scope }

export function scanEnvrcs(session: Session, roots: string[], parent: Scope): EnvrcScan[] {
  const out: EnvrcScan[] = [];
  for (const file of findEnvrcFiles(roots)) {
    const scope = new Scope(parent, session.home);
    const sf = scanPosixFile(session, file, { shell: 'direnv', scope, mode: 'envrc', depth: 0, requireWithinHome: false, sourced: false });
    if (sf) out.push({ file, dir: dirname(file), name: basename(dirname(file)), scope });
  }
  return out;
}
