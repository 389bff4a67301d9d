import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ROOT, makeSandbox, type Sandbox } from '../support/env.js';
import { openLedger } from '../../src/ledger/ledger.js';

// The children load a bundle of src/ledger built here. It lives under node_modules so that the bundle's
// require('better-sqlite3') resolves exactly as dist/ringlet.mjs does.
const outDir = join(ROOT, 'node_modules', '.cache', 'ringlet-test');
const bundle = join(outDir, `ledger-${process.pid}.mjs`);
let sb: Sandbox;

beforeAll(async () => {
  sb = makeSandbox();
  mkdirSync(outDir, { recursive: true });
  await build({ entryPoints: [join(ROOT, 'src/ledger/ledger.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: bundle, external: ['better-sqlite3'], logLevel: 'warning' });
});
afterAll(() => {
  rmSync(bundle, { force: true });
  sb.cleanup();
});

function writer(file: string, id: number, rows: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/support/ledger-writer.mjs'), pathToFileURL(bundle).href, file, String(id), String(rows)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('concurrent writers', () => {
  it('8 processes writing at once, to a ledger none of them created, lose no rows', async () => {
    const file = join(sb.dir, 'concurrent', 'ledger.db');
    const N = 400;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => writer(file, i, N)));
    for (const r of results) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ added: N });
    }
    const ledger = await openLedger(file);
    try {
      expect((ledger.db.prepare('SELECT count(*) AS n FROM usage').get() as { n: number }).n).toBe(8 * N);
      const report = ledger.query({}, 'profile');
      expect(report.total.requests).toBe(8 * N);
      expect(report.total.inputTokens).toBe(8 * N * 10);
      expect(report.groups.map((g) => [g.profile, g.requests])).toEqual(Array.from({ length: 8 }, (_, i) => [`p${i}`, N]));
      for (let i = 0; i < 8; i++) expect(ledger.getFileState(`/logs/${i}.jsonl`)?.offset).toBe(N - 10);
    } finally {
      ledger.close();
    }
    // A second round over the same ids adds nothing.
    const again = await Promise.all(Array.from({ length: 8 }, (_, i) => writer(file, i, N)));
    for (const r of again) expect(JSON.parse(r.out)).toEqual({ added: 0 });
  });
});
