import { spawn } from 'node:child_process';

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the shell could not be started at all. */
  error?: string;
}

const CAP = 64 * 1024;

/**
 * Run `sh -c command` with `stdin` written to it. On timeout the whole process group is killed (a hook
 * that started `sleep 100 &` must not outlive it). Resolves when the shell exits; output that a
 * background grandchild keeps writing is not waited for.
 */
export function runShell(command: string, opts: { stdin: string; env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string }): Promise<ShellResult> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('/bin/sh', ['-c', command], { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      resolve({ code: null, stdout: '', stderr: '', timedOut: false, error: (err as Error).message });
      return;
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let done = false;
    child.stdout!.on('data', (d: Buffer) => { if (stdout.length < CAP) stdout += d; });
    child.stderr!.on('data', (d: Buffer) => { if (stderr.length < CAP) stderr += d; });
    // A hook that does not read its stdin and exits makes the write fail with EPIPE: not an error.
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.stdin);
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const finish = (r: ShellResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stdout!.destroy();
      child.stderr!.destroy();
      resolve(r);
    };
    child.on('error', (err) => finish({ code: null, stdout, stderr, timedOut, error: err.message }));
    // The pipes may close before or after 'exit'; a background grandchild may hold them open for ever.
    let open = 2;
    let exited: (() => void) | undefined;
    const closed = () => { if (--open === 0) exited?.(); };
    child.stdout!.once('close', closed);
    child.stderr!.once('close', closed);
    child.on('exit', (code, signal) => {
      exited = () => finish({ code: signal ? null : code, stdout, stderr, timedOut });
      if (open === 0 || timedOut) exited();
      else setTimeout(exited, 50).unref();
    });
  });
}
