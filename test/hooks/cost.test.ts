/**
 * cost-threshold and daily-rollup: once per period, across processes and restarts. Real ledger, real
 * background hook processes; the only thing tests choose is the clock passed to the functions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, NODE_BIN, ringlet, type Sandbox } from '../support/env.js';
import { startFakeProvider } from '../support/fake-provider.js';
import { openLedger, type Ledger, type UsageRecord } from '../../src/ledger/ledger.js';
import { checkCostThresholds, dueRollupDay, runDailyRollupIfDue } from '../../src/hooks/cost.js';
import { jsonLines, removeSandbox, sleep, waitFor } from './helpers.js';

let sb: Sandbox;
let ledger: Ledger | undefined;
let seq = 0;

beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => {
  ledger?.close();
  ledger = undefined;
  removeSandbox(sb.dir);
});

async function ok(args: string[], input?: string) {
  const r = await ringlet(args, sb.env, { input });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

function row(profile: string, costUsd: number, ts: string): UsageRecord {
  return {
    ts, profile, agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 1, outputTokens: 1,
    cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, reasoningTokens: 0, costUsd, source: 'meter', messageId: `msg_${++seq}`,
  };
}

const fired = () => jsonLines(join(sb.env.HOME!, 'fired.jsonl'));

describe('cost-threshold', () => {
  it('fires exactly once when the day\'s spend crosses the limit, not on later rows', async () => {
    await ok(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic']);
    await ok(['hooks', 'add', 'p', '--on', 'cost-threshold', '--period', 'day', '--limit', '1.00', '--shell', 'cat >> ~/fired.jsonl']);
    ledger = await openLedger(join(sb.env.RINGLET_HOME!, 'ledger.db'));
    const at = '2026-03-04T10:00:00.000Z';
    const record = (usd: number, ts = at) => {
      const r = row('p', usd, ts);
      expect(ledger!.insert(r)).toBe(true);
      return checkCostThresholds(ledger!, 'p', sb.env, new Date(r.ts)).map((x) => x.id);
    };
    expect(record(0.4)).toEqual([]);
    expect(record(0.4)).toEqual([]);
    expect(record(0.4)).toEqual(['cost-threshold-1']); // 1.20 >= 1.00
    expect(record(0.4)).toEqual([]);
    expect(record(5)).toEqual([]);
    // Another process (a fresh connection: a restart) does not fire it again either.
    ledger.close();
    ledger = await openLedger(join(sb.env.RINGLET_HOME!, 'ledger.db'));
    expect(record(0.1)).toEqual([]);
    // The next day is a new period.
    expect(record(0.5, '2026-03-05T09:00:00.000Z')).toEqual([]);
    expect(record(0.6, '2026-03-05T09:01:00.000Z')).toEqual(['cost-threshold-1']);

    const lines = await waitFor(() => fired().length >= 2 && fired(), 8_000, 'two background hooks');
    await sleep(300);
    expect(fired()).toHaveLength(2);
    expect(lines.map((l) => l.periodKey).sort()).toEqual(['2026-03-04', '2026-03-05']);
    const first = lines.find((l) => l.periodKey === '2026-03-04');
    expect(first).toMatchObject({ event: 'cost-threshold', profile: 'p', period: 'day', limitUsd: 1 });
    expect(first.totalUsd).toBeCloseTo(1.2, 6);
  });

  it('--of makes the limit a percentage of a monthly budget, and other profiles do not count', async () => {
    for (const p of ['p', 'q']) await ok(['profiles', 'create', 'claude', p, '--provider', 'anthropic']);
    await ok(['hooks', 'add', 'p', '--on', 'cost-threshold', '--period', 'month', '--limit', '80%', '--of', '10', '--shell', 'cat >> ~/fired.jsonl']);
    ledger = await openLedger(join(sb.env.RINGLET_HOME!, 'ledger.db'));
    const check = (profile: string, usd: number, ts: string) => {
      ledger!.insert(row(profile, usd, ts));
      return checkCostThresholds(ledger!, profile, sb.env, new Date(ts)).length;
    };
    expect(check('q', 50, '2026-03-01T00:00:00.000Z')).toBe(0); // q has no such hook
    expect(check('p', 4, '2026-03-02T00:00:00.000Z')).toBe(0);
    expect(check('p', 3.9, '2026-03-20T00:00:00.000Z')).toBe(0); // 7.90 < 8.00
    expect(check('p', 0.2, '2026-03-31T23:00:00.000Z')).toBe(1); // 8.10
    expect(check('p', 9, '2026-03-31T23:30:00.000Z')).toBe(0);
    const [line] = await waitFor(() => fired().length && fired(), 8_000, 'the hook');
    expect(line).toMatchObject({ period: 'month', periodKey: '2026-03', limitUsd: 8 });
  });

  const CLAUDE = join(NODE_BIN, 'claude');
  it.skipIf(!existsSync(CLAUDE))('fires from the meter during a real Claude Code run, once across runs', async () => {
    const fake = await startFakeProvider({ toolCall: { command: 'echo hi' } });
    try {
      await ok(['keychain', 'set', 'custom', 'k'], 'sk-cost-e2e-0123456789');
      await ok(['profiles', 'create', 'claude', 'm', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'k']);
      // One response of the fake costs about $0.000216 at the model's list price: the second one crosses.
      await ok(['hooks', 'add', 'm', '--on', 'cost-threshold', '--limit', '0.0003', '--shell', 'cat >> ~/fired.jsonl']);
      for (let i = 0; i < 2; i++) {
        const r = await ringlet(['profiles', 'run', 'm', '--', 'claude', '-p', 'run it', '--allowedTools', 'Bash'], sb.env, { timeoutMs: 40_000 });
        expect(r.code, r.stderr).toBe(0);
      }
      const usage = JSON.parse((await ok(['usage', '--export', 'json', '--profile', 'm'])).stdout) as Array<{ costUsd: number }>;
      expect(usage.length).toBe(4);
      expect(usage[0].costUsd).toBeGreaterThan(0.00015);
      expect(usage[0].costUsd).toBeLessThan(0.0003);
      await waitFor(() => fired().length, 8_000, 'the cost hook');
      await sleep(500);
      expect(fired()).toHaveLength(1);
      expect(fired()[0]).toMatchObject({ event: 'cost-threshold', profile: 'm', limitUsd: 0.0003 });
      expect(fired()[0].totalUsd).toBeGreaterThanOrEqual(0.0003);
    } finally {
      await fake.close();
    }
  }, 30_000);
});

describe('daily-rollup', () => {
  it('is due for yesterday from 00:05 UTC', () => {
    expect(dueRollupDay(new Date('2026-03-05T00:04:59Z'))).toBe('2026-03-03');
    expect(dueRollupDay(new Date('2026-03-05T00:05:00Z'))).toBe('2026-03-04');
    expect(dueRollupDay(new Date('2026-03-05T23:59:00Z'))).toBe('2026-03-04');
  });

  it('fires once per day across restarts: the stamp, and the ledger when the stamp is gone', async () => {
    await ok(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic']);
    await ok(['hooks', 'add', '--all-profiles', '--on', 'daily-rollup', '--shell', 'cat >> ~/fired.jsonl']);
    await ok(['hooks', 'add', 'p', '--on', 'daily-rollup', '--shell', 'cat >> ~/fired.jsonl']);
    ledger = await openLedger(join(sb.env.RINGLET_HOME!, 'ledger.db'));
    ledger.insert(row('p', 1.5, '2026-03-04T12:00:00.000Z'));
    ledger.insert(row('other', 2, '2026-03-04T13:00:00.000Z'));
    ledger.insert(row('p', 7, '2026-03-05T01:00:00.000Z')); // today: not in yesterday's rollup
    ledger.close();
    ledger = undefined;

    expect(await runDailyRollupIfDue(sb.env, new Date('2026-03-05T00:03:00Z'))).toHaveLength(2); // due: 03-03 (nothing spent)
    expect(await runDailyRollupIfDue(sb.env, new Date('2026-03-05T00:04:00Z'))).toHaveLength(0);
    expect((await runDailyRollupIfDue(sb.env, new Date('2026-03-05T08:00:00Z'))).map((r) => r.scope)).toEqual([null, 'p']);
    expect(await runDailyRollupIfDue(sb.env, new Date('2026-03-05T09:00:00Z'))).toHaveLength(0);
    // Without the stamp (a cleared cache) the ledger still knows.
    rmSync(join(sb.env.RINGLET_HOME!, 'cache'), { recursive: true, force: true });
    expect(await runDailyRollupIfDue(sb.env, new Date('2026-03-05T10:00:00Z'))).toHaveLength(0);

    await waitFor(() => fired().length >= 4, 8_000, 'four rollup hooks');
    await sleep(300);
    const lines = fired().filter((l) => l.periodKey === '2026-03-04');
    expect(fired()).toHaveLength(4);
    const global = lines.find((l) => l.profile === null);
    const mine = lines.find((l) => l.profile === 'p');
    expect(global.totalUsd).toBeCloseTo(3.5, 6);
    expect(global.profiles.map((x: any) => x.profile).sort()).toEqual(['other', 'p']);
    expect(mine.totalUsd).toBeCloseTo(1.5, 6);
    expect(mine.profiles).toEqual([{ profile: 'p', costUsd: 1.5, requests: 1 }]);
  });

  it('fires from the launcher after the command exits, never twice', async () => {
    await ok(['keychain', 'set', 'custom', 'p'], 'sk-rollup-0123456789');
    await ok(['profiles', 'create', 'claude', 'p', '--provider', 'custom', '--custom-endpoint', 'http://127.0.0.1:9']);
    await ok(['hooks', 'add', '--all-profiles', '--on', 'daily-rollup', '--shell', 'cat >> ~/fired.jsonl']);
    for (let i = 0; i < 3; i++) await ok(['profiles', 'run', 'p', '--', 'true']);
    await waitFor(() => fired().length, 8_000, 'the rollup hook');
    await sleep(500);
    expect(fired()).toHaveLength(1);
    expect(fired()[0]).toMatchObject({ event: 'daily-rollup', profile: null, periodKey: dueRollupDay(new Date()) });
  });
});
