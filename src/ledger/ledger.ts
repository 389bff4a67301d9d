import type { Statement } from 'better-sqlite3';
import { paths } from '../config/paths.js';
import type { UsageRecord } from './types.js';
import { openDatabase, ROLLUP_BATCH, type Database } from './db.js';
import { queryUsage, type UsageFilter, type UsageView, type UsageReport, type QueryOptions, filterClauses } from './query.js';

export type { UsageRecord, TokenCounts } from './types.js';
export type { UsageFilter, UsageView, UsageReport, UsageGroup, UsageTotals, QueryOptions } from './query.js';
export { queryUsage } from './query.js';

/**
 * How far an incremental importer has read one log file. `offset` is the byte offset of the first unread
 * byte; size/mtimeMs/ino let the importer tell "appended to" from "rewritten or replaced".
 * `state` is any JSON-serialisable parser carry-over (stored as JSON text, returned parsed).
 */
export interface FileState {
  offset: number;
  size: number;
  mtimeMs: number;
  ino: number;
  state?: unknown;
}

interface UsageRow {
  ts: number;
  profile: string | null;
  agent: string;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  source: 'meter' | 'import';
  message_id: string;
  rule: string | null;
}

const COLUMNS = `ts, profile, agent, provider, model, input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens,
  cache_read_tokens, reasoning_tokens, cost_usd, source, message_id, rule`;
const INSERT_SQL = `INSERT INTO usage (${COLUMNS}) VALUES (${Array(15).fill('?').join(', ')}) ON CONFLICT(message_id) DO NOTHING`;

function toMs(ts: string): number {
  const ms = Date.parse(ts);
  if (!Number.isFinite(ms)) throw new TypeError(`ledger: invalid timestamp ${JSON.stringify(ts)}`);
  return ms;
}

const count = (n: number | undefined) => (Number.isFinite(n) ? Math.round(n as number) : 0);

/** Positional, in COLUMNS order: cheaper to bind than named parameters, at a million rows. */
function params(rec: UsageRecord): unknown[] {
  if (!rec.messageId) throw new TypeError('ledger: a usage record needs a messageId');
  return [
    toMs(rec.ts), rec.profile ?? null, rec.agent, rec.provider, rec.model,
    count(rec.inputTokens), count(rec.outputTokens), count(rec.cacheWriteTokens), count(rec.cacheWrite1hTokens),
    count(rec.cacheReadTokens), count(rec.reasoningTokens),
    rec.costUsd ?? null, rec.source, rec.messageId, rec.rule ?? null,
  ];
}

/** What a bulk write added to the ledger (rows whose message id was new). */
export interface BulkAdded {
  rows: number;
  /** USD of the added rows that have a cost. */
  costUsd: number;
  /** Added rows without a cost. */
  unpriced: number;
}

export function rowToRecord(r: UsageRow): UsageRecord {
  return {
    ts: new Date(r.ts).toISOString(),
    profile: r.profile,
    agent: r.agent,
    provider: r.provider,
    model: r.model,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    cacheWrite1hTokens: r.cache_write_1h_tokens,
    cacheReadTokens: r.cache_read_tokens,
    reasoningTokens: r.reasoning_tokens,
    costUsd: r.cost_usd,
    source: r.source,
    messageId: r.message_id,
    rule: r.rule,
  };
}

/**
 * The usage ledger: one row per completed model response, keyed by the provider's message/response id.
 *
 * Idempotency: inserting a record whose messageId is already stored does nothing, whatever its other
 * fields say. When the meter and a later log import both see one response, the FIRST writer wins (usually
 * the meter, which writes as the response completes). Neither overwrites the other.
 *
 * Safe for many processes at once (WAL + a long busy timeout). Write transactions start IMMEDIATE so two
 * writers queue on the lock instead of failing with SQLITE_BUSY on a read-to-write upgrade.
 */
export class Ledger {
  private readonly insertStmt: Statement;
  private readonly getFileStmt: Statement;
  private readonly setFileStmt: Statement;
  private readonly maxIdStmt: Statement;
  private readonly addedStmt: Statement;
  private readonly deferStmt: Statement;
  private readonly undeferStmt: Statement;
  /** The set-based rollup statements, prepared on the first bulk write (they need its temp table). */
  private rollup?: Statement[];
  private inBulk = false;

