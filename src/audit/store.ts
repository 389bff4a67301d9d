import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { paths } from '../config/paths.js';
import { openDatabase, type Database } from '../ledger/db.js';

/**
 * The audit log: an append-only SQLite table (audit.db, WAL) where each row carries the SHA-256 of the row
 * before it and of its own canonical content. Editing, deleting or reordering rows breaks the chain, and
 * `verifyAudit()` names the first row where it breaks. Truncating the tail is caught through
 * sqlite_sequence (AUTOINCREMENT remembers the highest id ever issued). This makes tampering evident, not
 * impossible: someone who can write the file can also rewrite the whole chain after the edit; keep a copy of
 * `ringlet audit verify --json`'s head hash elsewhere to pin it.
 */

export const AUDIT_TYPES = ['keychain-read', 'hook-deny', 'sandbox-deny', 'session-start', 'session-end', 'auth-failure', 'migration-applied'] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditRow {
  id: number;
  /** ISO 8601, UTC. */
  ts: string;
  type: AuditType;
  profile: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

export const MIGRATIONS = [
  `
  CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ts        INTEGER NOT NULL,
    type      TEXT NOT NULL,
    profile   TEXT,
    data      TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
  );
  CREATE INDEX audit_ts ON audit (ts);
  CREATE INDEX audit_type_ts ON audit (type, ts);
  CREATE INDEX audit_profile_ts ON audit (profile, ts);
  -- Guards against ringlet's own code and casual edits; the hash chain is what detects a determined one.
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
];

/** JSON with object keys sorted at every level: the same data always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** The hash of a row: its id, time, type, profile, data and the previous row's hash. */
export function rowHash(r: { id: number; tsMs: number; type: string; profile: string | null; data: string; prevHash: string }): string {
  const content = canonicalJson({ v: 1, id: r.id, ts: r.tsMs, type: r.type, profile: r.profile, data: r.data, prev: r.prevHash });
  return createHash('sha256').update(content).digest('hex');
}

/** Keys that would mean a secret value is being logged: the audit log records names, never values. */
const SECRET_KEYS = /^(value|secret|password|passphrase|token|api[-_]?key|apikey|authorization|bearer)$/i;

function assertNoSecrets(data: unknown, path = 'data'): void {
  if (!data || typeof data !== 'object') return;
  for (const [k, v] of Object.entries(data)) {
    if (SECRET_KEYS.test(k)) throw new Error(`audit: refusing to log ${path}.${k} (the audit log never stores secret values)`);
    assertNoSecrets(v, `${path}.${k}`);
  }
}

interface Handle {
  db: Database;
  last: BetterStatement;
  seq: BetterStatement;
  insert: BetterStatement;
  append: (type: string, profile: string | null, data: string, tsMs: number) => { id: number; hash: string };
}
type BetterStatement = ReturnType<Database['prepare']>;

const handles = new Map<string, Handle>();

function handle(file: string): Handle {
  let h = handles.get(file);
  if (h) {
    foldSpool(h, file); // a long-lived reader (audit tail -f, the daemon) picks up spooled events too
    return h;
  }
  const db = openDatabase(file, MIGRATIONS);
  const last = db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'");
  const insert = db.prepare('INSERT INTO audit (id, ts, type, profile, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // IMMEDIATE: the write lock is taken before reading the previous hash, so two processes appending at
  // once queue up instead of both chaining onto the same row.
  const append = db.transaction((type: string, profile: string | null, data: string, tsMs: number) => {
    const prev = last.get() as { id: number; hash: string } | undefined;
    const s = seq.get() as { seq: number } | undefined;
    // After a truncated tail, continue above the highest id ever issued, so the gap stays visible.
    const id = Math.max(prev?.id ?? 0, s?.seq ?? 0) + 1;
    const prevHash = prev?.hash ?? GENESIS;
    const hash = rowHash({ id, tsMs, type, profile, data, prevHash });
    insert.run(id, tsMs, type, profile, data, prevHash, hash);
    return { id, hash };
  });
  h = { db, last, seq, insert, append: (...args) => append.immediate(...args) };
  handles.set(file, h);
  foldSpool(h, file);
  return h;
}

/** Events written by `spoolAudit` wait here, beside audit.db, until the next process that opens the log. */
const spoolOf = (file: string) => `${file}.spool`;

/**
 * Record an event without loading SQLite: one appended line, chained into audit.db (in order, with its own
 * time) by the next process that opens the log — any append, query, verify or the daemon. For hot paths
 * such as `profiles run` recording the key it read, where loading the native SQLite module would cost more
 * than the rest of the start-up.
 */
export function spoolAudit(type: AuditType, data: Record<string, unknown>, opts: AppendOptions = {}): void {
  if (!AUDIT_TYPES.includes(type)) throw new Error(`audit: unknown event type ${type}`);
  assertNoSecrets(data);
  const line = JSON.stringify({ ts: (opts.now ?? new Date()).getTime(), type, profile: opts.profile ?? null, data: canonicalJson(data) });
  appendFileSync(spoolOf(opts.file ?? paths.audit(opts.env)), `${line}\n`, { mode: 0o600 });
}

function foldSpool(h: Handle, file: string): void {
  // Claim the spool by renaming it: of several processes opening the log at once, one folds each line.
  const claimed = `${spoolOf(file)}.${process.pid}.folding`;
  try {
    renameSync(spoolOf(file), claimed);
  } catch {
    return;
  }
  for (const line of readFileSync(claimed, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as { ts: number; type: AuditType; profile: string | null; data: string };
      if (AUDIT_TYPES.includes(e.type) && typeof e.data === 'string') h.append(e.type, e.profile, e.data, e.ts);
    } catch {
      /* a torn last line from a crashed writer: nothing to chain */
    }
  }
  unlinkSync(claimed);
}

const hasLog = (file: string) => existsSync(file) || existsSync(spoolOf(file));

/** Close cached handles (tests; a long-lived daemon never needs to). */
export function closeAudit(): void {
  for (const h of handles.values()) h.db.close();
  handles.clear();
}

export interface AppendOptions {
  profile?: string | null;
  env?: NodeJS.ProcessEnv;
  /** The audit file; default paths.audit(). */
  file?: string;
  now?: Date;
}

/**
 * Append one event. Synchronous and cheap after the first call (cached connection and prepared statements).
 * Safe with several processes appending at once. `data` must not contain secret values (names only).
 */
export function appendAudit(type: AuditType, data: Record<string, unknown>, opts: AppendOptions = {}): { id: number; hash: string } {
  if (!AUDIT_TYPES.includes(type)) throw new Error(`audit: unknown event type ${type}`);
  assertNoSecrets(data);
  const file = opts.file ?? paths.audit(opts.env);
  return handle(file).append(type, opts.profile ?? null, canonicalJson(data), (opts.now ?? new Date()).getTime());
}

interface RawRow { id: number; ts: number; type: AuditType; profile: string | null; data: string; prev_hash: string; hash: string }

const toRow = (r: RawRow): AuditRow => {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(r.data);
  } catch {
    data = { unparsable: r.data };
  }
  return { id: r.id, ts: new Date(r.ts).toISOString(), type: r.type, profile: r.profile, data, prevHash: r.prev_hash, hash: r.hash };
};

export interface AuditQuery {
  type?: AuditType | string;
  profile?: string;
  /** Milliseconds since the epoch, inclusive. */
  since?: number;
  /** Rows with a larger id only (for `tail -f`). */
  afterId?: number;
  /** The most recent N matching rows (still returned oldest first). */
  limit?: number;
  env?: NodeJS.ProcessEnv;
  file?: string;
}

/** Matching rows, oldest first. An absent audit.db is an empty log (nothing is created). */
export function queryAudit(q: AuditQuery = {}): AuditRow[] {
  const file = q.file ?? paths.audit(q.env);
  if (!hasLog(file)) return [];
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.type) (where.push('type = ?'), args.push(q.type));
  if (q.profile) (where.push('profile = ?'), args.push(q.profile));
  if (q.since !== undefined) (where.push('ts >= ?'), args.push(q.since));
  if (q.afterId !== undefined) (where.push('id > ?'), args.push(q.afterId));
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sql = q.limit
    ? `SELECT * FROM (SELECT * FROM audit ${w} ORDER BY id DESC LIMIT ${Math.max(0, Math.floor(q.limit))}) ORDER BY id`
    : `SELECT * FROM audit ${w} ORDER BY id`;
  return (handle(file).db.prepare(sql).all(...args) as RawRow[]).map(toRow);
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  /** The first row where the chain breaks (for a truncated tail: the first missing id). */
  badId?: number;
  reason?: string;
  /** The hash of the last row: record it elsewhere to detect a rewritten chain later. */
  head?: string;
  /** Things that are not a broken chain but worth knowing (the append-only triggers were dropped). */
  warnings: string[];
}

/** Walk the whole chain. */
export function verifyAudit(opts: { env?: NodeJS.ProcessEnv; file?: string } = {}): VerifyResult {
  const file = opts.file ?? paths.audit(opts.env);
  if (!hasLog(file)) return { ok: true, rows: 0, warnings: [] };
  const { db } = handle(file);
  const warnings: string[] = [];
  const triggers = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name IN ('audit_no_update', 'audit_no_delete')").get() as { n: number };
  if (triggers.n !== 2) warnings.push('the append-only triggers of audit.db were removed');
  let expectId = 1;
  let prevHash = GENESIS;
  let rows = 0;
  const fail = (badId: number, reason: string): VerifyResult => ({ ok: false, rows, badId, reason, warnings });
  for (const r of db.prepare('SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<RawRow>) {
    rows++;
    if (r.id !== expectId) {
      return fail(r.id, r.id > expectId ? `row${r.id - expectId > 1 ? 's' : ''} ${expectId}${r.id - expectId > 1 ? `–${r.id - 1}` : ''} before it ${r.id - expectId > 1 ? 'are' : 'is'} missing (deleted)` : `row id ${r.id} is out of sequence`);
    }
    if (r.prev_hash !== prevHash) {
      return fail(r.id, r.id === 1 ? 'the first row does not start the chain' : `its previous-row hash does not match row ${r.id - 1} (row ${r.id - 1} was rewritten, or rows were reordered)`);
    }
    if (rowHash({ id: r.id, tsMs: r.ts, type: r.type, profile: r.profile, data: r.data, prevHash: r.prev_hash }) !== r.hash) {
      return fail(r.id, 'its content does not match its hash (the row was edited)');
    }
    prevHash = r.hash;
    expectId++;
  }
  const seq = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").get() as { seq: number } | undefined)?.seq ?? 0;
  if (seq >= expectId) return fail(expectId, `rows ${expectId}–${seq} at the end are missing (the log was truncated)`);
  return { ok: true, rows, head: rows ? prevHash : undefined, warnings };
}
