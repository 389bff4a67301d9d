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
 * Rows and the file's new offset are written in one transaction per file, so a crash never advances an
 * offset past rows that were not stored.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { Ledger, FileState } from '../ledger/ledger.js';
import type { UsageRecord } from '../ledger/types.js';
import type { PriceOverride } from '../config/config.js';
import { priceCounts, priceFor, type ModelPrice } from '../providers/prices.js';
import { realHome } from '../config/paths.js';
import type { ParsedUsage } from './parsers/types.js';
import { claudeEntryFrom, fuller, type ClaudeEntry } from './parsers/claude.js';
import { codexEntryFrom, initialCodexState, type CodexState } from './parsers/codex.js';
import { parseOpenCodeMessage } from './parsers/opencode.js';

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
  const ctx: Ctx = { ledger, agent, opts, result, progress, lastReport: 0, prices: new Map() };

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

  for (const { file, st, prior } of plan) {
    if (file.kind === 'opencode-db') importOpenCodeDb(ctx, file.path, st, prior);
    else if (file.kind === 'opencode-json') importOpenCodeJson(ctx, file.path, st);
    else importJsonl(ctx, file, st, prior);
    progress.filesDone++;
    report(ctx, true);
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

/** What the importer keeps per file beside the offset. */
interface JsonlState {
  /** Digest of the file's head and of the bytes before the offset: detects a file rewritten in place. */
  fp?: string;
  /** Codex parser carry-over. */
  codex?: CodexState;
  /** A Claude response was held back because the file was still being written. */
  held?: boolean;
}

/** Claude writes a response's lines within seconds; a file touched this recently may be mid-response. */
const STILL_WRITING_MS = 60_000;
const FP_BYTES = 4096;

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
  const { recordedCostUsd, ...rest } = u;
  const provider = ctx.opts.provider ?? u.provider;
  // One lookup per model and provider (name normalisation is not free at a million rows).
  const key = `${provider}\u0000${u.model}`;
  let price = ctx.prices.get(key);
  if (price === undefined) ctx.prices.set(key, (price = priceFor(u.model, ctx.opts.prices, provider) ?? null));
  let cost = price ? priceCounts(price, u) : null;
  // OpenCode records its own cost; it stands in only where ringlet has no price.
  if (cost === null && recordedCostUsd !== undefined) cost = recordedCostUsd;
  return { ...rest, provider, profile: ctx.opts.profile ?? null, costUsd: cost, source: 'import' };
}

/** Writes one file's rows and its new state in one transaction. */
function commit(ctx: Ctx, path: string, usages: Iterable<ParsedUsage>, state: FileState): void {
  const { ledger, result } = ctx;
  ledger.transaction(() => {
    for (const u of usages) {
      const rec = priced(ctx, u);
      result.records++;
      // insert() one by one (inside this transaction) to know which rows were new and sum their cost.
      if (ledger.insert(rec)) {
        result.added++;
        if (rec.costUsd === null) result.unpriced++;
        else result.costUsd += rec.costUsd;
      } else result.duplicates++;
    }
    ledger.setFileState(path, state);
  });
}

function readBytes(fd: number, start: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, b, got, len - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return b.subarray(0, got);
}

/** A digest of the file's first bytes and the bytes just before `offset`: tells "appended to" from "rewritten". */
function fingerprint(fd: number, offset: number): string {
  const h = createHash('sha1');
  h.update(readBytes(fd, 0, Math.min(FP_BYTES, offset)));
  h.update(readBytes(fd, Math.max(0, offset - FP_BYTES), Math.min(FP_BYTES, offset)));
  return h.digest('base64');
}

/** Lines a parser must see; the rest are skipped without being decoded. */
const CLAUDE_NEEDLE = Buffer.from('"usage"');
/** Codex line heads (`{"timestamp":…,"type":"…","payload":{"type":"…"`) that never matter. */
const CODEX_SKIP = /"type":"(?:response_item|world_state|compacted|inter_agent_communication|realtime_item)"|"type":"event_msg","payload":\{"type":"(?!token_count"|task_started"|thread_settings_applied")/;

const CHUNK = 1 << 20;

