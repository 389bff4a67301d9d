import type { TokenCounts } from '../ledger/types.js';
import type { PriceOverride } from '../config/config.js';

/**
 * The date the shipped table was last checked against the providers' published prices.
 * Sources: Anthropic platform.claude.com pricing + model overview pages; OpenAI developers.openai.com model
 * pages and pricing page (via GitHub docs' Copilot price table and dated reviews); MiniMax pay-as-you-go
 * pricing (via LiteLLM / promptfoo docs); Groq models page (as cited in braintrust-proxy issues);
 * docs.x.ai model pages. Models whose price could not be confirmed are left out on purpose: their usage is
 * recorded with tokens and no cost, and flagged, until the user sets `[prices."model"]` in config.toml.
 */
export const PRICES_AS_OF = '2026-11-10';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  /** 5-minute cache write (Anthropic); providers without a write surcharge use the input price. */
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface PriceEntry extends Price {
  /**
   * Long-prompt tier: when one request's prompt (input + cache reads + cache writes) exceeds `threshold`
   * tokens, every token of that request bills at these rates (fields left out keep the base rate).
   */
  longContext?: { threshold: number } & Partial<Price>;
}

export interface ModelPrice extends PriceEntry {
  /** The table or config key that matched. */
  key: string;
  source: 'table' | 'override';
}

const M = (input: number, output: number, cacheWrite: number, cacheWrite1h: number, cacheRead: number): PriceEntry => ({
  input, output, cacheWrite, cacheWrite1h, cacheRead,
});
/** Providers that bill no cache-write surcharge (OpenAI, xAI, Groq): writes cost plain input. */
const O = (input: number, output: number, cacheRead: number): PriceEntry => M(input, output, input, input, cacheRead);
const withLong = (p: PriceEntry, long: NonNullable<PriceEntry['longContext']>): PriceEntry => ({ ...p, longContext: long });

// Anthropic's standard multipliers: 5m write 1.25x input, 1h write 2x, cache hit 0.1x.
const OPUS_OLD = M(15, 75, 18.75, 30, 1.5);
const OPUS_NEW = M(5, 25, 6.25, 10, 0.5);
const SONNET = M(3, 15, 3.75, 6, 0.3);
// Sonnet 4 / 4.5: prompts over 200K (the 1M-context beta) bill at $6 / $22.50 with caching scaled alike.
const SONNET_LONG = withLong(SONNET, { threshold: 200_000, input: 6, output: 22.5, cacheWrite: 7.5, cacheWrite1h: 12, cacheRead: 0.6 });

/**
 * Keys are normalised names (see normaliseModel): lower case, no date suffix, no provider prefix,
 * dots in Claude / Grok version numbers written as dashes.
 */
