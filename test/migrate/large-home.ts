import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A HOME with `files` files under the project roots (repos with sources, node_modules, .git), some .envrc
 * files among them, and ordinary rc files. Shared by the perf test and bench/migrate.mjs.
 */
export function buildLargeHome(home: string, files = 10_000): { files: number; envrcs: number } {
  let n = 0;
  let envrcs = 0;
  const put = (p: string, text: string) => {
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
    n++;
  };
  put(join(home, '.zshrc'), "alias claude-work='CLAUDE_CONFIG_DIR=~/.claude-work claude'\nexport ANTHROPIC_API_KEY=sk-ant-api03-bench-0000000000000000000000000001\n");
  put(join(home, '.bashrc'), "alias cx='CODEX_HOME=~/.codex-b codex'\n");
  const roots = ['Projects', 'src', 'code', 'work'];
  for (let r = 0; n < files; r++) {
    const repo = join(home, roots[r % roots.length], `repo${r}`);
    if (r % 10 === 0) {
      put(join(repo, '.envrc'), `export ANTHROPIC_BASE_URL=http://localhost:${4000 + r}\nexport ANTHROPIC_AUTH_TOKEN=sk-bench-${r}-000000000000000\n`);
      envrcs++;
    }
    for (let i = 0; i < 20 && n < files; i++) put(join(repo, 'src', `m${i % 4}`, `f${i}.ts`), 'export {}\n');
    for (let i = 0; i < 15 && n < files; i++) put(join(repo, 'node_modules', `p${i}`, 'index.js'), 'module.exports = {}\n');
    for (let i = 0; i < 10 && n < files; i++) put(join(repo, '.git', 'objects', `o${i}`), 'x');
    for (let i = 0; i < 5 && n < files; i++) put(join(repo, 'docs', 'a', 'b', 'c', `d${i}.md`), '# doc\n');
  }
  return { files: n, envrcs };
}
