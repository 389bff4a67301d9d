/** Quoting for the three shells ringlet generates code for. Every value that reaches a script goes through here. */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type ShellName = (typeof SHELLS)[number];

export function isShell(s: string): s is ShellName {
  return (SHELLS as readonly string[]).includes(s);
}

function noNul(s: string): string {
  // No shell can hold a NUL byte in a variable; refuse rather than truncate silently.
  if (s.includes('\0')) throw new Error('refusing to quote a string containing a NUL byte');
  return s;
}

/** bash and zsh: single quotes keep every byte literal (newlines included); a quote is closed, escaped, reopened. */
export function posixQuote(s: string): string {
  return `'${noNul(s).replace(/'/g, `'\\''`)}'`;
}

/** fish: inside single quotes only backslash and the quote itself are special. */
export function fishQuote(s: string): string {
  return `'${noNul(s).replace(/[\\']/g, '\\$&')}'`;
}

/** A word for a POSIX command line shown to people or run by `sh -c`: left bare when nothing in it is special. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : posixQuote(s);
}

export function quote(shell: ShellName, s: string): string {
  return shell === 'fish' ? fishQuote(s) : posixQuote(s);
}

/** A PCRE pattern matching `s` literally (fish `string match -r`): every ASCII punctuation character escaped. */
export function regexLiteral(s: string): string {
  return noNul(s).replace(/[^A-Za-z0-9\u0080-\uffff]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\${c}`));
}
