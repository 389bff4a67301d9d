/**
 * Incremental import of the agents' own logs into the ledger.
 *
 * Each log file is streamed in chunks (never read whole) and only complete lines are consumed: a last
 * line without its newline waits for the next run. Per file the ledger remembers how far it was read
 * (byte offset, size, mtime, inode, a digest of the file head and of the bytes before the offset, the parser's
 * carry-over state), so an unchanged file costs one stat and an appended file is read from where the
 * last run stopped. A file that shrank, was replaced (new inode) or rewritten (fingerprint differs) is
 * read again from the start; the ledger's unique message id makes that harmless.
 *
 * Rows and the file's new offset are written in the same transaction (one per batch of files), so a crash
 * never advances an offset past rows that were not stored. Claude and Codex logs are read by jsonl.ts, on
 * worker threads when there is much to read (pool.ts), while this thread writes the ledger.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { Ledger, FileState } from '../ledger/ledger.js';
import type { UsageRecord } from '../ledger/types.js';
import type { PriceOverride } from '../config/config.js';
import { priceCounts, priceFor, type ModelPrice } from '../providers/prices.js';
import { realHome } from '../config/paths.js';
import type { ParsedUsage } from './parsers/types.js';
import { parseOpenCodeMessage } from './parsers/opencode.js';
import { readJsonl, STILL_WRITING_MS, type JsonlRead, type JsonlState, type JsonlTask } from './jsonl.js';
import { readInWorkers, workerPlan } from './pool.js';

export type ImportAgent = 'claude' | 'codex' | 'opencode';
export const IMPORT_AGENTS: readonly ImportAgent[] = ['claude', 'codex', 'opencode'];

export interface ImportProgress {
  agent: ImportAgent;
  filesDone: number;
  filesTotal: number;
  /** Bytes read so far, of bytesTotal that this run has to read (unchanged files count 0). */
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptions {
  /** Profile the rows belong to; null/undefined records them without one. */
  profile?: string | null;
  /** Provider id to record instead of what the logs imply (e.g. the profile's provider). */
  provider?: string;
  /** Price overrides from config.toml `[prices]`. */
  prices?: Record<string, PriceOverride>;
  onProgress?: (p: ImportProgress) => void;
  /** Clock, for the "is this file still being written" check. */
  now?: () => number;
}

export interface ImportResult {
  /** Log files found. */
  files: number;
  /** Files that had something new to read. */
  filesRead: number;
  bytes: number;
  lines: number;
  /** Responses found in the new lines (each counted once per file). */
  records: number;
  /** Rows new to the ledger. */
  added: number;
  /** Responses the ledger already had (meter, another file, an earlier run). */
  duplicates: number;
  /** USD of the added rows that have a price. */
  costUsd: number;
  /** Added rows with no known price. */
  unpriced: number;
}

export const emptyResult = (): ImportResult => ({ files: 0, filesRead: 0, bytes: 0, lines: 0, records: 0, added: 0, duplicates: 0, costUsd: 0, unpriced: 0 });

export function addResults(a: ImportResult, b: ImportResult): ImportResult {
  const r = emptyResult();
  for (const k of Object.keys(r) as (keyof ImportResult)[]) r[k] = a[k] + b[k];
  return r;
}

// ── Where logs live ─────────────────────────────────────────────────────────

/** The agent's own data directories for the user running ringlet; every one that exists is read. */
export function defaultLogRoots(agent: ImportAgent, env: NodeJS.ProcessEnv = process.env): string[] {
  const home = realHome(env);
  switch (agent) {
    case 'claude': {
      const fromEnv = env.CLAUDE_CONFIG_DIR?.split(',').map((s) => s.trim()).filter(Boolean);
      if (fromEnv?.length) return fromEnv;
      return [join(home, '.claude'), join(home, '.config', 'claude')];
    }
    case 'codex':
      return [env.CODEX_HOME || join(home, '.codex')];
    case 'opencode': {
      const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
      return [join(xdg, 'opencode')];
    }
  }
}

/** Where the agent writes its logs inside a profile HOME. */
export function profileLogRoots(agent: ImportAgent, home: string): string[] {
  switch (agent) {
    case 'claude':
      return [join(home, '.claude')];
    case 'codex':
      return [join(home, '.codex')];
    case 'opencode':
      return [join(home, '.local', 'share', 'opencode')];
  }
}

