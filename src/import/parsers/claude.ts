/**
 * Claude Code transcripts: `<config dir>/projects/<cwd slug>/<session>.jsonl` (and subagent files below it).
 * Only `type: "assistant"` lines carry usage, in `message.usage` (Anthropic Messages API terms, so input
 * already excludes cache reads and writes).
 *
 * Traps this handles, each seen in real logs:
 * - One response is written as one line per content block (thinking, text, tool_use…); every line repeats
 *   `message.id`, `requestId` and the usage. Older Claude Code versions wrote these while streaming, so the
 *   earlier lines carry a partial `output_tokens` and `stop_reason: null`. Count the response once, keeping
 *   the fullest line.
 * - `requestId` is missing on some lines (proxies, subagents): the key is `message.id` alone, which the API
 *   guarantees unique per response and which is also what the meter records, so meter and import meet.
 * - Resumed, forked and sidechain transcripts replay earlier lines with the same ids: the ledger's unique
 *   message id turns those into duplicates.
 */
import { isObject, isoTime, num, parseJsonLine, type ParsedUsage } from './types.js';

export interface ClaudeEntry {
  /** The ledger key: the provider's message id when there is one. */
  key: string;
  usage: ParsedUsage;
  /** The line carries a stop reason: the response was complete when it was written. */
  complete: boolean;
}

/** Claude Code writes these for errors and interruptions; they never reached a model. */
const SYNTHETIC_MODEL = '<synthetic>';

/** Provider from the message id prefix: Bedrock and Vertex mint their own. */
function providerOf(messageId: string | undefined): string {
  if (messageId?.startsWith('msg_bdrk_')) return 'bedrock';
  if (messageId?.startsWith('msg_vrtx_')) return 'vertex';
  return 'anthropic';
}

/** Reads one transcript line; undefined unless it is an assistant response with usage. */
export function parseClaudeLine(line: string): ClaudeEntry | undefined {
  const d = parseJsonLine(line);
  if (!d || d.type !== 'assistant') return undefined;
  return claudeEntryFrom(d);
}

/** The same, for an already parsed line. */
export function claudeEntryFrom(d: Record<string, any>): ClaudeEntry | undefined {
  const m = d.message;
  if (!isObject(m) || !isObject(m.usage)) return undefined;
  const model = typeof m.model === 'string' && m.model ? m.model : 'unknown';
  if (model === SYNTHETIC_MODEL) return undefined;
  const messageId = typeof m.id === 'string' && m.id ? m.id : undefined;
  const requestId = typeof d.requestId === 'string' && d.requestId ? d.requestId : undefined;
  const key = messageId ?? (requestId ? `claude:req:${requestId}` : typeof d.uuid === 'string' ? `claude:line:${d.uuid}` : undefined);
  if (!key) return undefined;
  const ts = isoTime(d.timestamp);
  if (!ts) return undefined;

  const u = m.usage;
  const cc = isObject(u.cache_creation) ? u.cache_creation : undefined;
  const split5m = num(cc?.ephemeral_5m_input_tokens);
  const split1h = num(cc?.ephemeral_1h_input_tokens);
  // The total is authoritative; the 5m/1h split only says which part is billed at the 1-hour rate.
  const cacheWrite = typeof u.cache_creation_input_tokens === 'number' ? num(u.cache_creation_input_tokens) : split5m + split1h;
  const details = isObject(u.output_tokens_details) ? u.output_tokens_details : undefined;
  return {
    key,
    complete: m.stop_reason !== null && m.stop_reason !== undefined,
    usage: {
      ts,
      agent: 'claude',
      provider: providerOf(messageId),
      model,
      inputTokens: num(u.input_tokens),
      outputTokens: num(u.output_tokens),
      cacheWriteTokens: cacheWrite,
      cacheWrite1hTokens: Math.min(split1h, cacheWrite),
      cacheReadTokens: num(u.cache_read_input_tokens),
      // Anthropic counts thinking inside output_tokens; newer logs state the part.
      reasoningTokens: num(details?.thinking_tokens),
      messageId: key,
    },
  };
}

/** Of two lines of one response, the one to keep: more output wins, then a complete line, then the later one. */
export function fuller(a: ClaudeEntry, b: ClaudeEntry): ClaudeEntry {
  if (b.usage.outputTokens !== a.usage.outputTokens) return b.usage.outputTokens > a.usage.outputTokens ? b : a;
  if (a.complete !== b.complete) return b.complete ? b : a;
  // Input-side counts are fixed for a response, but take the larger if a writer disagreed with itself.
  const sumIn = (e: ClaudeEntry) => e.usage.inputTokens + e.usage.cacheReadTokens + e.usage.cacheWriteTokens;
  return sumIn(b) >= sumIn(a) ? b : a;
}

/** Parses many lines and counts each response once (fullest line). Order of first appearance is kept. */
export function parseClaudeLines(lines: Iterable<string>): ClaudeEntry[] {
  const byKey = new Map<string, ClaudeEntry>();
  for (const line of lines) {
    const e = parseClaudeLine(line);
    if (!e) continue;
    const prev = byKey.get(e.key);
    byKey.set(e.key, prev ? fuller(prev, e) : e);
  }
  return [...byKey.values()];
}
