import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ringlet, ROOT, type Sandbox } from '../support/env.js';

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

describe('ringlet init', () => {
  it('imports existing logs and creates a first profile with --yes, and changes nothing the second time', async () => {
    const proj = join(sb.env.HOME!, '.claude', 'projects', '-home-me-app');
    mkdirSync(proj, { recursive: true });
    copyFileSync(join(ROOT, 'test', 'import', 'fixtures', 'claude-2.1.332.jsonl'), join(proj, 's1.jsonl'));

    const first = await ringlet(['init', '--yes'], sb.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/claude\s+\d+\.\d+/);
    expect(first.stdout).toMatch(/imported [1-9]\d* new responses/);
    expect(first.stdout).toMatch(/created main/);
    const profiles = JSON.parse((await ringlet(['profiles', 'list', '--json'], sb.env)).stdout);
    expect(profiles).toMatchObject([{ name: 'main', agent: 'claude', provider: 'anthropic' }]);

    const second = await ringlet(['init', '--yes'], sb.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/imported 0 new responses/);
    expect(second.stdout).not.toMatch(/created/);
  });

  it('without a terminal or --yes it reports and changes nothing', async () => {
    const proj = join(sb.env.HOME!, '.claude', 'projects', 'p');
    mkdirSync(proj, { recursive: true });
    copyFileSync(join(ROOT, 'test', 'import', 'fixtures', 'claude-2.1.332.jsonl'), join(proj, 's1.jsonl'));
    const r = await ringlet(['init'], sb.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(JSON.parse((await ringlet(['profiles', 'list', '--json'], sb.env)).stdout)).toEqual([]);
  });
});
