/**
 * Chat Completions streams report usage only when the request sets `stream_options.include_usage`.
 * Without it a metered chat stream would cost money and record nothing, so the meter asks for usage
 * itself when the client did not, and removes the extra usage-only chunk from what the client sees,
 * so a client that indexes `choices[0]` on every chunk does not trip on it. The other chunks then
 * carry `"usage":null`, exactly as OpenAI sends them to clients that ask; they are not rewritten.
 */
import { SseDecoder, type SseEvent } from './sse.js';
import { isUsageOnlyChunk, type ChatStreamParser } from './parsers/openai-chat.js';
import { isObject, parseJson } from './parsers/types.js';

/** Request bodies larger than this are forwarded unmodified (and so may go unmetered). */
export const INJECT_LIMIT = 32 * 1024 * 1024;

/**
 * The request body with `stream_options.include_usage: true` added, or undefined when the body is not
 * a streaming chat request that lacks it, or cannot be changed safely.
 */
export function injectIncludeUsage(body: Buffer): Buffer | undefined {
  if (body.length > INJECT_LIMIT) return undefined;
  const text = body.toString('utf8');
  const req = parseJson(text);
  if (!isObject(req) || req.stream !== true) return undefined;
  const so = req.stream_options;
  if (isObject(so) && so.include_usage === true) return undefined;
  if (!('stream_options' in req)) {
    // Append the member before the closing brace: every byte the client wrote stays as it was.
    const close = text.lastIndexOf('}');
    return Buffer.from(`${text.slice(0, close)},"stream_options":{"include_usage":true}${text.slice(close)}`);
  }
  // The client set stream_options without include_usage: re-serialise, unless a long integer (a seed,
  // say) could lose precision in a JS number.
  if (/\d{16,}/.test(text)) return undefined;
  req.stream_options = { ...(isObject(so) ? so : {}), include_usage: true };
  return Buffer.from(JSON.stringify(req));
}

/**
 * Filters a chat event stream: every byte passes except the events that are usage-only chunks, which
 * go to the parser but not to the client. Bytes of an event are held until the event is complete
 * (a client cannot act on half an event anyway); keep-alive comments and complete events are released
 * as soon as they arrive.
 */
export class UsageChunkStripper {
  private readonly sse: SseDecoder;
  private held: Buffer[] = [];
  private heldStart = 0;
  private eventStart = 0;
  private drops: Array<[number, number]> = [];
  private releasable = 0;

  constructor(readonly parser: ChatStreamParser) {
    this.sse = new SseDecoder((ev) => this.onEvent(ev), { onIdle: (end) => this.onIdle(end) });
  }

  /** Feed upstream bytes; returns the bytes to send on to the client now (possibly none). */
  push(chunk: Uint8Array): Buffer[] {
    this.held.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    this.sse.push(chunk);
    return this.release(this.releasable);
  }

  /** The upstream body ended: returns whatever is left to send. */
  end(): Buffer[] {
    this.sse.end();
    const total = this.heldStart + this.held.reduce((n, b) => n + b.length, 0);
    return this.release(total);
  }

  private onEvent(ev: SseEvent): void {
    this.parser.onEvent(ev);
    if (isUsageOnlyChunk(ev.data)) this.drops.push([this.eventStart, ev.end]);
  }

  /** Nothing is pending before `end` (an event ended, or a keep-alive comment): it can go out. */
  private onIdle(end: number): void {
    this.eventStart = end;
    this.releasable = end;
  }

  private release(upTo: number): Buffer[] {
    if (upTo <= this.heldStart) return [];
    const all = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    const out: Buffer[] = [];
    let from = this.heldStart;
    for (const [a, b] of this.drops) {
      if (a > from) out.push(all.subarray(from - this.heldStart, a - this.heldStart));
      from = Math.max(from, b);
    }
    if (upTo > from) out.push(all.subarray(from - this.heldStart, upTo - this.heldStart));
    this.drops = [];
    const rest = all.subarray(upTo - this.heldStart);
    this.held = rest.length > 0 ? [rest] : [];
    this.heldStart = upTo;
    return out;
  }
}
