import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, RINGLET, makeSandbox, ringlet, type Sandbox } from '../support/env.js';
import { openLedger, type UsageRecord, type UsageReport } from '../../src/ledger/ledger.js';

// `ringlet usage` as users run it: the bundled CLI (node build.mjs) against a ledger in a temp RINGLET_HOME.

let sb: Sandbox;
let empty: Sandbox;
const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const WEIRD = 'house,model "v2"\nbeta';

function rec(over: Partial<UsageRecord> & { messageId: string }): UsageRecord {
  return {
    ts: '2026-05-01T12:00:00.000Z', profile: 'work', agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5',
    inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, reasoningTokens: 0,
    costUsd: null, source: 'meter', rule: null, ...over,
  };
}

beforeAll(async () => {
  sb = makeSandbox();
  empty = makeSandbox();
  const ledger = await openLedger(join(sb.env.RINGLET_HOME!, 'ledger.db'));
  ledger.insertMany([
    rec({ messageId: 'a1', ts: '2026-05-01T10:00:00Z', inputTokens: 1_200_000, outputTokens: 340_000, cacheReadTokens: 5_000_000, costUsd: 8.41 }),
    rec({ messageId: 'a2', ts: '2026-05-02T10:00:00Z', inputTokens: 1000, outputTokens: 100, costUsd: 0.09, rule: 'big' }),
    rec({ messageId: 'b1', ts: '2026-05-02T11:00:00Z', profile: 'acme', agent: 'codex', provider: 'openai', model: 'gpt-5-codex', inputTokens: 2000, outputTokens: 200, costUsd: 1.5, source: 'import' }),
    rec({ messageId: 'c1', ts: '2026-05-03T11:00:00Z', profile: 'acme', agent: 'codex', provider: 'custom', model: WEIRD, inputTokens: 3000, outputTokens: 300 }),
    rec({ messageId: 'r1', ts: daysAgo(0), profile: 'recent', inputTokens: 10, costUsd: 0.01 }),
    rec({ messageId: 'r2', ts: daysAgo(30), profile: 'recent', inputTokens: 20, costUsd: 0.02 }),
  ]);
  ledger.close();
}, 180_000);

afterAll(() => {
  sb?.cleanup();
  empty?.cleanup();
});

