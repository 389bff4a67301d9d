/**
 * Hooks of a sandboxed run (`profiles run --sandbox`, real bwrap, the real Claude Code): the dispatcher runs
 * inside the sandbox with the agent; gating is decided there, the other hooks run outside through the
 * launcher, so an audit log in the (read-only inside) real HOME still gets its lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, NODE_BIN, ringlet, type Sandbox } from '../support/env.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { closeAudit, queryAudit } from '../../src/audit/store.js';
import { jsonLines, removeSandbox, sleep, waitFor } from './helpers.js';

const CLAUDE = join(NODE_BIN, 'claude');
const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).status === 0;

let sb: Sandbox;
let fake: FakeProvider;
let n = 0;

beforeAll(async () => {
  sb = makeSandbox();
  fake = await startFakeProvider();
  const ok = async (args: string[], input?: string) => {
    const r = await ringlet(args, sb.env, { input });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  };
  await ok(['keychain', 'set', 'custom', 'k'], 'sk-sandbox-hooks-0123456789');
  await ok(['profiles', 'create', 'claude', 'sx', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'k']);
  await ok(['hooks', 'add', 'sx', '--on', 'pre-tool-use', '--shell', 'case "$RINGLET_TOOL_COMMAND" in *"rm -rf"*) echo "not in the sandbox either" >&2; exit 1;; esac']);
  await ok(['hooks', 'add', 'sx', '--on', 'tool-use', '--shell', 'cat >> ~/audit.jsonl']);
});
afterAll(async () => {
  await fake?.close();
  await sleep(300);
  if (sb) removeSandbox(sb.dir);
});

async function run(command: string) {
  const cwd = join(sb.dir, `project-${++n}`);
  mkdirSync(join(cwd, 'victim'), { recursive: true });
  fake.configure({ toolCall: { command, reply: 'done' } });
  const r = await ringlet(['profiles', 'run', 'sx', '--sandbox', '--', 'claude', '-p', 'go', '--allowedTools', 'Bash'], sb.env, { cwd, timeoutMs: 40_000 });
  expect(r.code, r.stderr).toBe(0);
  return cwd;
}

describe.runIf(existsSync(CLAUDE) && hasBwrap)('hooks in a sandboxed run', () => {
  it('deny inside the sandbox, and record the denial in the audit log through the launcher', async () => {
    const cwd = await run('rm -rf victim');
    expect(existsSync(join(cwd, 'victim'))).toBe(true);
    const rows = queryAudit({ type: 'hook-deny', env: sb.env });
    closeAudit();
    expect(rows.map((r) => [r.profile, r.data.hook, r.data.reason])).toEqual([['sx', 'pre-tool-use-1', 'not in the sandbox either']]);
  }, 30_000);

  it('run tool-use hooks outside, where the real HOME is writable', async () => {
    const cwd = await run('echo from-the-sandbox > out.txt');
    expect(readFileSync(join(cwd, 'out.txt'), 'utf8')).toBe('from-the-sandbox\n');
    const lines = await waitFor(() => jsonLines(join(sb.env.HOME!, 'audit.jsonl')).length && jsonLines(join(sb.env.HOME!, 'audit.jsonl')), 8_000, 'the audit line');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'tool-use', profile: 'sx', tool: 'Bash', input: { command: 'echo from-the-sandbox > out.txt' } });
    // Nothing is left in the spool.
    const spool = join(sb.env.RINGLET_HOME!, 'profiles', 'sx', 'HOME', '.cache', 'ringlet', 'hook-spool');
    expect(spawnSync('ls', ['-A', spool], { encoding: 'utf8' }).stdout).toBe('');
  }, 30_000);
});