type Kind = 'claude' | 'codex' | 'opencode-db' | 'opencode-json';
interface LogFile { path: string; kind: Kind }

function walk(dir: string, accept: (name: string) => boolean, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, accept, out);
    else if ((e.isFile() || e.isSymbolicLink()) && accept(e.name)) out.push(p);
  }
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The log files under one root. A root is the agent's data directory (`~/.claude`, `~/.codex`,
 * `~/.local/share/opencode`); a directory that is itself full of logs (a copied `projects/`) works too.
 */
export function findLogFiles(agent: ImportAgent, root: string): LogFile[] {
  const out: string[] = [];
  const jsonl = (n: string) => n.endsWith('.jsonl');
  switch (agent) {
    case 'claude': {
      walk(isDir(join(root, 'projects')) ? join(root, 'projects') : root, jsonl, out);
      return out.sort().map((path) => ({ path, kind: 'claude' }));
    }
    case 'codex': {
      const dirs = ['sessions', 'archived_sessions'].map((d) => join(root, d)).filter(isDir);
      for (const d of dirs.length ? dirs : [root]) walk(d, jsonl, out);
      return out.sort().map((path) => ({ path, kind: 'codex' }));
    }
    case 'opencode': {
      const files: LogFile[] = [];
      const db = join(root, 'opencode.db');
      if (existsSync(db)) files.push({ path: db, kind: 'opencode-db' });
      const storage = join(root, 'storage', 'message');
      if (isDir(storage)) {
        walk(storage, (n) => n.endsWith('.json'), out);
        files.push(...out.sort().map((path) => ({ path, kind: 'opencode-json' as const })));
      }
      return files;
    }
  }
}

// ── Import ──────────────────────────────────────────────────────────────────

interface Ctx {
  ledger: Ledger;
  agent: ImportAgent;
  opts: ImportOptions;
  result: ImportResult;
  progress: ImportProgress;
  lastReport: number;
  prices: Map<string, ModelPrice | null>;
  batch: { usages: ParsedUsage[]; files: [string, FileState][] };
}

