import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

/**
 * Long enough that eight runs finishing responses at the same moment queue up instead of failing:
 * one insert holds the write lock for well under a millisecond, an importer's batch for about 0.1 s.
 */
export const BUSY_TIMEOUT_MS = 30_000;

const COUNTS = `input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens`;
const ADD_EXCLUDED = `requests = requests + excluded.requests,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
    cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
    cost_usd = cost_usd + excluded.cost_usd`;

const DAY = `date(NEW.ts / 1000, 'unixepoch')`;
const MONTH = `strftime('%Y-%m', NEW.ts / 1000, 'unixepoch')`;

/** A rollup's per-row insert trigger; `period` is the row's day or month (DAY, MONTH), `when` a guard. */
const rollupInsert = (table: string, period: string, when = '') => `
  CREATE TRIGGER ${table}_insert AFTER INSERT ON usage ${when}BEGIN
    INSERT INTO ${table} VALUES (
      ${period}, coalesce(NEW.profile, ''), NEW.agent, NEW.provider, NEW.model,
      coalesce(NEW.rule, ''), NEW.cost_usd IS NOT NULL, 1,
      NEW.input_tokens, NEW.output_tokens, NEW.cache_write_tokens, NEW.cache_write_1h_tokens,
      NEW.cache_read_tokens, NEW.reasoning_tokens, coalesce(NEW.cost_usd, 0))
    ON CONFLICT DO UPDATE SET ${ADD_EXCLUDED};
  END;`;

/** A rollup's per-row delete trigger: takes the row back out, and drops rollup rows left with no request. */
const rollupDelete = (table: string, column: string, period: string) => {
  const row = `${column} = ${period.replaceAll('NEW.', 'OLD.')} AND profile = coalesce(OLD.profile, '')
      AND agent = OLD.agent AND provider = OLD.provider AND model = OLD.model AND rule = coalesce(OLD.rule, '')
      AND priced = (OLD.cost_usd IS NOT NULL)`;
  return `
  CREATE TRIGGER ${table}_delete AFTER DELETE ON usage BEGIN
    UPDATE ${table} SET
      requests = requests - 1,
      input_tokens = input_tokens - OLD.input_tokens,
      output_tokens = output_tokens - OLD.output_tokens,
      cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens,
      cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens,
      cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens,
      reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens,
      cost_usd = cost_usd - coalesce(OLD.cost_usd, 0)
    WHERE ${row};
    DELETE FROM ${table} WHERE ${row} AND requests <= 0;
  END;`;
};
/** Step 3: the insert triggers skip while a bulk writer holds a row in rollup_deferred. */
const UNLESS_DEFERRED = 'WHEN NOT EXISTS (SELECT 1 FROM rollup_deferred) ';

/**
 * Schema steps, applied in order; `PRAGMA user_version` records how many ran. Append only: never change
 * what a shipped step does, add a new one (the trigger helpers above only spell the same SQL once).
 *
 * `usage.ts` is milliseconds since the epoch (UTC): compact, and range scans by time use the index.
 * `usage_daily` / `usage_monthly` are rollups kept exact by triggers (bulk writes: by one set-based update
 * per batch, see step 3), so `ringlet usage` reads hundreds or thousands of rows instead of millions. NULL
 * profile/rule become '' there because a primary key treats NULLs as distinct.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE usage (
    id                    INTEGER PRIMARY KEY,
    ts                    INTEGER NOT NULL,
    profile               TEXT,
    agent                 TEXT NOT NULL,
    provider              TEXT NOT NULL,
    model                 TEXT NOT NULL,
    input_tokens          INTEGER NOT NULL DEFAULT 0,
    output_tokens         INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens    INTEGER NOT NULL DEFAULT 0,
    cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens      INTEGER NOT NULL DEFAULT 0,
    cost_usd              REAL,
    source                TEXT NOT NULL CHECK (source IN ('meter', 'import')),
    message_id            TEXT NOT NULL UNIQUE,
    rule                  TEXT
  );
  CREATE INDEX usage_ts ON usage (ts);

  CREATE TABLE usage_daily (
    day                   TEXT NOT NULL,
    profile               TEXT NOT NULL,
    agent                 TEXT NOT NULL,
    provider              TEXT NOT NULL,
    model                 TEXT NOT NULL,
    rule                  TEXT NOT NULL,
    priced                INTEGER NOT NULL,
    requests              INTEGER NOT NULL,
    input_tokens          INTEGER NOT NULL,
    output_tokens         INTEGER NOT NULL,
    cache_write_tokens    INTEGER NOT NULL,
    cache_write_1h_tokens INTEGER NOT NULL,
    cache_read_tokens     INTEGER NOT NULL,
    reasoning_tokens      INTEGER NOT NULL,
    cost_usd              REAL NOT NULL,
    PRIMARY KEY (day, profile, agent, provider, model, rule, priced)
  ) WITHOUT ROWID;

  ${rollupInsert('usage_daily', DAY)}

  -- Nothing in ringlet deletes or edits rows today; these keep the rollup exact if a user does so by hand.
  ${rollupDelete('usage_daily', 'day', DAY)}

  CREATE TABLE import_files (
    path     TEXT PRIMARY KEY,
    offset   INTEGER NOT NULL,
    size     INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    ino      INTEGER NOT NULL,
    state    TEXT
  );
  `,
  // 2: a monthly rollup beside the daily one. Reports that are not per day read whole months here and only
  // the partial months at the edges of a date range from usage_daily (a year is 12 rows per combination
  // instead of 365). Backfilled from usage_daily, so ledgers written before this step keep their totals.
  `
  CREATE TABLE usage_monthly (
    month                 TEXT NOT NULL,
    profile               TEXT NOT NULL,
    agent                 TEXT NOT NULL,
    provider              TEXT NOT NULL,
    model                 TEXT NOT NULL,
    rule                  TEXT NOT NULL,
    priced                INTEGER NOT NULL,
    requests              INTEGER NOT NULL,
    input_tokens          INTEGER NOT NULL,
    output_tokens         INTEGER NOT NULL,
    cache_write_tokens    INTEGER NOT NULL,
    cache_write_1h_tokens INTEGER NOT NULL,
    cache_read_tokens     INTEGER NOT NULL,
    reasoning_tokens      INTEGER NOT NULL,
    cost_usd              REAL NOT NULL,
    PRIMARY KEY (month, profile, agent, provider, model, rule, priced)
  ) WITHOUT ROWID;

  INSERT INTO usage_monthly
    SELECT substr(day, 1, 7), profile, agent, provider, model, rule, priced, sum(requests), sum(input_tokens),
      sum(output_tokens), sum(cache_write_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
      sum(reasoning_tokens), sum(cost_usd)
    FROM usage_daily GROUP BY 1, 2, 3, 4, 5, 6, 7;

  ${rollupInsert('usage_monthly', MONTH)}

  ${rollupDelete('usage_monthly', 'month', MONTH)}
  `,
  // 3: bulk writes (imports) roll up once per batch instead of once per row. A writer puts a row in
  // rollup_deferred inside its own transaction, so the per-row insert triggers skip; before it commits it
  // adds the rows it inserted (ids above since_id) to both rollups set-based (ROLLUP_BATCH) and removes its row.
  // Other connections never see the table non-empty, and a rolled-back batch leaves it empty.
  `
  CREATE TABLE rollup_deferred (since_id INTEGER NOT NULL);

  DROP TRIGGER usage_daily_insert;
  ${rollupInsert('usage_daily', DAY, UNLESS_DEFERRED)}

  DROP TRIGGER usage_monthly_insert;
  ${rollupInsert('usage_monthly', MONTH, UNLESS_DEFERRED)}
  `,
];

/**
 * What the deferred insert triggers (step 3) would have added, set-based: the rows with id > ? are grouped
 * per day once into a temp table, which updates usage_daily as it is and usage_monthly regrouped by month
 * (a day's month is its first 7 characters, as in step 2's backfill). One upsert per rollup row instead of
 * two per usage row. (An upsert from a SELECT needs a WHERE clause, hence `WHERE true`.)
 */
