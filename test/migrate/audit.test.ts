import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from '../../src/migrate/audit.js';
import { planMigration, type Plan } from '../../src/migrate/planner.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import { checkManifest } from '../../src/profiles/store.js';
import { makeSandbox, type Sandbox } from '../support/env.js';
import { fixtureHome, summarize } from './helpers.js';
import type { AuditResult } from '../../src/migrate/types.js';

let sb: (Sandbox & { home: string }) | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

function run(...fixtures: string[]): { a: AuditResult; plan: Plan; home: string } {
  sb = fixtureHome(...fixtures);
  const a = audit({ home: sb.home, env: sb.env });
  const env = sb.env;
  const plan = planMigration(a, { existing: () => undefined, provider: (id) => BUILTIN_PROVIDERS.find((p) => p.id === id), check: (m) => checkManifest(m, env), existingMappings: [] });
  return { a, plan, home: sb.home };
}

const profiles = (plan: Plan) => plan.profiles.map((p) => `${p.name} ${p.agent}/${p.provider}${p.endpoint ? ` @${p.endpoint}` : ''}${p.model ? ` model=${p.model}` : ''} key=${p.key ? `${p.key.kind}${p.key.run ? ':run' : ''}` : '-'}`);

describe('zsh: ZDOTDIR, oh-my-zsh custom dir, conf.d glob loop, conditionals, functions', () => {
  it('finds exactly these setups', () => {
    const { a, plan, home } = run('zsh');
    expect(a.findings.map((f) => summarize(f, home))).toEqual([
      'alias codex-work | codex | self | url=- | dir=~/.codex-work | model=- | key=none | ok',
      'alias claude-work | claude | self | url=- | dir=~/.claude-work | model=- | key=none | ok',
      'alias cw | claude | self | url=- | dir=~/.claude-work | model=- | key=none | via=claude-work | ok',
      'function glm | claude | zai | url=https://api.z.ai/api/anthropic | dir=- | model=- | key=env<$ZAI_API_KEY=command(secret-tool) | ok',
      'function kimi | claude | moonshot | url=https://api.moonshot.ai/anthropic | dir=- | model=- | key=command(pass) | ok',
      'alias ds | claude | custom | url=https://api.deepseek.com/anthropic | dir=- | model=deepseek-chat | key=command(op) | ok',
      'alias vertex | claude | vertex | url=- | dir=- | model=- | key=none | ok',
      'export | claude | anthropic | url=- | dir=- | model=- | key=literal | ok',
    ]);
    expect(a.findings.find((f) => f.kind === 'export')!.keySource).toEqual({ kind: 'literal', var: 'ANTHROPIC_API_KEY', masked: 'sk-ant-…0001' });
    expect(a.keys.map((k) => [k.var, k.provider, k.keySource.kind, k.usedBy.length])).toEqual([['ZAI_API_KEY', 'zai', 'command', 1]]);
    expect(a.ignored.map((i) => i.name)).toEqual(['yolo']);
    // Oh My Zsh itself is not read; the commented-out alias is not a finding.
    expect(a.scanned.map((s) => s.file.replace(home, '~'))).toEqual(['~/.zshenv', '~/.config/zsh/.zshrc', '~/.config/zsh/custom/codex.zsh', '~/.config/zsh/conf.d/10-providers.zsh']);
    expect(a.configDirs).toEqual([
      { path: join(home, '.codex-work'), agent: 'codex', exists: false, hasLogin: false, findings: [a.findings[0].id] },
      { path: join(home, '.claude-work'), agent: 'claude', exists: true, hasLogin: true, findings: [a.findings[1].id, a.findings[2].id] },
    ]);
    expect(profiles(plan)).toEqual([
      'work claude/self key=-',
      'glm claude/zai key=command',
      'kimi claude/moonshot key=command',
      'ds claude/custom @https://api.deepseek.com/anthropic model=deepseek-chat key=command',
      'vertex claude/vertex key=-',
      'default claude/anthropic key=literal',
      'work-codex codex/self key=-',
    ]);
    expect(plan.profiles[0].findings).toHaveLength(2); // claude-work and cw share the profile
    expect(plan.profiles[0].configDir).toEqual({ path: join(home, '.claude-work'), action: 'copy' });
    expect(plan.defaultProfile).toBe('default');
    expect(plan.rewrites.filter((r) => r.enabled).map((r) => r.replacement.join('\n'))).toEqual([
      "alias claude-work='ringlet profiles run work -- claude'",
      "alias vertex='CLOUD_ML_REGION=us-east5 ANTHROPIC_VERTEX_PROJECT_ID=my-proj ringlet profiles run vertex -- claude'",
      "alias codex-work='ringlet profiles run work-codex -- codex'",
    ]);
  });
});

