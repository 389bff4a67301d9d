import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, type Sandbox } from '../support/env.js';
import { openLedger, type Ledger, type UsageRecord } from '../../src/ledger/ledger.js';
import { MIGRATIONS, openDatabase } from '../../src/ledger/db.js';
import { segmentsFor } from '../../src/ledger/query.js';
import { parseDay } from '../../src/ledger/days.js';
import { PRICES_AS_OF } from '../../src/providers/prices.js';

let sb: Sandbox;
let ledger: Ledger | undefined;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => {
  ledger?.close();
  ledger = undefined;
  sb.cleanup();
});

const file = () => join(sb.dir, 'ledger.db');

function rec(over: Partial<UsageRecord> & { messageId: string }): UsageRecord {
  return {
    ts: '2026-05-01T12:00:00.000Z',
    profile: 'work',
    agent: 'claude',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    source: 'meter',
    rule: null,
    ...over,
  };
}

describe('schema and migrations', () => {
  it('creates the schema in an empty file, in WAL mode, and re-opens without re-running steps', async () => {
    ledger = await openLedger(file());
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(ledger.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ledger.db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(10_000);
    const tables = (ledger.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['usage', 'usage_daily', 'import_files']));
    expect(ledger.insert(rec({ messageId: 'm1', inputTokens: 5 }))).toBe(true);
    ledger.close();

    ledger = await openLedger(file());
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect([...ledger.rows({})].map((r) => r.messageId)).toEqual(['m1']);
    expect(ledger.count()).toBe(1);
  });

  it('applies only the steps a file has not seen, keeping its rows', () => {
    const first = openDatabase(file(), MIGRATIONS);
    first.prepare("INSERT INTO usage (ts, agent, provider, model, source, message_id) VALUES (0, 'a', 'p', 'm', 'meter', 'keep')").run();
    first.close();

    const extra = 'CREATE TABLE later_step (x INTEGER);';
    const second = openDatabase(file(), [...MIGRATIONS, extra]);
    expect(second.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(second.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'later_step'").get()).toEqual({ n: 1 });
    expect(second.prepare('SELECT message_id FROM usage').all()).toEqual([{ message_id: 'keep' }]);
    second.close();

    // A third open with the same list changes nothing (a re-run of the CREATE would throw).
    const third = openDatabase(file(), [...MIGRATIONS, extra]);
    expect(third.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    third.close();
  });

  it('backfills the monthly rollup when an older ledger gains it (step 2)', async () => {
    const v1 = openDatabase(file(), MIGRATIONS.slice(0, 1));
    const ins = v1.prepare("INSERT INTO usage (ts, profile, agent, provider, model, input_tokens, cost_usd, source, message_id) VALUES (?, 'w', 'claude', 'anthropic', 'm', ?, ?, 'import', ?)");
    ins.run(Date.parse('2026-01-31T23:00:00Z'), 10, 0.5, 'x1');
    ins.run(Date.parse('2026-02-01T01:00:00Z'), 20, null, 'x2');
    ins.run(Date.parse('2026-02-20T01:00:00Z'), 30, 0.25, 'x3');
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    v1.close();

    ledger = await openLedger(file());
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(ledger.db.prepare('SELECT month, priced, requests, input_tokens AS input, cost_usd AS cost FROM usage_monthly ORDER BY month, priced').all()).toEqual([
      { month: '2026-01', priced: 1, requests: 1, input: 10, cost: 0.5 },
      { month: '2026-02', priced: 0, requests: 1, input: 20, cost: 0 },
      { month: '2026-02', priced: 1, requests: 1, input: 30, cost: 0.25 },
    ]);
    // Rows written after the upgrade reach both rollups.
    ledger.insert(rec({ messageId: 'x4', ts: '2026-02-21T00:00:00Z', profile: 'w', model: 'm', inputTokens: 40, costUsd: 1 }));
    expect(ledger.query({}, 'profile').total).toMatchObject({ requests: 4, inputTokens: 100, costUsd: 1.75, unpricedRequests: 1 });
    expect(ledger.query({ since: '2026-02-01' }, 'day').total).toMatchObject({ requests: 3, inputTokens: 90 });
  });

  it('creates the directory of the default path under RINGLET_HOME', async () => {
    const prev = process.env.RINGLET_HOME;
    process.env.RINGLET_HOME = sb.env.RINGLET_HOME;
    try {
      ledger = await openLedger();
      expect(ledger.file).toBe(join(sb.env.RINGLET_HOME!, 'ledger.db'));
      expect(existsSync(ledger.file)).toBe(true);
    } finally {
      process.env.RINGLET_HOME = prev;
    }
  });
});

describe('writes', () => {
  it('is idempotent on messageId: the first writer wins, later ones add nothing', async () => {
    ledger = await openLedger(file());
    expect(ledger.insert(rec({ messageId: 'msg_1', inputTokens: 100, source: 'meter', costUsd: 1 }))).toBe(true);
    expect(ledger.insert(rec({ messageId: 'msg_1', inputTokens: 999, source: 'import', costUsd: 9 }))).toBe(false);
    expect(ledger.insertMany([rec({ messageId: 'msg_1' }), rec({ messageId: 'msg_2' }), rec({ messageId: 'msg_2' })])).toBe(1);
    const rows = [...ledger.rows({})];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ messageId: 'msg_1', inputTokens: 100, source: 'meter', costUsd: 1 });
    const report = ledger.query({}, 'profile');
    expect(report.total.requests).toBe(2);
    expect(report.total.inputTokens).toBe(100);
  });

  it('round-trips every field', async () => {
    ledger = await openLedger(file());
    const r = rec({
      messageId: 'resp_x', ts: '2026-05-02T03:04:05.678Z', profile: null, agent: 'codex', provider: 'openai', model: 'gpt-5-codex',
      inputTokens: 1, outputTokens: 2, cacheWriteTokens: 3, cacheWrite1hTokens: 1, cacheReadTokens: 4, reasoningTokens: 5,
      costUsd: 0.125, source: 'import', rule: 'cheap-night',
    });
    ledger.insert(r);
    expect([...ledger.rows({})]).toEqual([r]);
  });

  it('refuses a record without a valid time or id', async () => {
    ledger = await openLedger(file());
    expect(() => ledger!.insert(rec({ messageId: 'a', ts: 'yesterday-ish' }))).toThrow(/invalid timestamp/);
    expect(() => ledger!.insert(rec({ messageId: '' }))).toThrow(/messageId/);
  });

  it('keeps file state, and rolls rows and state back together when the transaction fails', async () => {
    ledger = await openLedger(file());
    expect(ledger.getFileState('/logs/a.jsonl')).toBeUndefined();
    const st = { offset: 1234, size: 2000, mtimeMs: 1714557600123.5, ino: 98765, state: { pending: { id: 'm', n: [1, 2] } } };
    ledger.setFileState('/logs/a.jsonl', st);
    expect(ledger.getFileState('/logs/a.jsonl')).toEqual(st);
    ledger.setFileState('/logs/a.jsonl', { offset: 1, size: 1, mtimeMs: 1, ino: 1 });
    expect(ledger.getFileState('/logs/a.jsonl')).toEqual({ offset: 1, size: 1, mtimeMs: 1, ino: 1 });

    expect(() =>
      ledger!.transaction(() => {
        ledger!.insertMany([rec({ messageId: 't1' }), rec({ messageId: 't2' })]);
        ledger!.setFileState('/logs/a.jsonl', { offset: 99, size: 99, mtimeMs: 99, ino: 99 });
        throw new Error('parser blew up');
      }),
    ).toThrow('parser blew up');
    expect(ledger.count()).toBe(0);
    expect(ledger.getFileState('/logs/a.jsonl')?.offset).toBe(1);

    const added = ledger.transaction(() => {
      const n = ledger!.insertMany([rec({ messageId: 't1' }), rec({ messageId: 't2' })]);
      ledger!.setFileState('/logs/a.jsonl', { offset: 99, size: 99, mtimeMs: 99, ino: 99 });
      return n;
    });
    expect(added).toBe(2);
    expect(ledger.getFileState('/logs/a.jsonl')?.offset).toBe(99);
  });
});

/** A small ledger with hand-checkable sums. */
async function seeded(): Promise<Ledger> {
  const l = await openLedger(file());
  l.insertMany([
    rec({ messageId: 'a1', ts: '2026-05-01T00:00:00.000Z', profile: 'work', agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 100, outputTokens: 10, cacheWriteTokens: 50, cacheWrite1hTokens: 20, cacheReadTokens: 1000, costUsd: 1.5 }),
    rec({ messageId: 'a2', ts: '2026-05-01T23:59:59.999Z', profile: 'work', agent: 'claude', provider: 'anthropic', model: 'claude-opus-4-5', inputTokens: 200, outputTokens: 20, costUsd: 2.25, rule: 'big' }),
    rec({ messageId: 'a3', ts: '2026-05-02T00:00:00.000Z', profile: 'work', agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 300, outputTokens: 30, reasoningTokens: 7, costUsd: 0.25 }),
    rec({ messageId: 'b1', ts: '2026-05-02T10:00:00.000Z', profile: 'acme', agent: 'codex', provider: 'openai', model: 'gpt-5-codex', inputTokens: 400, outputTokens: 40, cacheReadTokens: 4000, costUsd: 4, source: 'import' }),
    rec({ messageId: 'b2', ts: '2026-05-03T10:00:00.000Z', profile: 'acme', agent: 'codex', provider: 'mystery', model: 'mystery-model-9', inputTokens: 500, outputTokens: 50, costUsd: null, rule: 'big' }),
    rec({ messageId: 'c1', ts: '2026-05-03T11:00:00.000Z', profile: null, agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 600, outputTokens: 60, costUsd: 0.5, source: 'import' }),
  ]);
  return l;
}

describe('queries', () => {
  it('groups by profile with exact sums, a total, and unpriced models flagged', async () => {
    ledger = await seeded();
    const r = ledger.query({}, 'profile');
    expect(r.schema).toBe('ringlet.usage/1');
    expect(r.pricesAsOf).toBe(PRICES_AS_OF);
    expect(r.groups.map((g) => [g.profile, g.agent, g.provider, g.requests, g.inputTokens, g.outputTokens, g.costUsd, g.unpricedRequests])).toEqual([
      ['acme', 'codex', 'mystery', 1, 500, 50, 0, 1],
      ['acme', 'codex', 'openai', 1, 400, 40, 4, 0],
      ['work', 'claude', 'anthropic', 3, 600, 60, 4, 0],
      [null, 'claude', 'anthropic', 1, 600, 60, 0.5, 0],
    ]);
    expect(r.groups[0].unpricedModels).toEqual(['mystery-model-9']);
    expect(r.total).toEqual({
      requests: 6, inputTokens: 2100, outputTokens: 210, cacheWriteTokens: 50, cacheWrite1hTokens: 20, cacheReadTokens: 5000,
      reasoningTokens: 7, costUsd: 8.5, unpricedRequests: 1, unpricedModels: ['mystery-model-9'],
    });
  });

  it('groups by UTC day, model and rule', async () => {
    ledger = await seeded();
    expect(ledger.query({}, 'day').groups.map((g) => [g.day, g.requests, g.inputTokens, g.costUsd])).toEqual([
      ['2026-05-01', 2, 300, 3.75],
      ['2026-05-02', 2, 700, 4.25],
      ['2026-05-03', 2, 1100, 0.5],
    ]);
    expect(ledger.query({}, 'model').groups.map((g) => [g.model, g.requests, g.inputTokens, g.costUsd])).toEqual([
      ['gpt-5-codex', 1, 400, 4],
      // equal cost: more requests first
      ['claude-sonnet-4-5', 3, 1000, 2.25],
      ['claude-opus-4-5', 1, 200, 2.25],
      ['mystery-model-9', 1, 500, 0],
    ]);
    expect(ledger.query({}, 'rule').groups.map((g) => [g.rule, g.requests, g.costUsd, g.unpricedRequests])).toEqual([
      ['big', 2, 2.25, 1],
      [null, 4, 6.25, 0],
    ]);
  });

  it('filters by day range (inclusive, UTC), profile, agent, provider and model', async () => {
    ledger = await seeded();
    const ids = (f: Parameters<Ledger['rows']>[0]) => [...ledger!.rows(f)].map((r) => r.messageId);
    expect(ids({ until: '2026-05-01' })).toEqual(['a1', 'a2']);
    expect(ids({ since: '2026-05-02', until: '2026-05-02' })).toEqual(['a3', 'b1']);
    expect(ids({ since: '2026-05-03' })).toEqual(['b2', 'c1']);
    expect(ids({ profile: 'acme' })).toEqual(['b1', 'b2']);
    expect(ids({ agent: 'claude', since: '2026-05-02' })).toEqual(['a3', 'c1']);
    expect(ids({ provider: 'anthropic', model: 'claude-sonnet-4-5' })).toEqual(['a1', 'a3', 'c1']);
    expect(ids({ model: 'claude-*' })).toEqual(['a1', 'a2', 'a3', 'c1']);

    // The rollup answers the same filters as the rows.
    const r = ledger.query({ since: '2026-05-02', until: '2026-05-02' }, 'profile');
    expect(r.total.requests).toBe(2);
    expect(r.total.inputTokens).toBe(700);
    expect(r.filter).toEqual({ profile: null, provider: null, model: null, agent: null, since: '2026-05-02', until: '2026-05-02' });
    expect(ledger.query({ model: 'claude-*', profile: 'work' }, 'model').total.costUsd).toBe(4);
    expect(ledger.query({ profile: 'nobody' }, 'day').groups).toEqual([]);
    expect(() => ledger!.query({ since: '2026-5-1' }, 'day')).toThrow(/YYYY-MM-DD/);
  });

  it('prices rows stored without a cost at query time when a price is known now', async () => {
    ledger = await seeded();
    const r = ledger.query({}, 'profile', { prices: { 'mystery-model-9': { input: 1, output: 10 } } });
    // 500 input x $1/M + 50 output x $10/M
    expect(r.groups[0].costUsd).toBeCloseTo(0.001, 12);
    expect(r.total.unpricedRequests).toBe(0);
    expect(r.total.unpricedModels).toEqual([]);
    expect(r.total.costUsd).toBeCloseTo(8.501, 9);
  });

  it('keeps the rollup equal to a direct aggregate over the rows, through inserts and deletes', async () => {
    ledger = await openLedger(file());
    const models = ['claude-sonnet-4-5', 'gpt-5', 'weird,model "x"'];
    const recs: UsageRecord[] = [];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 2000; i++) {
      recs.push(rec({
        messageId: `r${i}`,
        ts: new Date(Date.UTC(2026, 0, 1) + rnd(60) * 86_400_000 + rnd(86_400_000)).toISOString(),
        profile: ['a', 'b', null][rnd(3)],
        model: models[rnd(3)],
        inputTokens: rnd(5000), outputTokens: rnd(500), cacheReadTokens: rnd(100_000), cacheWriteTokens: rnd(3000),
        costUsd: rnd(4) === 0 ? null : rnd(1000) / 64,
        rule: rnd(2) ? 'r1' : null,
      }));
    }
    ledger.insertMany(recs);
    ledger.db.prepare("DELETE FROM usage WHERE message_id IN ('r1', 'r2', 'r3')").run();
    const direct = ledger.db.prepare(`SELECT date(ts / 1000, 'unixepoch') AS day, count(*) AS n, sum(input_tokens) AS input,
        sum(cache_read_tokens) AS cr, sum(coalesce(cost_usd, 0)) AS cost FROM usage GROUP BY day ORDER BY day`).all() as { day: string; n: number; input: number; cr: number; cost: number }[];
    const report = ledger.query({}, 'day', { prices: {} });
    expect(report.groups.map((g) => [g.day, g.requests, g.inputTokens, g.cacheReadTokens])).toEqual(direct.map((d) => [d.day, d.n, d.input, d.cr]));
    // Costs: stored costs plus query-time prices for the NULL rows of known models.
    const storedCost = direct.reduce((s, d) => s + d.cost, 0);
    const knownNull = ledger.db.prepare("SELECT count(*) AS n FROM usage WHERE cost_usd IS NULL AND model != 'weird,model \"x\"'").get() as { n: number };
    expect(knownNull.n).toBeGreaterThan(0);
    expect(report.total.costUsd).toBeGreaterThan(storedCost);
    expect(report.total.unpricedModels).toEqual(['weird,model "x"']);
    expect(report.total.requests).toBe(1997);
  });
});

