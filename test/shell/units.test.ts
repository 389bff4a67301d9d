import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fishQuote, posixQuote, regexLiteral } from '../../src/shell/quote.js';
import { allowFile, allowStatus, findProjectFile, listAllowed, readProjectFile } from '../../src/shell/project.js';
import { buildState, compileMappings } from '../../src/shell/state.js';
import { keyAliasCache, refreshCompletionCache, shellAliasCache } from '../../src/shell/cache.js';
import { commandSpecs, renderCompletions } from '../../src/shell/completions-gen.js';

// clipanion's ESM build imports a directory, which Node's loader (and so vitest) refuses; its CJS build loads.
const { Cli, Command, Option } = createRequire(import.meta.url)('clipanion') as typeof import('clipanion');

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringlet-shell-unit-'));
  env = { ...process.env, HOME: join(dir, 'home'), RINGLET_HOME: join(dir, 'rh'), XDG_CONFIG_HOME: join(dir, 'xdg') };
  for (const d of ['home', 'rh/profiles/acme', 'xdg/ringlet']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'rh/profiles/acme/ringlet.toml'), 'agent = "claude"\nprovider = "anthropic"\n');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NASTY = ["it's", 'a "b"', '$(touch x)', '`y`', 'new\nline', 'back\\slash', '*?[a]', '{a,b}', 'ünï', '', "''\\'"];

describe('quoting', () => {
  it('round-trips every string through real bash, zsh and fish', () => {
    for (const s of NASTY) {
      expect(execFileSync('bash', ['-c', `printf %s ${posixQuote(s)}`], { encoding: 'utf8' })).toBe(s);
      expect(execFileSync('zsh', ['-f', '-c', `printf %s ${posixQuote(s)}`], { encoding: 'utf8' })).toBe(s);
      expect(execFileSync('fish', ['--no-config', '-c', `printf %s ${fishQuote(s)}`], { encoding: 'utf8' })).toBe(s);
    }
  });

  it('builds regexes that match only the literal text', () => {
    const pat = `^${regexLiteral('/a.b/*(c)\n')}`;
    const m = (v: string) => execFileSync('fish', ['--no-config', '-c', `string match -qr -- ${fishQuote(pat)} ${fishQuote(v)}; and echo y; or echo n`], { encoding: 'utf8' }).trim();
    expect(m('/a.b/*(c)\nrest')).toBe('y');
    expect(m('/aXb/*(c)\n')).toBe('n');
    expect(m('/a.b/xx(c)\n')).toBe('n');
  });

  it('refuses NUL bytes instead of truncating', () => {
    expect(() => posixQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('project files', () => {
  it('reads a profile from .ringlet.toml or .ringlet-profile and refuses the rest', () => {
    const f = join(dir, '.ringlet.toml');
    writeFileSync(f, 'profile = "acme"\n');
    expect(readProjectFile(f)).toEqual({ content: 'profile = "acme"\n', profile: 'acme' });
    writeFileSync(f, 'profile = "../etc"\n');
    expect(() => readProjectFile(f)).toThrow(/invalid profile name/);
    writeFileSync(f, Buffer.from([0x70, 0xff, 0x0a]));
    expect(() => readProjectFile(f)).toThrow(/UTF-8/);
    const p = join(dir, '.ringlet-profile');
    writeFileSync(p, '# comment\n  acme  \n');
    expect(readProjectFile(p).profile).toBe('acme');
  });

  it('finds the nearest project file, and trust follows the content', () => {
    mkdirSync(join(dir, 'proj/a/b'), { recursive: true });
    const f = join(dir, 'proj/.ringlet.toml');
    writeFileSync(f, 'profile = "acme"\n');
    expect(findProjectFile(join(dir, 'proj/a/b'))).toBe(f);
    expect(allowStatus(f, env)).toBe('unknown');
    allowFile(f, env);
    expect(allowStatus(f, env)).toBe('allowed');
    writeFileSync(f, 'profile = "acme" # edited\n');
    expect(allowStatus(f, env)).toBe('changed');
  });

  it('ignores an allow record whose content does not match its hash', () => {
    const f = join(dir, '.ringlet.toml');
    writeFileSync(f, 'profile = "acme"\n');
    allowFile(f, env);
    const recDir = join(dir, 'rh/allowed');
    const [name] = readdirSync(recDir);
    const rec = JSON.parse(readFileSync(join(recDir, name), 'utf8'));
    rec.content = 'profile = "other"\n';
    writeFileSync(join(recDir, name), JSON.stringify(rec));
    expect(listAllowed(env)).toEqual([]);
  });
});

describe('state', () => {
  it('compiles mappings: ~ expanded, trailing slash dropped, symlinks in both spellings, longest first', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, 'real/acme'), { recursive: true });
    symlinkSync(join(home, 'real'), join(home, 'link'));
    const m = compileMappings([{ path: '~/link', profile: 'a' }, { path: '~/link/acme/', profile: 'b' }, { path: 'rel', profile: 'c' }], home);
    expect(m).toEqual([
      { dir: join(home, 'link/acme'), profile: 'b' },
      { dir: join(home, 'real/acme'), profile: 'b' },
      { dir: join(home, 'link'), profile: 'a' },
      { dir: join(home, 'real'), profile: 'a' },
      { dir: join(home, 'rel'), profile: 'c' },
    ]);
  });

  it('stamps the state strictly newer than the newest input, whatever its sub-microsecond time', () => {
    const cfg = join(dir, 'xdg/ringlet/config.toml');
    writeFileSync(cfg, '[[directory-mapping]]\npath = "~"\nprofile = "acme"\n');
    for (const frac of [0.000_000_1, 0.123_456_789, 0.999_999_9]) {
      utimesSync(cfg, 1_800_000_000 + frac, 1_800_000_000 + frac);
      const out = buildState('bash', { aliases: true, reserved: [] }, env);
      const stamp = /^__ringlet_stamp='([^']+)'$/m.exec(out)![1];
      expect(statSync(stamp, { bigint: true }).mtimeNs > statSync(cfg, { bigint: true }).mtimeNs).toBe(true);
      // and the shell agrees the state is fresh
      expect(execFileSync('bash', ['-c', `__ringlet_unalias() { :; }\n${out}\n__ringlet_stale_config && echo stale || echo fresh`], { encoding: 'utf8', env }).trim()).toBe('fresh');
    }
  });
});

