import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ringlet, type Sandbox } from '../support/env.js';
import { startFakeProvider } from '../support/fake-provider.js';
import { parseLocalRun } from '../../src/cli/profiles/run-local.js';
import { newLocalToken } from '../../src/profiles/run.js';
import { claudeKeySuffix } from '../../src/agents/claude.js';

describe('parseLocalRun (the launcher fast path for `profiles run`)', () => {
  it('takes the name, --explain, --sandbox/--no-sandbox and the words after --', () => {
    expect(parseLocalRun(['profiles', 'run'])).toEqual({ explain: false, args: [] });
    expect(parseLocalRun(['profiles', 'run', 'work', '--', 'claude', '-p', '--help'])).toEqual({ name: 'work', explain: false, args: ['claude', '-p', '--help'] });
    expect(parseLocalRun(['profiles', 'run', '--explain', 'work', '--no-sandbox'])).toEqual({ name: 'work', explain: true, sandbox: false, args: [] });
    expect(parseLocalRun(['profiles', 'run', '--sandbox', '--', 'x'])).toEqual({ explain: false, sandbox: true, args: ['x'] });
  });

  it('leaves help, daemon options, unknown options and extra words to the full CLI', () => {
    for (const words of [['--help'], ['-h'], ['work', '--detach'], ['--remote', 'box', 'work'], ['--remote=box'], ['--bogus'], ['a', 'b'], ['work', '--explain=yes']]) {
      expect(parseLocalRun(['profiles', 'run', ...words]), words.join(' ')).toBeUndefined();
    }
    expect(parseLocalRun(['profiles', 'list'])).toBeUndefined();
  });
});

describe('the local token', () => {
  it('is random, with a fixed tail so Claude Code keeps one approved key suffix across runs', () => {
    const a = newLocalToken();
    const b = newLocalToken();
    expect(a).toMatch(/^ringlet-local-[0-9a-f]{36}\.ringlet-meter-token$/);
    expect(a).not.toBe(b);
    expect(claudeKeySuffix(a)).toBe(claudeKeySuffix(b));
  });
});

describe('bin/ringlet', () => {
  let sb: Sandbox;
  const cacheDir = () => join(sb.env.RINGLET_HOME!, 'cache');
  const codeCaches = () => readdirSync(cacheDir()).filter((f) => f.endsWith('.v8'));
  beforeAll(async () => {
    sb = makeSandbox();
    await ringlet(['keychain', 'set', 'anthropic', 'p'], sb.env, { input: 'sk-launcher-test' });
    expect((await ringlet(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic'], sb.env)).code).toBe(0);
  });
  afterAll(() => sb.cleanup());

  it('keeps a code cache for the run bundle, reuses it, and replaces a damaged one', async () => {
    expect((await ringlet(['profiles', 'run', 'p', '--', 'true'], sb.env)).code).toBe(0);
    const [cache] = codeCaches();
    expect(cache).toMatch(new RegExp(`^run-${process.version}-${process.arch}-\\d+-\\d+\\.v8$`));
    const file = join(cacheDir(), cache!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = readFileSync(file);

    // Accepted by V8: a second run leaves it as it was.
    const r = await ringlet(['profiles', 'run', 'p', '--', 'sh', '-c', 'exit 3'], sb.env);
    expect(r).toMatchObject({ code: 3, stderr: '' });
    expect(readFileSync(file).equals(first)).toBe(true);

    // Rejected by V8 (not a cache at all): the run still works and a good cache is written back.
    writeFileSync(file, 'not a code cache');
    expect((await ringlet(['profiles', 'run', 'p', '--', 'true'], sb.env)).code).toBe(0);
    expect(readFileSync(file).length).toBeGreaterThan(1000);
    expect(codeCaches()).toEqual([cache]);
  });

  it('runs without a cache where RINGLET_HOME/cache cannot be written', async () => {
    // A file where the directory should be: unwritable even for root, which ignores directory modes.
    const s = makeSandbox();
    try {
      await ringlet(['keychain', 'set', 'anthropic', 'p'], s.env, { input: 'sk-launcher-test' });
      await ringlet(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic'], s.env);
      rmSync(join(s.env.RINGLET_HOME!, 'cache'), { recursive: true, force: true });
      writeFileSync(join(s.env.RINGLET_HOME!, 'cache'), '');
      expect(await ringlet(['profiles', 'run', 'p', '--', 'echo', 'ok'], s.env)).toMatchObject({ code: 0, stdout: 'ok\n', stderr: '' });
      expect(readFileSync(join(s.env.RINGLET_HOME!, 'cache'), 'utf8')).toBe('');
    } finally {
      s.cleanup();
    }
  });

  it('sends what the fast path does not take to the full CLI', async () => {
    const help = await ringlet(['profiles', 'run', '--help'], sb.env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--explain');
    const bad = await ringlet(['profiles', 'run', 'p', '--bogus'], sb.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bogus/);
    const missing = await ringlet(['profiles', 'run', 'nope', '--', 'true'], sb.env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^ringlet: .*nope/);
  });

  it('meters a request made through the run bundle (its http, https, zlib and crypto load on first use)', async () => {
    const fake = await startFakeProvider();
    const s = makeSandbox();
    try {
      await ringlet(['keychain', 'set', 'custom', 'm'], s.env, { input: 'sk-launcher-metered' });
      await ringlet(['profiles', 'create', 'claude', 'm', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'm'], s.env);
      const client = `fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages', { method: 'POST',
        headers: { 'x-api-key': process.env.ANTHROPIC_API_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }] }) })
        .then((r) => r.text()).then((t) => process.stdout.write(t.includes('message_stop') ? 'streamed' : t))`;
      const r = await ringlet(['profiles', 'run', 'm', '--', process.execPath, '-e', client], s.env);
      expect(r).toMatchObject({ code: 0, stdout: 'streamed', stderr: '' });
      expect(fake.modelRequests().map((q) => q.apiKey)).toEqual(['sk-launcher-metered']);
      const usage = JSON.parse((await ringlet(['usage', '--json'], s.env)).stdout);
      expect(usage.groups).toMatchObject([{ profile: 'm', requests: 1, inputTokens: 11, outputTokens: 7 }]);
    } finally {
      s.cleanup();
      await fake.close();
    }
  });

  it('leaves .claude.json alone from run to run', async () => {
    const file = join(sb.env.RINGLET_HOME!, 'profiles', 'p', 'HOME', '.claude.json');
    const before = statSync(file);
    await new Promise((r) => setTimeout(r, 20));
    expect((await ringlet(['profiles', 'run', 'p', '--', 'true'], sb.env)).code).toBe(0);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(file).ino).toBe(before.ino);
  });
});