describe('bulk writes (rollups set-based per batch)', () => {
  /** Both rollups, and what the per-row triggers would have made of the rows: they must be the same. */
  function rollups(l: Ledger) {
    const sums = `count(*) AS requests, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_write_tokens) AS cw,
      sum(cache_write_1h_tokens) AS cw1h, sum(cache_read_tokens) AS cr, sum(reasoning_tokens) AS reasoning, round(total(cost_usd), 9) AS cost`;
    const keys = `coalesce(profile, '') AS profile, agent, provider, model, coalesce(rule, '') AS rule, cost_usd IS NOT NULL AS priced`;
    const stored = (table: string, period: string) => l.db.prepare(`SELECT ${period} AS period, profile, agent, provider, model, rule, priced, requests,
      input_tokens AS input, output_tokens AS output, cache_write_tokens AS cw, cache_write_1h_tokens AS cw1h, cache_read_tokens AS cr,
      reasoning_tokens AS reasoning, round(cost_usd, 9) AS cost FROM ${table} ORDER BY 1, 2, 3, 4, 5, 6, 7`).all();
    const direct = (period: string) => l.db.prepare(`SELECT ${period} AS period, ${keys}, ${sums} FROM usage GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`).all();
    return {
      daily: stored('usage_daily', 'day'), dailyDirect: direct("date(ts / 1000, 'unixepoch')"),
      monthly: stored('usage_monthly', 'month'), monthlyDirect: direct("strftime('%Y-%m', ts / 1000, 'unixepoch')"),
    };
  }

  it('counts only the rows it inserted, keeps the rollups exact, and leaves the per-row triggers on for later writers', async () => {
    ledger = await openLedger(file());
    const l = ledger;
    // Rows the meter wrote first: a bulk write must not count them again.
    l.insert(rec({ messageId: 'm1', inputTokens: 5, costUsd: 0.5 }));
    l.insert(rec({ messageId: 'm2', ts: '2026-04-30T23:59:59.999Z', profile: null, rule: 'r', costUsd: null }));
    const batch: UsageRecord[] = [];
    for (let i = 0; i < 300; i++) {
      batch.push(rec({
        messageId: `b${i % 250}`, // 50 repeats inside the batch: the first one wins
        ts: new Date(Date.UTC(2026, 3, 28) + i * 3_600_000).toISOString(), // across a month boundary
        profile: i % 3 ? 'work' : null, model: i % 2 ? 'claude-sonnet-4-5' : 'mystery', rule: i % 5 ? null : 'night',
        inputTokens: i, outputTokens: 2 * i, cacheWriteTokens: 3 * i, cacheWrite1hTokens: i, cacheReadTokens: 4 * i, reasoningTokens: i % 7,
        costUsd: i % 4 ? i / 64 : null, source: 'import',
      }));
    }
    batch.push(rec({ messageId: 'm1', inputTokens: 999, source: 'import', costUsd: 9 }));
    const added = l.bulk(() => {
      l.insertAll(batch);
      l.setFileState('/logs/a.jsonl', { offset: 1, size: 1, mtimeMs: 1, ino: 1 });
    });
    const firsts = batch.slice(0, 250);
    expect(added).toEqual({
      rows: 250,
      costUsd: expect.closeTo(firsts.reduce((s, r) => s + (r.costUsd ?? 0), 0), 9),
      unpriced: firsts.filter((r) => r.costUsd === null).length,
    });
    expect(l.db.prepare('SELECT count(*) AS n FROM rollup_deferred').get()).toEqual({ n: 0 });
    let r = rollups(l);
    expect(r.daily).toEqual(r.dailyDirect);
    expect(r.monthly).toEqual(r.monthlyDirect);
    expect(r.monthly.length).toBeGreaterThan(2);

    // The meter's single inserts after a bulk write still reach both rollups.
    l.insert(rec({ messageId: 'm3', ts: '2026-05-03T00:00:00.000Z', inputTokens: 7, costUsd: 1.25 }));
    r = rollups(l);
    expect(r.daily).toEqual(r.dailyDirect);
    expect(r.monthly).toEqual(r.monthlyDirect);
    expect(l.count()).toBe(253);
  });

  it('rolls back with nothing deferred when it fails, inside another transaction too', async () => {
    ledger = await openLedger(file());
    const l = ledger;
    expect(() => l.bulk(() => {
      l.insertAll([rec({ messageId: 'x1', inputTokens: 1 })]);
      throw new Error('boom');
    })).toThrow('boom');
    // A bulk write that succeeded inside a transaction that then failed (its temp table goes too).
    expect(() => l.transaction(() => {
      l.insertMany([rec({ messageId: 'x2', inputTokens: 2 })]);
      throw new Error('later');
    })).toThrow('later');
    expect(l.db.prepare('SELECT count(*) AS n FROM rollup_deferred').get()).toEqual({ n: 0 });
    expect(l.count()).toBe(0);
    expect(l.insertMany([rec({ messageId: 'x3', inputTokens: 3 })])).toBe(1);
    l.insert(rec({ messageId: 'x4', inputTokens: 4 }));
    const r = rollups(l);
    expect(r.daily).toEqual(r.dailyDirect);
    expect(l.query({}, 'day').total).toMatchObject({ requests: 2, inputTokens: 7 });
  });
});