describe('bash: brace-expanded source loop, heredocs, CRLF, functions with "$@", keys on their own', () => {
  it('finds exactly these setups', () => {
    const { a, plan, home } = run('bash');
    expect(a.findings.map((f) => summarize(f, home))).toEqual([
      'alias gem | gemini | google | url=- | dir=- | model=- | key=command(cat) | ok',
      'alias fac | droid | self | url=- | dir=- | model=- | key=command(lpass) | ok',
      'function claude-or | claude | openrouter | url=https://openrouter.ai/api | dir=- | model=- | key=env<$OPENROUTER_API_KEY=literal | ok',
      'function cm | claude | self | url=- | dir=- | model=${model} | key=none | left-alone',
      'function mm | claude | minimax | url=https://api.minimax.io/anthropic | dir=- | model=- | key=command(gopass) | ok',
      'alias claude-local | claude | custom | url=http://127.0.0.1:4000 | dir=- | model=- | key=literal | ok',
    ]);
    expect(a.findings.find((f) => f.name === 'cm')!.problems.map((p) => p.reason)).toContain('asks for input (read)');
    expect(a.findings.find((f) => f.name === 'gem')!.keySource).toMatchObject({ kind: 'command', program: 'cat', file: join(home, '.config/gemini/key') });
    expect(a.keys.map((k) => [k.var, k.provider, k.keySource.kind, k.usedBy.length])).toEqual([
      ['OPENROUTER_API_KEY', 'openrouter', 'literal', 1],
      ['GROQ_API_KEY', 'groq', 'literal', 0],
      ['OPENAI_API_KEY', 'openai', 'placeholder', 0],
    ]);
    expect(a.ignored.map((i) => `${i.name}: ${i.reason}`)).toEqual([
      'claude: flags only: sets no key, endpoint, model or config dir',
      'ai: flags only: sets no key, endpoint, model or config dir',
    ]);
    expect(profiles(plan)).toEqual([
      'openrouter claude/openrouter key=literal',
      'mm claude/minimax key=command',
      'local claude/custom @http://127.0.0.1:4000 key=literal',
      'gem gemini/google key=command:run',
      'fac droid/self key=-',
    ]);
    // The placeholder is not a key; the groq key is stored on its own.
    expect(plan.keys.map((k) => `${k.provider}/${k.alias} ${k.key.kind}`)).toEqual(['groq/default literal']);
    // droid's own login token stays in the alias (it is a command, not a literal).
    expect(plan.rewrites.find((r) => r.profile === 'fac')!.replacement).toEqual(["alias fac='FACTORY_API_KEY=$(lpass show --password factory) ringlet profiles run fac -- droid exec'"]);
  });
});

