import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, makeSandbox, ringlet, type Sandbox } from '../support/env.js';
import { appendAudit, closeAudit } from '../../src/audit/store.js';

// `ringlet audit …` as users run it: the bundled CLI against an audit.db in a temp RINGLET_HOME.
const Database = createRequire(import.meta.url)('better-sqlite3');
let sb: Sandbox;

beforeAll(() => {
  sb = makeSandbox();
}, 180_000);
afterAll(() => sb?.cleanup());

describe('ringlet audit (built CLI)', () => {
  it('verify, query and tail print the log; verify exits 1 naming the edited row', async () => {
    const env = sb.env;
    const empty = await ringlet(['audit', 'query'], env);
    expect(empty.stdout).toBe('no audit events match\n');
    const file = join(env.RINGLET_HOME!, 'audit.db');
    expect(existsSync(file)).toBe(false);
    appendAudit('sandbox-deny', { path: '/etc/x', error: 'EROFS', tool: 'Bash' }, { profile: 'work', file });
    appendAudit('keychain-read', { alias: 'work', provider: 'anthropic', purpose: 'profiles run' }, { profile: 'work', file });
    appendAudit('session-start', { mode: 'remote', client: '127.0.0.1' }, { profile: 'acme', file });
    closeAudit();

    const ok = await ringlet(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 3 audit rows, chain intact/);

    const q = await ringlet(['audit', 'query', '--type', 'sandbox-deny'], env);
    expect(q.stdout).toMatch(/#1 {2}sandbox-deny +work +error=EROFS path=\/etc\/x tool=Bash/);
    expect(q.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse((await ringlet(['audit', 'query', '--profile', 'work', '--json'], env)).stdout);
    expect(j.map((r: { type: string }) => r.type)).toEqual(['sandbox-deny', 'keychain-read']);
    const badSince = await ringlet(['audit', 'query', '--since', 'not-a-day'], env);
    expect(badSince.code).toBe(1);
    expect(badSince.stderr).toMatch(/--since: expected/);

    const tail = await ringlet(['audit', 'tail', '-n', '2'], env);
    expect(tail.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1])).toEqual(['#2', '#3']);

    const db = new Database(file);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit SET data = '{"alias":"other"}' WHERE id = 2`).run();
    db.close();
    const bad = await ringlet(['audit', 'verify'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/TAMPERED: row 2: its content does not match its hash/);
    expect(JSON.parse((await ringlet(['audit', 'verify', '--json'], env)).stdout)).toMatchObject({ ok: false, badId: 2 });
  });

  it('audit tail -f prints events appended by another process', async () => {
    const env = { ...sb.env, RINGLET_HOME: join(sb.dir, 'follow') };
    const file = join(env.RINGLET_HOME, 'audit.db');
    appendAudit('session-start', { mode: 'local' }, { profile: 'p', file });
    closeAudit();
    const run = ringlet(['audit', 'tail', '-f', '--json'], env, { timeoutMs: 4000 });
    await new Promise((r) => setTimeout(r, 1200));
    appendAudit('session-end', { status: 0 }, { profile: 'p', file });
    closeAudit();
    const r = await run; // killed by the timeout: -f runs until interrupted
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['session-start', 'session-end']);
  });

  it('sandbox check reports ok with the bwrap version, and refuses with the fix when bwrap is missing', async () => {
    const ok = await ringlet(['sandbox', 'check', '--json'], sb.env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, platform: 'linux', version: expect.stringMatching(/^\d+\.\d+/) });
    const human = await ringlet(['sandbox', 'check'], sb.env);
    expect(human.stdout).toMatch(/^ok: sandboxing works here: bubblewrap \d/);
    const missing = await ringlet(['sandbox', 'check'], { ...sb.env, PATH: '/nonexistent' });
    expect(missing.code).toBe(69);
    expect(missing.stdout).toMatch(/unavailable: bubblewrap \(bwrap\) is not installed\nfix: install it: sudo apt install bubblewrap/);
  });
});