const usage = async (args: string[], env = sb.env) => ringlet(['usage', ...args], env);
const report = async (args: string[], env = sb.env): Promise<UsageReport> => {
  const r = await usage([...args, '--json'], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('ringlet usage (built CLI)', () => {
  it('says so in one line, exit 0, and creates nothing when there is no ledger', async () => {
    const r = await usage([], empty.env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/No usage recorded yet/);
    expect(existsSync(empty.env.RINGLET_HOME!)).toBe(false);
    const j = await report([], empty.env);
    expect(j.groups).toEqual([]);
    expect(j.total.requests).toBe(0);
  });

  it('--json: the report with exact sums, per profile by default', async () => {
    const j = await report([]);
    expect(j.schema).toBe('ringlet.usage/1');
    expect(j.view).toBe('profile');
    expect(j.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(j.groups.map((g) => [g.profile, g.agent, g.provider, g.requests, g.costUsd, g.unpricedRequests])).toEqual([
      ['acme', 'codex', 'custom', 1, 0, 1],
      ['acme', 'codex', 'openai', 1, 1.5, 0],
      ['recent', 'claude', 'anthropic', 2, 0.03, 0],
      ['work', 'claude', 'anthropic', 2, 8.5, 0],
    ]);
    expect(j.total).toMatchObject({ requests: 6, inputTokens: 1_206_030, outputTokens: 340_600, cacheReadTokens: 5_000_000, costUsd: 10.03, unpricedRequests: 1, unpricedModels: [WEIRD] });
  });

  it('filters and views', async () => {
    const byDay = await report(['--by-day', '--since', '2026-05-02', '--until', '2026-05-03']);
    expect(byDay.groups.map((g) => [g.day, g.requests, g.inputTokens])).toEqual([['2026-05-02', 2, 3000], ['2026-05-03', 1, 3000]]);
    const byModel = await report(['--by-model', '--agent', 'codex']);
    expect(byModel.groups.map((g) => [g.model, g.requests])).toEqual([['gpt-5-codex', 1], [WEIRD, 1]]);
    const byRule = await report(['--by-rule', '--profile', 'work']);
    expect(byRule.groups.map((g) => [g.rule, g.requests])).toEqual([['big', 1], [null, 1]]);
    const recent = await report(['--since', '7d', '--profile', 'recent']);
    expect(recent.filter.since).toBe(new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10));
    expect(recent.total.requests).toBe(1);
    expect((await report(['--provider', 'openai', '--model', 'gpt-5-*'])).total.costUsd).toBe(1.5);
    expect((await report(['--since', 'today'])).filter.since).toBe(today);
  });

  it('prints a table with human numbers, a total row and a footnote for unpriced models', async () => {
    const r = await usage(['--profile', 'work']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^profile work\n/);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/^Profile\s+Agent\s+Provider\s+Reqs\s+Input\s+Output\s+Cache write\s+Cache read\s+Cost$/);
    expect(lines[2]).toMatch(/^work\s+claude\s+anthropic\s+2\s+1\.2M\s+340K\s+0\s+5M\s+\$8\.50$/);
    expect(lines[3]).toMatch(/^Total\s+2\s+1\.2M\s+340K\s+0\s+5M\s+\$8\.50$/);

    const all = await usage([]);
    expect(all.stdout).toMatch(/\$1\.50/);
    expect(all.stdout).toMatch(/^acme\s+codex\s+custom\s+1\s+3K\s+300\s+0\s+0\s+\?$/m);
    expect(all.stdout).toMatch(/^Total\s.*\$10\.03\?$/m);
    expect(all.stdout).toContain(`? no known price for ${WEIRD}`);
    expect((await usage(['--profile', 'nobody'])).stdout).toBe('No usage matches these filters.\n');
  });

  it('--export csv: one RFC 4180 record per ledger row, or per group with a view', async () => {
    const r = await usage(['--export', 'csv', '--agent', 'codex']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe('ts,profile,agent,provider,model,input_tokens,output_tokens,cache_write_tokens,cache_write_1h_tokens,cache_read_tokens,reasoning_tokens,cost_usd,source,message_id,rule');
    expect(lines[1]).toBe('2026-05-02T11:00:00.000Z,acme,codex,openai,gpt-5-codex,2000,200,0,0,0,0,1.5,import,b1,');
    expect(lines[2]).toBe('2026-05-03T11:00:00.000Z,acme,codex,custom,"house,model ""v2""\nbeta",3000,300,0,0,0,0,,meter,c1,');
    expect(lines[3]).toBe('');
    expect(lines).toHaveLength(4);

    const g = await usage(['--export', 'csv', '--by-day', '--until', '2026-05-01']);
    expect(g.stdout).toBe(
      'day,requests,input_tokens,output_tokens,cache_write_tokens,cache_write_1h_tokens,cache_read_tokens,reasoning_tokens,cost_usd,unpriced_requests,unpriced_models\r\n' +
      '2026-05-01,1,1200000,340000,0,0,5000000,0,8.41,0,\r\n',
    );
    const j = await usage(['--export', 'json', '--profile', 'recent']);
    expect((JSON.parse(j.stdout) as UsageRecord[]).map((x) => x.messageId)).toEqual(['r2', 'r1']);
  });

  it('prices unknown models from config.toml [prices] at query time', async () => {
    const cfg = makeSandbox();
    try {
      mkdirSync(cfg.env.RINGLET_HOME!, { recursive: true });
      const l = await openLedger(join(cfg.env.RINGLET_HOME!, 'ledger.db'));
      l.insert(rec({ messageId: 'x', model: 'house-model', provider: 'custom', inputTokens: 2_000_000, outputTokens: 1_000_000 }));
      l.close();
      expect((await report([], cfg.env)).total).toMatchObject({ costUsd: 0, unpricedRequests: 1 });
      writeFileSync(join(cfg.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'), '[credentials]\nbackend = "file"\n\n[prices."house-model"]\ninput = 1.5\noutput = 4\n');
      expect((await report([], cfg.env)).total).toMatchObject({ costUsd: 7, unpricedRequests: 0, unpricedModels: [] });
    } finally {
      cfg.cleanup();
    }
  });

  it('names the option at fault in a one-line error', async () => {
    const cases: [string[], RegExp][] = [
      [['--since', '2026-13-01'], /^ringlet: --since: expected YYYY-MM-DD/],
      [['--until', 'last tuesday'], /^ringlet: --until: expected YYYY-MM-DD/],
      [['--since', '2026-05-03', '--until', '2026-05-01'], /^ringlet: --since 2026-05-03 is after --until 2026-05-01/],
      [['--by-day', '--by-rule'], /^ringlet: --by-day and --by-rule cannot be combined/],
      [['--export', 'csv', '--json'], /^ringlet: --json and --export cannot be combined/],
    ];
    for (const [args, re] of cases) {
      const r = await usage(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    const bad = await usage(['--export', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr + bad.stdout).toMatch(/--export/);
  });

  it('draws a bar per day on a terminal', () => {
    // util-linux `script` gives the CLI a pseudo-terminal.
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(RINGLET)} usage --by-day --until 2026-05-03`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env: { ...sb.env, COLUMNS: '120' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const rows = r.stdout.split(/\r?\n/).filter((l) => /^2026-05-0\d/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/█{20,}/); // the biggest day fills the bar
    expect(rows[1]).toMatch(/\$1\.59\s+[▏▎▍▌▋▊▉█]+$/);
    expect(rows[2]).toMatch(/\?\s*$/); // nothing priced that day: no bar
  });
});
