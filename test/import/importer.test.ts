import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSandbox, type Sandbox } from '../support/env.js';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { importLogs, importProfileLogs, type ImportProgress } from '../../src/import/importer.js';
import { priceFor } from '../../src/providers/prices.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
let sb: Sandbox;
let ledger: Ledger;

beforeEach(async () => {
  sb = makeSandbox();
  ledger = await openLedger(join(sb.dir, 'ringlet', 'ledger.db'));
});
afterEach(() => {
  ledger.close();
  sb.cleanup();
});

function assistant(id: string, o: { output?: number; input?: number; cw?: number; cw1h?: number; cr?: number; stop?: string | null; model?: string; ts?: string; uuid?: string; requestId?: string } = {}): string {
  return JSON.stringify({
    parentUuid: null, isSidechain: false, type: 'assistant', uuid: o.uuid ?? `u-${id}`, timestamp: o.ts ?? '2026-05-01T10:00:00.000Z',
    requestId: o.requestId ?? `req-${id}`, sessionId: 's', version: '1.0.98', cwd: '/w',
    message: {
      id, type: 'message', role: 'assistant', model: o.model ?? 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'hi "usage" here' }],
      stop_reason: o.stop === undefined ? 'end_turn' : o.stop, stop_sequence: null,
      usage: {
        input_tokens: o.input ?? 10, output_tokens: o.output ?? 5, cache_read_input_tokens: o.cr ?? 0, cache_creation_input_tokens: o.cw ?? 0,
        cache_creation: { ephemeral_5m_input_tokens: (o.cw ?? 0) - (o.cw1h ?? 0), ephemeral_1h_input_tokens: o.cw1h ?? 0 },
      },
    },
  });
}
const userLine = (text: string) => JSON.stringify({ type: 'user', message: { role: 'user', content: text }, uuid: 'x', timestamp: '2026-05-01T10:00:00.000Z' });

function claudeDir(): { root: string; proj: string } {
  const root = join(sb.dir, 'home', '.claude');
  const proj = join(root, 'projects', '-w');
  mkdirSync(proj, { recursive: true });
  return { root, proj };
}
const rows = () => ledger.db.prepare('SELECT * FROM usage ORDER BY message_id').all() as Record<string, any>[];

