import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ringlet, RINGLET, type Sandbox } from '../support/env.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';

const SECRET = 'sk-ant-run-SECRET-9f8e7d6c5b4a';
let sb: Sandbox;
let fake: FakeProvider;

beforeAll(async () => {
  sb = makeSandbox();
  fake = await startFakeProvider();
  await ringlet(['keychain', 'set', 'custom', 'w'], sb.env, { input: SECRET });
  const c = await ringlet(['profiles', 'create', 'claude', 'w', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'w'], sb.env);
  expect(c.code, c.stderr).toBe(0);
});
afterAll(async () => {
  await fake.close();
  sb.cleanup();
});

const run = (args: string[], env = sb.env) => ringlet(['profiles', 'run', ...args], env);

describe('profiles run', () => {
  it('passes the exit status through', async () => {
    expect((await run(['w', '--', 'sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await run(['w', '--', 'true'])).code).toBe(0);
  });

  it('maps a signal death to 128+n', async () => {
    expect((await run(['w', '--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143);
    expect((await run(['w', '--', 'sh', '-c', 'kill -KILL $$'])).code).toBe(137);
  });

  it('forwards SIGTERM to the child and exits with its status', async () => {
    const marker = join(sb.dir, 'got-term');
    const child = spawn(process.execPath, [RINGLET, 'profiles', 'run', 'w', '--', 'sh', '-c', `trap 'echo x > ${marker}; exit 5' TERM; echo ready; while :; do sleep 0.05; done`], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    child.kill('SIGTERM');
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const [code, signal] = await new Promise<[number | null, string | null]>((res) => child.on('exit', (c, s) => res([c, s])));
    expect({ code, signal, stderr }).toEqual({ code: 5, signal: null, stderr: '' });
    expect(readFileSync(marker, 'utf8')).toBe('x\n');
  });

  it("builds the profile's environment: its HOME, the meter's URL and a local token, never the real key", async () => {
    const r = await run(['w', '--', 'env'], { ...sb.env, ANTHROPIC_API_KEY: 'leaked-from-shell', OPENAI_API_KEY: 'other-leak', XDG_CONFIG_HOME: sb.env.XDG_CONFIG_HOME });
    expect(r.code, r.stderr).toBe(0);
    const env = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env.HOME).toBe(join(sb.env.RINGLET_HOME!, 'profiles', 'w', 'HOME'));
    expect(env.RINGLET_PROFILE).toBe('w');
    expect(env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.ANTHROPIC_API_KEY).toMatch(/^ringlet-local-/);
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.XDG_CONFIG_HOME).toBeUndefined();
    expect(r.stdout).not.toContain(SECRET);
  });

  it('puts the real key in the environment only with metering off', async () => {
    await ringlet(['profiles', 'create', 'claude', 'nometer', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'w'], sb.env);
    expect((await ringlet(['profiles', 'set', 'nometer', '--meter', 'off'], sb.env)).code).toBe(0);
    const r = await run(['nometer', '--', 'sh', '-c', 'test "$ANTHROPIC_API_KEY" = "$EXPECT" && echo same']);
    expect(r.stdout).toBe('');
    const r2 = await run(['nometer', '--', 'sh', '-c', 'echo "$ANTHROPIC_BASE_URL"']);
    expect(r2.stdout.trim()).toBe(fake.url);
  });

  it('never puts the key in argv of any process it starts', async () => {
    const r = await run(['w', '--', 'sh', '-c', 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done 2>/dev/null']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('profiles run w');
    expect(r.stdout).not.toContain(SECRET);
  });

  it('links shared dotfiles of the real HOME into the profile HOME', async () => {
    writeFileSync(join(sb.env.HOME!, '.gitconfig'), '[user]\n\tname = Test\n');
    const r = await run(['w', '--', 'sh', '-c', 'cat "$HOME/.gitconfig"']);
    expect(r.stdout).toContain('name = Test');
  });

  it('records each key read in the audit log, never the value', async () => {
    expect((await run(['w', '--', 'true'])).code).toBe(0);
    const q = await ringlet(['audit', 'query', '--type', 'keychain-read', '--json'], sb.env);
    expect(q.code, q.stderr).toBe(0);
    const rows = JSON.parse(q.stdout) as Array<{ profile: string; data: { provider: string; alias: string } }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.at(-1)).toMatchObject({ profile: 'w', data: { provider: 'custom', alias: 'w' } });
    expect(q.stdout).not.toContain(SECRET);
    // Spooled by the run, chained into audit.db by the query: the chain still verifies.
    expect((await ringlet(['audit', 'verify'], sb.env)).code).toBe(0);
  });

  it('explains its choice and runs nothing', async () => {
    const r = await run(['--explain'], { ...sb.env, RINGLET_PROFILE: 'w' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/profile\s+w \(from \$RINGLET_PROFILE\)/);
    expect(r.stdout).toMatch(/meter\s+on/);
    expect(r.stdout).not.toContain(SECRET);
  });
});

describe('profiles run refuses bad input with one clear line', () => {
  const oneLine = (r: { stderr: string }) => expect(r.stderr.trim().split('\n')).toHaveLength(1);

  it('bad profile name', async () => {
    const r = await run(['../etc']);
    expect(r.code).not.toBe(0);
    oneLine(r);
    expect(r.stderr).toMatch(/invalid profile name/);
  });

  it('unknown profile', async () => {
    const r = await run(['nope']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no profile named "nope"/);
  });

  it('missing key', async () => {
    await ringlet(['profiles', 'create', 'claude', 'nokey', '--provider', 'anthropic'], sb.env);
    const r = await run(['nokey', '--', 'true']);
    expect(r.code).not.toBe(0);
    oneLine(r);
    expect(r.stderr).toMatch(/ringlet keychain set anthropic nokey/);
  });

  it('missing agent binary', async () => {
    await ringlet(['profiles', 'create', 'claude', 'nobin', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'w'], sb.env);
    await ringlet(['profiles', 'set', 'nobin', '--binary', '/nonexistent/claude'], sb.env);
    const r = await run(['nobin']);
    expect(r.code).toBe(69);
    oneLine(r);
    expect(r.stderr).toMatch(/not installed or not on PATH/);
  });

  it('malformed manifest', async () => {
    const dir = join(sb.env.RINGLET_HOME!, 'profiles', 'broken');
    mkdirSync(join(dir, 'HOME'), { recursive: true });
    writeFileSync(join(dir, 'ringlet.toml'), 'agent = "claude"\nprovider = \n');
    const r = await run(['broken']);
    expect(r.code).toBe(78);
    oneLine(r);
    expect(r.stderr).toContain(`${join(dir, 'ringlet.toml')}:2:`);
  });

  it('incompatible agent and provider at create time', async () => {
    const r = await ringlet(['profiles', 'create', 'codex', 'cx', '--provider', 'minimax'], sb.env);
    expect(r.code).not.toBe(0);
    oneLine(r);
    expect(r.stderr).toMatch(/codex cannot use provider minimax/);
  });
});

describe('profile management', () => {
  it('lists, shows, sets and removes without leaving anything half-done', async () => {
    await ringlet(['profiles', 'create', 'claude', 'tmp1', '--provider', 'anthropic', '--model', 'claude-sonnet-4-5'], sb.env);
    const list = JSON.parse((await ringlet(['profiles', 'list', '--json'], sb.env)).stdout);
    expect(list.find((p: { name: string }) => p.name === 'tmp1')).toMatchObject({ agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', keyAlias: 'tmp1' });
    expect((await ringlet(['profiles', 'set', 'tmp1', '--model', ''], sb.env)).code).toBe(0);
    expect(JSON.parse((await ringlet(['profiles', 'show', 'tmp1', '--json'], sb.env)).stdout).model).toBeNull();
    const bad = await ringlet(['profiles', 'set', 'tmp1', '--provider', 'groq'], sb.env);
    expect(bad.code).not.toBe(0);
    expect(JSON.parse((await ringlet(['profiles', 'show', 'tmp1', '--json'], sb.env)).stdout).provider).toBe('anthropic');
    const noTty = await ringlet(['profiles', 'rm', 'tmp1'], sb.env);
    expect(noTty.code).not.toBe(0);
    expect(noTty.stderr).toMatch(/--yes/);
    expect((await ringlet(['profiles', 'rm', 'tmp1', '--yes'], sb.env)).code).toBe(0);
    expect(readdirSync(join(sb.env.RINGLET_HOME!, 'profiles')).filter((n) => n.includes('tmp1'))).toEqual([]);
  });

  it('prints export lines without secrets', async () => {
    const r = await ringlet(['profiles', 'env', 'w'], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`export ANTHROPIC_BASE_URL='${fake.url}'`);
    expect(r.stdout).not.toMatch(/ANTHROPIC_API_KEY/);
    expect(r.stdout).not.toContain(SECRET);
  });

  it('keeps the key only in the credential store', async () => {
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && statSync(p).size < 5_000_000 && readFileSync(p).includes(SECRET)) hits.push(p);
      }
    };
    walk(sb.dir);
    expect(hits).toEqual([join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'credentials.toml')]);
  });
});