describe('fish: config.fish, conf.d, autoloaded functions, fish_variables, alias/abbr/function/set -gx', () => {
  it('finds exactly these setups', () => {
    const { a, plan, home } = run('fish');
    expect(a.findings.map((f) => summarize(f, home))).toEqual([
      'function mm | claude | minimax | url=https://api.minimax.io/anthropic | dir=- | model=MiniMax-M2 | key=command(secret-tool) | ok',
      'alias cw | claude | self | url=- | dir=~/.claude-work | model=- | key=none | ok',
      'abbr cx | codex | self | url=- | dir=~/.codex-alt | model=- | key=none | ok',
      'function claude_kimi | claude | moonshot | url=https://api.kimi.com/coding/ | dir=- | model=- | key=env<$KIMI_API_KEY=literal | ok',
      'export | claude | custom | url=http://127.0.0.1:3456 | dir=- | model=- | key=command(cat) | ok',
      'export | grok | xai | url=- | dir=- | model=- | key=literal | ok',
    ]);
    expect(a.findings.find((f) => f.name === 'claude_kimi')!.keySource.resolved).toMatchObject({ kind: 'literal', masked: 'sk-…0006' });
    expect(a.keys.map((k) => [k.var, k.provider, k.usedBy.length])).toEqual([['KIMI_API_KEY', 'moonshot', 1]]);
    expect(profiles(plan)).toEqual([
      'mm claude/minimax model=MiniMax-M2 key=command',
      'cw claude/self key=-',
      'kimi claude/moonshot @https://api.kimi.com/coding/ key=literal',
      'default claude/custom @http://127.0.0.1:3456 key=command:run',
      'cx codex/self key=-',
      'default-grok grok/xai key=literal',
    ]);
    expect(plan.rewrites.filter((r) => r.enabled).map((r) => r.replacement.join('\n'))).toEqual([
      "alias cw 'ringlet profiles run cw -- claude'",
      'function claude_kimi --wraps claude\n    ringlet profiles run kimi -- claude $argv\nend',
      "abbr -a cx 'ringlet profiles run cx -- codex'",
    ]);
  });
});

describe('direnv: .envrc files under project roots', () => {
  it('finds .envrc setups, maps their directories, skips dependency and too-deep dirs', () => {
    sb = fixtureHome('direnv');
    mkdirSync(join(sb.home, 'code/node_modules/pkg'), { recursive: true });
    writeFileSync(join(sb.home, 'code/node_modules/pkg/.envrc'), 'export ANTHROPIC_API_KEY=sk-ant-api03-nodemodules\n');
    const a = audit({ home: sb.home, env: sb.env });
    const env = sb.env;
    const plan = planMigration(a, { existing: () => undefined, provider: (id) => BUILTIN_PROVIDERS.find((p) => p.id === id), check: (m) => checkManifest(m, env), existingMappings: [] });
    expect(a.findings.map((f) => summarize(f, sb!.home))).toEqual([
      'envrc acme | claude | anthropic | url=- | dir=- | model=claude-opus-4-1 | key=literal | ok',
      'envrc beta | claude | zai | url=https://api.z.ai/api/anthropic | dir=- | model=- | key=literal | ok',
    ]);
    expect(a.keys.map((k) => [k.var, k.provider, k.keySource.kind, k.keySource.ref])).toEqual([['OPENAI_API_KEY', 'openai', 'reference', 'op://Work/OpenAI/credential']]);
    expect(plan.mappings.map((m) => [m.path.replace(sb!.home, '~'), m.profile])).toEqual([['~/Projects/acme', 'acme'], ['~/projects/beta', 'beta']]);
    expect(plan.keys.map((k) => `${k.provider}/${k.alias} ${k.key.kind} run=${k.key.run}`)).toEqual(['openai/default reference run=false']);
    // .envrc files are not rewritten by default (direnv would ask to allow them again).
    expect(plan.rewrites.every((r) => !r.enabled)).toBe(true);
  });

  it('honours --root', () => {
    sb = fixtureHome('direnv');
    const a = audit({ home: sb.home, env: sb.env, roots: ['src'] });
    expect(a.findings).toEqual([]);
    expect(a.keys.map((k) => k.var)).toEqual(['OPENAI_API_KEY']);
  });
});