describe('rollup segments', () => {
  it('reads whole months from the monthly rollup and partial months from the daily one', () => {
    const seg = (since?: string, until?: string, view: 'profile' | 'day' = 'profile') =>
      segmentsFor(since, until, view).map((s) => `${s.table === 'usage_monthly' ? 'M' : 'D'}[${s.from ?? ''}..${s.to ?? ''}]`);
    expect(seg()).toEqual(['M[..]']);
    expect(seg(undefined, undefined, 'day')).toEqual(['D[..]']);
    expect(seg('2026-05-01', '2026-05-31')).toEqual(['M[2026-05..2026-05]']);
    expect(seg('2026-05-02', '2026-05-30')).toEqual(['D[2026-05-02..2026-05-30]']);
    expect(seg('2026-05-15', '2026-06-10')).toEqual(['D[2026-05-15..2026-06-10]']);
    expect(seg('2026-05-15', '2026-08-10')).toEqual(['M[2026-06..2026-07]', 'D[2026-05-15..2026-05-31]', 'D[2026-08-01..2026-08-10]']);
    expect(seg('2026-02-10')).toEqual(['M[2026-03..]', 'D[2026-02-10..2026-02-28]']);
    expect(seg(undefined, '2024-02-28')).toEqual(['M[..2024-01]', 'D[2024-02-01..2024-02-28]']);
    expect(seg(undefined, '2024-02-29')).toEqual(['M[..2024-02]']);
    expect(seg('2025-12-01', '2026-01-31')).toEqual(['M[2025-12..2026-01]']);
  });

  it('gives the same totals as a direct aggregate for any date range', async () => {
    ledger = await openLedger(file());
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor((seed / 2 ** 31) * n));
    const recs: UsageRecord[] = [];
    for (let i = 0; i < 3000; i++) {
      recs.push(rec({ messageId: `q${i}`, ts: new Date(Date.UTC(2025, 10, 1) + rnd(200 * 86_400_000)).toISOString(), profile: ['a', 'b'][rnd(2)], model: 'house-model', inputTokens: rnd(1000), costUsd: rnd(3) ? rnd(100) / 16 : null }));
    }
    ledger.insertMany(recs);
    const day = (n: number) => new Date(Date.UTC(2025, 9, 20) + n * 86_400_000).toISOString().slice(0, 10);
    for (let k = 0; k < 60; k++) {
      const a = rnd(230);
      const b = a + rnd(230 - a);
      const f = { since: rnd(5) ? day(a) : undefined, until: rnd(5) ? day(b) : undefined, profile: rnd(2) ? 'a' : undefined };
      const rows = [...ledger.rows(f)];
      const direct = { requests: rows.length, inputTokens: rows.reduce((s, r) => s + r.inputTokens, 0), unpricedRequests: rows.filter((r) => r.costUsd === null).length };
      const cost = rows.reduce((s, r) => s + (r.costUsd ?? 0), 0);
      for (const view of ['profile', 'day', 'model'] as const) {
        const t = ledger.query(f, view).total;
        expect({ requests: t.requests, inputTokens: t.inputTokens, unpricedRequests: t.unpricedRequests }, `${JSON.stringify(f)} ${view}`).toEqual(direct);
        expect(t.costUsd).toBeCloseTo(cost, 6);
      }
    }
  });
});

describe('parseDay', () => {
  const now = new Date('2026-03-15T22:30:00Z');
  it('accepts dates, today/yesterday and relative spans ending today', () => {
    expect(parseDay('2026-02-28', now)).toBe('2026-02-28');
    expect(parseDay('today', now)).toBe('2026-03-15');
    expect(parseDay('yesterday', now)).toBe('2026-03-14');
    expect(parseDay('1d', now)).toBe('2026-03-15');
    expect(parseDay('7d', now)).toBe('2026-03-09');
    expect(parseDay('2w', now)).toBe('2026-03-02');
    expect(parseDay('1m', now)).toBe('2026-02-16');
  });
  it('rejects anything else', () => {
    for (const bad of ['2026-02-30', '2026-2-1', '0d', '7x', '', 'last week', '2026-03-15T00:00']) expect(parseDay(bad, now)).toBeUndefined();
  });
});
