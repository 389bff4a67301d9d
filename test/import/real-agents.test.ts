/**
 * Import of transcripts written by the REAL Claude Code and Codex binaries, run offline against the fake
 * provider. The fake provider's own record of what it answered is the independent count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, NODE_BIN, type Sandbox } from '../support/env.js';
import { startFakeProvider, type FakeProvider, type FakeUsage } from '../support/fake-provider.js';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { importLogs } from '../../src/import/importer.js';
import { priceFor } from '../../src/providers/prices.js';
import type { UsageRecord } from '../../src/ledger/types.js';

const CLAUDE = join(NODE_BIN, 'claude');
const CODEX = join(NODE_BIN, 'codex');
const USAGE: FakeUsage = { inputTokens: 1234, outputTokens: 321, cacheWriteTokens: 2000, cacheWrite1hTokens: 700, cacheReadTokens: 15000, reasoningTokens: 64 };

let sb: Sandbox;
let fake: FakeProvider;
let ledger: Ledger;
let work: string;

beforeAll(async () => {
  sb = makeSandbox();
  fake = await startFakeProvider({ usage: USAGE });
  ledger = await openLedger(join(sb.dir, 'ringlet', 'ledger.db'));
  work = join(sb.dir, 'work');
  mkdirSync(work, { recursive: true });
});
afterAll(async () => {
  ledger?.close();
  await fake?.close();
  sb?.cleanup();
});

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

function files(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name));
}

/** Response ids the fake provider answered (model calls only). */
const answered = (kind: 'msg' | 'resp') => new Set(fake.modelRequests().map((r) => r.responseId).filter((id): id is string => !!id && id.startsWith(kind)));

function ledgerRows(agent: string): UsageRecord[] {
  return [...ledger.rows({})].filter((r) => r.agent === agent);
}

function expectedCost(model: string, r: Pick<UsageRecord, 'inputTokens' | 'outputTokens' | 'cacheWriteTokens' | 'cacheWrite1hTokens' | 'cacheReadTokens'>): number {
  const p = priceFor(model);
  if (!p) throw new Error(`no price for ${model}`);
  return (r.inputTokens * p.input + r.outputTokens * p.output + (r.cacheWriteTokens - r.cacheWrite1hTokens) * p.cacheWrite + r.cacheWrite1hTokens * p.cacheWrite1h + r.cacheReadTokens * p.cacheRead) / 1e6;
}