/** Imports every log under the given roots (missing roots are skipped). */
export async function importLogs(ledger: Ledger, agent: ImportAgent, roots: string[], opts: ImportOptions = {}): Promise<ImportResult> {
  const seen = new Set<string>();
  const files: { file: LogFile; st: Stats }[] = [];
  for (const root of roots) {
    let real: string;
    try {
      real = realpathSync(root);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    for (const f of findLogFiles(agent, root)) {
      try {
        files.push({ file: f, st: statSync(f.path) });
      } catch {
        /* vanished between listing and stat */
      }
    }
  }
  const result = emptyResult();
  result.files = files.length;
  const progress: ImportProgress = { agent, filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: 0 };
  const ctx: Ctx = { ledger, agent, opts, result, progress, lastReport: 0, prices: new Map(), batch: { usages: [], files: [] } };

  // Decide first what needs reading, so progress knows the total.
  const plan: { file: LogFile; st: Stats; prior?: FileState }[] = [];
  for (const { file, st } of files) {
    const prior = ledger.getFileState(file.path);
    if (unchanged(file, st, prior, opts)) continue;
    plan.push({ file, st, prior });
    progress.bytesTotal += Math.max(0, st.size - (prior && prior.ino === st.ino && prior.offset <= st.size ? prior.offset : 0));
  }
  progress.filesDone = files.length - plan.length;
  opts.onProgress?.({ ...progress });

  // JSONL logs are read on worker threads when there is enough to read; results come back in plan order.
  const now = (opts.now ?? Date.now)();
  const tasks: JsonlTask[] = [];
  for (const { file, st, prior } of plan) {
    if (file.kind === 'claude' || file.kind === 'codex') tasks.push({ path: file.path, kind: file.kind, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, prior, now });
  }
  try {
    const workers = workerPlan(progress.bytesTotal, tasks.length);
    const onRead = (i: number, read: JsonlRead | undefined) => {
      if (read) enqueueRead(ctx, tasks[i].path, read);
      progress.filesDone++;
      report(ctx, true);
    };
    const onBytes = (n: number) => {
      progress.bytesDone += n;
      report(ctx);
    };
    // If a worker fails, the files it did not hand back are read here.
    const handed = workers.count > 0 ? await readInWorkers(tasks, workers, onRead, onBytes) : 0;
    for (let i = handed; i < tasks.length; i++) onRead(i, readJsonl(tasks[i], onBytes));
    for (const { file, st, prior } of plan) {
      if (file.kind === 'opencode-db') importOpenCodeDb(ctx, file.path, st, prior);
      else if (file.kind === 'opencode-json') importOpenCodeJson(ctx, file.path, st);
      else continue;
      progress.filesDone++;
      report(ctx, true);
    }
  } finally {
    // Files read completely are stored even if a later one failed.
    flush(ctx);
  }
  return result;
}

/**
 * Imports the new lines of the logs an agent wrote inside a profile HOME (called after each `profiles run`).
 * Agents without an importer return an empty result. Pass `provider` (the profile's provider id) so rows
 * name the provider that served them, not what the logs call it.
 */
export async function importProfileLogs(
  ledger: Ledger,
  profile: string,
  agentId: string,
  home: string,
  opts: Omit<ImportOptions, 'profile'> = {},
): Promise<ImportResult> {
  if (!(IMPORT_AGENTS as readonly string[]).includes(agentId)) return emptyResult();
  const agent = agentId as ImportAgent;
  return importLogs(ledger, agent, profileLogRoots(agent, home), { ...opts, profile });
}

function report(ctx: Ctx, force = false): void {
  if (!ctx.opts.onProgress) return;
  const now = Date.now();
  if (!force && now - ctx.lastReport < 100) return;
  ctx.lastReport = now;
  ctx.opts.onProgress({ ...ctx.progress });
}

function unchanged(file: LogFile, st: Stats, prior: FileState | undefined, opts: ImportOptions): boolean {
  if (!prior || prior.ino !== st.ino || prior.size !== st.size || prior.mtimeMs !== st.mtimeMs) return false;
  if (file.kind === 'opencode-db') {
    const wal = walStat(file.path);
    const s = prior.state as { walSize?: number; walMtimeMs?: number } | undefined;
    return (s?.walSize ?? -1) === (wal?.size ?? -1) && (s?.walMtimeMs ?? -1) === (wal?.mtimeMs ?? -1);
  }
  const held = (prior.state as JsonlState | undefined)?.held;
  // A held-back response is released once the file has been quiet long enough.
  return !(held && (opts.now ?? Date.now)() - st.mtimeMs >= STILL_WRITING_MS);
}

function priced(ctx: Ctx, u: ParsedUsage): UsageRecord {
  const provider = ctx.opts.provider ?? u.provider;
  // One lookup per model and provider (name normalisation is not free at a million rows).
  const key = `${provider}\u0000${u.model}`;
  let price = ctx.prices.get(key);
  if (price === undefined) ctx.prices.set(key, (price = priceFor(u.model, ctx.opts.prices, provider) ?? null));
  let cost = price ? priceCounts(price, u) : null;
  // OpenCode records its own cost; it stands in only where ringlet has no price.
  if (cost === null && u.recordedCostUsd !== undefined) cost = u.recordedCostUsd;
  // Spelled out rather than `{ ...rest }`: object rest/spread is measurably slow per row.
  return {
    ts: u.ts, agent: u.agent, provider, model: u.model, inputTokens: u.inputTokens, outputTokens: u.outputTokens,
    cacheWriteTokens: u.cacheWriteTokens, cacheWrite1hTokens: u.cacheWrite1hTokens, cacheReadTokens: u.cacheReadTokens,
    reasoningTokens: u.reasoningTokens, messageId: u.messageId,
    profile: ctx.opts.profile ?? null, costUsd: cost, source: 'import',
  };
}

/**
 * A file's rows and new state are queued, and written with other files' in one transaction once the
 * batch is big enough (and at the end). Few large transactions cost far less than one per file (each
 * commit rewrites every index page it touched), and a file's offset still only advances with its rows.
 */
function enqueue(ctx: Ctx, path: string, usages: ParsedUsage[], state: FileState): void {
  const { batch } = ctx;
  for (const u of usages) batch.usages.push(u);
  batch.files.push([path, state]);
  if (batch.usages.length >= BATCH_ROWS || batch.files.length >= BATCH_FILES) flush(ctx);
}

/** Rows per write transaction: long enough to amortise a commit, short enough not to keep the meter waiting long. */
const BATCH_ROWS = 10_000;
/** Files per write transaction, for logs of one message each (old OpenCode). */
const BATCH_FILES = 5_000;

function flush(ctx: Ctx): void {
  const { ledger, result, batch } = ctx;
  if (!batch.files.length) return;
  const recs = batch.usages.map((u) => priced(ctx, u));
  const added = ledger.bulk(() => {
    ledger.insertAll(recs);
    for (const [path, state] of batch.files) ledger.setFileState(path, state);
  });
  result.records += recs.length;
  result.added += added.rows;
  result.duplicates += recs.length - added.rows;
  result.costUsd += added.costUsd;
  result.unpriced += added.unpriced;
  batch.usages = [];
  batch.files = [];
}

function enqueueRead(ctx: Ctx, path: string, read: JsonlRead): void {
  ctx.result.bytes += read.bytes;
  ctx.result.lines += read.lines;
  ctx.result.filesRead++;
  enqueue(ctx, path, read.usages, read.state);
}

// ── OpenCode ────────────────────────────────────────────────────────────────

function walStat(db: string): Stats | undefined {
  try {
    return statSync(`${db}-wal`);
  } catch {
    return undefined;
  }
}

type SqliteCtor = typeof import('better-sqlite3');

/**
 * OpenCode's SQLite store, opened read-only. `offset` holds the highest `time_updated` imported, so a
 * later run only reads messages created or finished since.
 */
function importOpenCodeDb(ctx: Ctx, path: string, st: Stats, prior: FileState | undefined): void {
  const Driver = createRequire(import.meta.url)('better-sqlite3') as SqliteCtor;
  let db;
  try {
    db = new Driver(path, { readonly: true, fileMustExist: true });
  } catch {
    return;
  }
  try {
    const cols = new Set((db.prepare('PRAGMA table_info(message)').all() as { name: string }[]).map((c) => c.name));
    if (!cols.has('data')) return;
    const hasUpdated = cols.has('time_updated');
    const since = prior && hasUpdated ? prior.offset : 0;
    const sql = hasUpdated
      ? `SELECT id, time_updated AS t, data FROM message WHERE time_updated >= ? AND data LIKE '%"assistant"%' ORDER BY time_updated`
      : `SELECT id, 0 AS t, data FROM message WHERE ? = ? AND data LIKE '%"assistant"%'`;
    const usages: ParsedUsage[] = [];
    let watermark = since;
    const stmt = db.prepare(sql);
    const rows = (hasUpdated ? stmt.iterate(since) : stmt.iterate(0, 0)) as IterableIterator<{ id: string; t: number; data: string }>;
    for (const row of rows) {
      ctx.result.lines++;
      ctx.result.bytes += row.data.length;
      let data: unknown;
      try {
        data = JSON.parse(row.data);
      } catch {
        continue;
      }
      const u = parseOpenCodeMessage(data, row.id);
      // Unfinished messages do not move the watermark: they are read again once they complete.
      if (!u) continue;
      usages.push(u);
      if (row.t > watermark) watermark = row.t;
    }
    const wal = walStat(path);
    ctx.result.filesRead++;
    enqueue(ctx, path, usages, {
      offset: watermark,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ino: st.ino,
      state: { walSize: wal?.size ?? -1, walMtimeMs: wal?.mtimeMs ?? -1 },
    });
  } finally {
    db.close();
  }
}

/** Older OpenCode: one small JSON file per message. */
function importOpenCodeJson(ctx: Ctx, path: string, st: Stats): void {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return;
  }
  ctx.result.lines++;
  ctx.result.bytes += st.size;
  ctx.result.filesRead++;
  const u = parseOpenCodeMessage(data, basename(path, '.json'));
  // An unfinished message is stored as unread (mtime 0) so it is read again when it completes.
  enqueue(ctx, path, u ? [u] : [], { offset: st.size, size: st.size, mtimeMs: u ? st.mtimeMs : 0, ino: st.ino });
}