describe('Claude import', () => {
  it('is idempotent, imports exactly an appended line, and waits for a line without its newline', async () => {
    const { root, proj } = claudeDir();
    const f = join(proj, 'a.jsonl');
    writeFileSync(f, [userLine('hi'), assistant('msg_1', { output: 7 }), assistant('msg_2')].join('\n') + '\n');
    const first = await importLogs(ledger, 'claude', [root]);
    expect(first).toMatchObject({ files: 1, filesRead: 1, records: 2, added: 2, duplicates: 0, lines: 3 });
    expect(rows().map((r) => [r.message_id, r.output_tokens, r.profile, r.source])).toEqual([['msg_1', 7, null, 'import'], ['msg_2', 5, null, 'import']]);

    const again = await importLogs(ledger, 'claude', [root]);
    expect(again).toMatchObject({ files: 1, filesRead: 0, added: 0, bytes: 0 });

    appendFileSync(f, assistant('msg_3') + '\n');
    const appended = await importLogs(ledger, 'claude', [root]);
    expect(appended).toMatchObject({ filesRead: 1, lines: 1, records: 1, added: 1 });
    expect(ledger.count()).toBe(3);

    // A line still being written (no newline yet) is not consumed...
    const half = assistant('msg_4');
    appendFileSync(f, half.slice(0, 40));
    expect(await importLogs(ledger, 'claude', [root])).toMatchObject({ added: 0, lines: 0 });
    // ...until it is complete.
    appendFileSync(f, half.slice(40) + '\n');
    expect(await importLogs(ledger, 'claude', [root])).toMatchObject({ added: 1, lines: 1 });
    expect(ledger.count()).toBe(4);
  });

  it('re-reads a file from the start when it was truncated, replaced or rewritten in place', async () => {
    const { root, proj } = claudeDir();
    const f = join(proj, 'a.jsonl');
    writeFileSync(f, [assistant('msg_1'), assistant('msg_2'), assistant('msg_3')].join('\n') + '\n');
    await importLogs(ledger, 'claude', [root]);

    // Truncated to something shorter, with a new response in it.
    writeFileSync(f, assistant('msg_9') + '\n');
    const t = await importLogs(ledger, 'claude', [root]);
    expect(t).toMatchObject({ records: 1, added: 1 });

    // Replaced by another file (new inode) that is longer than the old offset.
    const tmp = join(proj, 'a.tmp');
    writeFileSync(tmp, [assistant('msg_1'), assistant('msg_5'), assistant('msg_6'), assistant('msg_7')].join('\n') + '\n');
    renameSync(tmp, f);
    const r = await importLogs(ledger, 'claude', [root]);
    expect(r).toMatchObject({ records: 4, added: 3, duplicates: 1 });

    // Rewritten in place (same inode, longer): the bytes before the old offset changed, so start over.
    const before = statSync(f).ino;
    const text = [assistant('msg_a'), assistant('msg_b'), assistant('msg_c'), assistant('msg_d'), assistant('msg_e')].join('\n') + '\n';
    writeFileSync(f, text);
    expect(statSync(f).ino).toBe(before);
    const w = await importLogs(ledger, 'claude', [root]);
    expect(w).toMatchObject({ records: 5, added: 5 });
    expect(ledger.count()).toBe(3 + 1 + 3 + 5);
  });

  it('counts a response split over several lines once (fullest line), and replays in resumed files as duplicates', async () => {
    const { root, proj } = claudeDir();
    const session = [
      userLine('go'),
      assistant('msg_A', { output: 9, stop: null, uuid: 'a1' }),
      assistant('msg_A', { output: 9, stop: null, uuid: 'a2' }),
      assistant('msg_A', { output: 159, stop: 'tool_use', uuid: 'a3' }),
      userLine('tool result'),
      assistant('msg_B', { output: 3, requestId: '' }),
      assistant('msg_B', { output: 30, requestId: '' }),
    ];
    writeFileSync(join(proj, 's1.jsonl'), session.join('\n') + '\n');
    // A resumed session replays the earlier lines, then continues.
    mkdirSync(join(proj, 's1', 'subagents'), { recursive: true });
    writeFileSync(join(proj, 's2.jsonl'), [...session, assistant('msg_C', { output: 1 })].join('\n') + '\n');
    writeFileSync(join(proj, 's1', 'subagents', 'agent-1.jsonl'), assistant('msg_side', { output: 2 }) + '\n');
    const r = await importLogs(ledger, 'claude', [root]);
    expect(r).toMatchObject({ files: 3, added: 4, duplicates: 2 });
    expect(rows().map((x) => [x.message_id, x.output_tokens])).toEqual([['msg_A', 159], ['msg_B', 30], ['msg_C', 1], ['msg_side', 2]]);
  });

  it('holds back a response still streaming in a file being written, and releases it once the file is quiet', async () => {
    const { root, proj } = claudeDir();
    const f = join(proj, 'a.jsonl');
    writeFileSync(f, [assistant('msg_1'), assistant('msg_2', { output: 4, stop: null })].join('\n') + '\n');
    const now = Date.now();
    const r1 = await importLogs(ledger, 'claude', [root], { now: () => now });
    expect(r1.added).toBe(1);
    appendFileSync(f, assistant('msg_2', { output: 80, stop: 'end_turn' }) + '\n');
    const r2 = await importLogs(ledger, 'claude', [root], { now: () => now });
    expect(r2.added).toBe(1);
    expect(rows().find((x) => x.message_id === 'msg_2')?.output_tokens).toBe(80);

    // An interrupted response never gets a stop reason: once the file is a minute old it is counted as it is.
    appendFileSync(f, assistant('msg_3', { output: 6, stop: null }) + '\n');
    expect((await importLogs(ledger, 'claude', [root], { now: () => Date.now() })).added).toBe(0);
    expect((await importLogs(ledger, 'claude', [root], { now: () => Date.now() + 61_000 })).added).toBe(1);
    expect((await importLogs(ledger, 'claude', [root], { now: () => Date.now() + 62_000 })).filesRead).toBe(0);
  });

  it('prices rows (1h cache writes at their own rate), reports progress, and honours a profile and provider', async () => {
    const { root, proj } = claudeDir();
    writeFileSync(join(proj, 'a.jsonl'), [assistant('msg_1', { input: 1000, output: 2000, cw: 3000, cw1h: 1000, cr: 4000 }), assistant('msg_2', { model: 'mystery-model' })].join('\n') + '\n');
    const seen: ImportProgress[] = [];
    const r = await importLogs(ledger, 'claude', [root], { profile: 'work', onProgress: (p) => seen.push(p) });
    const p = priceFor('claude-sonnet-4-5')!;
    const expected = (1000 * p.input + 2000 * p.output + 2000 * p.cacheWrite + 1000 * p.cacheWrite1h + 4000 * p.cacheRead) / 1e6;
    expect(r.costUsd).toBeCloseTo(expected, 10);
    expect(r.unpriced).toBe(1);
    expect(rows().map((x) => [x.profile, x.cost_usd === null])).toEqual([['work', false], ['work', true]]);
    expect(seen.at(-1)).toMatchObject({ agent: 'claude', filesDone: 1, filesTotal: 1 });
    expect(seen.at(-1)!.bytesDone).toBe(seen.at(-1)!.bytesTotal);

    const home = join(sb.dir, 'profile-home');
    mkdirSync(join(home, '.claude', 'projects', 'p'), { recursive: true });
    writeFileSync(join(home, '.claude', 'projects', 'p', 's.jsonl'), assistant('msg_mm', { model: 'MiniMax-M2' }) + '\n');
    const pr = await importProfileLogs(ledger, 'mm', 'claude', home, { provider: 'minimax' });
    expect(pr.added).toBe(1);
    expect(rows().find((x) => x.message_id === 'msg_mm')).toMatchObject({ profile: 'mm', provider: 'minimax', agent: 'claude' });
    expect(rows().find((x) => x.message_id === 'msg_mm')?.cost_usd).not.toBeNull();
    expect(await importProfileLogs(ledger, 'g', 'grok', home)).toMatchObject({ files: 0, added: 0 });
  });
});