const TABLE: Record<string, PriceEntry> = {
  // ── Anthropic ──────────────────────────────────────────────────────────────
  'claude-opus-5-5': M(4, 20, 5, 8, 0.2),
  'claude-opus-5': OPUS_NEW,
  'claude-opus-4-8': OPUS_NEW,
  'claude-opus-4-7': OPUS_NEW,
  'claude-opus-4-6': OPUS_NEW,
  'claude-opus-4-5': OPUS_NEW,
  'claude-opus-4-1': OPUS_OLD,
  'claude-opus-4': OPUS_OLD,
  'claude-opus-4-0': OPUS_OLD,
  // Sonnet 5.5: cache hits cut from $0.20 to $0.10 on 2026-10-07.
  'claude-sonnet-5-5': M(2, 10, 2.5, 4, 0.1),
  'claude-sonnet-5': M(2, 10, 2.5, 4, 0.2),
  // 4.6 and later: 1M context at flat rates (no long-context premium).
  'claude-sonnet-4-6': SONNET,
  'claude-sonnet-4-5': SONNET_LONG,
  'claude-sonnet-4': SONNET_LONG,
  'claude-sonnet-4-0': SONNET_LONG,
  'claude-3-7-sonnet': SONNET,
  'claude-3-5-sonnet': SONNET,
  // Haiku 5.5: prompts over 100K bill at 5x on every token of the request.
  'claude-haiku-5-5': withLong(M(0.1, 0.5, 0.125, 0.2, 0.01), { threshold: 100_000, input: 0.5, output: 2.5, cacheWrite: 0.625, cacheWrite1h: 1, cacheRead: 0.05 }),
  'claude-haiku-4-5': M(1, 5, 1.25, 2, 0.1),
  'claude-3-5-haiku': M(0.8, 4, 1, 1.6, 0.08),
  'claude-3-haiku': M(0.25, 1.25, 0.3, 0.5, 0.03),
  'claude-3-opus': OPUS_OLD,

  // ── OpenAI (cached input is the cache-read rate; no cache-write surcharge) ──
  'gpt-5.5': O(5, 30, 0.5),
  'gpt-5.5-pro': O(30, 180, 30),
  'gpt-5.4': O(2.5, 15, 0.25),
  'gpt-5.4-mini': O(0.75, 4.5, 0.075),
  'gpt-5.4-nano': O(0.2, 1.25, 0.02),
  'gpt-5.4-pro': O(30, 180, 30),
  'gpt-5.3-codex': O(1.75, 14, 0.175),
  'gpt-5.2': O(1.75, 14, 0.175),
  'gpt-5.2-codex': O(1.75, 14, 0.175),
  'gpt-5.1': O(1.25, 10, 0.125),
  'gpt-5.1-codex': O(1.25, 10, 0.125),
  'gpt-5.1-codex-max': O(1.25, 10, 0.125),
  'gpt-5.1-codex-mini': O(0.25, 2, 0.025),
  'gpt-5': O(1.25, 10, 0.125),
  'gpt-5-codex': O(1.25, 10, 0.125),
  'gpt-5-mini': O(0.25, 2, 0.025),
  'gpt-5-nano': O(0.05, 0.4, 0.005),
  'gpt-5-pro': O(15, 120, 15),
  'gpt-4.1': O(2, 8, 0.5),
  'gpt-4.1-mini': O(0.4, 1.6, 0.1),
  'gpt-4.1-nano': O(0.1, 0.4, 0.025),
  'gpt-4o': O(2.5, 10, 1.25),
  'gpt-4o-mini': O(0.15, 0.6, 0.075),
  'o3': O(2, 8, 0.5),
  'o3-pro': O(20, 80, 20),
  'o3-mini': O(1.1, 4.4, 0.55),
  'o4-mini': O(1.1, 4.4, 0.275),
  // codex-mini-latest
  'codex-mini': O(1.5, 6, 0.375),

  // ── MiniMax (Anthropic-style cache writes at $0.375) ───────────────────────
  'minimax-m2': M(0.3, 1.2, 0.375, 0.375, 0.03),
  'minimax-m2.5': M(0.3, 1.2, 0.375, 0.375, 0.03),
  'minimax-m2.5-lightning': M(0.3, 2.4, 0.375, 0.375, 0.03),
  'minimax-m2.7': M(0.3, 1.2, 0.375, 0.375, 0.06),
  'minimax-m2.7-highspeed': M(0.6, 2.4, 0.375, 0.375, 0.06),

  // ── xAI ────────────────────────────────────────────────────────────────────
  'grok-4-7': withLong(O(2, 6, 0.5), { threshold: 200_000, input: 4, output: 12, cacheRead: 1 }),
  // Grok 4: prompts over 128K bill input/output at 2x (the long-prompt cache-read rate is unpublished: base kept).
  'grok-4': withLong(O(3, 15, 0.75), { threshold: 128_000, input: 6, output: 30 }),
  'grok-4-0709': withLong(O(3, 15, 0.75), { threshold: 128_000, input: 6, output: 30 }),
  'grok-4-fast': withLong(O(0.2, 0.5, 0.05), { threshold: 128_000, input: 0.4, output: 1 }),
  'grok-4-fast-reasoning': withLong(O(0.2, 0.5, 0.05), { threshold: 128_000, input: 0.4, output: 1 }),
  'grok-4-fast-non-reasoning': withLong(O(0.2, 0.5, 0.05), { threshold: 128_000, input: 0.4, output: 1 }),
  'grok-4-1-fast': withLong(O(0.2, 0.5, 0.05), { threshold: 128_000, input: 0.4, output: 1 }),
  'grok-4-1-fast-reasoning': withLong(O(0.2, 0.5, 0.05), { threshold: 128_000, input: 0.4, output: 1 }),
  'grok-4-1-fast-non-reasoning': withLong(O(0.2, 0.5, 0.05), { threshold: 128_000, input: 0.4, output: 1 }),
  'grok-code-fast-1': O(0.2, 1.5, 0.02),
  'grok-3': O(3, 15, 0.75),
  'grok-3-mini': O(0.3, 0.5, 0.075),

  // ── Groq: names only Groq uses ─────────────────────────────────────────────
  'llama-3.3-70b-versatile': O(0.59, 0.79, 0.59),
  'llama-3.1-8b-instant': O(0.05, 0.08, 0.05),
};

