import type { HookEvent } from '../types.js';

/**
 * Script hooks run in QuickJS compiled to WebAssembly (quickjs-emscripten): a fresh runtime per call with
 * no module loader and no host functions besides allow/deny/log, so a script cannot read files, open
 * sockets or start processes; the interpreter is interrupted at the deadline and refuses allocations
 * past the memory limit. The script defines `on_<event>(ctx)` functions, e.g.
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

const PRELUDE = `
const __ringlet_logs = [];
globalThis.allow = () => ({ decision: 'allow' });
globalThis.deny = (reason) => ({ decision: 'deny', reason: reason === undefined ? '' : String(reason) });
globalThis.log = (...a) => { if (__ringlet_logs.length < 100) __ringlet_logs.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ').slice(0, 2000)); };
globalThis.console = { log: globalThis.log, info: globalThis.log, warn: globalThis.log, error: globalThis.log };
`;

type QuickJS = Awaited<ReturnType<typeof import('quickjs-emscripten').getQuickJS>>;
let loaded: Promise<{ qjs: QuickJS; deadline: typeof import('quickjs-emscripten').shouldInterruptAfterDeadline }> | undefined;

function load() {
  loaded ??= import('quickjs-emscripten').then(async (m) => ({ qjs: await m.getQuickJS(), deadline: m.shouldInterruptAfterDeadline }));
  return loaded;
}

/** Compile only (for `hooks add`): returns the syntax error, if any. */
export async function checkScript(source: string, filename: string): Promise<string | undefined> {
  const r = await runScript(source, filename, 'start', {}, { timeoutMs: 1000, compileOnly: true });
  return r.error;
}

export async function runScript(source: string, filename: string, event: HookEvent, ctx: unknown, limits: ScriptLimits): Promise<ScriptResult> {
  const { qjs, deadline } = await load();
  const rt = qjs.newRuntime();
  rt.setMemoryLimit(limits.memoryBytes ?? 16 * 1024 * 1024);
  rt.setMaxStackSize(512 * 1024);
  const start = Date.now();
  rt.setInterruptHandler(deadline(start + limits.timeoutMs));
  const vm = rt.newContext();
  const result: ScriptResult = { verdict: 'none', logs: [], timedOut: false };
  const run = (code: string, name: string): string | undefined => {
    const r = vm.evalCode(code, name);
    if (r.error) {
      const e = vm.dump(r.error) as { name?: string; message?: string } | string;
      r.error.dispose();
      const msg = typeof e === 'string' ? e : `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}`;
      throw new Error(/interrupted/.test(msg) ? 'interrupted' : msg);
    }
    const v = vm.dump(r.value);
    r.value.dispose();
    return typeof v === 'string' ? v : undefined;
  };
  try {
    run(PRELUDE, 'prelude.js');
    if (limits.compileOnly) {
      // Parse without running: wrap the source in a function that is never called.
      run(`(function () {\n${source}\n})`, filename);
      return result;
    }
    run(source, filename);
    const fn = handlerName(event);
    const out = run(`(() => {
      const f = typeof ${fn} === 'function' ? ${fn} : undefined;
      const r = f ? f(JSON.parse(${JSON.stringify(JSON.stringify(ctx ?? {}))})) : undefined;
      if (r && typeof r.then === 'function') throw new TypeError('${fn} must return allow() or deny(reason), not a promise');
      return JSON.stringify({ r: r === undefined ? null : r, logs: __ringlet_logs });
    })()`, 'call.js');
    const parsed = JSON.parse(out ?? '{}') as { r: unknown; logs: string[] };
    result.logs = parsed.logs ?? [];
    const r = parsed.r as { decision?: string; reason?: string } | null | boolean;
    if (r === null || r === true) result.verdict = r === true ? 'allow' : 'none';
    else if (r === false) result.verdict = 'deny';
    else if (r && r.decision === 'allow') result.verdict = 'allow';
    else if (r && r.decision === 'deny') {
      result.verdict = 'deny';
      result.reason = r.reason;
    } else throw new Error(`${fn} must return allow() or deny(reason)`);
  } catch (err) {
    const msg = (err as Error).message;
    if (msg === 'interrupted') {
      result.timedOut = true;
      result.error = `timed out after ${limits.timeoutMs} ms`;
    } else result.error = msg;
  } finally {
    vm.dispose();
    rt.dispose();
  }
  return result;
}
