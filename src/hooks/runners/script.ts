import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { HookEvent } from '../types.js';

/**
 * Script hooks run in QuickJS compiled to WebAssembly (quickjs-emscripten): a fresh runtime per call with
 * no module loader and no host functions besides allow/deny/log, so a script cannot read files, open
 * sockets or start processes. Limits, twice over: QuickJS refuses allocations past the memory limit and
 * interrupts the interpreter at the deadline; and the whole thing runs in a worker thread that is
 * terminated if it overstays anyway (a script that thrashes the garbage collector near the memory limit
 * checks the deadline rarely, and a synchronous interpreter would block the dispatcher's own timers).
 *
 *   function on_pre_tool_use(ctx) {
 *     if (/rm\s+-rf/.test(ctx.input.command ?? '')) return deny('no rm -rf');
 *     return allow();
 *   }
 */

export interface ScriptResult {
  /** `none`: the script has no function for this event, or it returned nothing. */
  verdict: 'allow' | 'deny' | 'none';
  reason?: string;
  logs: string[];
  error?: string;
  timedOut: boolean;
}

export interface ScriptLimits {
  timeoutMs: number;
  /** Default 16 MiB. */
  memoryBytes?: number;
  /** Parse the source without running it. */
  compileOnly?: boolean;
}

export function handlerName(event: HookEvent): string {
  return `on_${event.replace(/-/g, '_')}`;
}

/** Grace after the deadline before the worker is terminated (QuickJS normally stops itself first). */
const HARD_KILL_GRACE_MS = 250;
/** Loading the WebAssembly module is not the script's time; this bounds it separately. */
const LOAD_TIMEOUT_MS = 10_000;

// Runs inside the worker (CommonJS, eval'd). Kept free of anything but QuickJS.
const WORKER = String.raw`
const { parentPort, workerData: w } = require('node:worker_threads');
const PRELUDE = ${JSON.stringify(`
const __ringlet_logs = [];
globalThis.allow = () => ({ decision: 'allow' });
globalThis.deny = (reason) => ({ decision: 'deny', reason: reason === undefined ? '' : String(reason) });
globalThis.log = (...a) => { if (__ringlet_logs.length < 100) __ringlet_logs.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ').slice(0, 2000)); };
globalThis.console = { log: globalThis.log, info: globalThis.log, warn: globalThis.log, error: globalThis.log };
`)};
(async () => {
  const q = require(w.quickjs);
  const qjs = await q.newQuickJSWASMModule();
  parentPort.postMessage({ ready: true });
  const rt = qjs.newRuntime();
  rt.setMemoryLimit(w.memoryBytes);
  rt.setMaxStackSize(512 * 1024);
  rt.setInterruptHandler(q.shouldInterruptAfterDeadline(Date.now() + w.timeoutMs));
  const vm = rt.newContext();
  const run = (code, name) => {
    const r = vm.evalCode(code, name);
    if (r.error) {
      let msg;
      try {
        const e = vm.dump(r.error);
        msg = typeof e === 'string' ? e : (e && e.name ? e.name : 'Error') + ': ' + (e && e.message !== undefined ? e.message : String(e));
      } catch (err) {
        msg = 'InternalError: ' + err.message;
      }
      try { r.error.dispose(); } catch {}
      throw new Error(/interrupted/.test(msg) ? 'interrupted' : msg);
    }
    try { return vm.dump(r.value); } finally { try { r.value.dispose(); } catch {} }
  };
  let out;
  try {
    run(PRELUDE, 'prelude.js');
    if (w.compileOnly) {
      run('(function () {\n' + w.source + '\n})', w.filename);
      out = { ok: true };
    } else {
      run(w.source, w.filename);
      const fn = w.fn;
      const text = run('(() => {' +
        'const f = typeof ' + fn + " === 'function' ? " + fn + ' : undefined;' +
        'const r = f ? f(JSON.parse(' + JSON.stringify(w.ctx) + ')) : undefined;' +
        "if (r && typeof r.then === 'function') throw new TypeError('" + fn + " must return allow() or deny(reason), not a promise');" +
        'return JSON.stringify({ r: r === undefined ? null : r, logs: __ringlet_logs });' +
        '})()', 'call.js');
      out = { ok: true, value: JSON.parse(text) };
    }
  } catch (err) {
    out = { ok: false, error: err.message };
  }
  // After an out-of-memory error QuickJS may refuse to free the runtime; the worker's end frees it all.
  try { vm.dispose(); rt.dispose(); } catch {}
  parentPort.postMessage(out);
})().catch((err) => parentPort.postMessage({ ok: false, error: String(err && err.message || err) }));
`;

let quickjsPath: string | undefined;

export async function runScript(source: string, filename: string, event: HookEvent, ctx: unknown, limits: ScriptLimits): Promise<ScriptResult> {
  quickjsPath ??= createRequire(import.meta.url).resolve('quickjs-emscripten');
  const result: ScriptResult = { verdict: 'none', logs: [], timedOut: false };
  const outcome = await new Promise<{ ok: boolean; error?: string; value?: { r: unknown; logs: string[] }; timedOut?: boolean }>((resolve) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        quickjs: quickjsPath, source, filename, fn: handlerName(event), ctx: JSON.stringify(ctx ?? {}),
        timeoutMs: limits.timeoutMs, memoryBytes: limits.memoryBytes ?? 16 * 1024 * 1024, compileOnly: Boolean(limits.compileOnly),
      },
      // The interpreter's heap is WebAssembly memory; this caps the worker's own JS heap.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (v: Parameters<typeof resolve>[0]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(v);
    };
    let timer = setTimeout(() => finish({ ok: false, error: 'could not load the script sandbox in time' }), LOAD_TIMEOUT_MS);
    worker.on('message', (m: { ready?: boolean; ok: boolean }) => {
      if (m.ready) {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ ok: false, timedOut: true }), limits.timeoutMs + HARD_KILL_GRACE_MS);
        return;
      }
      finish(m);
    });
    worker.on('error', (err) => finish({ ok: false, error: err.message }));
    worker.on('exit', () => finish({ ok: false, error: 'the script sandbox stopped unexpectedly' }));
  });
  if (outcome.timedOut || outcome.error === 'interrupted') {
    result.timedOut = true;
    result.error = `timed out after ${limits.timeoutMs} ms`;
    return result;
  }
  if (!outcome.ok) {
    result.error = outcome.error;
    return result;
  }
  if (limits.compileOnly || !outcome.value) return result;
  result.logs = outcome.value.logs ?? [];
  const r = outcome.value.r as { decision?: string; reason?: string } | null | boolean;
  if (r === null) result.verdict = 'none';
  else if (r === true || (typeof r === 'object' && r.decision === 'allow')) result.verdict = 'allow';
  else if (r === false) result.verdict = 'deny';
  else if (typeof r === 'object' && r.decision === 'deny') {
    result.verdict = 'deny';
    result.reason = r.reason;
  } else result.error = `${handlerName(event)} must return allow() or deny(reason)`;
  return result;
}

/** Compile only (for `hooks add`): returns the syntax error, if any. */
export async function checkScript(source: string, filename: string): Promise<string | undefined> {
  return (await runScript(source, filename, 'start', {}, { timeoutMs: 1000, compileOnly: true })).error;
}
