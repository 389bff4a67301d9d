/**
 * The record of one migration, for `--undo`: ~/.ringlet/migrations/<id>/journal.json plus byte-exact
 * backups under files/. Each step is written down before it is taken, so a crash mid-way can still be undone.
 * Backups may hold keys: the directory is 0700 and the files 0600.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ringletHome } from '../config/paths.js';
import { writeFileAtomic } from '../config/atomic.js';

export type Step =
  | { type: 'profile'; name: string }
  | { type: 'secret'; provider: string; alias: string }
  | { type: 'config-dir'; action: 'copy' | 'move'; from: string; to: string }
  /** A user file rewritten (or config.toml): where its exact old bytes are, and the hashes either side. */
  | { type: 'file'; path: string; backup: string | null; existed: boolean; mode: number; before: string | null; after: string };

export interface Journal {
  version: 1;
  id: string;
  home: string;
  startedAt: string;
  status: 'running' | 'applied' | 'undone';
  steps: Step[];
  undoneAt?: string;
}

export function migrationsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(ringletHome(env), 'migrations');
}

export class JournalWriter {
  readonly dir: string;
  readonly journal: Journal;
  private backups = 0;

  constructor(readonly env: NodeJS.ProcessEnv, home: string, now: Date) {
    const base = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const root = migrationsDir(env);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    let id = base;
    for (let n = 2; existsDir(join(root, id)); n++) id = `${base}-${n}`;
    this.dir = join(root, id);
    mkdirSync(join(this.dir, 'files'), { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    this.journal = { version: 1, id, home, startedAt: now.toISOString(), status: 'running', steps: [] };
    this.save();
  }

  save(): void {
    writeFileAtomic(join(this.dir, 'journal.json'), JSON.stringify(this.journal, null, 2) + '\n', { mode: 0o600, forceMode: true });
  }

  add(step: Step): void {
    this.journal.steps.push(step);
    this.save();
  }

  /** Copy exact bytes aside (0600, fsynced) and return the path relative to the migration dir. */
  backup(bytes: Buffer): string {
    const rel = join('files', String(++this.backups));
    const fd = openSync(join(this.dir, rel), 'wx', 0o600);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return rel;
  }

  finish(): void {
    this.journal.status = 'applied';
    this.save();
  }
}

function existsDir(p: string): boolean {
  try {
    readdirSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Journals, newest first. Unreadable ones are skipped. */
export function listJournals(env: NodeJS.ProcessEnv = process.env): { dir: string; journal: Journal }[] {
  const root = migrationsDir(env);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const out: { dir: string; journal: Journal }[] = [];
  for (const n of names.sort().reverse()) {
    try {
      const j = JSON.parse(readFileSync(join(root, n, 'journal.json'), 'utf8')) as Journal;
      if (j && j.version === 1 && Array.isArray(j.steps)) out.push({ dir: join(root, n), journal: j });
    } catch {
      /* not a journal */
    }
  }
  return out;
}

export function saveJournal(dir: string, j: Journal): void {
  writeFileAtomic(join(dir, 'journal.json'), JSON.stringify(j, null, 2) + '\n', { mode: 0o600, forceMode: true });
}
