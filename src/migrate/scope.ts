/** Shell variables as migrate tracks them: where each was set, with what word, and its static value if it has one. */
import { dirname } from 'node:path';
import type { Dialect, Word } from './tokenizer.js';
import { expand, type Lookup } from './words.js';

export interface VarDef {
  name: string;
  /** null: unset. */
  word: Word | null;
  dialect: Dialect;
  file: string;
  line: number;
  exported: boolean;
  /** Top level of an rc file (not inside a function or an alias). */
  global: boolean;
  /** The definition this one replaced (so `PATH=$PATH:x` resolves $PATH to the earlier value). */
  prev?: VarDef;
  /** Scope the word's own references resolve in. */
  scope: Scope;
  /** Inside if/case/for or an && list. */
  conditional?: boolean;
  /** The statement that set it (file by real path, offsets), for rewrites. */
  site?: { real: string; start: number; end: number; stmt: number; nested: boolean; guardsOnly: boolean };
}

export class Scope {
  private readonly vars = new Map<string, VarDef>();
  constructor(readonly parent: Scope | undefined, readonly home: string) {}

  get(name: string): VarDef | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }

  set(def: Omit<VarDef, 'prev' | 'scope'> & { scope?: Scope }): VarDef {
    const full: VarDef = { ...def, scope: def.scope ?? this, prev: this.get(def.name) };
    // `export X` after `X=…`: keeps the earlier word.
    this.vars.set(def.name, full);
    return full;
  }

  markExported(name: string, file: string, line: number): void {
    const d = this.get(name);
    if (d) this.vars.set(name, { ...d, exported: true });
    else this.vars.set(name, { name, word: null, dialect: 'posix', file, line, exported: true, global: true, scope: this });
  }

  /** Own variables (not the parent's), in definition order. */
  own(): VarDef[] {
    return [...this.vars.values()];
  }

  /** A lookup for static expansion from inside `file`. */
  lookup(file: string): Lookup {
    return makeLookup(this, dirname(file), new Set());
  }
}

function makeLookup(scope: Scope, dir: string, visiting: Set<VarDef>): Lookup {
  return (name) => {
    if (name === '#dir') return dir;
    const def = scope.get(name);
    if (def) return defValue(def, visiting);
    if (name === 'HOME') return scope.home;
    if (name === 'XDG_CONFIG_HOME') return `${scope.home}/.config`;
    if (name === 'ZDOTDIR') return scope.home;
    if (name === '__fish_config_dir') return `${scope.home}/.config/fish`;
    return undefined;
  };
}

/** The static value of a definition, following references; undefined for commands, unknowns and cycles. */
export function defValue(def: VarDef, visiting = new Set<VarDef>()): string | undefined {
  if (!def.word) return undefined;
  if (visiting.has(def) || visiting.size > 16) return undefined;
  visiting.add(def);
  const base = makeLookup(def.scope, dirname(def.file), visiting);
  const v = expand(def.word, (n) => (n === def.name ? (def.prev ? defValue(def.prev, visiting) : fallback(n, def.scope.home)) : base(n)));
  visiting.delete(def);
  return v;
}

function fallback(name: string, home: string): string | undefined {
  if (name === 'HOME') return home;
  if (name === 'XDG_CONFIG_HOME') return `${home}/.config`;
  return undefined;
}
