import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RINGLET = join(ROOT, 'bin', 'ringlet');
export const NODE_BIN = join(ROOT, 'node_modules', '.bin');

export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** Fresh HOME, RINGLET_HOME and XDG_CONFIG_HOME; file-backed keys unless `fileKeys: false`. */
export function makeSandbox(opts: { fileKeys?: boolean } = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'ringlet-test-'));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${NODE_BIN}:${process.env.PATH}`,
    HOME: home,
    RINGLET_HOME: join(dir, 'ringlet'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    TMPDIR: process.env.TMPDIR ?? '/tmp',
  };
  if (opts.fileKeys !== false) {
    mkdirSync(join(dir, 'config', 'ringlet'), { recursive: true });
    writeFileSync(join(dir, 'config', 'ringlet', 'config.toml'), '[credentials]\nbackend = "file"\n');
  }
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult { code: number; stdout: string; stderr: string }

export function ringlet(args: string[], env: NodeJS.ProcessEnv, opts: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RINGLET, ...args], { env, cwd: opts.cwd ?? env.HOME, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal ? 9 : 0), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
