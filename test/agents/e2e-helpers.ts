import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'node_modules', '.bin');

export interface Scratch {
  root: string;
  /** The agent's HOME. */
  home: string;
  /** The agent's working directory. */
  work: string;
  /** A temp dir for the agent outside `root` (Codex refuses to link its sandbox helper when CODEX_HOME is under TMPDIR). */
  tmp: string;
  cleanup(): void;
}

export function scratch(prefix: string): Scratch {
  const root = mkdtempSync(join(tmpdir(), `ringlet-${prefix}-`));
  const dirs = { home: join(root, 'home'), work: join(root, 'work'), tmp: join(root, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d);
  return { root, ...dirs, cleanup: () => rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }) };
}

/**
 * The whole environment of an agent run: nothing inherited but PATH, so the user's own agent variables
 * (CLAUDE_CONFIG_DIR, CODEX_HOME, keys) cannot leak into the test.
 */
export function agentEnv(s: Scratch, vars: Record<string, string>): Record<string, string> {
  return { PATH: `${BIN}:${process.env.PATH}`, HOME: s.home, TMPDIR: s.tmp, LANG: 'C.UTF-8', TERM: 'xterm-256color', ...vars };
}

export interface Result { code: number | null; stdout: string; stderr: string; ms: number }

export function run(cmd: string, args: string[], opts: { env: Record<string, string>; cwd: string; timeoutMs?: number }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** Files under `dir` (recursively) whose name matches. */
export function findFiles(dir: string, name: RegExp): string[] {
  let out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = out.concat(findFiles(p, name));
    else if (name.test(e.name)) out.push(p);
  }
  return out;
}

export function readJsonl(file: string): any[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * A stand-in for ringlet's hook dispatcher: `sh "$RINGLET_TEST_HOOK" <Event>` logs the event and its JSON
 * input, and denies PreToolUse the documented way (exit 2, reason on stderr) when RINGLET_TEST_DENY is set.
 */
export const TEST_HOOK_COMMAND = 'sh "$RINGLET_TEST_HOOK"';

export function writeHookScript(s: Scratch): { script: string; log: string } {
  const script = join(s.root, 'hook.sh');
  const log = join(s.root, 'hook.log');
  writeFileSync(script, [
    '#!/bin/sh',
    'input=$(cat)',
    `printf '%s %s\\n' "$1" "$(printf '%s' "$input" | tr '\\n' ' ')" >> "${log}"`,
    'if [ "$1" = PreToolUse ] && [ -n "$RINGLET_TEST_DENY" ]; then echo "denied by the ringlet test hook" >&2; exit 2; fi',
    'exit 0',
    '',
  ].join('\n'));
  chmodSync(script, 0o755);
  return { script, log };
}

export function hookEvents(log: string): Array<{ event: string; input: any }> {
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => {
    const i = l.indexOf(' ');
    return { event: l.slice(0, i), input: JSON.parse(l.slice(i + 1)) };
  });
}
