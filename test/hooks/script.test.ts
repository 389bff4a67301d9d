/**
 * Script hooks run in QuickJS (WebAssembly): these tests try to escape it. Each attempt must fail, and a
 * gating hook whose script fails or runs away denies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ringlet, type Sandbox } from '../support/env.js';
import { runScript } from '../../src/hooks/runners/script.js';
import { removeSandbox } from './helpers.js';

let sb: Sandbox;
let secret: string;
let marker: string;
const SECRET = 'top-secret-7d1f0c';

beforeAll(() => {
  sb = makeSandbox();
  secret = join(sb.dir, 'secret.txt');
  marker = join(sb.dir, 'spawned-marker');
  writeFileSync(secret, SECRET);
});
afterAll(() => removeSandbox(sb.dir));

const ctx = { event: 'pre-tool-use', tool: 'Bash', input: { command: 'ls' } };
const run = (source: string, timeoutMs = 1000) => runScript(source, 'probe.js', 'pre-tool-use', ctx, { timeoutMs });

describe('the script sandbox', () => {
  it('decides with allow() and deny(reason), and sees the event', async () => {
    const src = 'function on_pre_tool_use(ctx) { log("tool", ctx.tool); return ctx.input.command === "ls" ? deny("no ls for " + ctx.tool) : allow(); }';
    expect(await run(src)).toMatchObject({ verdict: 'deny', reason: 'no ls for Bash', logs: ['tool Bash'] });
    expect(await runScript(src, 'p.js', 'pre-tool-use', { ...ctx, input: { command: 'pwd' } }, { timeoutMs: 1000 })).toMatchObject({ verdict: 'allow' });
    expect(await runScript(src, 'p.js', 'tool-use', ctx, { timeoutMs: 1000 })).toMatchObject({ verdict: 'none' });
  });

  it('has no host objects: no require, process, std/os modules, fetch or timers', async () => {
    const r = await run(`function on_pre_tool_use() {
      const names = ['require', 'process', 'std', 'os', 'fetch', 'XMLHttpRequest', 'WebSocket', 'Deno', 'Bun', 'module',
        'setTimeout', 'setInterval', 'importScripts', 'scriptArgs', 'print', 'Worker'];
      return deny(JSON.stringify(names.filter((n) => typeof globalThis[n] !== 'undefined')));
    }`);
    expect(r.verdict).toBe('deny');
    expect(JSON.parse(r.reason!)).toEqual([]);
  });

  it('cannot read a file', async () => {
    const attempts = [
      `function on_pre_tool_use() { return deny(std.loadFile(${JSON.stringify(secret)})); }`,
      `function on_pre_tool_use() { return deny(require('fs').readFileSync(${JSON.stringify(secret)}, 'utf8')); }`,
      `function on_pre_tool_use() { const f = os.open(${JSON.stringify(secret)}, 0); return deny(String(f)); }`,
      `import * as std from 'std';\nfunction on_pre_tool_use() { return deny(std.loadFile(${JSON.stringify(secret)})); }`,
      `let got = 'none'; import(${JSON.stringify(secret)}).then((m) => { got = JSON.stringify(m); }, (e) => { got = String(e); });
       function on_pre_tool_use() { return deny(got); }`,
    ];
    for (const src of attempts) {
      const r = await run(src);
      expect(JSON.stringify(r)).not.toContain(SECRET);
      expect(r.verdict === 'allow').toBe(false);
    }
    // The first three fail for want of the object at all.
    expect((await run(attempts[0])).error).toMatch(/ReferenceError: .*std/);
    expect((await run(attempts[1])).error).toMatch(/ReferenceError: .*require/);
    expect((await run(attempts[3])).error).toMatch(/could not load module 'std'/);
  });

  it('cannot start a process', async () => {
    const attempts = [
      `function on_pre_tool_use() { require('child_process').execSync('touch ${marker}'); return allow(); }`,
      `function on_pre_tool_use() { os.exec(['touch', '${marker}']); return allow(); }`,
      `function on_pre_tool_use() { return new Function('return this')().process.binding('spawn_sync'); }`,
    ];
    for (const src of attempts) {
      const r = await run(src);
      expect(r.error).toBeDefined();
      expect(r.verdict).toBe('none');
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot run for ever or eat all memory', async () => {
    let t0 = Date.now();
    const loop = await run('function on_pre_tool_use() { for (;;) {} }', 300);
    expect(loop).toMatchObject({ timedOut: true, error: 'timed out after 300 ms' });
    expect(Date.now() - t0).toBeLessThan(1500);
    // Top-level code is under the same deadline.
    t0 = Date.now();
    expect(await run('while (true) {}', 300)).toMatchObject({ timedOut: true });
    expect(Date.now() - t0).toBeLessThan(1500);
    const limits = { timeoutMs: 1000, memoryBytes: 8 * 1024 * 1024 };
    for (const big of ['new ArrayBuffer(64 * 1024 * 1024)', '"x".repeat(64 * 1024 * 1024)']) {
      const mem = await runScript(`function on_pre_tool_use() { const x = ${big}; return allow(); }`, 'm.js', 'pre-tool-use', ctx, limits);
      expect(mem).toMatchObject({ verdict: 'none', timedOut: false, error: expect.stringMatching(/out of memory|string too long/) });
    }
    // Growing step by step near the limit makes QuickJS collect garbage on every allocation and check its
    // deadline rarely: the worker is terminated at the deadline instead.
    t0 = Date.now();
    const thrash = await runScript('function on_pre_tool_use() { const a = []; for (;;) a.push(new Array(100000).fill(7)); }', 'm.js', 'pre-tool-use', ctx, limits);
    expect(thrash.verdict).toBe('none');
    expect(thrash.error).toMatch(/out of memory|timed out/);
    expect(Date.now() - t0).toBeLessThan(3000);
    const deep = await run('function f() { return f() + 1; } function on_pre_tool_use() { return f(); }');
    expect(deep.error).toMatch(/stack|RangeError|InternalError/i);
  });

  it('a runaway or broken guard script denies the tool through the dispatcher, and says why', async () => {
    const env = sb.env;
    expect((await ringlet(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic'], env)).code).toBe(0);
    const loop = join(sb.dir, 'loop.js');
    writeFileSync(loop, 'function on_pre_tool_use(ctx) { while (true) {} }');
    const add = await ringlet(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--script', loop, '--timeout', '0.5'], env);
    expect(add.code, add.stderr).toBe(0);
    const t0 = Date.now();
    const r = await ringlet(['hooks', 'dispatch', 'claude', 'PreToolUse'], { ...env, RINGLET_PROFILE: 'p' }, { input: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'ls' } }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hook pre-tool-use-1 timed out after 0\.5s, so the tool is denied/);
    expect(Date.now() - t0).toBeLessThan(5000);

    const bad = join(sb.dir, 'bad.js');
    writeFileSync(bad, 'function on_pre_tool_use(ctx) { return ctx.nope.deeper; }');
    expect((await ringlet(['hooks', 'rm', 'p', 'pre-tool-use-1'], env)).code).toBe(0);
    expect((await ringlet(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--script', bad], env)).code).toBe(0);
    const r2 = await ringlet(['hooks', 'dispatch', 'claude', 'PreToolUse'], { ...env, RINGLET_PROFILE: 'p' }, { input: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'ls' } }) });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/script error: TypeError/);
  });

  it('`hooks add` refuses a script that does not parse', async () => {
    const broken = join(sb.dir, 'broken.js');
    writeFileSync(broken, 'function on_pre_tool_use( {');
    const r = await ringlet(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--script', broken, '--name', 'broken'], sb.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/SyntaxError/);
    expect(existsSync(join(sb.env.RINGLET_HOME!, 'profiles', 'p', 'hooks', 'broken.toml'))).toBe(false);
  });
});
