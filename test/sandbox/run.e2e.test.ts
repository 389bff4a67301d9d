import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeSandbox, ringlet, NODE_BIN, type Sandbox } from '../support/env.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';

// `ringlet profiles run --sandbox` with real bwrap and the real Claude Code, through the meter.
const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).status === 0;
const SECRET = 'sk-ant-sandboxed-SECRET-77777';
let sb: Sandbox;
let fake: FakeProvider;
let project: string;

beforeAll(async () => {
  sb = makeSandbox();
  fake = await startFakeProvider({ reply: 'sandboxed answer' });
  project = join(sb.dir, 'work', 'project');
  mkdirSync(project, { recursive: true });
  await ringlet(['keychain', 'set', 'custom', 's'], sb.env, { input: SECRET });
  for (const name of ['s', 'other']) {
    const r = await ringlet(['profiles', 'create', 'claude', name, '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 's'], sb.env);
    expect(r.code, r.stderr).toBe(0);
  }
  mkdirSync(join(sb.env.RINGLET_HOME!, 'profiles', 'other', 'HOME'), { recursive: true });
  writeFileSync(join(sb.env.RINGLET_HOME!, 'profiles', 'other', 'HOME', 'private.txt'), 'other profile data');
});
afterAll(async () => {
  await fake?.close();
  sb?.cleanup();
});

const run = (args: string[], env = sb.env) => ringlet(['profiles', 'run', 's', '--sandbox', '--', ...args], env, { cwd: project, timeoutMs: 90_000 });

describe.runIf(hasBwrap || process.env.RINGLET_REQUIRE_AGENTS === '1')('profiles run --sandbox', () => {
  it('the agent still answers through the meter and the ledger counts it', async () => {
    const r = await run(['claude', '-p', 'say hi']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('sandboxed answer');
    expect(new Set(fake.modelRequests().map((q) => q.apiKey))).toEqual(new Set([SECRET]));
    const rows = JSON.parse((await ringlet(['usage', '--export', 'json', '--profile', 's'], sb.env)).stdout);
    expect(rows.length).toBe(fake.modelRequests().filter((q) => q.responseId).length);
  });

  it('writes work in the workspace and fail outside it', async () => {
    expect((await run(['sh', '-c', 'echo ok > inside.txt'])).code).toBe(0);
    expect(existsSync(join(project, 'inside.txt'))).toBe(true);
    const probe = `/etc/ringlet-sandbox-probe-${process.pid}-${Date.now()}`;
    const outside = await run(['sh', '-c', `touch ${probe}`]);
    expect(outside.code).not.toBe(0);
    expect(existsSync(probe)).toBe(false);
  });

  it("hides credentials.toml, the ledger and another profile's HOME", async () => {
    const cfg = join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'credentials.toml');
    const other = join(sb.env.RINGLET_HOME!, 'profiles', 'other', 'HOME', 'private.txt');
    const r = await run(['sh', '-c', `cat '${cfg}' '${other}' '${join(sb.env.RINGLET_HOME!, 'ledger.db')}' 2>/dev/null; echo done`]);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).not.toContain('other profile data');
    expect(r.stdout).not.toContain('SQLite format');
  });

  it('refuses to start, naming the fix, when bwrap is not available', async () => {
    const bin = mkdtempSync(join(sb.dir, 'nobwrap-'));
    for (const tool of ['sh', 'env', 'true']) symlinkSync(`/bin/${tool}`, join(bin, tool));
    const r = await run(['true'], { ...sb.env, PATH: `${bin}:${NODE_BIN}` });
    expect(r.code).toBe(69);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot sandbox this run: .*fix:/);
  });
});
