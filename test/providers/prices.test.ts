import { describe, expect, it } from 'vitest';
import { costOf, normaliseModel, priceFor, priceTable, PRICES_AS_OF } from '../../src/providers/prices.js';
import type { TokenCounts } from '../../src/ledger/types.js';

const counts = (c: Partial<TokenCounts>): TokenCounts => ({
  inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, reasoningTokens: 0, ...c,
});
const MILLION = 1_000_000;

describe('price table', () => {
  it('states its date and holds only complete, positive prices', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const table = priceTable();
    expect(Object.keys(table).length).toBeGreaterThan(40);
    for (const [key, p] of Object.entries(table)) {
      for (const f of ['input', 'output', 'cacheWrite', 'cacheWrite1h', 'cacheRead'] as const) {
        expect(p[f], `${key}.${f}`).toBeGreaterThan(0);
      }
      expect(p.cacheRead, `${key} cache read <= input`).toBeLessThanOrEqual(p.input);
      if (!key.includes(':')) expect(normaliseModel(key), `${key} is stored normalised`).toBe(key);
    }
  });
});

describe('priceFor / costOf', () => {
  it('matches exact names', () => {
    expect(priceFor('claude-sonnet-4-5')).toMatchObject({ key: 'claude-sonnet-4-5', source: 'table', input: 3, output: 15, cacheWrite: 3.75, cacheWrite1h: 6, cacheRead: 0.3 });
    expect(priceFor('gpt-5-codex')).toMatchObject({ input: 1.25, output: 10, cacheRead: 0.125 });
    expect(priceFor('codex-mini-latest')).toMatchObject({ key: 'codex-mini', input: 1.5 });
    expect(priceFor('MiniMax-M2')).toMatchObject({ key: 'minimax-m2', input: 0.3, output: 1.2 });
  });

  it('matches dated, prefixed, Bedrock and Vertex spellings of the same model', () => {
    for (const name of [
      'claude-sonnet-4-5-20250929',
      'anthropic/claude-sonnet-4.5',
      'openrouter/anthropic/claude-sonnet-4.5',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5@20250929',
      'claude-sonnet-4-5[1m]',
      'Claude-Sonnet-4-5',
    ]) expect(priceFor(name)?.key, name).toBe('claude-sonnet-4-5');
    expect(priceFor('claude-3-5-haiku-20241022')?.key).toBe('claude-3-5-haiku');
    expect(priceFor('claude-3-7-sonnet-latest')?.key).toBe('claude-3-7-sonnet');
    expect(priceFor('gpt-4o-2024-08-06')?.key).toBe('gpt-4o');
    expect(priceFor('openai/gpt-5.1-codex')?.key).toBe('gpt-5.1-codex');
    expect(priceFor('o3-2025-04-16')?.key).toBe('o3');
    expect(priceFor('x-ai/grok-4.1-fast')?.key).toBe('grok-4-1-fast');
    expect(priceFor('grok-4.7')?.key).toBe('grok-4-7');
    expect(priceFor('minimax/minimax-m2.5')?.key).toBe('minimax-m2.5');
  });

  it('returns null for unknown models instead of guessing', () => {
    for (const name of ['<synthetic>', 'claude-sonnet-9', 'gpt-5-turbo-ultra', 'meta-llama/llama-3.3-70b-instruct', 'openai/gpt-oss-120b', 'my-local-model']) {
      expect(priceFor(name), name).toBeUndefined();
      expect(costOf(name, counts({ inputTokens: 1000 })), name).toBeNull();
    }
  });

  it('prices host-specific models only when the host is named', () => {
    expect(costOf('openai/gpt-oss-120b', counts({ inputTokens: MILLION, outputTokens: MILLION }))).toBeNull();
    expect(costOf('openai/gpt-oss-120b', counts({ inputTokens: MILLION, outputTokens: MILLION }), undefined, 'groq')).toBeCloseTo(0.75, 12);
    expect(costOf('gpt-5', counts({ inputTokens: MILLION }), undefined, 'groq')).toBeCloseTo(1.25, 12);
  });

  it('charges each token kind at its rate, 1-hour cache writes at the 1h rate, reasoning inside output', () => {
    // Sonnet 4.5: 1000 in x 3 + 500 out x 15 + (800 - 300) x 3.75 + 300 x 6 + 10_000 x 0.3, per million
    const c = counts({ inputTokens: 1000, outputTokens: 500, cacheWriteTokens: 800, cacheWrite1hTokens: 300, cacheReadTokens: 10_000, reasoningTokens: 400 });
    expect(costOf('claude-sonnet-4-5', c)).toBeCloseTo((3000 + 7500 + 1875 + 1800 + 3000) / MILLION, 15);
    // OpenAI: cache writes are plain input, cached input at the cached rate
    expect(costOf('gpt-4.1', counts({ inputTokens: MILLION, cacheReadTokens: MILLION, outputTokens: MILLION }))).toBeCloseTo(2 + 0.5 + 8, 12);
  });

  it('bills a whole request at the long-prompt rate above the threshold', () => {
    const under = counts({ inputTokens: 100_000, cacheReadTokens: 100_000, outputTokens: 1000 });
    const over = counts({ inputTokens: 100_001, cacheReadTokens: 100_000, outputTokens: 1000 });
    expect(costOf('claude-sonnet-4-5', under)).toBeCloseTo((100_000 * 3 + 100_000 * 0.3 + 1000 * 15) / MILLION, 12);
    expect(costOf('claude-sonnet-4-5', over)).toBeCloseTo((100_001 * 6 + 100_000 * 0.6 + 1000 * 22.5) / MILLION, 12);
    // 4.6 has no premium
    expect(costOf('claude-sonnet-4-6', over)).toBeCloseTo((100_001 * 3 + 100_000 * 0.3 + 1000 * 15) / MILLION, 12);
  });

  it('applies config overrides: new models, partial overrides of known ones, normalised keys', () => {
    const overrides = {
      'my-local-model': { input: 0.5, output: 1 },
      'claude-sonnet-4-5': { output: 20 },
      'acme-model': { input: 2, output: 4, 'cache-read': 0.2, 'cache-write': 2.5 },
      'half-priced': { input: 1 },
    };
    expect(priceFor('my-local-model', overrides)).toMatchObject({ source: 'override', input: 0.5, output: 1, cacheWrite: 0.5, cacheWrite1h: 0.5, cacheRead: 0.5 });
    expect(costOf('my-local-model', counts({ inputTokens: MILLION, outputTokens: MILLION }), overrides)).toBeCloseTo(1.5, 12);
    // A partial override keeps the table's other rates, and drops the long-prompt tier.
    const s = priceFor('claude-sonnet-4-5-20250929', overrides);
    expect(s).toMatchObject({ key: 'claude-sonnet-4-5', source: 'override', input: 3, output: 20, cacheRead: 0.3 });
    expect(s?.longContext).toBeUndefined();
    // Keys match dated / prefixed names too.
    expect(priceFor('openrouter/acme-model-20260101', overrides)).toMatchObject({ key: 'acme-model' });
    expect(priceFor('together/acme-model', overrides)).toBeUndefined(); // a host prefix ringlet does not know is kept
    expect(priceFor('acme-model-20260101', overrides)).toMatchObject({ key: 'acme-model', cacheWrite: 2.5, cacheWrite1h: 2.5, cacheRead: 0.2 });
    // An override without input+output for a model the table lacks prices nothing.
    expect(costOf('half-priced', counts({ inputTokens: 5 }), overrides)).toBeNull();
    // Overrides never leak into other models.
    expect(priceFor('claude-sonnet-4-6', overrides)).toMatchObject({ source: 'table', output: 15 });
  });
});
