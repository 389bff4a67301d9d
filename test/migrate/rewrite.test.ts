import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { applyEdits, replacementLines } from '../../src/migrate/rewrite.js';
import type { DefinitionSite } from '../../src/migrate/types.js';

const site = (over: Partial<DefinitionSite> = {}): DefinitionSite => ({ dialect: 'posix', spans: [], bin: 'claude', args: [], keepEnv: [], nested: false, ...over });

describe('applyEdits', () => {
  it('comments out the old lines inside a marked block, indented like them', () => {
    const text = 'a\n  alias x=1\n  alias y=2\nb\n';
    const out = applyEdits(text, [{ startLine: 2, endLine: 3, replacement: ['alias x=new'], nested: true, dialect: 'posix' }], 'T');
    expect(out.text).toBe('a\n  # >>> ringlet migrate T (undo: ringlet migrate --undo) >>>\n  # alias x=1\n  # alias y=2\n  alias x=new\n  # <<< ringlet migrate <<<\nb\n');
  });

  it('keeps CRLF, and a missing final newline', () => {
    expect(applyEdits('x\r\nalias a=1\r\n', [{ startLine: 2, endLine: 2, replacement: ['alias a=2'], nested: false, dialect: 'posix' }], 'T').text)
      .toBe('x\r\n# >>> ringlet migrate T (undo: ringlet migrate --undo) >>>\r\n# alias a=1\r\nalias a=2\r\n# <<< ringlet migrate <<<\r\n');
    expect(applyEdits('alias a=1', [{ startLine: 1, endLine: 1, replacement: [], nested: false, dialect: 'posix' }], 'T').text)
      .toBe('# >>> ringlet migrate T (undo: ringlet migrate --undo) >>>\n# alias a=1\n# <<< ringlet migrate <<<');
  });

  it('an emptied block gets a no-op in sh (bash rejects `then fi`), none in fish', () => {
    const sh = applyEdits('if true; then\n  export K=1\nfi\n', [{ startLine: 2, endLine: 2, replacement: [], nested: true, dialect: 'posix' }], 'T').text;
    expect(spawnSync('bash', ['-n'], { input: sh }).status).toBe(0);
    expect(sh).toContain('\n  :\n');
    const fish = applyEdits('if true\n  set -gx K 1\nend\n', [{ startLine: 2, endLine: 2, replacement: [], nested: true, dialect: 'fish' }], 'T').text;
    expect(fish.split('\n')).not.toContain('  :');
    expect(spawnSync('fish', ['-n', '-c', fish]).status).toBe(0);
  });

  it('drops overlapping and out-of-range edits', () => {
    const out = applyEdits('1\n2\n3\n', [
      { startLine: 1, endLine: 2, replacement: ['A'], nested: false, dialect: 'posix' },
      { startLine: 2, endLine: 3, replacement: ['B'], nested: false, dialect: 'posix' },
      { startLine: 9, endLine: 9, replacement: ['C'], nested: false, dialect: 'posix' },
    ], 'T');
    expect(out.applied).toHaveLength(1);
    expect(out.text).toContain('A\n');
    expect(out.text).not.toContain('B\n');
  });
});

describe('replacement lines', () => {
  it('quote arguments so the shell sees exactly the old ones', () => {
    const [line] = replacementLines('alias', 'fix', site({ args: ['-p', `'fix the "bug"'`, "it's"] }), 'work');
    const r = spawnSync('bash', ['-c', `shopt -s expand_aliases\n${line}\nalias fix`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(`alias fix='ringlet profiles run work -- claude -p '\\''fix the "bug"'\\'' it'\\''s'`);
    const [fl] = replacementLines('alias', 'fix', site({ dialect: 'fish', args: ['-p', `'it\\'s'`] }), 'work');
    expect(fl).toBe("alias fix 'ringlet profiles run work -- claude -p \\'it\\\\\\'s\\''");
    expect(spawnSync('fish', ['-n', '-c', fl]).status).toBe(0);
  });

  it('functions pass their arguments on; kept variables go in front', () => {
    expect(replacementLines('function', 'glm', site({ args: ['"$@"'], keepEnv: [['API_TIMEOUT_MS', '3000000']] }), 'glm')).toEqual(['glm() { API_TIMEOUT_MS=3000000 ringlet profiles run glm -- claude "$@"; }']);
    expect(replacementLines('function', 'mm', site({ dialect: 'fish', args: ['$argv'], keepEnv: [['X', '1']] }), 'mm')).toEqual(['function mm --wraps claude', '    env X=1 ringlet profiles run mm -- claude $argv', 'end']);
    expect(replacementLines('wrapper', 'w', site({ bin: 'npx -y @openai/codex', args: ['"$@"'] }), 'w')).toEqual(['exec ringlet profiles run w -- npx -y @openai/codex "$@"']);
    expect(replacementLines('export', null, site(), 'default')).toEqual([]);
  });
});
