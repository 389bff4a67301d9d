import { describe, expect, it } from 'vitest';
import { tokenize, type Word } from '../../src/migrate/tokenizer.js';
import { parseScript, walk } from '../../src/migrate/syntax.js';
import { expand, literal, splitAssignment } from '../../src/migrate/words.js';

const words = (src: string, dialect: 'posix' | 'fish' = 'posix') =>
  tokenize(src, { dialect }).tokens.filter((t): t is Word => t.type === 'word');
const lits = (src: string, dialect: 'posix' | 'fish' = 'posix') => words(src, dialect).map((w) => literal(w) ?? `<${w.raw}>`);

describe('tokenize (posix)', () => {
  it('splits words and removes quotes', () => {
    expect(lits(`alias cw='CLAUDE_CONFIG_DIR=~/.cw claude'`)).toEqual(['alias', 'cw=CLAUDE_CONFIG_DIR=~/.cw claude']);
    expect(lits(`echo "a b" c\\ d 'e'"f"`)).toEqual(['echo', 'a b', 'c d', 'ef']);
  });

  it('joins line continuations, outside and inside double quotes', () => {
    expect(lits('alias x="FOO=1 \\\n  claude"')).toEqual(['alias', 'x=FOO=1   claude']);
    expect(lits('claude \\\n  --model opus')).toEqual(['claude', '--model', 'opus']);
    expect(lits('claude \\\r\n  --resume')).toEqual(['claude', '--resume']);
  });

  it('keeps $(…), backticks and ${…} as parts, nested', () => {
    const [w] = words(`"$(security find-generic-password -s "work key" -w)"`);
    expect(w.parts).toEqual([{ kind: 'cmd', body: 'security find-generic-password -s "work key" -w', quoted: true }]);
    const [b] = words('`pass show ai/anthropic`');
    expect(b.parts[0]).toMatchObject({ kind: 'cmd', body: 'pass show ai/anthropic' });
    const [n] = words('$(echo $(cat ~/.k) ")")x');
    expect(n.parts[0]).toMatchObject({ kind: 'cmd', body: 'echo $(cat ~/.k) ")"' });
    expect(n.parts[1]).toMatchObject({ kind: 'lit', text: 'x' });
    const [v] = words('${ANTHROPIC_BASE_URL:-http://localhost:4000}');
    expect(v.parts[0]).toEqual({ kind: 'var', name: 'ANTHROPIC_BASE_URL', op: ':-', arg: 'http://localhost:4000', quoted: false });
  });

  it('handles $\'…\' ANSI-C quoting and arithmetic', () => {
    expect(lits(`x=$'a\\tb\\x41'`)).toEqual(['x=a\tbA']);
    expect(words('$(( 1 << 2 ))')[0].parts[0]).toMatchObject({ kind: 'arith' });
  });

  it('skips comments and here-documents', () => {
    const src = `cat <<EOF > f\nalias nope='claude'\nEOF\nalias yes=1 # alias also='no'\n`;
    expect(lits(src)).toEqual(['cat', 'EOF', 'f', 'alias', 'yes=1']);
    const strip = `cat <<-'END'\n\talias nope=1\n\tEND\necho ok`;
    expect(lits(strip)).toEqual(['cat', 'END', 'echo', 'ok']);
  });

  it('tilde at word start and after NAME=', () => {
    const [w] = words('X=~/.claude-work');
    expect(w.parts.map((p) => p.kind)).toEqual(['lit', 'tilde', 'lit']);
    expect(expand(splitAssignment(w)!.value, (n) => (n === 'HOME' ? '/h' : undefined))).toBe('/h/.claude-work');
  });

  it('never throws on broken input, and reports it', () => {
    for (const src of [`alias x='unterminated`, 'echo "open', 'x=$(echo (', '${', '`', "cat <<EOF\nno end", '$((', '\u0000\u0001\uFFFD', '((((((((', ')))))', 'a'.repeat(5000) + '"']) {
      const r = tokenize(src);
      expect(Array.isArray(r.tokens)).toBe(true);
    }
    expect(tokenize(`alias x='unterminated`).errors).toContain('unterminated single quote');
    // deep nesting is bounded
    const deep = '$('.repeat(5000) + ')'.repeat(5000);
    expect(tokenize(deep).errors.length).toBeGreaterThan(0);
  });

  it('redirections with fd numbers are operators', () => {
    const t = tokenize('command -v claude >/dev/null 2>&1 && alias c=claude').tokens;
    expect(t.filter((x) => x.type === 'op').map((x) => (x as { op: string }).op)).toEqual(['>', '2>&', '&&']);
  });

  it('process substitution and zsh glob qualifiers stay words', () => {
    expect(lits('source <(ringlet shell init zsh)')).toEqual(['source', '<<(ringlet shell init zsh)>']);
    expect(lits('for f in ~/.zsh/*.zsh(N); do source $f; done').slice(0, 4)).toEqual(['for', 'f', 'in', '<~/.zsh/*.zsh(N)>']);
  });
});

