/**
 * Reading and parsing logs on worker threads while the main thread writes the ledger. Parsing JSON is
 * most of an import's work and SQLite has one writer anyway, so N workers read files and post back
 * compact rows; results are handed over strictly in task order, so which copy of a response replayed in
 * two files is stored (the first file's) does not depend on which worker finished first.
 *
 * A worker runs dist/import-worker.cjs (src/import/worker.ts, built beside every bundle that imports); from
 * TypeScript sources (tests) there is none, and the caller reads on the main thread.
 */
import { availableParallelism } from 'node:os';
import { Worker, parentPort } from 'node:worker_threads';
import { readJsonl, type JsonlRead, type JsonlTask } from './jsonl.js';

/** Below this much to read, starting workers costs more than it saves. */
const MIN_BYTES = 32e6;
/** One SQLite writer keeps only a few parsers busy. */
const MAX_WORKERS = 4;
/**
 * Bytes of files queued per worker (at least two files). The main thread hands out work only between
 * its ledger writes, which take ~0.1 s a batch; a worker must not run dry meanwhile.
 */
const AHEAD_BYTES = 64e6;
/** A worker reports bytes read (for progress) at most this often. */
const PROGRESS_BYTES = 16 << 20;

/** What is left to read of a file. */
const taskBytes = (t: JsonlTask) => Math.max(0, t.size - (t.prior && t.prior.ino === t.ino && t.prior.offset <= t.size ? t.prior.offset : 0));

type ToWorker = { i: number; task: JsonlTask };
type FromWorker = { i: number; read: JsonlRead | undefined } | { bytes: number };

export interface WorkerPlan {
  count: number;
  /** Set by RINGLET_IMPORT_WORKERS: a worker failure is an error instead of a quiet fallback to the main thread. */
  strict: boolean;
}

/**
 * How many workers to use for this much reading: none for small imports, else one per core.
 * RINGLET_IMPORT_WORKERS overrides (0: always read on the main thread).
 */
export function workerPlan(bytes: number, files: number, env: NodeJS.ProcessEnv = process.env): WorkerPlan {
  const forced = env.RINGLET_IMPORT_WORKERS;
  if (forced !== undefined && forced !== '') return { count: Math.max(0, Math.min(Math.floor(Number(forced)) || 0, files)), strict: true };
  if (import.meta.url.endsWith('.ts') || bytes < MIN_BYTES || files < 2) return { count: 0, strict: false };
  return { count: Math.min(availableParallelism(), MAX_WORKERS, files), strict: false };
}

/**
 * Reads tasks on plan.count workers; onRead gets each result in task order (it may write the ledger: it
 * runs on the main thread between messages). Resolves with how many tasks were handed over: all of them,
 * unless a worker failed (not strict), in which case the caller reads the rest itself.
 */
export function readInWorkers(
  tasks: JsonlTask[],
  plan: WorkerPlan,
  onRead: (i: number, read: JsonlRead | undefined) => void,
  onBytes: (bytes: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const done = new Map<number, JsonlRead | undefined>();
    let next = 0; // next task to send
    let deliver = 0; // next task to hand to onRead
    let finished = false;

    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(deliver);
    };
    // Per worker: files and bytes sent and not yet returned.
    const queued = new Map<Worker, { files: number; bytes: number }>();
    /** Sends w one more task if it has room for one; false if not (or none is left). */
    const give = (w: Worker) => {
      const q = queued.get(w)!;
      if (next >= tasks.length || (q.files >= 2 && q.bytes >= AHEAD_BYTES)) return false;
      q.files++;
      q.bytes += taskBytes(tasks[next]);
      w.postMessage({ i: next, task: tasks[next++] } satisfies ToWorker);
      return true;
    };

    for (let k = 0; k < plan.count; k++) {
      const w = new Worker(new URL('./import-worker.cjs', import.meta.url));
      workers.push(w);
      queued.set(w, { files: 0, bytes: 0 });
      w.on('message', (m: FromWorker) => {
        if (finished) return;
        if ('bytes' in m) return onBytes(m.bytes);
        done.set(m.i, m.read);
        const q = queued.get(w)!;
        q.files--;
        q.bytes -= taskBytes(tasks[m.i]);
        while (give(w));
        try {
          while (done.has(deliver)) {
            const read = done.get(deliver);
            done.delete(deliver);
            onRead(deliver++, read);
          }
        } catch (err) {
          return finish(err);
        }
        if (deliver === tasks.length) finish();
      });
      // A worker that cannot start or crashes: stop, and let the caller read what is left.
      const failed = (err: unknown) => finish(plan.strict ? err : undefined);
      w.on('error', failed);
      w.on('exit', (code) => failed(new Error(`import worker exited early (code ${code})`)));
    }
    // The first tasks go round-robin, so that small files are spread over all workers too.
    for (let sent = true; sent; ) {
      sent = false;
      for (const w of workers) sent = give(w) || sent;
    }
    if (!tasks.length) finish();
  });
}

/** The worker side: reads each task it is sent and posts the result back. */
export function serve(): void {
  const port = parentPort!;
  port.on('message', ({ i, task }: ToWorker) => {
    let pending = 0;
    const read = readJsonl(task, (bytes) => {
      pending += bytes;
      if (pending >= PROGRESS_BYTES) {
        port.postMessage({ bytes: pending } satisfies FromWorker);
        pending = 0;
      }
    });
    if (pending) port.postMessage({ bytes: pending } satisfies FromWorker);
    port.postMessage({ i, read } satisfies FromWorker);
  });
}
