import { closeSync, copyFileSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode unless this is set and `forceMode` is true. */
  mode?: number;
  forceMode?: boolean;
  /** Copy the old file to `<file>.bak-<timestamp>` first (for files that belong to the user). */
  backup?: boolean;
}

/**
 * Write via temp file + fsync + rename, so a crash leaves the old or the new file, never a torn one.
 * Returns the backup path when one was made.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): string | undefined {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  let mode = opts.mode ?? 0o644;
  let backupPath: string | undefined;
  if (existsSync(file)) {
    const st = statSync(file);
    if (!opts.forceMode) mode = st.mode & 0o7777;
    if (opts.backup) {
      backupPath = `${file}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      copyFileSync(file, backupPath);
    }
  }
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    fchmodSync(fd, mode); // openSync's mode is filtered by the umask
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
  return backupPath;
}