/**
 * Prices that depend on the host: open-weight models that several providers serve at different rates.
 * Looked up as `<provider>:<model>` only when the caller names the provider.
 */
const HOSTED: Record<string, PriceEntry> = {
  'groq:openai/gpt-oss-120b': O(0.15, 0.6, 0.075),
  'groq:openai/gpt-oss-20b': O(0.075, 0.3, 0.0375),
  'groq:meta-llama/llama-4-scout-17b-16e-instruct': O(0.11, 0.34, 0.11),
  'groq:qwen/qwen3-32b': O(0.29, 0.59, 0.29),
  'groq:llama-3.3-70b-versatile': O(0.59, 0.79, 0.59),
  'groq:llama-3.1-8b-instant': O(0.05, 0.08, 0.05),
};

// Vendor prefixes whose models are billed at the vendor's own price wherever they are routed
// (OpenRouter passes first-party prices through). Other prefixes are kept, so a host's open-weight
// model never borrows another host's price.
const VENDOR_PREFIX = /^(?:openrouter|anthropic|openai|x-ai|xai|minimax|minimaxai)\//;
// Bedrock: `us.anthropic.claude-…-v1:0`, `anthropic.claude-…`; cross-region inference profiles.
const BEDROCK_PREFIX = /^(?:(?:us|eu|apac|au|jp|ca|us-gov|global)\.)?(?:anthropic|openai|xai)\./;

/**
 * Reduces a model id to the table's form: lower case, without provider prefixes (`anthropic/`,
 * `openrouter/openai/`, Bedrock `us.anthropic.`), version suffixes (`-v1:0`), date suffixes
 * (`-20250929`, `-2025-08-07`, Vertex `@20250929`), `-latest`, and Claude Code's `[1m]` marker;
 * `claude-sonnet-4.5` (OpenRouter's spelling) becomes `claude-sonnet-4-5`.
 */
export function normaliseModel(model: string): string {
  let m = model.trim().toLowerCase();
  m = m.replace(BEDROCK_PREFIX, '');
  for (let prev = ''; prev !== m; ) {
    prev = m;
    m = m.replace(VENDOR_PREFIX, '');
  }
  m = m
    .replace(/\[[^\]]*\]$/, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@(?:\d{8}|latest|default)$/, '')
    .replace(/-\d{8}$/, '')
    .replace(/-\d{4}-\d{2}-\d{2}$/, '')
    .replace(/-latest$/, '');
  if (/^(?:claude|grok)-/.test(m)) m = m.replace(/(\d)\.(\d)/g, '$1-$2');
  return m;
}

type Overrides = Record<string, PriceOverride>;
const overrideIndex = new WeakMap<Overrides, Map<string, string>>();

