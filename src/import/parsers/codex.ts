/**
 * Codex rollouts: `<CODEX_HOME>/sessions/YYYY/MM/DD/rollout-<time>-<session id>.jsonl`.
 *
 * Usage appears two ways:
 * - `token_usage_record` lines (newer Codex): one per model response, with the provider's `response_id`
 *   and that response's usage. The response id is the ledger key, the same one the meter records.
 * - `event_msg` / `token_count` lines: `info.total_token_usage` (cumulative for the thread) and
 *   `info.last_token_usage` (the latest response). Older rollouts have only these.
 *
 * Traps this handles, each seen in real logs:
 * - Codex re-emits `token_count` with an unchanged total (rate-limit refreshes): not a new response, skipped.
 * - A fork's totals continue from its parent's, so the first event of a file is not a delta from zero: the
 *   per-response usage is `last_token_usage`; later deltas of the total are checked against it.
 * - Forked and subagent rollouts of older Codex versions replay the parent's history (its `session_meta`
 *   and `token_count` lines, re-stamped). Synthetic keys are `codex:<thread>:<cumulative totals>` where the
 *   thread is the one whose `session_meta` the line follows, so a replayed event gets the same key as the
 *   original and the ledger counts it once.
 * - OpenAI terms: `input_tokens` includes cached input and `output_tokens` includes reasoning; converted to
 *   the ledger's terms here.
 *
 * The parser carries state from line to line (to read a file incrementally); the state is a small plain
 * object the importer stores between runs.
 */
import { isObject, isoTime, num, parseJsonLine, type ParsedUsage } from './types.js';

export interface CodexTotals {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  total: number;
}

export interface CodexState {
  /** Session id from the file name, used when the file has no session_meta (truncated, very old). */
  fileId?: string;
  /** The thread this file belongs to: the first session_meta's id. */
  ownId?: string;
  /** When ownId was created (ms); turns minted before it are replayed history. */
  ownStartMs?: number;
  /** The thread the current lines belong to (differs from ownId inside a replayed parent history). */
  activeId?: string;
  model?: string;
  provider?: string;
  /** Cumulative totals at the last token_count event. */
  prev?: CodexTotals;
  /** Sum of token_usage_record usage since the last token_count (those responses are already counted). */
  covered?: CodexTotals;
}

const UUID_RE = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/** Fresh state for one rollout file; the file name supplies a fallback session id. */
export function initialCodexState(fileName?: string): CodexState {
  const m = fileName?.match(UUID_RE);
  return m ? { fileId: m[1].toLowerCase() } : {};
}

