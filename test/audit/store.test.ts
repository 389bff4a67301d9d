import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { ROOT, makeSandbox, type Sandbox } from '../support/env.js';
import { appendAudit, closeAudit, queryAudit, verifyAudit } from '../../src/audit/store.js';
import { recordAudit } from '../../src/audit/report.js';

const Database = createRequire(import.meta.url)('better-sqlite3');

let sb: Sandbox;
let file: string;
let n = 0;
beforeAll(() => {
  sb = makeSandbox();
});
afterAll(() => sb.cleanup());
afterEach(() => closeAudit());
const fresh = () => (file = join(sb.dir, `audit-${++n}.db`));

/** Tamper with the file the way someone with sqlite3 would: drop the guards, then edit. */
function tamper(sql: string, ...args: unknown[]) {
  closeAudit();
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  db.prepare(sql).run(...args);
  db.close();
}

function fill(k: number) {
  for (let i = 1; i <= k; i++) appendAudit('keychain-read', { alias: `a${i}`, provider: 'anthropic', purpose: 'profiles run' }, { profile: 'work', file });
}

describe('audit store', () => {
  it('appends a hash chain that verifies, and queries by type, profile, since and limit', () => {
    fresh();
    expect(verifyAudit({ file })).toMatchObject({ ok: true, rows: 0 });
    appendAudit('session-start', { mode: 'local' }, { profile: 'work', file, now: new Date('2026-05-01T10:00:00Z') });
    appendAudit('sandbox-deny', { path: '/etc/x', error: 'EROFS', tool: 'Bash' }, { profile: 'acme', file, now: new Date('2026-05-02T10:00:00Z') });
    appendAudit('session-end', { status: 0 }, { profile: 'work', file, now: new Date('2026-05-03T10:00:00Z') });
    const v = verifyAudit({ file });
    expect(v).toMatchObject({ ok: true, rows: 3 });
    expect(v.head).toMatch(/^[0-9a-f]{64}$/);
    const all = queryAudit({ file });
    expect(all.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(all[1].prevHash).toBe(all[0].hash);
    expect(all[0].prevHash).toBe('0'.repeat(64));
    expect(queryAudit({ file, type: 'sandbox-deny' })).toMatchObject([{ profile: 'acme', data: { path: '/etc/x', error: 'EROFS' } }]);
    expect(queryAudit({ file, profile: 'work' }).map((r) => r.type)).toEqual(['session-start', 'session-end']);
    expect(queryAudit({ file, since: Date.parse('2026-05-02T00:00:00Z') }).map((r) => r.id)).toEqual([2, 3]);
    expect(queryAudit({ file, limit: 1 }).map((r) => r.id)).toEqual([3]);
    expect(queryAudit({ file, afterId: 2 }).map((r) => r.id)).toEqual([3]);
  });

  it('refuses secret values and unknown types', () => {
    fresh();
    expect(() => appendAudit('keychain-read', { alias: 'w', value: 'sk-123' }, { file })).toThrow(/never stores secret values/);
    expect(() => appendAudit('keychain-read', { nested: { apiKey: 'x' } }, { file })).toThrow(/data\.nested\.apiKey/);
    expect(() => appendAudit('nope' as never, {}, { file })).toThrow(/unknown event type/);
  });

  it('is append-only through SQL: UPDATE and DELETE abort', () => {
    fresh();
    fill(2);
    closeAudit();
    const db = new Database(file);
    expect(() => db.prepare("UPDATE audit SET data = '{}' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE id = 1').run()).toThrow(/append-only/);
    db.close();
  });

  it('names an edited row', () => {
    fresh();
    fill(5);
    tamper(`UPDATE audit SET data = '{"alias":"evil"}' WHERE id = 3`);
    const v = verifyAudit({ file });
    expect(v).toMatchObject({ ok: false, badId: 3 });
    expect(v.reason).toMatch(/edited/);
    expect(v.warnings[0]).toMatch(/triggers/);
  });

  it('names the row after a deleted one, and a truncated tail', () => {
    fresh();
    fill(5);
    tamper('DELETE FROM audit WHERE id = 2');
    expect(verifyAudit({ file })).toMatchObject({ ok: false, badId: 3, reason: expect.stringMatching(/row 2 before it is missing/) });
    fresh();
    fill(5);
    tamper('DELETE FROM audit WHERE id >= 4');
    expect(verifyAudit({ file })).toMatchObject({ ok: false, badId: 4, reason: expect.stringMatching(/4–5 at the end are missing/) });
    // Appending after a truncation keeps the gap visible instead of papering over it.
    appendAudit('session-start', {}, { file });
    expect(queryAudit({ file }).at(-1)!.id).toBe(6);
    expect(verifyAudit({ file }).ok).toBe(false);
  });

  it('names a reordered row (contents swapped, ids kept)', () => {
    fresh();
    fill(4);
    closeAudit();
    const db = new Database(file);
    db.exec('DROP TRIGGER audit_no_update;');
    const [r2, r3] = [2, 3].map((id) => db.prepare('SELECT * FROM audit WHERE id = ?').get(id));
    const set = db.prepare('UPDATE audit SET ts = ?, type = ?, profile = ?, data = ?, prev_hash = ?, hash = ? WHERE id = ?');
    set.run(r3.ts, r3.type, r3.profile, r3.data, r3.prev_hash, r3.hash, 2);
    set.run(r2.ts, r2.type, r2.profile, r2.data, r2.prev_hash, r2.hash, 3);
    db.close();
    expect(verifyAudit({ file })).toMatchObject({ ok: false, badId: 2 });
  });

  it('stays one unbroken chain with several processes appending at once', async () => {
    fresh();
    const outDir = join(ROOT, 'node_modules', '.cache', 'ringlet-test');
    mkdirSync(outDir, { recursive: true });
    const bundle = join(outDir, `audit-${process.pid}.mjs`);
    await build({ entryPoints: [join(ROOT, 'src/audit/store.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: bundle, external: ['better-sqlite3'], logLevel: 'warning', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });
    try {
      const script = `const { appendAudit } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
        for (let i = 0; i < 100; i++) appendAudit('hook-deny', { hook: 'w' + process.argv[1], i }, { profile: 'p' + process.argv[1], file: ${JSON.stringify(file)} });`;
      const codes = await Promise.all([1, 2, 3, 4].map((w) => new Promise<number | null>((resolve) => {
        const c = spawn(process.execPath, ['--input-type=module', '-e', script, String(w)], { stdio: ['ignore', 'ignore', 'inherit'] });
        c.on('exit', resolve);
      })));
      expect(codes).toEqual([0, 0, 0, 0]);
      expect(verifyAudit({ file })).toMatchObject({ ok: true, rows: 400 });
    } finally {
      rmSync(bundle, { force: true });
    }
  });

  it('recordAudit appends directly outside a sandbox, with the profile from the environment', async () => {
    const env = { ...sb.env, RINGLET_PROFILE: 'work' };
    expect(await recordAudit('hook-deny', { hook: 'no-rm', tool: 'Bash', reason: 'rm -rf' }, { env })).toBe(true);
    expect(queryAudit({ env })).toMatchObject([{ type: 'hook-deny', profile: 'work', data: { hook: 'no-rm' } }]);
    rmSync(join(sb.env.RINGLET_HOME!, 'audit.db'), { force: true });
  });
});
