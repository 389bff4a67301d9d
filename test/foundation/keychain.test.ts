import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeSandbox, ringlet, RINGLET, type Sandbox } from '../support/env.js';

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

const SECRET = 'sk-ant-test-SECRET-0123456789abcdef';
const credFile = () => join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'credentials.toml');

describe('keychain (file backend)', () => {
  it('stores from stdin in a 0600 file and never prints the value', async () => {
    const set = await ringlet(['keychain', 'set', 'anthropic', 'work'], sb.env, { input: `${SECRET}\n` });
    expect(set.code).toBe(0);
    expect(statSync(credFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(credFile(), 'utf8')).toContain(SECRET);
    const list = await ringlet(['keychain', 'list', '--json'], sb.env);
    expect(JSON.parse(list.stdout)).toEqual([{ provider: 'anthropic', alias: 'work', backend: 'file' }]);
    for (const r of [set, list]) expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('refuses to overwrite without --replace', async () => {
    await ringlet(['keychain', 'set', 'anthropic', 'work'], sb.env, { input: SECRET });
    const again = await ringlet(['keychain', 'set', 'anthropic', 'work'], sb.env, { input: 'other' });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/--replace/);
    expect(readFileSync(credFile(), 'utf8')).toContain(SECRET);
    const replaced = await ringlet(['keychain', 'set', 'anthropic', 'work', '--replace'], sb.env, { input: 'sk-new' });
    expect(replaced.code).toBe(0);
    expect(readFileSync(credFile(), 'utf8')).not.toContain(SECRET);
  });

  it('takes a key from an environment variable', async () => {
    const r = await ringlet(['keychain', 'set', 'openai', 'o', '--from-env', 'MY_KEY'], { ...sb.env, MY_KEY: SECRET });
    expect(r.code).toBe(0);
    expect(readFileSync(credFile(), 'utf8')).toContain(SECRET);
    const missing = await ringlet(['keychain', 'set', 'openai', 'p', '--from-env', 'NOPE'], sb.env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a credentials file readable by others', async () => {
    await ringlet(['keychain', 'set', 'anthropic', 'work'], sb.env, { input: SECRET });
    chmodSync(credFile(), 0o644);
    const r = await ringlet(['keychain', 'list'], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/chmod 600/);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('removes keys and rejects bad aliases and providers', async () => {
    await ringlet(['keychain', 'set', 'anthropic', 'work'], sb.env, { input: SECRET });
    expect((await ringlet(['keychain', 'remove', 'anthropic', 'work'], sb.env)).code).toBe(0);
    expect(readFileSync(credFile(), 'utf8')).not.toContain(SECRET);
    expect((await ringlet(['keychain', 'remove', 'anthropic', 'work'], sb.env)).code).not.toBe(0);
    expect((await ringlet(['keychain', 'set', 'anthropic', '../x'], sb.env, { input: 'k' })).stderr).toMatch(/invalid key alias/);
    expect((await ringlet(['keychain', 'set', 'nosuch', 'x'], sb.env, { input: 'k' })).stderr).toMatch(/unknown provider/);
  });

  it('falls back to the file with a one-line notice when no keychain answers', async () => {
    writeFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'), '');
    // No D-Bus session here: the Secret Service cannot answer.
    const env = { ...sb.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const r = await ringlet(['keychain', 'set', 'anthropic', 'work'], env, { input: SECRET });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no OS keychain answered/);
    expect(readFileSync(credFile(), 'utf8')).toContain(SECRET);
    writeFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'), '[credentials]\nbackend = "system-only"\n');
    const strict = await ringlet(['keychain', 'set', 'anthropic', 'other'], env, { input: SECRET });
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/keychain is unavailable/);
  });
});

const hasSecretService = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon']).status === 0;

describe.runIf(hasSecretService)('keychain (real Secret Service)', () => {
  it('stores in gnome-keyring under dbus-run-session, not in the file', () => {
    writeFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'), '[credentials]\nbackend = "system-only"\n');
    const script = `
      set -e
      echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
      printf '%s' "$KEYVAL" | node "$RINGLET" keychain set anthropic work
      node "$RINGLET" keychain list --json
      secret-tool lookup service ringlet username anthropic/work >/dev/null 2>&1 || true
      node -e "const {Entry}=require('@napi-rs/keyring'); process.stdout.write(new Entry('ringlet','anthropic/work').getPassword()===process.env.KEYVAL?'MATCH':'DIFF')"
    `;
    const r = spawnSync('dbus-run-session', ['--', 'bash', '-c', script], {
      env: { ...sb.env, KEYVAL: SECRET, RINGLET, NODE_PATH: join(RINGLET, '..', '..', 'node_modules') },
      cwd: join(RINGLET, '..', '..'), encoding: 'utf8', timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('"backend": "system"');
    expect(r.stdout).toContain('MATCH');
    expect(r.stdout.replace('MATCH', '')).not.toContain(SECRET);
    expect(() => readFileSync(credFile(), 'utf8')).toThrow();
  });
});
