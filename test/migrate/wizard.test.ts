import { afterEach, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from '../../src/migrate/audit.js';
import { planMigration } from '../../src/migrate/planner.js';
import { reviewPlan, type Prompter } from '../../src/migrate/wizard.js';
import { applyPlan } from '../../src/migrate/apply.js';
import { findingLabel } from '../../src/migrate/report.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import { checkManifest } from '../../src/profiles/store.js';
import { getSecret } from '../../src/credentials/store.js';
import { fakeSecretTools, fixtureHome } from './helpers.js';

let sb: ReturnType<typeof fixtureHome> | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

/** Answers by question: the first matching rule answers; questions nobody expected fail the test. */
function scripted(rules: [RegExp, string | boolean][]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const answer = (q: string) => {
    asked.push(q);
    const r = rules.find(([re]) => re.test(q));
    if (!r) throw new Error(`unexpected question: ${q}`);
    return r[1];
  };
  return {
    asked,
    say: () => {},
    confirm: async (q) => answer(q) as boolean,
    ask: async (q, d) => {
      const a = answer(q);
      return a === true ? d : String(a);
    },
    choose: async (q) => answer(q) as never,
  };
}

it('the wizard renames, declines, runs a key command when told to, and moves a config dir', async () => {
  sb = fixtureHome('zsh');
  fakeSecretTools(join(sb.dir, 'fakebin'));
  const env: NodeJS.ProcessEnv = { ...sb.env, PATH: `${join(sb.dir, 'fakebin')}:${sb.env.PATH}` };
  const a = audit({ home: sb.home, env });
  const plan = planMigration(a, { existing: () => undefined, provider: (id) => BUILTIN_PROVIDERS.find((p) => p.id === id), check: (m) => checkManifest(m, env), existingMappings: [] });
  const io = scripted([
    [/^Create profile (glm|vertex|work-codex)\?/, false],
    [/^Create profile /, true],
    // Keep the suggested names (the second account's is renamed below).
    [/^Name$/, true],
    [/^Run `pass show ai\/moonshot`/, true],
    [/^Run `/, false],
    [/^Store the key \(literal sk-ant-…0001\)/, true],
    [/^Import .*\.claude-work into the profile/, 'move'],
    [/^Rewrite \d+ definition/, true],
    [/^Also comment out the exported keys/, false],
    [/^Apply these changes\?/, true],
  ]);
  const origAsk = io.ask;
  io.ask = async (q, d) => (d === 'work' ? 'second-account' : origAsk(q, d));
  const reviewed = await reviewPlan(a, plan, io, (f) => findingLabel(f, sb!.home));
  expect(reviewed).not.toBeNull();
  const res = await applyPlan(reviewed!, { env });
  expect(res.profilesCreated.sort()).toEqual(['default', 'ds', 'kimi', 'second-account']);
  expect(readdirSync(join(env.RINGLET_HOME!, 'profiles')).filter((n) => !n.startsWith('.')).sort()).toEqual(['default', 'ds', 'kimi', 'second-account']);
  expect(getSecret('moonshot', 'kimi', env)).toBe('sk-cmd-FIXTURE-pass-000000000001');
  expect(getSecret('custom', 'ds', env)).toBeUndefined(); // `op read` was declined
  expect(res.configDirs).toEqual([{ from: join(sb.home, '.claude-work'), to: join(env.RINGLET_HOME!, 'profiles', 'second-account', 'HOME', '.claude'), action: 'move' }]);
  const zshrc = readFileSync(join(sb.home, '.config/zsh/.zshrc'), 'utf8');
  expect(zshrc).toContain("alias claude-work='ringlet profiles run second-account -- claude'");
  expect(zshrc).toContain('kimi() { ringlet profiles run kimi -- claude "$@"; }');
  expect(zshrc).toContain('glm() {\n  ANTHROPIC_BASE_URL'); // declined: untouched
  expect(readFileSync(join(env.XDG_CONFIG_HOME!, 'ringlet', 'config.toml'), 'utf8')).toContain('claude-work = "second-account"');
  expect(io.asked.filter((q) => q.startsWith('Create profile'))).toHaveLength(7);
});

it('saying no at the end changes nothing', async () => {
  sb = fixtureHome('fish');
  const a = audit({ home: sb.home, env: sb.env });
  const plan = planMigration(a, { existing: () => undefined, provider: (id) => BUILTIN_PROVIDERS.find((p) => p.id === id), check: (m) => checkManifest(m, sb!.env), existingMappings: [] });
  const io = scripted([[/^Apply these changes/, false], [/^Name$/, true], [/\?/, true]]);
  expect(await reviewPlan(a, plan, io, (f) => f.id)).toBeNull();
});

it('on a real terminal (a pty), typed answers drive the review', async () => {
  const { spawnSync } = await import('node:child_process');
  if (spawnSync('script', ['--version']).status !== 0) return;
  const { writeFileSync } = await import('node:fs');
  const { RINGLET } = await import('../support/env.js');
  sb = fixtureHome();
  writeFileSync(join(sb.home, '.bashrc'), "alias claude-work='CLAUDE_CONFIG_DIR=~/.claude-work claude'\nalias cx='CODEX_HOME=~/.cx codex'\n");
  // create work (keep its name), decline cx, rewrite, apply
  const r = spawnSync('script', ['-qec', `${process.execPath} ${RINGLET} migrate`, '/dev/null'], { env: sb.env, input: 'y\n\nn\ny\ny\n', encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stdout).toBe(0);
  expect(r.stdout).toContain('Create profile work? [Y/n]');
  expect(readdirSync(join(sb.env.RINGLET_HOME!, 'profiles')).filter((n) => !n.startsWith('.'))).toEqual(['work']);
  expect(readFileSync(join(sb.home, '.bashrc'), 'utf8')).toBe(
    `# >>> ringlet migrate ${/ringlet migrate (\S+) \(undo/.exec(readFileSync(join(sb.home, '.bashrc'), 'utf8'))![1]} (undo: ringlet migrate --undo) >>>\n# alias claude-work='CLAUDE_CONFIG_DIR=~/.claude-work claude'\nalias claude-work='ringlet profiles run work -- claude'\n# <<< ringlet migrate <<<\nalias cx='CODEX_HOME=~/.cx codex'\n`,
  );
});