function importJsonl(ctx: Ctx, file: LogFile, st: Stats, prior: FileState | undefined): void {
  const { result, progress } = ctx;
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch {
    return;
  }
  try {
    let offset = 0;
    let pstate: JsonlState = {};
    if (prior && prior.ino === st.ino && prior.offset <= st.size) {
      const ps = (prior.state ?? {}) as JsonlState;
      if (prior.offset === 0 || ps.fp === fingerprint(fd, prior.offset)) {
        offset = prior.offset;
        pstate = ps;
      }
    }
    const isClaude = file.kind === 'claude';
    const codexState: CodexState = pstate.codex ?? initialCodexState(basename(file.path));
    const usages: ParsedUsage[] = [];
    // Claude: one entry per response in this read, with the file offset of its first line.
    const claude = new Map<string, { e: ClaudeEntry; at: number }>();
    let lastClaude: { key: string; complete: boolean } | undefined;

    const onLine = (buf: Buffer, s: number, e: number, at: number) => {
      if (isClaude) {
        const d = parseLine(buf, s, e);
        if (!d || d.type !== 'assistant') return;
        const entry = claudeEntryFrom(d);
        if (!entry) return;
        const prev = claude.get(entry.key);
        if (prev) prev.e = fuller(prev.e, entry);
        else claude.set(entry.key, { e: entry, at });
        lastClaude = { key: entry.key, complete: entry.complete };
      } else {
        if (CODEX_SKIP.test(buf.toString('latin1', s, Math.min(e, s + 200)))) return;
        const d = parseLine(buf, s, e);
        if (!d) return;
        const u = codexEntryFrom(codexState, d);
        if (u) usages.push(u);
      }
    };

    let end = scanLines(fd, offset, st.size, isClaude ? CLAUDE_NEEDLE : undefined, onLine, (n, lines) => {
      result.bytes += n;
      result.lines += lines;
      progress.bytesDone += n;
      report(ctx);
    });

    let held = false;
    if (isClaude) {
      // The last response may still be streaming (older Claude Code wrote partial counts first): if the
      // file is being written, leave that response's lines for the next run rather than store a partial row.
      const recent = (ctx.opts.now ?? Date.now)() - st.mtimeMs < STILL_WRITING_MS;
      if (lastClaude && !lastClaude.complete && recent) {
        const g = claude.get(lastClaude.key)!;
        claude.delete(lastClaude.key);
        end = g.at;
        held = true;
      }
      for (const { e } of claude.values()) usages.push(e.usage);
    }
    const state: JsonlState = { fp: end > 0 ? fingerprint(fd, end) : undefined };
    if (!isClaude) state.codex = codexState;
    if (held) state.held = true;
    result.filesRead++;
    commit(ctx, file.path, usages, { offset: end, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, state });
  } finally {
    closeSync(fd);
  }
}

function parseLine(buf: Buffer, s: number, e: number): Record<string, any> | undefined {
  try {
    const v = JSON.parse(buf.toString('utf8', s, e));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls onLine for every complete line in [from, limit) (with needle: only lines containing it), and
 * returns the offset just past the last complete line. A final line without a newline is not consumed.
 */
export function scanLines(
  fd: number,
  from: number,
  limit: number,
  needle: Buffer | undefined,
  onLine: (buf: Buffer, start: number, end: number, fileOffset: number) => void,
  onChunk?: (bytes: number, lines: number) => void,
): number {
  let buf = Buffer.allocUnsafe(CHUNK);
  let have = 0; // bytes in buf
  let base = from; // file offset of buf[0]
  let pos = from + have;
  while (pos < limit) {
    if (have === buf.length) {
      // One line longer than the buffer: grow it.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = readSync(fd, buf, have, Math.min(buf.length - have, limit - pos), pos);
    if (n === 0) break;
    pos += n;
    const end = have + n;
    const view = buf.subarray(0, end);
    let s = 0;
    let lines = 0;
    let match = -2; // next needle position at or after s; -1: none in this view
    for (;;) {
      const nl = view.indexOf(10, s);
      if (nl === -1) break;
      lines++;
      let take = true;
      if (needle) {
        if (match !== -1 && match < s) match = view.indexOf(needle, s);
        take = match !== -1 && match < nl;
      }
      if (take) onLine(view, s, nl > s && view[nl - 1] === 13 ? nl - 1 : nl, base + s);
      s = nl + 1;
    }
    onChunk?.(n, lines);
    have = end - s;
    if (s > 0) buf.copy(buf, 0, s, end);
    base += s;
  }
  return base;
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
    commit(ctx, path, usages, {
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
  commit(ctx, path, u ? [u] : [], { offset: st.size, size: st.size, mtimeMs: u ? st.mtimeMs : 0, ino: st.ino });
}
