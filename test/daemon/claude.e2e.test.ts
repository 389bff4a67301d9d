import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ringlet } from '../support/env.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { daemonBox, PtyRun, request, until, type DaemonBox } from './helpers.js';

// The real Claude Code, interactive, in a detached session against the fake provider: attach, work,
// detach, reattach and find the same screen.

const KEY = 'sk-ant-e2e-DAEMON-5555555555';
let box: DaemonBox;
let fake: FakeProvider;

beforeAll(async () => {
  box = await daemonBox();
  fake = await startFakeProvider({ reply: 'answer from the detached session' });
  expect((await ringlet(['keychain', 'set', 'custom', 'a'], box.env, { input: KEY })).code).toBe(0);
  const r = await ringlet(['profiles', 'create', 'claude', 'a', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'a'], box.env);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await box?.stop();
  await fake?.close();
});

describe('a detached Claude Code session', () => {
  it('detaches, reattaches and shows its screen again; metered like profiles run', async () => {
    const start = await ringlet(['profiles', 'run', 'a', '--detach'], box.env);
    expect(start.code, start.stderr).toBe(0);
    const id = start.stdout.trim();

    const first = new PtyRun(['attach', id], box.env, { cols: 100, rows: 30 });
    // First run in a new folder: Claude Code asks whether to trust it. Answer as a user would.
    await first.waitForScreen('Enter to confirm', 60_000);
    await until(async () => {
      first.write('\x1b[B');
      await new Promise((r) => setTimeout(r, 400));
      return /❯ \d?\.? ?Yes/.test(await first.screen());
    }, 20_000, () => 'the trust prompt never moved to Yes');
    first.write('\r');
    await first.waitForScreen(/auto mode|for shortcuts/, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    first.write('say hi');
    await new Promise((r) => setTimeout(r, 300));
    first.write('\r');
    const before = await first.waitForScreen('answer from the detached session', 60_000);
    expect(before).toContain('say hi');

    first.write('\x1cd');
    expect(await first.exit).toBe(0);
    expect(first.raw).toContain(`detached from session ${id}`);
    const s = (await request(box.port, 'GET', `/api/sessions/${id}`, { token: box.token() })).body;
    expect(s).toMatchObject({ status: 'running', clients: 0 });

    // A fresh terminal: the whole screen comes back from the daemon's mirror.
    const second = new PtyRun(['attach', id], box.env, { cols: 100, rows: 30 });
    const again = await second.waitForScreen('answer from the detached session', 30_000);
    expect(again).toContain('say hi');
    expect(again).toContain('❯');
    // Still live: another prompt goes through.
    second.write('and again');
    await new Promise((r) => setTimeout(r, 300));
    second.write('\r');
    await until(async () => ((await second.screen()).match(/answer from the detached session/g) ?? []).length >= 2, 60_000, () => 'second answer');
    second.write('\x1cd');
    expect(await second.exit).toBe(0);

    // The session ran `profiles run`: the meter swapped in the real key and wrote the ledger.
    expect(new Set(fake.modelRequests().map((q) => q.apiKey))).toEqual(new Set([KEY]));
    const kill = await ringlet(['sessions', 'kill', id], box.env);
    expect(kill.code, kill.stderr).toBe(0);
    const usage = JSON.parse((await ringlet(['usage', '--json', '--profile', 'a'], box.env)).stdout);
    expect(usage.total.requests).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