export const ROLLUP_BATCH = {
  create: `CREATE TEMP TABLE IF NOT EXISTS rollup_batch (day TEXT, profile TEXT, agent TEXT, provider TEXT, model TEXT,
    rule TEXT, priced INTEGER, requests INTEGER, ${COUNTS}, cost_usd REAL)`,
  clear: `DELETE FROM temp.rollup_batch`,
  group: `INSERT INTO temp.rollup_batch
    SELECT date(ts / 1000, 'unixepoch'), coalesce(profile, ''), agent, provider, model, coalesce(rule, ''), cost_usd IS NOT NULL,
      count(*), sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_write_1h_tokens),
      sum(cache_read_tokens), sum(reasoning_tokens), total(cost_usd)
    FROM usage WHERE id > ? GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  daily: `INSERT INTO usage_daily (day, profile, agent, provider, model, rule, priced, requests, ${COUNTS}, cost_usd)
    SELECT * FROM temp.rollup_batch WHERE true
    ON CONFLICT DO UPDATE SET ${ADD_EXCLUDED}`,
  monthly: `INSERT INTO usage_monthly (month, profile, agent, provider, model, rule, priced, requests, ${COUNTS}, cost_usd)
    SELECT substr(day, 1, 7), profile, agent, provider, model, rule, priced, sum(requests), sum(input_tokens),
      sum(output_tokens), sum(cache_write_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
      sum(reasoning_tokens), sum(cost_usd)
    FROM temp.rollup_batch WHERE true GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT DO UPDATE SET ${ADD_EXCLUDED}`,
};

/** Runs the migrations the file has not seen yet, inside one write transaction (safe against racing openers). */
export function migrate(db: Database, steps: string[] = MIGRATIONS): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() >= steps.length) return;
  db.transaction(() => {
    // Re-read under the write lock: another process may have migrated since the check above.
    const from = current();
    if (from > steps.length) return;
    for (let v = from; v < steps.length; v++) db.exec(steps[v]);
    db.pragma(`user_version = ${steps.length}`);
  }).immediate();
}

type Ctor = typeof BetterSqlite3;
let ctor: Ctor | undefined;

/** better-sqlite3 is a native module: load it on first use only, so commands without the ledger start fast. */
function loadDriver(): Ctor {
  if (!ctor) ctor = createRequire(import.meta.url)('better-sqlite3') as Ctor;
  return ctor;
}

/**
 * Switching a new file to WAL needs it to itself, and SQLite answers SQLITE_BUSY at once, without its busy
 * handler, while another process is opening the same new file: wait and retry (once that process has
 * switched it, asking again is a no-op that succeeds).
 */
function useWal(db: Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 + Math.random() * 20);
    }
  }
}

/** Opens (creating if needed) a ledger database file in WAL mode and brings its schema up to date. */
export function openDatabase(file: string, steps: string[] = MIGRATIONS): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const Driver = loadDriver();
  const db = new Driver(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    useWal(db);
    // In WAL, NORMAL survives a crash or kill -9 of the process; only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, steps);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