/** Finds the config key for a model: exact, then case-insensitive, then by normalised name. */
function findOverride(model: string, overrides: Overrides): string | undefined {
  if (Object.hasOwn(overrides, model)) return model;
  let index = overrideIndex.get(overrides);
  if (!index) {
    index = new Map();
    for (const key of Object.keys(overrides)) {
      if (!index.has(key.toLowerCase())) index.set(key.toLowerCase(), key);
    }
    for (const key of Object.keys(overrides)) {
      const n = `norm:${normaliseModel(key)}`;
      if (!index.has(n)) index.set(n, key);
    }
    overrideIndex.set(overrides, index);
  }
  return index.get(model.toLowerCase()) ?? index.get(`norm:${normaliseModel(model)}`);
}

function tableLookup(model: string, provider?: string): { key: string; entry: PriceEntry } | undefined {
  const lower = model.trim().toLowerCase();
  if (provider) {
    const hosted = `${provider.toLowerCase()}:${lower}`;
    if (Object.hasOwn(HOSTED, hosted)) return { key: hosted, entry: HOSTED[hosted] };
  }
  if (Object.hasOwn(TABLE, lower)) return { key: lower, entry: TABLE[lower] };
  const norm = normaliseModel(model);
  if (Object.hasOwn(TABLE, norm)) return { key: norm, entry: TABLE[norm] };
  return undefined;
}

/**
 * The price of a model: a config override (exact name, then normalised), else the shipped table (exact
 * name, then normalised; with `provider`, host-specific prices first). undefined when unknown.
 *
 * An override replaces the table's fields it names and drops the long-prompt tier. For a model the table
 * does not know, an override needs `input` and `output`; missing cache rates default to the input rate
 * (what those tokens would cost uncached), `cache-write-1h` to `cache-write`.
 */
export function priceFor(model: string, overrides?: Overrides, provider?: string): ModelPrice | undefined {
  const base = tableLookup(model, provider);
  const okey = overrides ? findOverride(model, overrides) : undefined;
  if (okey !== undefined) {
    const o = overrides![okey];
    const input = o.input ?? base?.entry.input;
    const output = o.output ?? base?.entry.output;
    if (input !== undefined && output !== undefined) {
      const cacheWrite = o['cache-write'] ?? base?.entry.cacheWrite ?? input;
      return {
        key: okey,
        source: 'override',
        input,
        output,
        cacheWrite,
        cacheWrite1h: o['cache-write-1h'] ?? base?.entry.cacheWrite1h ?? cacheWrite,
        cacheRead: o['cache-read'] ?? base?.entry.cacheRead ?? input,
      };
    }
  }
  return base ? { ...base.entry, key: base.key, source: 'table' } : undefined;
}

type Counts = Pick<TokenCounts, 'inputTokens' | 'outputTokens' | 'cacheWriteTokens' | 'cacheWrite1hTokens' | 'cacheReadTokens'>;

/** USD for token counts at a price; `aggregate` skips the long-prompt tier (sums of many requests). */
export function priceCounts(p: PriceEntry, c: Counts, aggregate = false): number {
  let rate: Price = p;
  if (!aggregate && p.longContext) {
    const prompt = c.inputTokens + c.cacheReadTokens + c.cacheWriteTokens;
    if (prompt > p.longContext.threshold) rate = { ...p, ...p.longContext };
  }
  const w1h = Math.min(c.cacheWrite1hTokens, c.cacheWriteTokens);
  const w5m = c.cacheWriteTokens - w1h;
  return (
    c.inputTokens * rate.input +
    c.outputTokens * rate.output +
    w5m * rate.cacheWrite +
    w1h * rate.cacheWrite1h +
    c.cacheReadTokens * rate.cacheRead
  ) / 1e6;
}

/**
 * USD cost of one response, or null when the model's price is unknown (never guessed).
 * Reasoning tokens are part of outputTokens and not billed twice.
 */
export function costOf(model: string, counts: TokenCounts, overrides?: Overrides, provider?: string): number | null {
  const p = priceFor(model, overrides, provider);
  return p ? priceCounts(p, counts) : null;
}

/** Every shipped price, for `ringlet usage --help`-style listings and tests. */
export function priceTable(): Readonly<Record<string, PriceEntry>> {
  return { ...TABLE, ...HOSTED };
}
