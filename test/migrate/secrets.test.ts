import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ringlet } from '../support/env.js';
import { fakeSecretTools, fixtureHome } from './helpers.js';

// Every key in the fixtures, and every key the fake secret tools print, contains "FIXTURE".
let sb: ReturnType<typeof fixtureHome>;
let env: NodeJS.ProcessEnv;
const outputs: [string, string][] = [];

beforeAll(async () => {
  sb = fixtureHome('zsh', 'bash', 'fish', 'direnv', 'wrappers');
  fakeSecretTools(join(sb.dir, 'fakebin'));
  mkdirSync(join(sb.home, 'dotfiles'));
  writeFileSync(join(sb.home, 'dotfiles', '.env'), 'ZAI_API_KEY=sk-zai-dotenvFIXTURE-0000000011\n');
  // A key inside another variable of an alias, and a key inside a command line.
  writeFileSync(join(sb.home, '.bashrc'), `${readFileSync(join(sb.home, '.bashrc'), 'utf8')}alias leak='OTHER_SECRET=sk-otherFIXTURE0000000000000013 ANTHROPIC_API_KEY=$(echo sk-ant-api03-echoFIXTURE-000000000014) claude'\n`);
  env = { ...sb.env, PATH: `${join(sb.dir, 'fakebin')}:${sb.env.PATH}` };
  const run = async (args: string[]) => {
    const r = await ringlet(args, env);
    outputs.push([`${args.join(' ')} (stdout)`, r.stdout], [`${args.join(' ')} (stderr)`, r.stderr]);
    return r;
  };
  await run(['migrate', '--dry-run']);
  const j = await run(['migrate', '--dry-run', '--json']);
  writeFileSync(join(sb.dir, 'plan.json'), j.stdout);
  await run(['migrate']);
  await run(['migrate', '--yes', '--run-key-commands', '--rewrite-exports', '--rewrite-envrc']);
  await run(['migrate', '--yes', '--json']);
  await run(['migrate', '--undo', '--json']);
  await run(['migrate', '--plan', join(sb.dir, 'plan.json'), '--json']);
}, 120_000);
afterAll(() => sb?.cleanup());

it('migrate really ran (keys were read and stored)', () => {
  const creds = readFileSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'credentials.toml'), 'utf8');
  expect(creds).toContain('FIXTURE');
  expect(statSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'credentials.toml')).mode & 0o777).toBe(0o600);
});

it('no key value appears in any output', () => {
  for (const [what, text] of outputs) expect(text, what).not.toContain('FIXTURE');
  const plan = readFileSync(join(sb.dir, 'plan.json'), 'utf8');
  expect(plan).not.toContain('FIXTURE');
  expect(JSON.parse(plan).findings.length).toBeGreaterThan(20);
});

it('no key value in journals, profiles or config.toml (only in the 0600 backups and the key store)', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(sb.env.RINGLET_HOME!);
  walk(join(sb.env.XDG_CONFIG_HOME!, 'ringlet'));
  const backups = files.filter((f) => /\/migrations\/[^/]+\/files\//.test(f));
  expect(backups.length).toBeGreaterThan(0);
  for (const b of backups) expect(statSync(b).mode & 0o777).toBe(0o600);
  for (const f of files) {
    if (backups.includes(f) || f.endsWith('credentials.toml')) continue;
    expect(readFileSync(f, 'utf8'), f).not.toContain('FIXTURE');
  }
  expect(existsSync(join(sb.env.RINGLET_HOME!, 'migrations'))).toBe(true);
});

it('rewritten rc files hold no key that was not there before', () => {
  const zshrc = readFileSync(join(sb.home, '.config/zsh/.zshrc'), 'utf8');
  // The old export is commented out, not copied into a new line.
  const live = zshrc.split('\n').filter((l) => !l.trimStart().startsWith('#'));
  expect(live.join('\n')).not.toContain('FIXTURE');
});