describe('wrapper scripts in ~/.local/bin and ~/bin', () => {
  it('finds exactly these setups, and says why some are left alone', () => {
    const { a, plan, home } = run('wrappers');
    expect(a.findings.map((f) => summarize(f, home))).toEqual([
      'wrapper ai-review | claude | anthropic | url=- | dir=- | model=- | key=command(aws) | left-alone',
      'wrapper claude | claude | custom | url=http://localhost:8080 | dir=- | model=- | key=none | left-alone',
      'wrapper claude-prod | claude | custom | url=https://llm.example.com | dir=- | model=- | key=command(vault) | ok',
      'wrapper codex-fish | codex | self | url=- | dir=~/.codex-fish | model=- | key=none | ok',
      'wrapper gem-pro | gemini | google | url=- | dir=- | model=- | key=command(op) | ok',
      'wrapper cx-ask | codex | self | url=- | dir=~/.codex-${acct} | model=- | key=none | left-alone',
      'wrapper zai | claude | zai | url=https://api.z.ai/api/anthropic | dir=- | model=- | key=command(grep) | ok',
    ]);
    const why = (n: string) => a.findings.find((f) => f.name === n)!.problems.map((p) => p.reason);
    expect(why('ai-review')).toEqual(['also runs git']);
    expect(why('claude')).toEqual(['the wrapper is named claude and calls claude by name (it would call itself)']);
    expect(why('cx-ask')[0]).toBe('asks for input (read)');
    expect(profiles(plan)).toEqual([
      'prod claude/custom @https://llm.example.com key=command',
      'zai claude/zai key=command',
      'fish codex/self key=-',
      'gem-pro gemini/google key=command',
    ]);
    expect(plan.rewrites.find((r) => r.profile === 'fish')!.replacement).toEqual(['exec ringlet profiles run fish -- codex $argv']);
  });
});

