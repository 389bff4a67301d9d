/**
 * Reading one JSONL log (Claude transcript or Codex rollout) from where the last run stopped: everything
 * the importer does per file except pricing and writing. It touches only the file system, so it runs the
 * same on the main thread or on a worker (see pool.ts).
 *
 * The file is streamed in chunks (never read whole) and only complete lines are consumed: a last line
 * without its newline waits for the next run. A file that was rewritten in place (the digest of its head
 * and of the bytes before the stored offset differs) is read again from the start.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { FileState } from '../ledger/ledger.js';
import type { ParsedUsage } from './parsers/types.js';
import { claudeEntryFrom, fuller, type ClaudeEntry } from './parsers/claude.js';
import { codexEntryFrom, initialCodexState, type CodexState } from './parsers/codex.js';

/** What the importer keeps per file beside the offset. */
export interface JsonlState {
  /** Digest of the file's head and of the bytes before the offset: detects a file rewritten in place. */
  fp?: string;
  /** Codex parser carry-over. */
  codex?: CodexState;
  /** A Claude response was held back because the file was still being written. */
  held?: boolean;
}

/** One file to read: its stat at planning time and what the ledger remembers of it. Plain data, so it can be posted to a worker. */
export interface JsonlTask {
  path: string;
  kind: 'claude' | 'codex';
  size: number;
  mtimeMs: number;
  ino: number;
  prior?: FileState;
  /** The clock at planning time (ms), for the "is this file still being written" check. */
  now: number;
}

export interface JsonlRead {
  /** Responses in the new lines, each once (Claude: the fullest of its lines), in order of first appearance. */
  usages: ParsedUsage[];
  /** The file's new state, to be stored with the rows. */
  state: FileState;
  bytes: number;
  lines: number;
}

/** Claude writes a response's lines within seconds; a file touched this recently may be mid-response. */
export const STILL_WRITING_MS = 60_000;
const FP_BYTES = 4096;

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

/**
 * Reads the new complete lines of one log. Undefined if the file cannot be opened (it vanished).
 * onChunk reports bytes as they are read, for progress.
 */
export function readJsonl(task: JsonlTask, onChunk?: (bytes: number) => void): JsonlRead | undefined {
  let fd: number;
  try {
    fd = openSync(task.path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { prior } = task;
    let offset = 0;
    let pstate: JsonlState = {};
    if (prior && prior.ino === task.ino && prior.offset <= task.size) {
      const ps = (prior.state ?? {}) as JsonlState;
      if (prior.offset === 0 || ps.fp === fingerprint(fd, prior.offset)) {
        offset = prior.offset;
        pstate = ps;
      }
    }
    const isClaude = task.kind === 'claude';
    const codexState: CodexState = pstate.codex ?? initialCodexState(basename(task.path));
    const usages: ParsedUsage[] = [];
    // Claude: one entry per response in this read, with the file offset of its first line.
    const claude = new Map<string, { e: ClaudeEntry; at: number }>();
    let lastClaude: { key: string; complete: boolean } | undefined;
    let bytes = 0;
    let lines = 0;

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

    let end = scanLines(fd, offset, task.size, isClaude ? CLAUDE_NEEDLE : undefined, onLine, (n, l) => {
      bytes += n;
      lines += l;
      onChunk?.(n);
    });

    let held = false;
    if (isClaude) {
      // The last response may still be streaming (older Claude Code wrote partial counts first): if the
      // file is being written, leave that response's lines for the next run rather than store a partial row.
      const recent = task.now - task.mtimeMs < STILL_WRITING_MS;
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
    return { usages, state: { offset: end, size: task.size, mtimeMs: task.mtimeMs, ino: task.ino, state }, bytes, lines };
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
