import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ringlet, type Sandbox } from '../support/env.js';
import { startFakeProvider, DEFAULT_USAGE, type FakeProvider } from '../support/fake-provider.js';

// The real Claude Code and Codex, run offline through `ringlet profiles run` against the fake provider.

const KEY_A = 'sk-ant-e2e-AAAA-1111111111';
const KEY_B = 'sk-ant-e2e-BBBB-2222222222';
const KEY_C = 'sk-oai-e2e-CCCC-3333333333';
let sb: Sandbox;
let fakeA: FakeProvider;
let fakeB: FakeProvider;
let fakeC: FakeProvider;

function filesUnder(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    if (e.isFile() && pattern.test(e.name)) out.push(p);
  }
  return out;
}

beforeAll(async () => {
  sb = makeSandbox();
  [fakeA, fakeB, fakeC] = await Promise.all([startFakeProvider({ reply: 'answer for A' }), startFakeProvider({ reply: 'answer for B' }), startFakeProvider({ reply: 'answer for C' })]);
  for (const [alias, key] of [['a', KEY_A], ['b', KEY_B], ['c', KEY_C]]) {
    expect((await ringlet(['keychain', 'set', 'custom', alias], sb.env, { input: key })).code).toBe(0);
  }
  for (const args of [
    ['claude', 'a', '--provider', 'custom', '--custom-endpoint', fakeA.url],
    ['claude', 'b', '--provider', 'custom', '--custom-endpoint', fakeB.url],
    ['codex', 'c', '--provider', 'custom', '--custom-endpoint', `${fakeC.url}/v1`, '--model', 'gpt-5-codex'],
  ]) {
    const r = await ringlet(['profiles', 'create', ...args, '--key-alias', args[1]], sb.env);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([fakeA, fakeB, fakeC].map((f) => f?.close()));
  sb?.cleanup();
});

const home = (p: string) => join(sb.env.RINGLET_HOME!, 'profiles', p, 'HOME');

describe('real agents through profiles run', () => {
  it('two Claude Code profiles run at once and stay separate', async () => {
    const [a, b] = await Promise.all([
      ringlet(['profiles', 'run', 'a', '--', 'claude', '-p', 'say hi'], sb.env, { timeoutMs: 90_000 }),
      ringlet(['profiles', 'run', 'b', '--', 'claude', '-p', 'say hi'], sb.env, { timeoutMs: 90_000 }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).toContain('answer for A');
    expect(b.stdout).toContain('answer for B');

    // Each provider saw only its own profile's real key: the meter swapped the local token for it.
    const keysA = new Set(fakeA.modelRequests().map((r) => r.apiKey));
    const keysB = new Set(fakeB.modelRequests().map((r) => r.apiKey));
    expect([...keysA]).toEqual([KEY_A]);
    expect([...keysB]).toEqual([KEY_B]);

    // Transcripts land in each profile's HOME, not in the real HOME, and carry the fake's message ids.
    const tA = filesUnder(join(home('a'), '.claude', 'projects'), /\.jsonl$/);
    const tB = filesUnder(join(home('b'), '.claude', 'projects'), /\.jsonl$/);
    expect(tA.length).toBeGreaterThan(0);
    expect(tB.length).toBeGreaterThan(0);
    expect(tA.map((f) => readFileSync(f, 'utf8')).join('')).toContain(`msg_${fakeA.prefix}_`);
    expect(tA.map((f) => readFileSync(f, 'utf8')).join('')).not.toContain(`msg_${fakeB.prefix}_`);
    expect(existsSync(join(sb.env.HOME!, '.claude'))).toBe(false);
    expect(existsSync(join(sb.env.HOME!, '.claude.json'))).toBe(false);
  });

  it('counts every metered response once in the ledger, with the tokens the provider sent', async () => {
    const usage = JSON.parse((await ringlet(['usage', '--json'], sb.env)).stdout);
    const text = JSON.stringify(usage);
    const calls = fakeA.modelRequests().filter((r) => r.responseId).length;
    expect(calls).toBeGreaterThan(0);
    // Ledger rows for profile a equal the fake's responses; re-importing the HOME's transcripts adds nothing.
    const again = await ringlet(['import', 'claude', '--from', join(home('a'), '.claude'), '--to', 'a', '--usage-only', '--json'], sb.env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).added).toBe(0);
    const rows = (await ringlet(['usage', '--export', 'json', '--profile', 'a'], sb.env)).stdout;
    const list = JSON.parse(rows) as Array<{ inputTokens: number; outputTokens: number; source: string; messageId: string }>;
    expect(list).toHaveLength(calls);
    for (const r of list) {
      expect(r.messageId).toMatch(new RegExp(`^msg_${fakeA.prefix}_`));
      expect(r.inputTokens).toBe(DEFAULT_USAGE.inputTokens);
      expect(r.outputTokens).toBe(DEFAULT_USAGE.outputTokens);
      expect(r.source).toBe('meter');
    }
    expect(text).toContain('"a"');
  });

  it('runs the real Codex under its profile, with its own CODEX_HOME and key', async () => {
    const r = await ringlet(['profiles', 'run', 'c', '--', 'codex', 'exec', '--skip-git-repo-check', 'say hi'], sb.env, { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('answer for C');
    expect(new Set(fakeC.modelRequests().map((q) => q.apiKey))).toEqual(new Set([KEY_C]));
    const rollouts = filesUnder(join(home('c'), '.codex', 'sessions'), /^rollout-.*\.jsonl$/);
    expect(rollouts.length).toBe(1);
    expect(readFileSync(rollouts[0], 'utf8')).toContain('token_count');
    expect(existsSync(join(sb.env.HOME!, '.codex'))).toBe(false);
    const usage = JSON.parse((await ringlet(['usage', '--export', 'json', '--profile', 'c'], sb.env)).stdout) as Array<{ messageId: string }>;
    expect(usage.length).toBe(fakeC.modelRequests().filter((q) => q.responseId).length);
    expect(usage.every((u) => u.messageId.startsWith(`resp_${fakeC.prefix}_`))).toBe(true);
  });

  it('keeps every key out of outputs and files other than the credential store', async () => {
    const offenders: string[] = [];
    for (const f of filesUnder(sb.dir, /.*/)) {
      if (f.endsWith('credentials.toml') || statSync(f).size > 20_000_000) continue;
      const text = readFileSync(f);
      for (const k of [KEY_A, KEY_B, KEY_C]) if (text.includes(k)) offenders.push(`${f}: ${k.slice(0, 12)}`);
    }
    expect(offenders).toEqual([]);
  });
});