describe('import totals match an independent count', () => {
  it('tokens exactly and cost within 0.5% of the price table arithmetic, on a generated corpus with traps', async () => {
    const { root, proj } = claudeDir();
    // A deterministic generator; its own list of responses is the independent count.
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const models = ['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101'];
    const truth: { model: string; input: number; output: number; cw: number; cw1h: number; cr: number }[] = [];
    const sessions: string[][] = [];
    for (let s = 0; s < 20; s++) {
      const lines: string[] = [];
      for (let m = 0; m < 30; m++) {
        const id = `msg_${s}_${m}`;
        const t = { model: models[rnd(models.length)], input: rnd(5000), output: 1 + rnd(4000), cw: rnd(20000), cw1h: 0, cr: rnd(100000) };
        t.cw1h = rnd(2) ? rnd(t.cw + 1) : 0;
        truth.push(t);
        lines.push(userLine(`turn ${m}`));
        const blocks = 1 + rnd(3);
        for (let b = 0; b < blocks; b++) {
          const last = b === blocks - 1;
          // Older versions: earlier lines of a response carry a partial output count and no stop reason.
          lines.push(assistant(id, { ...t, output: last ? t.output : rnd(t.output), stop: last ? 'end_turn' : null, uuid: `${id}-${b}`, ts: `2026-05-${String(1 + (s % 28)).padStart(2, '0')}T10:00:00.000Z` }));
        }
      }
      sessions.push(lines);
      writeFileSync(join(proj, `s${s}.jsonl`), lines.join('\n') + '\n');
    }
    // Resumed copies of a few sessions replay all of their lines.
    for (let s = 0; s < 5; s++) writeFileSync(join(proj, `resumed-${s}.jsonl`), sessions[s].join('\n') + '\n');

    const r = await importLogs(ledger, 'claude', [root]);
    expect(r.added).toBe(truth.length);
    const sum = ledger.db.prepare(`SELECT sum(input_tokens) i, sum(output_tokens) o, sum(cache_write_tokens) w, sum(cache_write_1h_tokens) h,
      sum(cache_read_tokens) c, sum(cost_usd) cost, count(*) n FROM usage`).get() as Record<string, number>;
    const tot = (k: keyof (typeof truth)[0]) => truth.reduce((a, t) => a + (t[k] as number), 0);
    expect([sum.i, sum.o, sum.w, sum.h, sum.c]).toEqual([tot('input'), tot('output'), tot('cw'), tot('cw1h'), tot('cr')]);
    let cost = 0;
    for (const t of truth) {
      const p = priceFor(t.model)!;
      cost += (t.input * p.input + t.output * p.output + (t.cw - t.cw1h) * p.cacheWrite + t.cw1h * p.cacheWrite1h + t.cr * p.cacheRead) / 1e6;
    }
    expect(Math.abs(sum.cost - cost) / cost).toBeLessThan(0.005);
    expect(Math.abs(r.costUsd - cost) / cost).toBeLessThan(0.005);
  });
});

