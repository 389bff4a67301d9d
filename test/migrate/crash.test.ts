import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeSandbox, RINGLET, ringlet } from '../support/env.js';
import { diffSnapshots, snapshot } from './helpers.js';

const hasStrace = spawnSync('strace', ['-o', '/dev/null', '/bin/true']).status === 0;

const FILES: Record<string, string> = {
  '.bashrc': "alias claude-work='CLAUDE_CONFIG_DIR=~/.claude-work claude'\nalias ll='ls -l'\n",
  '.zshrc': "export PATH=$HOME/bin:$PATH\nalias codex-alt='CODEX_HOME=~/.codex-alt codex'\n",
  '.config/fish/config.fish': "alias gw 'CLAUDE_CONFIG_DIR=~/.claude-gw claude'\n",
};

function setup() {
  const sb = makeSandbox();
  for (const [p, text] of Object.entries(FILES)) {
    mkdirSync(join(sb.env.HOME!, p, '..'), { recursive: true });
    writeFileSync(join(sb.env.HOME!, p), text);
  }
  return sb;
}

const unstamp = (s: string) => s.replace(/ringlet migrate \S+ \(undo/g, 'ringlet migrate T (undo');

describe('a crash while applying', () => {
  it.skipIf(!hasStrace)('leaves every rc file old or new, never torn, and --undo still restores everything', async () => {
    // What the files look like after an uninterrupted run.
    const clean = setup();
    expect((await ringlet(['migrate', '--yes'], clean.env)).code).toBe(0);
    const finals = Object.fromEntries(Object.keys(FILES).map((p) => [p, unstamp(readFileSync(join(clean.env.HOME!, p), 'utf8'))]));
    clean.cleanup();
    for (const p of Object.keys(FILES)) expect(finals[p]).not.toBe(FILES[p]);

    let killedRuns = 0;
    for (let n = 1; n < 200; n++) {
      const sb = setup();
      const before = new Map([...snapshot(sb.env.HOME!), ...snapshot(sb.env.XDG_CONFIG_HOME!)]);
      // SIGKILL the process at its n-th rename(2): between writing a temp file and putting it in place.
      const r = spawnSync('strace', ['-f', '-o', '/dev/null', '-e', 'trace=rename,renameat,renameat2', '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${n}`, process.execPath, RINGLET, 'migrate', '--yes'], { env: sb.env, cwd: sb.env.HOME, encoding: 'utf8', timeout: 60_000 });
      const finished = r.status === 0;
      for (const p of Object.keys(FILES)) {
        const now = unstamp(readFileSync(join(sb.env.HOME!, p), 'utf8'));
        expect([FILES[p], finals[p]], `after a kill at rename #${n}: ${p}`).toContain(now);
      }
      const u = await ringlet(['migrate', '--undo'], sb.env);
      // No journal yet (killed before the first step) is fine: then nothing was changed.
      if (u.code !== 0) expect(u.stderr).toContain('no migration to undo');
      const after = new Map([...snapshot(sb.env.HOME!), ...snapshot(sb.env.XDG_CONFIG_HOME!)]);
      // HOME and config.toml byte for byte, modes included; undo also clears the temp file a kill left behind.
      expect(diffSnapshots(before, after), `undo after a kill at rename #${n}`).toEqual([]);
      rmSync(sb.dir, { recursive: true, force: true });
      if (finished) break;
      killedRuns++;
    }
    expect(killedRuns).toBeGreaterThan(5);
  }, 300_000);
});