describe('completion caches', () => {
  it('writes key alias names only, sorted, unique, valid, 0600', async () => {
    await refreshCompletionCache([{ provider: 'anthropic', alias: 'work' }, { provider: 'openai', alias: 'work' }, { provider: 'x', alias: 'bad name' }, { provider: 'x', alias: 'a1' }], env);
    expect(readFileSync(keyAliasCache(env), 'utf8')).toBe('a1\nwork\n');
    expect(statSync(keyAliasCache(env)).mode & 0o777).toBe(0o600);
    expect(readFileSync(shellAliasCache(env), 'utf8')).toBe('');
  });
});

describe('completions generator', () => {
  class Run extends Command {
    static override paths = [['profiles', 'run'], ['run']];
    static override usage = Command.Usage({ description: 'Run a profile' });
    explain = Option.Boolean('--explain', false, { description: 'Say what would run' });
    remote = Option.String('--remote,-r', { description: 'Remote host' });
    name = Option.String({ name: 'profile' });
    rest = Option.Proxy();
    async execute() { return 0; }
  }
  class Create extends Command {
    static override paths = [['profiles', 'create']];
    static override usage = Command.Usage({ description: 'Create a profile' });
    provider = Option.String('--provider', { description: 'Provider id' });
    agent = Option.String({ name: 'agent' });
    name = Option.String({ name: 'name' });
    async execute() { return 0; }
  }

  it('reads words, options, value kinds and secondary paths from clipanion definitions', () => {
    const cli = new Cli({ binaryName: 'ringlet' });
    cli.register(Run);
    cli.register(Create);
    const specs = commandSpecs(cli.definitions(), [Run, Create]);
    const run = specs.find((s) => s.words.join(' ') === 'profiles run')!;
    expect(run.positionals).toEqual([{ name: 'profile', kind: 'profile' }]);
    expect(run.rest).toBe(true);
    expect(run.options.find((o) => o.names.includes('--remote'))).toMatchObject({ names: ['--remote', '-r'], value: true });
    expect(run.options.find((o) => o.names.includes('--explain'))).toMatchObject({ value: false });
    expect(specs.some((s) => s.words.join(' ') === 'run')).toBe(true);
    const create = specs.find((s) => s.words.join(' ') === 'profiles create')!;
    expect(create.positionals.map((p) => p.kind)).toEqual(['agent', undefined]);
    expect(create.options[0]).toMatchObject({ names: ['--provider'], kind: 'provider' });
    const bash = renderCompletions('bash', specs);
    expect(bash).toContain(`'profiles') _ringlet_r='create run' ;;`);
    expect(bash).toContain(`'profiles run|0') _ringlet_kind='profile' ;;`);
  });
});