describe('tokenize (fish)', () => {
  it('fish quoting and command substitution', () => {
    expect(lits(`alias cw 'CLAUDE_CONFIG_DIR=~/.cw claude'`, 'fish')).toEqual(['alias', 'cw', 'CLAUDE_CONFIG_DIR=~/.cw claude']);
    expect(lits(`echo 'it\\'s' "a\\$b"`, 'fish')).toEqual(['echo', "it's", 'a$b']);
    const [, , w] = words('set -gx ANTHROPIC_API_KEY (security find-generic-password -w -s x)', 'fish').slice(1);
    expect(w.parts[0]).toMatchObject({ kind: 'cmd', body: 'security find-generic-password -w -s x' });
    expect(words('claude $argv[1]', 'fish')[1].parts[0]).toMatchObject({ kind: 'var', name: 'argv', arg: '[1]' });
  });
});

describe('parseScript', () => {
  it('finds functions, blocks and statements', () => {
    const src = [
      'if [ -f ~/.x ]; then',
      '  alias a=1',
      'fi',
      'glm() {',
      '  export ANTHROPIC_BASE_URL=https://api.z.ai/api/anthropic',
      '  claude "$@"',
      '}',
      'function kimi { ANTHROPIC_MODEL=k claude "$@"; }',
      'case $SHELL in',
      '  claude) alias b=2 ;;',
      '  *) ;;',
      'esac',
      'sub() ( export X=1; codex "$@" )',
    ].join('\n');
    const s = parseScript(src, 'posix');
    const funcs = [...walk(s.nodes)].flatMap(({ node }) => (node.type === 'func' ? [node.name] : []));
    expect(funcs).toEqual(['glm', 'kimi', 'sub']);
    const glm = s.nodes.find((n) => n.type === 'func' && n.name === 'glm')!;
    expect(glm.type === 'func' && glm.body.length).toBe(2);
    // the case pattern `claude)` is not a command
    const cmds = [...walk(s.nodes)].flatMap(({ node }) => (node.type === 'cmd' ? [literal(node.cmd.words[0])] : []));
    expect(cmds).not.toContain('claude)');
    expect(cmds.filter((c) => c === 'claude')).toEqual(['claude']);
    expect(s.errors).toEqual([]);
  });

  it('fish blocks', () => {
    const src = 'function claude_glm --wraps=claude\n    set -lx ANTHROPIC_BASE_URL https://open.bigmodel.cn/api/anthropic/\n    if test -n "$x"\n        echo hi\n    else if true\n        echo no\n    end\n    command claude $argv\nend\nalias x y';
    const s = parseScript(src, 'fish');
    expect(s.nodes.map((n) => n.type)).toEqual(['func', 'cmd']);
    expect(s.errors).toEqual([]);
  });

  it('tolerates unbalanced blocks', () => {
    const s = parseScript('fi\ndone\n}\nfoo() {\n  claude\n', 'posix');
    expect(s.errors.length).toBeGreaterThan(0);
    expect(s.nodes.some((n) => n.type === 'func')).toBe(true);
  });
});