/** Milliseconds encoded in a UUIDv7 (Codex thread and turn ids), else undefined. */
export function uuidV7Ms(id: unknown): number | undefined {
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/i.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

function totalsOf(u: unknown): CodexTotals | undefined {
  if (!isObject(u)) return undefined;
  const t: CodexTotals = {
    input: num(u.input_tokens),
    cached: num(u.cached_input_tokens),
    cacheWrite: num(u.cache_write_input_tokens),
    output: num(u.output_tokens),
    reasoning: num(u.reasoning_output_tokens),
    total: num(u.total_tokens),
  };
  if (!t.total) t.total = t.input + t.output;
  return t;
}

const FIELDS = ['input', 'cached', 'cacheWrite', 'output', 'reasoning', 'total'] as const;
const zero = (): CodexTotals => ({ input: 0, cached: 0, cacheWrite: 0, output: 0, reasoning: 0, total: 0 });
const same = (a: CodexTotals, b: CodexTotals) => FIELDS.every((f) => a[f] === b[f]);
const atLeast = (a: CodexTotals, b: CodexTotals) => FIELDS.every((f) => a[f] >= b[f]);
const isZero = (a: CodexTotals) => FIELDS.every((f) => a[f] === 0);
function minus(a: CodexTotals, b: CodexTotals): CodexTotals {
  const r = zero();
  for (const f of FIELDS) r[f] = Math.max(0, a[f] - b[f]);
  return r;
}
function plus(a: CodexTotals, b: CodexTotals): CodexTotals {
  const r = zero();
  for (const f of FIELDS) r[f] = a[f] + b[f];
  return r;
}

function usageFrom(state: CodexState, t: CodexTotals, ts: string, messageId: string): ParsedUsage {
  const cacheRead = Math.min(t.cached, t.input);
  const cacheWrite = Math.min(t.cacheWrite, t.input - cacheRead);
  return {
    ts,
    agent: 'codex',
    provider: state.provider ?? 'openai',
    model: state.model ?? 'unknown',
    // OpenAI counts cached (and cache-written) input inside input_tokens; the ledger keeps them apart.
    inputTokens: t.input - cacheRead - cacheWrite,
    outputTokens: t.output,
    cacheWriteTokens: cacheWrite,
    cacheWrite1hTokens: 0,
    cacheReadTokens: cacheRead,
    reasoningTokens: Math.min(t.reasoning, t.output),
    messageId,
  };
}

const threadOf = (s: CodexState) => s.activeId ?? s.ownId ?? s.fileId ?? 'unknown';

/** Per-response usage of a token_count event, or undefined when it adds nothing. Advances state.prev. */
function deltaOf(state: CodexState, info: Record<string, any>): CodexTotals | undefined {
  const total = totalsOf(info.total_token_usage);
  const last = totalsOf(info.last_token_usage);
  if (!total) return last;
  const prev = state.prev;
  state.prev = total;
  if (prev && same(prev, total)) return undefined; // a re-emitted event
  if (!prev || !atLeast(total, prev)) return last ?? (prev ? undefined : total);
  const d = minus(total, prev);
  // The total's delta is right unless it disagrees with last_token_usage by falling short of it.
  return !last || atLeast(d, last) ? d : last;
}

/**
 * Feeds one rollout line; returns the usage it completes, if any. Updates `state` in place (it must be
 * carried to the next line of the same file, and stored between incremental runs).
 */
export function parseCodexLine(state: CodexState, line: string): ParsedUsage | undefined {
  const d = parseJsonLine(line);
  return d ? codexEntryFrom(state, d) : undefined;
}

export function codexEntryFrom(state: CodexState, d: Record<string, any>): ParsedUsage | undefined {
  const p = d.payload;
  if (!isObject(p)) return undefined;
  switch (d.type) {
    case 'session_meta': {
      const id = typeof p.id === 'string' ? p.id : typeof p.session_id === 'string' ? p.session_id : undefined;
      if (!id) return undefined;
      if (!state.ownId) {
        state.ownId = id;
        state.ownStartMs = uuidV7Ms(id) ?? (Date.parse(p.timestamp) || undefined);
        if (typeof p.model_provider === 'string' && p.model_provider) state.provider = p.model_provider;
      }
      // A second session_meta with another id starts a replayed ancestor's history.
      state.activeId = id;
      if (typeof p.model === 'string' && p.model) state.model = p.model;
      return undefined;
    }
    case 'turn_context': {
      if (typeof p.model === 'string' && p.model) state.model = p.model;
      backToOwn(state, p.turn_id);
      return undefined;
    }
    case 'token_usage_record': {
      if (p.thread_id === state.ownId) state.activeId = state.ownId;
      const usage = totalsOf(p.usage);
      const ts = isoTime(d.timestamp);
      if (!usage || !ts || typeof p.response_id !== 'string' || !p.response_id) return undefined;
      state.covered = plus(state.covered ?? zero(), usage);
      if (typeof p.model === 'string' && p.model) state.model = p.model;
      return usageFrom(state, usage, ts, p.response_id);
    }
    case 'event_msg': {
      if (p.type === 'task_started') backToOwn(state, p.turn_id);
      else if (p.type === 'thread_settings_applied' && isObject(p.thread_settings)) {
        if (typeof p.thread_settings.model === 'string' && p.thread_settings.model) state.model = p.thread_settings.model;
        if (p.thread_id && p.thread_id === state.ownId) state.activeId = state.ownId;
      }
      if (p.type !== 'token_count') return undefined;
      const ts = isoTime(d.timestamp);
      if (!ts) return undefined;
      if (!isObject(p.info)) {
        // The oldest rollouts put one response's usage on the payload itself, with no cumulative total.
        const t = 'input_tokens' in p ? totalsOf(p) : undefined;
        if (!t || isZero(t)) return undefined;
        return usageFrom(state, t, ts, `codex:${threadOf(state)}:${ts}:${t.input}:${t.output}`);
      }
      const delta = deltaOf(state, p.info);
      const covered = state.covered;
      state.covered = undefined;
      if (!delta) return undefined;
      const rest = covered ? minus(delta, covered) : delta;
      if (isZero(rest) || (rest.input === 0 && rest.output === 0)) return undefined;
      const t = state.prev ?? rest;
      const key = `codex:${threadOf(state)}:${t.total}:${t.input}:${t.cached}:${t.output}:${t.reasoning}`;
      return usageFrom(state, rest, ts, key);
    }
    default:
      return undefined;
  }
}

/** A turn minted after this thread began is the thread's own, so a replayed history has ended. */
function backToOwn(state: CodexState, turnId: unknown): void {
  if (state.activeId === state.ownId || state.ownStartMs === undefined) return;
  const ms = uuidV7Ms(turnId);
  if (ms !== undefined && ms >= state.ownStartMs) state.activeId = state.ownId;
}

/** Parses a whole rollout (tests and one-shot use). */
export function parseCodexLines(lines: Iterable<string>, fileName?: string, state = initialCodexState(fileName)): ParsedUsage[] {
  const out: ParsedUsage[] = [];
  for (const line of lines) {
    const u = parseCodexLine(state, line);
    if (u) out.push(u);
  }
  return out;
}
