/**
 * The rc-file rewrite: old lines commented out inside a marked block, the replacement next to them.
 * Pure text in, text out; the applier does backups and atomic writes.
 *
 *   # >>> ringlet migrate 20261105T102233Z (undo: ringlet migrate --undo) >>>
 *   # alias claude-work='CLAUDE_CONFIG_DIR=~/.claude-work claude'
 *   alias claude-work='ringlet profiles run work -- claude'
 *   # <<< ringlet migrate <<<
 */
import type { Dialect } from './tokenizer.js';
import type { DefinitionSite, FindingKind } from './types.js';
import { fishQuote, shQuote } from './words.js';

export const BLOCK_START = '# >>> ringlet migrate';
export const BLOCK_END = '# <<< ringlet migrate <<<';

const PASSTHROUGH = new Set(['"$@"', '$@', '"$*"', '$*', '${@}', '"${@}"', '$argv', '"$argv"']);

/** The command that replaces the agent call: kept env, `ringlet profiles run P --`, the agent command, its fixed args. */
export function runCommand(site: DefinitionSite, profile: string, dialect: Dialect): string {
  const args = site.args.filter((a) => !PASSTHROUGH.has(a));
  const env = site.keepEnv.map(([n, v]) => `${n}=${v}`);
  const run = ['ringlet', 'profiles', 'run', profile, '--', site.bin, ...args].join(' ');
  if (!env.length) return run;
  return dialect === 'fish' ? `env ${env.join(' ')} ${run}` : `${env.join(' ')} ${run}`;
}

/** Replacement lines for a definition (none for exports: the key now lives in the keychain). */
export function replacementLines(kind: FindingKind, name: string | null, site: DefinitionSite, profile: string): string[] {
  const d = site.dialect;
  if (kind === 'export' || kind === 'envrc' || !name) return [];
  const cmd = runCommand(site, profile, d);
  if (d === 'fish') {
    switch (kind) {
      case 'alias':
        return [`alias ${name} ${fishQuote(cmd)}`];
      case 'abbr':
        return [`abbr -a ${name} ${fishQuote(cmd)}`];
      case 'function':
        return [`function ${name} --wraps ${site.bin.split(' ').pop()}`, `    ${cmd} $argv`, 'end'];
      case 'wrapper':
        return [`exec ${cmd} $argv`];
    }
  }
  switch (kind) {
    case 'alias':
      return [`alias ${name}=${shQuote(cmd)}`];
    case 'function':
      return [`${name}() { ${cmd} "$@"; }`];
    case 'wrapper':
      return [`exec ${cmd} "$@"`];
    default:
      return [];
  }
}

export interface Edit {
  startLine: number;
  endLine: number;
  replacement: string[];
  /** The lines sit inside a block: an emptied block needs a no-op for sh. */
  nested: boolean;
  dialect: Dialect;
}

/** Apply edits (non-overlapping; overlapping ones after the first are dropped) to a file's text. */
export function applyEdits(text: string, edits: Edit[], stamp: string): { text: string; applied: Edit[] } {
  const lines = text.split('\n');
  const crlf = lines.filter((l) => l.endsWith('\r')).length > lines.length / 2;
  const eol = crlf ? '\r' : '';
  const sorted = [...edits].sort((a, b) => a.startLine - b.startLine);
  const applied: Edit[] = [];
  let lastEnd = 0;
  for (const e of sorted) {
    if (e.startLine <= lastEnd || e.startLine < 1 || e.endLine > lines.length || e.endLine < e.startLine) continue;
    applied.push(e);
    lastEnd = e.endLine;
  }
  for (const e of [...applied].reverse()) {
    const old = lines.slice(e.startLine - 1, e.endLine);
    const indent = /^[ \t]*/.exec(old[0])![0];
    const body = [...e.replacement];
    if (!body.length && e.nested && e.dialect === 'posix') body.push(':');
    const block = [
      `${indent}${BLOCK_START} ${stamp} (undo: ringlet migrate --undo) >>>${eol}`,
      ...old.map((l) => `${indent}# ${l.slice(indent.length)}`),
      ...body.map((l) => `${indent}${l}${eol}`),
      `${indent}${BLOCK_END}${eol}`,
    ];
    // A last line without a newline keeps none after the block.
    const lastHadEol = e.endLine < lines.length;
    if (!lastHadEol && text.length && !text.endsWith('\n')) block[block.length - 1] = block[block.length - 1].replace(/\r$/, '');
    lines.splice(e.startLine - 1, e.endLine - e.startLine + 1, ...block);
  }
  return { text: lines.join('\n'), applied };
}
