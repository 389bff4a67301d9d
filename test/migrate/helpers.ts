import { chmodSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ROOT, type Sandbox } from '../support/env.js';
import type { Finding, KeySource } from '../../src/migrate/types.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'migrate');

/** A sandbox whose HOME holds a copy of fixture HOME(s). File-backed keys. */
export function fixtureHome(...names: string[]): Sandbox & { home: string } {
  const sb = makeSandbox();
  const home = sb.env.HOME!;
  for (const n of names) cpSync(join(FIXTURES, n), home, { recursive: true });
  // git keeps only the executable bit: give the scripts the modes people have.
  const fix = (p: string, mode: number) => {
    try {
      chmodSync(join(home, p), mode);
    } catch {
      /* not in this fixture */
    }
  };
  fix('bin/zai', 0o750);
  fix('.local/bin/claude-prod', 0o755);
  fix('.config/zsh/.zshrc', 0o600);
  return { ...sb, home };
}

function keyText(k: KeySource): string {
  const base = `${k.kind}${k.program ? `(${k.program})` : ''}${k.from ? `<$${k.from}` : ''}`;
  return k.resolved ? `${base}=${keyText(k.resolved)}` : base;
}

/** One line per finding: what it is, and what migrate made of it. */
export function summarize(f: Finding, home: string): string {
  const t = (p: string | null) => (p ? p.replace(home, '~') : '-');
  return [`${f.kind}${f.name ? ` ${f.name}` : ''}`, f.agent, f.provider ?? '?', `url=${f.baseUrl ?? '-'}`, `dir=${t(f.configDir)}`, `model=${f.model ?? '-'}`, `key=${keyText(f.keySource)}`, f.via ? `via=${f.via}` : '', f.translatable ? 'ok' : 'left-alone']
    .filter(Boolean)
    .join(' | ');
}

/** Path → [mode, content] of every file under dir (symlinks as their target). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(p, `link:${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(p, `dir:${(st.mode & 0o7777).toString(8)}`);
        walk(p);
      } else if (st.isFile()) out.set(p, `${(st.mode & 0o7777).toString(8)}:${readFileSync(p).toString('base64')}`);
      else out.set(p, `special:${st.mode.toString(8)}`);
    }
  };
  walk(dir);
  return out;
}

export function diffSnapshots(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

export function mkdirp(p: string): string {
  mkdirSync(p, { recursive: true });
  return p;
}

/** Executables that stand in for the secret managers: each prints a key naming itself. */
export function fakeSecretTools(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of ['security', 'secret-tool', 'pass', 'op', 'gopass', 'vault', 'lpass', 'aws']) {
    writeFileSync(join(dir, name), `#!/bin/sh\nprintf 'sk-cmd-FIXTURE-${name}-000000000001\\n'\n`, { mode: 0o755 });
  }
}