  constructor(readonly db: Database, readonly file: string) {
    this.insertStmt = db.prepare(INSERT_SQL);
    this.getFileStmt = db.prepare('SELECT offset, size, mtime_ms AS mtimeMs, ino, state FROM import_files WHERE path = ?');
    this.setFileStmt = db.prepare(`INSERT INTO import_files (path, offset, size, mtime_ms, ino, state) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(path) DO UPDATE SET offset = excluded.offset, size = excluded.size, mtime_ms = excluded.mtime_ms,
      ino = excluded.ino, state = excluded.state`);
    this.maxIdStmt = db.prepare('SELECT coalesce(max(id), 0) FROM usage').pluck();
    this.addedStmt = db.prepare('SELECT count(*) AS rows, total(cost_usd) AS costUsd, count(*) - count(cost_usd) AS unpriced FROM usage WHERE id > ?');
    this.deferStmt = db.prepare('INSERT INTO rollup_deferred (since_id) VALUES (?)');
    this.undeferStmt = db.prepare('DELETE FROM rollup_deferred');
  }

  /** Adds one record; true if it was new, false if its messageId was already in the ledger. */
  insert(rec: UsageRecord): boolean {
    return this.insertStmt.run(params(rec)).changes > 0;
  }

  /** Adds many records in one transaction; returns how many were new. */
  insertMany(recs: Iterable<UsageRecord>): number {
    return this.bulk(() => this.insertAll(recs)).rows;
  }

  /** Adds records in order, like insert() (the first of two with one message id wins); inside bulk(), which counts the new ones. */
  insertAll(recs: Iterable<UsageRecord>): void {
    for (const rec of recs) this.insertStmt.run(params(rec));
  }

  /**
   * Runs fn in one write transaction in which inserts skip the per-row rollup triggers; the rows it added
   * reach usage_daily / usage_monthly set-based before the commit (schema step 3). Returns what fn added.
   * For batches of inserts only: a row deleted inside fn would be subtracted from rollups not holding it yet.
   */
  bulk(fn: () => void): BulkAdded {
    const outer = this.inBulk;
    return this.transaction(() => {
      // Under the write lock, so every id above this one is a row inserted by fn.
      const since = this.maxIdStmt.get() as number;
      if (!outer) this.deferStmt.run(since);
      this.inBulk = true;
      try {
        fn();
        const added = this.addedStmt.get(since) as BulkAdded;
        // Nested in another bulk write: the outer one rolls up.
        if (!outer) {
          this.rollUp(since);
          this.undeferStmt.run();
        }
        return added;
      } finally {
        this.inBulk = outer;
      }
    });
  }

  private rollUp(since: number): void {
    // Every time: a rolled-back transaction (this one's caller's) takes the temp table's creation with it.
    this.db.exec(ROLLUP_BATCH.create);
    this.rollup ??= [ROLLUP_BATCH.clear, ROLLUP_BATCH.group, ROLLUP_BATCH.daily, ROLLUP_BATCH.monthly].map((sql) => this.db.prepare(sql));
    const [clear, group, daily, monthly] = this.rollup;
    clear.run();
    group.run(since);
    daily.run();
    monthly.run();
  }

  /**
   * Runs fn in one IMMEDIATE write transaction (nested calls become savepoints). Importers write rows and
   * setFileState in one (through bulk()), so a file's offset only advances together with its rows.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  getFileState(path: string): FileState | undefined {
    const row = this.getFileStmt.get(path) as (Omit<FileState, 'state'> & { state: string | null }) | undefined;
    if (!row) return undefined;
    const st: FileState = { offset: row.offset, size: row.size, mtimeMs: row.mtimeMs, ino: row.ino };
    if (row.state !== null) st.state = JSON.parse(row.state);
    return st;
  }

  setFileState(path: string, st: FileState): void {
    const state = st.state === undefined ? null : JSON.stringify(st.state);
    this.setFileStmt.run(path, st.offset, st.size, st.mtimeMs, st.ino, state);
  }

  /** Aggregated report; see queryUsage. */
  query(filter: UsageFilter = {}, view: UsageView = 'profile', opts?: QueryOptions): UsageReport {
    return queryUsage(this, filter, view, opts);
  }

  /**
   * Matching ledger rows, oldest first, streamed from SQLite (no full read into memory). The connection
   * is busy until the iteration ends or is abandoned: do not write through this Ledger meanwhile.
   */
  *rows(filter: UsageFilter = {}): Generator<UsageRecord> {
    const { where, args } = filterClauses(filter);
    const stmt = this.db.prepare(`SELECT * FROM usage ${where} ORDER BY ts, id`);
    for (const r of stmt.iterate(args) as IterableIterator<UsageRow>) yield rowToRecord(r);
  }

  /** Number of rows in the ledger (cheap: reads the rollup). */
  count(): number {
    return (this.db.prepare('SELECT coalesce(sum(requests), 0) AS n FROM usage_monthly').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens the ledger (default: paths.ledger(), i.e. $RINGLET_HOME/ledger.db), creating and migrating it as needed. */
export async function openLedger(file: string = paths.ledger()): Promise<Ledger> {
  return new Ledger(openDatabase(file), file);
}