describe('Codex import', () => {
  it('imports real 0.169 rollouts (a session and its fork) once each, re-import adds nothing', async () => {
    const root = join(sb.dir, 'home', '.codex');
    const day = join(root, 'sessions', '2026', '11', '25');
    mkdirSync(day, { recursive: true });
    copyFileSync(join(FIX, 'codex-0.169-parent.jsonl'), join(day, 'rollout-2026-11-25T21-17-17-01a21491-eef8-78a3-b65a-18b73677e8c0.jsonl'));
    copyFileSync(join(FIX, 'codex-0.169-fork.jsonl'), join(day, 'rollout-2026-11-25T21-17-40-01a21492-46e9-7ed3-9856-ed115bd7f3d4.jsonl'));
    const r = await importLogs(ledger, 'codex', [root], { provider: 'openai' });
    expect(r).toMatchObject({ files: 2, added: 3, duplicates: 0 });
    expect(rows().map((x) => [x.message_id, x.input_tokens, x.cache_read_tokens, x.output_tokens, x.reasoning_tokens, x.provider, x.model])).toEqual([
      ['resp_fake3', 603, 400, 53, 20, 'openai', 'gpt-5.1-codex'],
      ['resp_fake4', 604, 400, 54, 20, 'openai', 'gpt-5.1-codex'],
      ['resp_fake5', 605, 400, 55, 20, 'openai', 'gpt-5.1-codex'],
    ]);
    const p = priceFor('gpt-5.1-codex')!;
    expect(rows()[0].cost_usd).toBeCloseTo((603 * p.input + 400 * p.cacheRead + 53 * p.output) / 1e6, 12);
    expect((await importLogs(ledger, 'codex', [root])).added).toBe(0);
  });

  it('counts a legacy fork that replays its parent once, skips repeated totals, and carries state across appends', async () => {
    const root = join(sb.dir, 'home', '.codex');
    const day = join(root, 'sessions', '2026', '05', '01');
    mkdirSync(day, { recursive: true });
    const P = '019de5a0-0000-7000-8000-000000000001';
    const C = '019de6a0-0000-7000-8000-000000000002';
    const u = ([i, c, o, r]: number[]) => ({ input_tokens: i, cached_input_tokens: c, output_tokens: o, reasoning_output_tokens: r, total_tokens: i + o });
    const tc = (ts: string, total: number[], last: number[]) => JSON.stringify({ timestamp: ts, type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: u(total), last_token_usage: u(last) } } });
    const meta = (id: string) => JSON.stringify({ timestamp: '2026-05-01T10:00:00.000Z', type: 'session_meta', payload: { id, timestamp: '2026-05-01T10:00:00.000Z', model_provider: 'openai' } });
    const turn = (id: string) => JSON.stringify({ timestamp: '2026-05-01T10:00:00.000Z', type: 'turn_context', payload: { turn_id: id, model: 'gpt-5-codex' } });
    const parent = [meta(P), turn('019de5a0-1000-7000-8000-0000000000a1'), tc('2026-05-01T10:00:02.000Z', [1000, 400, 50, 20], [1000, 400, 50, 20]),
      tc('2026-05-01T10:00:03.000Z', [1000, 400, 50, 20], [1000, 400, 50, 20]), turn('019de5a0-2000-7000-8000-0000000000a2'),
      tc('2026-05-01T10:01:00.000Z', [2500, 1300, 80, 20], [1500, 900, 30, 0])];
    writeFileSync(join(day, `rollout-2026-05-01T10-00-00-${P}.jsonl`), parent.join('\n') + '\n');
    const childFile = join(day, `rollout-2026-05-02T09-00-00-${C}.jsonl`);
    writeFileSync(childFile, [meta(C), ...parent, turn('019de6a0-1000-7000-8000-0000000000b1'), tc('2026-05-02T09:00:05.000Z', [3700, 2300, 90, 20], [1200, 1000, 10, 0])].join('\n') + '\n');
    const r = await importLogs(ledger, 'codex', [root]);
    expect(r).toMatchObject({ added: 3, duplicates: 2 });
    const total = ledger.db.prepare('SELECT sum(input_tokens + cache_read_tokens) i, sum(output_tokens) o FROM usage').get() as { i: number; o: number };
    expect(total).toEqual({ i: 3700, o: 90 }); // the child's final cumulative totals: nothing counted twice

    // Appending to the child: state (previous totals) carries over between runs.
    appendFileSync(childFile, tc('2026-05-02T09:01:00.000Z', [3700, 2300, 90, 20], [1200, 1000, 10, 0]) + '\n');
    expect((await importLogs(ledger, 'codex', [root])).added).toBe(0);
    appendFileSync(childFile, tc('2026-05-02T09:02:00.000Z', [4000, 2400, 100, 20], [300, 100, 10, 0]) + '\n');
    const r3 = await importLogs(ledger, 'codex', [root]);
    expect(r3).toMatchObject({ added: 1, lines: 1 });
    expect(rows().filter((x) => x.ts === Date.parse('2026-05-02T09:02:00.000Z'))[0]).toMatchObject({ input_tokens: 200, cache_read_tokens: 100, output_tokens: 10 });
  });
});

