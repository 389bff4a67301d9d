/**
 * Incremental Server-Sent Events decoder (WHATWG "event stream interpretation") over raw bytes.
 *
 * It splits lines on bytes, not on decoded text: CR and LF never occur inside a UTF-8 sequence, so a
 * complete line is always complete UTF-8, and a chunk boundary inside a multi-byte character or
 * between CR and LF needs no special care beyond remembering a trailing CR.
 */

export interface SseEvent {
  /** The `event:` field, '' when the event had none (the spec's default type "message"). */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** Byte offset in the whole stream just past the line break that ended this event. */
  end: number;
}

export interface SseDecoderOptions {
  /**
   * Return true for event names whose data the caller does not need: their data lines are not decoded
   * and the event is not emitted. Works when `event:` precedes `data:`, as every provider writes it.
   */
  skip?: (event: string) => boolean;
  /**
   * Called after each complete line when no event is in progress (after an event, a blank line or a
   * comment outside an event), with the stream offset past that line: everything before it is settled.
   */
  onIdle?: (end: number) => void;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

export class SseDecoder {
  private parts: Buffer[] = [];
  private afterCR = false;
  private pos = 0;
  private firstLine = true;
  private event = '';
  private data: string[] = [];
  private skipping = false;

  constructor(
    private readonly onEvent: (ev: SseEvent) => void,
    private readonly opts: SseDecoderOptions = {},
  ) {}

  /** Feed the next chunk of bytes, any size, split anywhere. */
  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const base = this.pos;
    this.pos += buf.length;
    let i = 0;
    if (this.afterCR) {
      // The CR that ended the previous chunk already ended its line; an LF right after it is the same break.
      this.afterCR = false;
      if (buf.length > 0 && buf[0] === LF) i = 1;
    }
    // Cached positions of the next CR and LF, so each byte is scanned by native indexOf once.
    let nextLF = buf.indexOf(LF, i);
    let nextCR = buf.indexOf(CR, i);
    while (i < buf.length) {
      if (nextLF !== -1 && nextLF < i) nextLF = buf.indexOf(LF, i);
      if (nextCR !== -1 && nextCR < i) nextCR = buf.indexOf(CR, i);
      const brk = nextCR === -1 ? nextLF : nextLF === -1 ? nextCR : Math.min(nextCR, nextLF);
      if (brk === -1) {
        this.parts.push(buf.subarray(i));
        return;
      }
      let next = brk + 1;
      if (buf[brk] === CR) {
        if (next < buf.length) {
          if (buf[next] === LF) next++;
        } else {
          this.afterCR = true;
        }
      }
      if (this.parts.length === 0) this.line(buf, i, brk, base + next);
      else {
        this.parts.push(buf.subarray(i, brk));
        const line = Buffer.concat(this.parts);
        this.parts = [];
        this.line(line, 0, line.length, base + next);
      }
      i = next;
    }
  }

  /**
   * The stream ended. A last event without its closing blank line is still emitted (the spec drops it;
   * for metering, complete JSON in an unterminated final event is worth reading).
   */
  end(): void {
    if (this.parts.length > 0) {
      const line = Buffer.concat(this.parts);
      this.parts = [];
      this.line(line, 0, line.length, this.pos);
    }
    this.dispatch(this.pos);
  }

  /** One line, buf[from, to), without its line break; `end` is the stream offset past the break. */
  private line(buf: Buffer, from: number, to: number, end: number): void {
    if (this.firstLine) {
      this.firstLine = false;
      if (to - from >= 3 && buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf) from += 3;
    }
    if (from === to) {
      this.dispatch(end);
      this.opts.onIdle?.(end);
      return;
    }
    const c = buf[from];
    if (c === COLON) {
      // comment / keep-alive
      if (this.opts.onIdle && this.data.length === 0 && this.event === '') this.opts.onIdle(end);
      return;
    }
    // Only `data` and `event` matter; id, retry and unknown fields are skipped without looking further.
    if (c === 0x64 /* d */ && isField(buf, from, to, 'data')) {
      if (!this.skipping) this.data.push(buf.toString('utf8', valueStart(buf, from + 4, to), to));
    } else if (c === 0x65 /* e */ && isField(buf, from, to, 'event')) {
      this.event = buf.toString('utf8', valueStart(buf, from + 5, to), to);
      this.skipping = this.opts.skip?.(this.event) ?? false;
      if (this.skipping) this.data = [];
    }
  }

  private dispatch(end: number): void {
    const { event, data, skipping } = this;
    this.event = '';
    this.data = [];
    this.skipping = false;
    if (skipping || data.length === 0) return;
    this.onEvent({ event, data: data.length === 1 ? data[0]! : data.join('\n'), end });
  }
}

/** The line is `name` alone or `name:` followed by a value. */
function isField(buf: Buffer, from: number, to: number, name: string): boolean {
  const n = name.length;
  if (to - from < n || (to - from > n && buf[from + n] !== COLON)) return false;
  for (let k = 1; k < n; k++) if (buf[from + k] !== name.charCodeAt(k)) return false;
  return true;
}

/** Where a field's value starts: after the colon and one optional space. */
function valueStart(buf: Buffer, afterName: number, to: number): number {
  let v = afterName < to ? afterName + 1 : to;
  if (v < to && buf[v] === SPACE) v++;
  return v;
}
