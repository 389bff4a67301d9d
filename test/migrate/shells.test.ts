import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ringlet } from '../support/env.js';
import { fakeSecretTools, fixtureHome } from './helpers.js';

// One migration of bash, zsh, fish and wrapper setups (keys from fake secret tools), then real shells read the result.
let sb: ReturnType<typeof fixtureHome>;
let env: NodeJS.ProcessEnv;
let rewritten: string[] = [];

beforeAll(async () => {
  sb = fixtureHome('zsh', 'bash', 'fish', 'wrappers');
  fakeSecretTools(join(sb.dir, 'fakebin'));
  mkdirSync(join(sb.home, 'dotfiles'));
  writeFileSync(join(sb.home, 'dotfiles', '.env'), 'ZAI_API_KEY=sk-zai-dotenvFIXTURE-0000000011\n');
  // An export inside a conditional: commenting it out must leave the block valid.
  appendFileSync(join(sb.home, '.config/zsh/.zshrc'), 'if [[ -d ~/.work ]]; then\n  export ANTHROPIC_BASE_URL=https://api.z.ai/api/anthropic\nfi\n');
  env = { ...sb.env, PATH: `${join(sb.dir, 'fakebin')}:${sb.env.PATH}` };
  const r = await ringlet(['migrate', '--yes', '--run-key-commands', '--rewrite-exports', '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  rewritten = JSON.parse(r.stdout).filesRewritten;
});
afterAll(() => sb?.cleanup());

function sh(cmd: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd[0], cmd.slice(1), { env: { ...env, ...extraEnv }, cwd: sb.home, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('rewritten files still parse and define the new aliases', () => {
  it('rewrote the files it should', () => {
    expect(rewritten.map((f) => f.replace(sb.home, '~')).sort()).toEqual([
      '~/.aliases', '~/.bash_aliases', '~/.config/fish/conf.d/ai.fish', '~/.config/fish/config.fish', '~/.config/fish/functions/claude_kimi.fish',
      '~/.config/zsh/.zshrc', '~/.config/zsh/conf.d/10-providers.zsh', '~/.config/zsh/custom/codex.zsh', '~/.functions',
      '~/.local/bin/claude-prod', '~/.local/bin/codex-fish', '~/.local/bin/gem-pro', '~/bin/zai',
    ]);
  });

  it('every rewritten file passes its shell\'s syntax check', () => {
    for (const f of rewritten) {
      const text = readFileSync(f, 'utf8');
      const shell = f.endsWith('.fish') || text.startsWith('#!/usr/bin/env fish') ? 'fish' : f.includes('/zsh/') ? 'zsh' : 'bash';
      const r = sh([shell, '-n', f]);
      expect(r.code, `${shell} -n ${f}: ${r.err}`).toBe(0);
    }
  });

  it('zsh', () => {
    // (codex-work lives in the Oh My Zsh custom dir, which the stand-in oh-my-zsh.sh does not load.)
    const r = sh(['zsh', '-f', '-c', 'source $ZDOTDIR/.zshrc; source $ZDOTDIR/custom/codex.zsh; alias claude-work codex-work ds vertex; whence -f glm kimi'], { ZDOTDIR: join(sb.home, '.config/zsh') });
    expect(r.err).not.toMatch(/parse error|syntax error/);
    expect(r.out).toContain("claude-work='ringlet profiles run work -- claude'");
    expect(r.out).toContain("codex-work='ringlet profiles run work-codex -- codex'");
    expect(r.out).toContain("ds='ringlet profiles run ds -- claude'");
    expect(r.out).toContain("vertex='CLOUD_ML_REGION=us-east5 ANTHROPIC_VERTEX_PROJECT_ID=my-proj ringlet profiles run vertex -- claude'");
    expect(r.out).toMatch(/glm \(\) \{\n\s+ANTHROPIC_DEFAULT_SONNET_MODEL=glm-4.6 API_TIMEOUT_MS=3000000 ringlet profiles run glm -- claude "\$@"\n\}/);
    expect(r.out).toMatch(/kimi \(\) \{\n\s+ringlet profiles run kimi -- claude "\$@"\n\}/);
    // The migrated global export is gone from the environment.
    const e = sh(['zsh', '-f', '-c', 'source $ZDOTDIR/.zshrc; echo "key=${ANTHROPIC_API_KEY:-unset}"'], { ZDOTDIR: join(sb.home, '.config/zsh') });
    expect(e.out).toContain('key=unset');
  });

  it('bash', () => {
    const r = sh(['bash', '--noprofile', '--norc', '-c', 'shopt -s expand_aliases; source ~/.bash_profile; source ~/.bash_aliases; alias gem fac claude-local; type claude-or mm']);
    expect(r.err).not.toMatch(/syntax error/);
    expect(r.out).toContain("alias gem='ringlet profiles run gem -- gemini'");
    expect(r.out).toContain("alias fac='FACTORY_API_KEY=$(lpass show --password factory) ringlet profiles run fac -- droid exec'");
    // The CRLF file defines its aliases with a trailing \r, before and after the rewrite alike.
    expect(r.out).toMatch(/alias claude-local='ringlet profiles run local -- claude\r?'/);
    expect(r.out).toMatch(/claude-or \(\) \n\{ \n\s+ringlet profiles run openrouter -- claude "\$@"\n\}/);
    expect(r.out).toMatch(/mm \(\) \n\{ \n\s+ringlet profiles run mm -- claude "\$@"\n\}/);
  });

  it('fish', () => {
    const load = 'for f in ~/.config/fish/conf.d/*.fish ~/.config/fish/config.fish ~/.config/fish/functions/*.fish; source $f; end';
    const r = sh(['fish', '--no-config', '-c', `${load}; functions cw mm claude_kimi`]);
    expect(r.err).not.toMatch(/error/i);
    // The fish `cw` has the same settings as zsh's claude-work: one profile serves both.
    expect(r.out).toMatch(/function cw .*\n\s+ringlet profiles run work -- claude \$argv/);
    expect(r.out).toMatch(/function mm --wraps=claude.*\n\s+ringlet profiles run mm-2 -- claude \$argv/);
    expect(r.out).toMatch(/function claude_kimi --wraps=claude.*\n\s+ringlet profiles run kimi-2 -- claude \$argv/);
    const a = sh(['fish', '--no-config', '-c', `${load}; abbr --show`]);
    expect(a.out).toContain("abbr -a -- cx 'ringlet profiles run cx -- codex'");
  });

  it('wrappers run through ringlet with their arguments', () => {
    // A stand-in ringlet on PATH records how it is called.
    const bin = join(sb.dir, 'stub');
    mkdirSync(bin);
    writeFileSync(join(bin, 'ringlet'), '#!/bin/sh\nprintf "%s|" "$@"\n', { mode: 0o755 });
    const path = `${bin}:${env.PATH}`;
    expect(sh([join(sb.home, 'bin/zai'), '--resume', 'fix it'], { PATH: path }).out).toBe('profiles|run|zai|--|claude|--resume|fix it|');
    expect(sh([join(sb.home, '.local/bin/codex-fish'), 'exec', 'hi'], { PATH: path }).out).toBe('profiles|run|fish|--|codex|exec|hi|');
  });
});