describe('OpenCode import', () => {
  it('reads opencode.db read-only and incrementally, and the older JSON storage', async () => {
    const root = join(sb.dir, 'home', '.local', 'share', 'opencode');
    mkdirSync(root, { recursive: true });
    const Driver = createRequire(import.meta.url)('better-sqlite3');
    const dbFile = join(root, 'opencode.db');
    const db = new Driver(dbFile);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE session (id TEXT PRIMARY KEY);
      CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES session(id), time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
      INSERT INTO session VALUES ('ses_1');`);
    const add = db.prepare('INSERT OR REPLACE INTO message VALUES (?, ?, ?, ?, ?)');
    const msg = (id: string, t: number, completed: boolean, extra: Record<string, unknown> = {}) => JSON.stringify({
      id, sessionID: 'ses_1', role: 'assistant', modelID: 'claude-sonnet-4-5', providerID: 'anthropic', cost: 0.5,
      time: completed ? { created: t, completed: t + 10 } : { created: t },
      tokens: { input: 100, output: 20, reasoning: 0, cache: { read: 300, write: 40 } }, ...extra,
    });
    add.run('msg_u', 'ses_1', 1, 1, JSON.stringify({ id: 'msg_u', role: 'user', time: { created: 1 } }));
    add.run('msg_1', 'ses_1', 1000, 1010, msg('msg_1', 1000, true));
    add.run('msg_2', 'ses_1', 2000, 2000, msg('msg_2', 2000, false));
    add.run('msg_3', 'ses_1', 3000, 3010, msg('msg_3', 3000, true, { modelID: 'house-model', providerID: 'local' }));

    const r1 = await importLogs(ledger, 'opencode', [root]);
    expect(r1).toMatchObject({ added: 2, unpriced: 0 });
    // Unknown to ringlet's table: OpenCode's own recorded cost stands in.
    expect(rows().find((x) => x.message_id === 'opencode:msg_3')).toMatchObject({ cost_usd: 0.5, provider: 'local' });
    expect((await importLogs(ledger, 'opencode', [root])).added).toBe(0);

    // The unfinished message completes later.
    add.run('msg_2', 'ses_1', 2000, 5000, msg('msg_2', 2000, true));
    const r2 = await importLogs(ledger, 'opencode', [root]);
    expect(r2.added).toBe(1);
    expect(ledger.count()).toBe(3);
    db.close();

    const store = join(root, 'storage', 'message', 'ses_old');
    mkdirSync(store, { recursive: true });
    writeFileSync(join(store, 'msg_old.json'), msg('msg_old', 500, true, { modelID: 'gpt-4.1', providerID: 'openai' }));
    expect((await importLogs(ledger, 'opencode', [root])).added).toBe(1);
    expect((await importLogs(ledger, 'opencode', [root])).filesRead).toBe(0);
    expect(rows().find((x) => x.message_id === 'opencode:msg_old')).toMatchObject({ model: 'gpt-4.1', input_tokens: 100 });
  });
});

describe('a large transcript', () => {
  it('streams a file bigger than the read buffer, with lines longer than it, and counts every line', async () => {
    const { root, proj } = claudeDir();
    const f = join(proj, 'big.jsonl');
    const huge = userLine('x'.repeat(3 * 1024 * 1024));
    const parts: string[] = [];
    for (let i = 0; i < 200; i++) parts.push(i % 50 === 0 ? huge : userLine('y'.repeat(2000)), assistant(`msg_${i}`));
    writeFileSync(f, parts.join('\n') + '\n');
    const r = await importLogs(ledger, 'claude', [root]);
    expect(r).toMatchObject({ lines: 400, added: 200, bytes: statSync(f).size });
    // mtime-only change (touch) with the same size: re-read from the offset, nothing new.
    const t = new Date(Date.now() + 5000);
    utimesSync(f, t, t);
    expect(await importLogs(ledger, 'claude', [root])).toMatchObject({ filesRead: 1, lines: 0, added: 0 });
    expect(readFileSync(f).length).toBe(r.bytes);
    rmSync(f);
    expect(await importLogs(ledger, 'claude', [root])).toMatchObject({ files: 0 });
  });
});
