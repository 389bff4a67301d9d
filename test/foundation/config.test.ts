import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, type Sandbox } from '../support/env.js';
import { loadConfig } from '../../src/config/config.js';
import { writeFileAtomic } from '../../src/config/atomic.js';
import { readProfile } from '../../src/profiles/manifest.js';
import { resolveProfileName } from '../../src/profiles/store.js';
import { UserError } from '../../src/errors.js';

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

const cfgFile = () => join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml');

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('config.toml', () => {
  it('names the file, line and column of a TOML syntax error', () => {
    writeFileSync(cfgFile(), 'default-profile = "a"\n[credentials\n');
    expect(errorOf(() => loadConfig(sb.env))).toMatch(new RegExp(`^${cfgFile().replace(/[.]/g, '\\.')}:2:\\d+: invalid TOML`));
  });

  it('names the key of a wrong type', () => {
    writeFileSync(cfgFile(), '[[directory-mapping]]\npath = "~/x"\nprofile = 42\n');
    const msg = errorOf(() => loadConfig(sb.env));
    expect(msg).toContain(cfgFile());
    expect(msg).toContain('directory-mapping[0].profile');
  });

  it('refuses unknown keys (typos) and bad profile names', () => {
    writeFileSync(cfgFile(), 'default-profle = "a"\n');
    expect(errorOf(() => loadConfig(sb.env))).toContain('default-profle');
    writeFileSync(cfgFile(), 'default-profile = "../etc"\n');
    expect(errorOf(() => loadConfig(sb.env))).toContain('default-profile');
  });

  it('reads a valid file', () => {
    writeFileSync(cfgFile(), 'default-profile = "work"\n[[directory-mapping]]\npath = "~/acme"\nprofile = "acme"\n[credentials]\nbackend = "file"\n');
    expect(loadConfig(sb.env)).toMatchObject({ 'default-profile': 'work', 'directory-mapping': [{ path: '~/acme', profile: 'acme' }] });
  });
});

describe('profile manifests', () => {
  it('names the manifest and the bad key', () => {
    const dir = join(sb.env.RINGLET_HOME!, 'profiles', 'w');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ringlet.toml'), 'agent = "claude"\nprovider = "anthropic"\n[run]\nmeter = "yes"\n');
    const msg = errorOf(() => readProfile('w', sb.env));
    expect(msg).toContain(join(dir, 'ringlet.toml'));
    expect(msg).toContain('run.meter');
  });

  it('refuses names that could escape the profiles directory', () => {
    for (const bad of ['../x', '.hidden', 'a/b', '', 'a b', '-x']) expect(errorOf(() => readProfile(bad, sb.env))).toMatch(/invalid profile name/);
  });
});

describe('profile resolution', () => {
  it('prefers RINGLET_PROFILE, then the longest directory mapping, then the default', () => {
    const acme = join(sb.env.HOME!, 'src', 'acme');
    const deep = join(acme, 'deep');
    mkdirSync(join(deep, 'x'), { recursive: true });
    writeFileSync(cfgFile(), `default-profile = "dflt"\n[[directory-mapping]]\npath = "~/src/acme"\nprofile = "acme"\n[[directory-mapping]]\npath = "${deep}/"\nprofile = "deep"\n`);
    expect(resolveProfileName(undefined, join(deep, 'x'), sb.env).name).toBe('deep');
    expect(resolveProfileName(undefined, acme, sb.env).name).toBe('acme');
    expect(resolveProfileName(undefined, `${acme}-other`, sb.env).name).toBe('dflt');
    expect(resolveProfileName(undefined, acme, { ...sb.env, RINGLET_PROFILE: 'env' }).name).toBe('env');
    expect(resolveProfileName('cli', acme, { ...sb.env, RINGLET_PROFILE: 'env' })).toMatchObject({ name: 'cli', reason: 'named on the command line' });
  });
});

describe('atomic writes', () => {
  it('keeps the mode of an existing file and makes a backup on request', () => {
    const f = join(sb.dir, 'rc');
    writeFileSync(f, 'old\n');
    chmodSync(f, 0o640);
    const bak = writeFileAtomic(f, 'new\n', { backup: true });
    expect(readFileSync(f, 'utf8')).toBe('new\n');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readFileSync(bak!, 'utf8')).toBe('old\n');
  });
});
