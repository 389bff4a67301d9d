/**
 * `ringlet migrate --undo`: restore the last migration exactly. Files go back to their old bytes and mode
 * (only if nobody changed them since, unless forced), keys and profiles it created are removed, moved
 * config dirs are moved back. Works on a migration that crashed half-way too.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError, EXIT } from '../errors.js';
import { writeFileAtomic } from '../config/atomic.js';
import { paths } from '../config/paths.js';
import { openStore } from '../credentials/store.js';
import { listJournals, saveJournal, type Journal } from './journal.js';
import { sha256 } from './planner.js';

export interface UndoResult {
  id: string;
  restored: string[];
  removedProfiles: string[];
  removedKeys: string[];
  movedBack: string[];
  /** Files changed since the migration, left alone (use --force). */
  conflicts: string[];
}

export function undoLast(opts: { env?: NodeJS.ProcessEnv; force?: boolean } = {}): UndoResult {
  const env = opts.env ?? process.env;
  const last = listJournals(env).find((j) => j.journal.status !== 'undone');
  if (!last) throw new UserError('no migration to undo (see ~/.ringlet/migrations)', EXIT.notFound);
  return undoJournal(last.dir, last.journal, env, !!opts.force);
}

function undoJournal(dir: string, j: Journal, env: NodeJS.ProcessEnv, force: boolean): UndoResult {
  const res: UndoResult = { id: j.id, restored: [], removedProfiles: [], removedKeys: [], movedBack: [], conflicts: [] };
  // Check first, so a refused undo changes nothing.
  for (const step of j.steps) {
    if (step.type !== 'file') continue;
    const cur = existsSync(step.path) ? sha256(readFileSync(step.path)) : null;
    if (cur !== step.before && cur !== step.after) res.conflicts.push(step.path);
  }
  if (res.conflicts.length && !force) {
    throw new UserError(`${res.conflicts.join(', ')} changed since the migration; nothing undone (edit by hand, or re-run with --force to restore the backups in ${dir})`, EXIT.failure);
  }
  for (const step of [...j.steps].reverse()) {
    switch (step.type) {
      case 'file': {
        removeTempFiles(step.path);
        const cur = existsSync(step.path) ? sha256(readFileSync(step.path)) : null;
        if (cur === step.before) break; // never written (a crash before the rename), or already restored
        if (step.existed && step.backup) writeFileAtomic(step.path, readFileSync(join(dir, step.backup)), { mode: step.mode, forceMode: true });
        else if (!step.existed && existsSync(step.path)) unlinkSync(step.path);
        res.restored.push(step.path);
        break;
      }
      case 'config-dir':
        if (step.action === 'move' && existsSync(step.to) && !existsSync(step.from)) {
          renameSync(step.to, step.from);
          res.movedBack.push(step.from);
        }
        break;
      case 'secret':
        try {
          if (openStore(env).delete(step.provider, step.alias)) res.removedKeys.push(`${step.provider}/${step.alias}`);
        } catch {
          /* already gone */
        }
        break;
      case 'profile': {
        const pdir = paths.profileDir(step.name, env);
        if (existsSync(pdir)) {
          rmSync(pdir, { recursive: true, force: true });
          res.removedProfiles.push(step.name);
        }
        break;
      }
    }
  }
  j.status = 'undone';
  j.undoneAt = new Date().toISOString();
  saveJournal(dir, j);
  return res;
}

/** A crash between writing the temp file and renaming it leaves `.name.<pid>.<time>.tmp` beside the file. */
function removeTempFiles(path: string): void {
  const base = basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\.${base}\\.\\d+\\.\\d+\\.tmp$`);
  let names: string[] = [];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const n of names) if (re.test(n)) rmSync(join(dirname(path), n), { force: true });
}