describe('transcripts written by the real agents', () => {
  it('Claude Code: every answered response imported once with the exact tokens; re-import adds 0; a resumed session adds only its new turn', async () => {
    const home = join(sb.dir, 'claude-home');
    mkdirSync(home, { recursive: true });
    const env = { ...sb.env, HOME: home, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
    const model = 'claude-sonnet-4-5';
    const a = await run(CLAUDE, ['-p', 'say hello', '--model', model], env);
    expect(a.code, a.err).toBe(0);
    fake.configure({ toolCall: { command: 'echo ringlet-tool-ran' } });
    const b = await run(CLAUDE, ['-p', 'run the command', '--model', model, '--allowedTools', 'Bash', '--output-format', 'json'], env);
    expect(b.code, b.err).toBe(0);
    fake.configure({ toolCall: undefined });
    const session = JSON.parse(b.out).session_id as string;
    const c = await run(CLAUDE, ['-p', 'and once more', '--model', model, '--resume', session], env);
    expect(c.code, c.err).toBe(0);

    const transcripts = files(join(home, '.claude', 'projects'), '.jsonl');
    expect(transcripts.length).toBeGreaterThan(0);
    const text = transcripts.map((f) => readFileSync(f, 'utf8')).join('\n');
    const ids = answered('msg');
    // The tool-call turn made two model calls; the resumed session one more.
    expect(ids.size).toBeGreaterThanOrEqual(4);
    const logged = [...ids].filter((id) => text.includes(`"${id}"`));
    expect(logged.length).toBe(ids.size); // Claude Code logged every response it got

    const r = await importLogs(ledger, 'claude', [join(home, '.claude')]);
    const rows = ledgerRows('claude');
    expect(new Set(rows.map((x) => x.messageId))).toEqual(ids);
    expect(r.added).toBe(ids.size);
    for (const row of rows) {
      expect(row).toMatchObject({
        model, provider: 'anthropic', inputTokens: USAGE.inputTokens, outputTokens: USAGE.outputTokens,
        cacheWriteTokens: USAGE.cacheWriteTokens, cacheWrite1hTokens: USAGE.cacheWrite1hTokens, cacheReadTokens: USAGE.cacheReadTokens,
      });
    }
    const cost = rows.reduce((s, x) => s + expectedCost(model, x), 0);
    expect(Math.abs(r.costUsd - cost) / cost).toBeLessThan(0.005);

    expect((await importLogs(ledger, 'claude', [join(home, '.claude')])).added).toBe(0);

    // One more turn appended to the resumed session: exactly one new row.
    const before = ids.size;
    const d = await run(CLAUDE, ['-p', 'last one', '--model', model, '--resume', session], env);
    expect(d.code, d.err).toBe(0);
    expect(answered('msg').size).toBe(before + 1);
    const r2 = await importLogs(ledger, 'claude', [join(home, '.claude')]);
    expect(r2.added).toBe(1);
  });

  it('Codex: exec, resume and fork imported once each (response ids), with OpenAI usage converted', async () => {
    const home = join(sb.dir, 'codex-home');
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(join(home, '.codex', 'config.toml'), [
      'model = "gpt-5.1-codex"', 'model_provider = "fake"', '',
      '[model_providers.fake]', 'name = "fake"', `base_url = "${fake.url}/v1"`, 'env_key = "FAKE_KEY"', 'wire_api = "responses"', '',
    ].join('\n'));
    const env = { ...sb.env, HOME: home, FAKE_KEY: 'sk-test' };
    const first = await run(CODEX, ['exec', '--skip-git-repo-check', 'say hi'], env);
    expect(first.code, first.err).toBe(0);
    const rollouts = files(join(home, '.codex', 'sessions'), '.jsonl');
    expect(rollouts).toHaveLength(1);
    const id = rollouts[0].match(/([0-9a-f-]{36})\.jsonl$/)![1];
    const second = await run(CODEX, ['exec', '--skip-git-repo-check', 'resume', id, 'second turn'], env);
    expect(second.code, second.err).toBe(0);
    const forked = await run(CODEX, ['exec', '--skip-git-repo-check', 'fork', id, 'forked turn'], env);
    expect(forked.code, forked.err).toBe(0);

    const ids = answered('resp');
    expect(ids.size).toBe(3);
    const r = await importLogs(ledger, 'codex', [join(home, '.codex')], { provider: 'openai' });
    const rows = ledgerRows('codex');
    expect(new Set(rows.map((x) => x.messageId))).toEqual(ids);
    expect(r.added).toBe(3);
    for (const row of rows) {
      // The fake speaks OpenAI terms (input includes cached, output includes reasoning): the ledger gets them apart again.
      expect(row).toMatchObject({
        model: 'gpt-5.1-codex', provider: 'openai', inputTokens: USAGE.inputTokens, cacheReadTokens: USAGE.cacheReadTokens,
        outputTokens: USAGE.outputTokens, reasoningTokens: USAGE.reasoningTokens, cacheWriteTokens: 0,
      });
    }
    const cost = rows.reduce((s, x) => s + expectedCost('gpt-5.1-codex', x), 0);
    expect(Math.abs(r.costUsd - cost) / cost).toBeLessThan(0.005);

    expect((await importLogs(ledger, 'codex', [join(home, '.codex')])).added).toBe(0);
    // A re-emitted token_count (unchanged total) appended to a rollout adds nothing.
    const last = readFileSync(rollouts[0], 'utf8').trim().split('\n').filter((l) => l.includes('"token_count"')).at(-1)!;
    appendFileSync(rollouts[0], last + '\n');
    expect((await importLogs(ledger, 'codex', [join(home, '.codex')])).added).toBe(0);
  });
});
