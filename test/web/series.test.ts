import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger, type UsageRecord } from '../../src/ledger/ledger.js';
import { usageSeries } from '../../src/web/server/series.js';

// The chart's data against the report `ringlet usage --by-day --json` prints, on a real SQLite ledger.

let ledger: Ledger;
const DAY = 86_400_000;
const base = Date.parse('2026-10-01T12:00:00Z');

beforeAll(async () => {
  ledger = await openLedger(':memory:');
  const rows: UsageRecord[] = [];
  const profiles = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', null];
  for (let d = 0; d < 20; d++) {
    profiles.forEach((p, i) => {
      if ((d + i) % 3 === 0) return;
      rows.push({
        ts: new Date(base + d * DAY + i * 1000).toISOString(), profile: p, agent: i % 2 ? 'codex' : 'claude', provider: i % 2 ? 'openai' : 'anthropic',
        model: i === 4 ? 'no-price-model' : i % 2 ? 'gpt-5-codex' : 'claude-sonnet-4-5', inputTokens: 100, outputTokens: 10, cacheWriteTokens: 0, cacheWrite1hTokens: 0,
        cacheReadTokens: 0, reasoningTokens: 0, costUsd: i === 4 ? null : 0.01 * (i + 1) * (1 + (d % 4)), source: 'meter', messageId: `s-${d}-${i}`,
      });
    });
  }
  ledger.insertMany(rows);
});
afterAll(() => ledger.close());

describe('usage series', () => {
  it('gives each layer exactly the per-day report for that key, and the rest as (other)', () => {
    const filter = { since: '2026-10-03', until: '2026-10-15' };
    const s = usageSeries(ledger, filter, 'profile');
    expect(s.days[0]).toBe('2026-10-03');
    expect(s.days).toHaveLength(13);
    expect(s.series).toHaveLength(8);
    expect(s.series[7].label).toBe('(other)');
    const total = ledger.query(filter, 'day');
    for (const layer of s.series.slice(0, 7)) {
      const report = ledger.query({ ...filter, profile: layer.key! }, 'day');
      for (const g of report.groups) {
        const i = s.days.indexOf(g.day!);
        expect(layer.costUsd[i]).toBe(g.costUsd);
        expect(layer.requests[i]).toBe(g.requests);
      }
    }
    // Layers add up to the day's total; the biggest spender sits at the bottom.
    for (const g of total.groups) {
      const i = s.days.indexOf(g.day!);
      expect(s.series.reduce((n, l) => n + l.requests[i], 0)).toBe(g.requests);
      expect(s.series.reduce((n, l) => n + l.costUsd[i], 0)).toBeCloseTo(g.costUsd, 9);
      expect(s.total.costUsd[i]).toBe(g.costUsd);
    }
    const sums = s.series.slice(0, 7).map((l) => l.costUsd.reduce((a, b) => a + b, 0));
    expect([...sums].sort((a, b) => b - a)).toEqual(sums);
  });

  it('labels usage of no profile (none) when every profile has its own layer, and counts unpriced requests', () => {
    const s = usageSeries(ledger, { profile: undefined }, 'profile', {}, 20);
    expect(s.series.map((l) => l.label)).toContain('(none)');
    expect(s.series.find((l) => l.key === 'p5')!.unpricedRequests.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // No range given: from the first day with usage to today, one entry per day.
    expect(s.days[0]).toBe('2026-10-01');
    expect(s.days.at(-1)).toBe(new Date().toISOString().slice(0, 10));
  });

  it('stacks by model, provider or agent with the same totals', () => {
    const filter = { since: '2026-10-01', until: '2026-10-20' };
    const total = ledger.query(filter, 'profile').total;
    for (const by of ['model', 'provider', 'agent'] as const) {
      const s = usageSeries(ledger, filter, by);
      const keys = s.series.map((l) => l.key);
      if (by === 'provider') expect(keys.sort()).toEqual(['anthropic', 'openai']);
      if (by === 'agent') expect(keys.sort()).toEqual(['claude', 'codex']);
      if (by === 'model') expect(keys).toContain('no-price-model');
      expect(s.series.reduce((n, l) => n + l.requests.reduce((a, b) => a + b, 0), 0)).toBe(total.requests);
    }
  });
});
