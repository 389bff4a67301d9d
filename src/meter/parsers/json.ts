/** Non-streaming JSON responses of every wire: buffer a copy of the body, read usage at the end. */
import { anthropicMessageUsage } from './anthropic.js';
import { chatCompletionUsage } from './openai-chat.js';
import { responseObjectUsage } from './openai-responses.js';
import { geminiResponseUsage } from './gemini.js';
import { parseJson, type ParsedUsage, type UsageParser } from './types.js';

/** Bodies past this size are forwarded but not parsed: no model response is that large. */
export const JSON_PARSE_LIMIT = 32 * 1024 * 1024;

/** Usage of a complete non-streaming body of any wire; undefined for anything else. */
export function usageFromJson(body: unknown): ParsedUsage | undefined {
  return anthropicMessageUsage(body) ?? responseObjectUsage(body) ?? chatCompletionUsage(body) ?? geminiResponseUsage(body);
}

export class JsonUsageParser implements UsageParser {
  complete = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private parsed: ParsedUsage | undefined;

  push(chunk: Uint8Array): void {
    if (this.size > JSON_PARSE_LIMIT) return;
    this.size += chunk.byteLength;
    if (this.size > JSON_PARSE_LIMIT) this.chunks = [];
    else this.chunks.push(Buffer.from(chunk)); // a copy: the caller may reuse its buffer
  }

  end(): void {
    if (this.complete || this.size > JSON_PARSE_LIMIT) return;
    this.parsed = usageFromJson(parseJson(Buffer.concat(this.chunks).toString('utf8')));
    this.chunks = [];
    this.complete = this.parsed !== undefined;
  }

  result(): ParsedUsage | undefined {
    return this.parsed;
  }
}
