import { SseDecoder, type SseDecoderOptions, type SseEvent } from '../sse.js';
import type { ParsedUsage, UsageParser } from './types.js';

/** Shared plumbing of the SSE usage parsers: bytes -> events -> onEvent. */
export abstract class SseUsageParser implements UsageParser {
  complete = false;
  private readonly sse: SseDecoder;

  constructor(opts?: SseDecoderOptions) {
    this.sse = new SseDecoder((ev) => this.onEvent(ev), opts);
  }

  push(chunk: Uint8Array): void {
    this.sse.push(chunk);
  }

  end(): void {
    this.sse.end();
  }

  /** One decoded event; public so a caller that decodes the stream itself (the chat stripper) can feed it. */
  abstract onEvent(ev: SseEvent): void;
  abstract result(): ParsedUsage | undefined;
}