describe('definitions written the ways people write them', () => {
  function one(rc: string, file = '.bashrc') {
    sb = makeSandbox() as Sandbox & { home: string };
    sb.home = sb.env.HOME!;
    mkdirSync(join(sb.home, file, '..'), { recursive: true });
    writeFileSync(join(sb.home, file), rc);
    return audit({ home: sb.home, env: sb.env });
  }
  const brief = (a: AuditResult) => a.findings.map((f) => summarize(f, sb!.home));

  it('quoting, escapes, continuations and $(…) inside aliases', () => {
    const a = one([
      `alias q1="ANTHROPIC_BASE_URL='https://api.z.ai/api/anthropic' ANTHROPIC_AUTH_TOKEN=\\"\\$(pass show 'ai/z ai')\\" claude"`,
      `alias q2=ANTHROPIC_MODEL=opus\\ 4\\ claude`,
      `alias q3='ANTHROPIC_BASE_URL=https://openrouter.ai/api \\`,
      `  ANTHROPIC_AUTH_TOKEN=$OR_KEY claude'`,
      `alias -- q4='env -u ANTHROPIC_API_KEY CLAUDE_CONFIG_DIR="$HOME/.claude q4" command claude --verbose'`,
    ].join('\n'));
    expect(brief(a)).toEqual([
      'alias q1 | claude | zai | url=https://api.z.ai/api/anthropic | dir=- | model=- | key=command(pass) | ok',
      'alias q3 | claude | openrouter | url=https://openrouter.ai/api | dir=- | model=- | key=env<$OR_KEY | ok',
      'alias q4 | claude | self | url=- | dir=~/.claude q4 | model=- | key=none | ok',
    ]);
    // `alias q2=ANTHROPIC_MODEL=opus\ 4\ claude` is one word: a model named "opus 4 claude", no agent.
    expect(a.findings.find((f) => f.name === 'q1')!.keySource.command).toBe("pass show 'ai/z ai'");
  });

  it('every kind of key command', () => {
    const cmds: [string, string][] = [
      ['security find-generic-password -s anthropic -w', 'security'],
      ['secret-tool lookup service anthropic', 'secret-tool'],
      ['pass show ai/anthropic', 'pass'],
      ['op read op://Private/Anthropic/credential', 'op'],
      ['gopass show -o ai/anthropic', 'gopass'],
      ['bw get password anthropic', 'bw'],
      ['lpass show --password anthropic', 'lpass'],
      ['aws secretsmanager get-secret-value --secret-id anthropic --query SecretString --output text', 'aws'],
      ['gcloud secrets versions access latest --secret=anthropic', 'gcloud'],
      ['vault kv get -field=key secret/anthropic', 'vault'],
      ['cat ~/.anthropic', 'cat'],
    ];
    const a = one(cmds.map(([c], i) => `alias k${i}='ANTHROPIC_API_KEY=$(${c}) claude'`).join('\n'));
    expect(a.findings.map((f) => [f.name, f.keySource.kind, f.keySource.program])).toEqual(cmds.map(([, p], i) => [`k${i}`, 'command', p]));
    expect(a.findings[3].keySource.ref).toBe('op://Private/Anthropic/credential');
    expect(a.findings[10].keySource.file).toBe(join(sb!.home, '.anthropic'));
  });

  it('placeholders, references, empty values and env references', () => {
    const a = one([
      `alias p1='ANTHROPIC_API_KEY="{{ANTHROPIC_API_KEY}}" claude'`,
      `alias p2='ANTHROPIC_API_KEY=sk-ant-your-key-here claude'`,
      `alias p3='ANTHROPIC_API_KEY=op://Private/Anthropic/credential claude'`,
      `alias p4='ANTHROPIC_API_KEY=$WORK_KEY claude'`,
      `export WORK_KEY=$(security find-generic-password -s work -w)`,
      `alias p5='ANTHROPIC_API_KEY= CLAUDE_CONFIG_DIR=~/.c5 claude'`,
    ].join('\n'));
    expect(a.findings.map((f) => [f.name, f.keySource.kind, f.keySource.resolved?.kind ?? null])).toEqual([
      ['p1', 'placeholder', null],
      ['p2', 'placeholder', null],
      ['p3', 'reference', null],
      ['p4', 'env', 'command'],
      ['p5', 'none', null],
    ]);
  });

  it('aliases calling aliases, functions calling functions, and what is not a profile', () => {
    const a = one([
      `alias claude-work='CLAUDE_CONFIG_DIR=~/.claude-work claude'`,
      `alias cw='claude-work'`,
      `alias cwf='ANTHROPIC_MODEL=claude-opus-4 cw --fast'`,
      `zai() { ANTHROPIC_BASE_URL=https://api.z.ai/api/anthropic ANTHROPIC_AUTH_TOKEN=$ZAI_KEY claude "$@"; }`,
      `z() { zai --resume "$@"; }`,
      `alias claude='happy'`,
      `alias droid='docker run --rm -it factory/droid'`,
      `alias c='claude'`,
      `alias cc='claude --dangerously-skip-permissions'`,
      `# alias commented='ANTHROPIC_API_KEY=sk-ant-api03-commented claude'`,
      `: alias notreal='ANTHROPIC_API_KEY=x claude'`,
    ].join('\n'));
    expect(brief(a)).toEqual([
      'alias claude-work | claude | self | url=- | dir=~/.claude-work | model=- | key=none | ok',
      'alias cw | claude | self | url=- | dir=~/.claude-work | model=- | key=none | via=claude-work | ok',
      'alias cwf | claude | self | url=- | dir=~/.claude-work | model=claude-opus-4 | key=none | via=cw | ok',
      'function zai | claude | zai | url=https://api.z.ai/api/anthropic | dir=- | model=- | key=env<$ZAI_KEY | ok',
      'function z | claude | zai | url=https://api.z.ai/api/anthropic | dir=- | model=- | key=env<$ZAI_KEY | via=zai | ok',
    ]);
    expect(a.ignored.map((i) => `${i.name}: ${i.reason}`)).toEqual([
      'claude: named like an agent but runs happy',
      'droid: named like an agent but runs docker',
      'c: flags only: sets no key, endpoint, model or config dir',
      'cc: flags only: sets no key, endpoint, model or config dir',
    ]);
  });

  it('conditionals, case, subshells and && guards', () => {
    const a = one([
      `command -v claude >/dev/null 2>&1 && alias cw='CLAUDE_CONFIG_DIR=~/.cw claude'`,
      `case "$(uname)" in`,
      `  Darwin) export ANTHROPIC_AUTH_TOKEN=$(security find-generic-password -s zai -w) ;;`,
      `  *) export ANTHROPIC_AUTH_TOKEN=$(secret-tool lookup service zai) ;;`,
      `esac`,
      `[ -n "$WORK" ] && export ANTHROPIC_BASE_URL=https://api.z.ai/api/anthropic`,
      `pick() { if [ "$1" = fast ]; then shift; claude --model haiku "$@"; else ANTHROPIC_MODEL=opus claude "$@"; fi; }`,
    ].join('\n'));
    expect(brief(a)).toEqual([
      'alias cw | claude | self | url=- | dir=~/.cw | model=- | key=none | ok',
      'function pick | claude | self | url=- | dir=- | model=opus | key=none | left-alone',
      'export | claude | zai | url=https://api.z.ai/api/anthropic | dir=- | model=- | key=command(secret-tool) | ok',
    ]);
    expect(a.findings[0].conditional).toBe(true);
    expect(a.findings[1].problems[0].reason).toBe('starts the agent in more than one way (a choice made at run time)');
  });

  it('codex, grok, droid, opencode, gemini and aider through npx, env and op run', () => {
    const a = one([
      `alias cx='CODEX_HOME=~/.codex-b npx -y @openai/codex@latest'`,
      `alias gk='GROK_API_KEY=$(pass show xai) GROK_BASE_URL=https://api.x.ai/v1 grok'`,
      `alias oc='env OPENROUTER_API_KEY=$(pass show or) opencode'`,
      `alias gm='GEMINI_API_KEY=$(pass show gemini) bunx @google/gemini-cli'`,
      `alias ai='OPENAI_API_BASE=http://localhost:11434/v1 OPENAI_API_KEY=ollama uvx --from aider-chat aider'`,
      `alias op-claude='op run --env-file=~/.config/op/claude.env -- claude'`,
    ].join('\n'));
    expect(brief(a)).toEqual([
      'alias cx | codex | self | url=- | dir=~/.codex-b | model=- | key=none | ok',
      'alias gk | grok | xai | url=https://api.x.ai/v1 | dir=- | model=- | key=command(pass) | ok',
      'alias oc | opencode | openrouter | url=- | dir=- | model=- | key=command(pass) | ok',
      'alias gm | gemini | google | url=- | dir=- | model=- | key=command(pass) | ok',
      'alias ai | aider | custom | url=http://localhost:11434/v1 | dir=- | model=- | key=literal | left-alone',
      'alias op-claude | claude | anthropic | url=- | dir=- | model=- | key=command(op) | ok',
    ]);
  });

  it('masks keys everywhere in the result', () => {
    const a = one(`export ANTHROPIC_API_KEY=sk-ant-api03-VERYSECRET-abcdefghijklmnopqrstuvwxyz-0001\nalias x='OTHER_TOKEN=tok-VERYSECRET-12345678901234567890 ANTHROPIC_MODEL=m claude'\n`);
    const text = JSON.stringify(a);
    expect(text).not.toContain('VERYSECRET');
    expect(a.findings.find((f) => f.kind === 'export')!.keySource.masked).toBe('sk-ant-…0001');
    expect(a.findings.find((f) => f.name === 'x')!.problems[0].reason).toBe('also sets another secret (OTHER_TOKEN)');
  });
});

describe('keys passed as arguments', () => {
  it('are classified, masked in args, and keep the definition from being rewritten', () => {
    sb = makeSandbox() as Sandbox & { home: string };
    sb.home = sb.env.HOME!;
    writeFileSync(join(sb.home, '.bashrc'), "alias ai='aider --model sonnet --anthropic-api-key sk-ant-api03-ARGSECRET-000000000000000000042'\nalias ai2='aider --openai-api-key=$(pass show openai)'\n");
    const a = audit({ home: sb.home, env: sb.env });
    expect(a.findings.map((f) => [f.name, f.keySource.kind, f.keySource.var, f.translatable])).toEqual([
      ['ai', 'literal', '--anthropic-api-key', false],
      ['ai2', 'command', '--openai-api-key', false],
    ]);
    expect(a.findings[0].args).toEqual(['--model', 'sonnet', '--anthropic-api-key', 'sk-ant-…0042']);
    expect(JSON.stringify(a)).not.toContain('ARGSECRET');
  });
});
