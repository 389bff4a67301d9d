/** Scripts in ~/.local/bin, ~/bin, ~/.bin that start an agent: each becomes a `wrapper` definition. */
import { basename, join } from 'node:path';
import { lstatSync } from 'node:fs';
import { readTextFile, safeReaddir, withinHome } from '../files.js';
import { parseScript } from '../syntax.js';
import { Scope } from '../scope.js';
import type { Session } from '../session.js';
import type { ShellKind } from '../types.js';
import type { Dialect } from '../tokenizer.js';

export const WRAPPER_DIRS = ['.local/bin', 'bin', '.bin'];
const MAX_WRAPPER_BYTES = 256 * 1024;
const MENTIONS_AGENT = /(?<![A-Za-z0-9_-])(claude|codex|grok|droid|opencode|gemini|aider|claude-code)(?![A-Za-z0-9_])/;

/** Interpreter from a shebang: `#!/bin/bash`, `#!/usr/bin/env -S zsh -f`. */
export function shebangShell(text: string): { shell: ShellKind; dialect: Dialect } | undefined | null {
  if (!text.startsWith('#!')) return { shell: 'sh', dialect: 'posix' };
  const line = text.slice(2, text.indexOf('\n') < 0 ? undefined : text.indexOf('\n')).trim();
  const words = line.split(/\s+/);
  let prog = basename(words[0] ?? '');
  if (prog === 'env') prog = basename(words.slice(1).find((w) => !w.startsWith('-')) ?? '');
  if (prog === 'bash') return { shell: 'bash', dialect: 'posix' };
  if (prog === 'zsh') return { shell: 'zsh', dialect: 'posix' };
  if (['sh', 'dash', 'ksh', 'mksh', 'ash', 'busybox'].includes(prog)) return { shell: 'sh', dialect: 'posix' };
  if (prog === 'fish') return { shell: 'fish', dialect: 'fish' };
  return null; // python, node, perl …: not ours to read
}

export function scanWrappers(session: Session, dirs: string[], parent: Scope): void {
  for (const dir of dirs) {
    for (const name of safeReaddir(dir)) {
      const path = join(dir, name);
      let st;
      try {
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (!st.isFile() && !st.isSymbolicLink()) continue;
      // Symlinks into other places (the agents' own launchers, package managers) are not the user's scripts.
      if (st.isSymbolicLink() && !withinHome(path, session.home)) continue;
      const r = readTextFile(path, MAX_WRAPPER_BYTES);
      if (!r.ok) continue; // binaries and big files are normal here
      if (session.files.has(r.file.real)) continue;
      const sh = shebangShell(r.file.text);
      if (!sh || !MENTIONS_AGENT.test(r.file.text)) continue;
      const sf = session.addFile(r.file, sh.shell, sh.dialect, withinHome(r.file.real, session.home));
      const firstLine = r.file.text.startsWith('#!') ? 2 : 1;
      const trimmed = r.file.text.replace(/\s+$/, '');
      const endLine = sf.lines.lineOf(Math.max(0, trimmed.length - 1));
      const startOffset = firstLine === 2 ? r.file.text.indexOf('\n') + 1 : 0;
      session.defs.push({
        kind: 'wrapper', name, shell: sh.shell, dialect: sh.dialect, file: sf, line: firstLine, endLine: Math.max(firstLine, endLine),
        body: parseScript(r.file.text, sh.dialect).nodes, start: startOffset, end: trimmed.length, nested: false, conditional: false,
        blocked: sf.rewritable ? undefined : 'the file is outside HOME or not writable', scope: new Scope(parent, session.home),
      });
    }
  }
}
