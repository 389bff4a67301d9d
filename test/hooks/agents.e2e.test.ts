/**
 * Hooks end to end: the real Claude Code and the real Codex, started by `ringlet profiles run`, against
 * the fake provider answering with a shell tool call. ringlet wires the agents' own hooks to its
 * dispatcher, which runs the profile's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { makeSandbox, NODE_BIN, ringlet, type Sandbox } from '../support/env.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { codexHookHash } from '../../src/agents/codex.js';
import { jsonLines, removeSandbox, sleep, waitFor } from './helpers.js';

const CLAUDE = join(NODE_BIN, 'claude');
const CODEX = join(NODE_BIN, 'codex');

const GUARD_SHELL = `case "$RINGLET_TOOL_COMMAND" in *"rm -rf"*) echo "rm -rf is not allowed here" >&2; exit 1;; esac`;
const GUARD_SCRIPT = `
function on_pre_tool_use(ctx) {
  const cmd = (ctx.input && ctx.input.command) || '';
  if (/rm\\s+-rf/.test(cmd)) return deny('the guard script refuses rm -rf');
  return allow();
}
`;

let sb: Sandbox;
let fake: FakeProvider;
let env: NodeJS.ProcessEnv;
let n = 0;

const home = () => sb.env.HOME!;
const profileHome = (p: string) => join(sb.env.RINGLET_HOME!, 'profiles', p, 'HOME');

async function ok(args: string[], input?: string) {
  const r = await ringlet(args, env, { input });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** A fresh working directory holding a `victim` directory the model will try to delete. */
function workdir(): string {
  const dir = join(sb.dir, `work-${++n}`);
  mkdirSync(join(dir, 'victim'), { recursive: true });
  writeFileSync(join(dir, 'victim', 'precious'), 'keep me');
  return dir;
}

/** Lifecycle lines (`start`/`stop` hooks append their event JSON) for one profile. */
const lifecycle = (profile: string) => jsonLines(join(home(), 'lifecycle.jsonl')).filter((l) => l.profile === profile);
const audit = (profile: string) => jsonLines(join(home(), 'audit.jsonl')).filter((l) => l.profile === profile);

async function addCommonHooks(profile: string, guard: 'shell' | 'script') {
  if (guard === 'shell') await ok(['hooks', 'add', profile, '--on', 'pre-tool-use', '--matcher', 'Bash', '--shell', GUARD_SHELL]);
  else {
    const file = join(sb.dir, 'guard.js');
    writeFileSync(file, GUARD_SCRIPT);
    await ok(['hooks', 'add', profile, '--on', 'pre-tool-use', '--script', file]);
  }
  await ok(['hooks', 'add', profile, '--on', 'tool-use', '--shell', 'cat >> ~/audit.jsonl']);
  await ok(['hooks', 'add', profile, '--on', 'start', '--shell', 'cat >> ~/lifecycle.jsonl']);
  await ok(['hooks', 'add', profile, '--on', 'stop', '--shell', 'cat >> ~/lifecycle.jsonl']);
}

/** Runs of one profile so far: wait for their stop lines, then a little longer to catch duplicates. */
async function settledLifecycle(profile: string, runs: number) {
  await waitFor(() => lifecycle(profile).filter((l) => l.event === 'stop').length >= runs, 8_000, `${runs} stop hook(s) of ${profile}`);
  await sleep(300);
  return lifecycle(profile);
}

beforeAll(async () => {
  sb = makeSandbox();
  // Codex cannot link its sandbox helper when CODEX_HOME is under TMPDIR.
  env = { ...sb.env, TMPDIR: join(sb.dir, 'tmp') };
  mkdirSync(env.TMPDIR!, { recursive: true });
  fake = await startFakeProvider();
  await ok(['keychain', 'set', 'custom', 'k'], 'sk-hooks-e2e-0123456789abcdef');
  for (const p of ['cl', 'cl-script']) {
    await ok(['profiles', 'create', 'claude', p, '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'k']);
  }
  for (const p of ['cx', 'cx-script']) {
    await ok(['profiles', 'create', 'codex', p, '--provider', 'custom', '--custom-endpoint', `${fake.url}/v1`, '--model', 'gpt-5-codex', '--key-alias', 'k']);
  }
  await addCommonHooks('cl', 'shell');
  await addCommonHooks('cl-script', 'script');
  await addCommonHooks('cx', 'shell');
  await addCommonHooks('cx-script', 'script');
}, 60_000);

afterAll(async () => {
  await fake?.close();
  // Background hook jobs and the agents' own stragglers may still be writing for a moment.
  await sleep(300);
  if (sb) removeSandbox(sb.dir);
});

/** Run the agent with a tool call to `command`; returns the model requests of this run. */
async function runWithTool(profile: string, agent: 'claude' | 'codex', command: string, cwd: string) {
  fake.configure({ toolCall: { command, reply: 'Done with the command.' } });
  const before = fake.modelRequests().length;
  const argv = agent === 'claude'
    ? ['claude', '-p', 'run the command', '--allowedTools', 'Bash']
    : ['codex', 'exec', '--skip-git-repo-check', '-s', 'workspace-write', 'run the command'];
  const t0 = Date.now();
  const r = await ringlet(['profiles', 'run', profile, '--', ...argv], env, { cwd, timeoutMs: 40_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(Date.now() - t0).toBeLessThan(25_000);
  const calls = fake.modelRequests().slice(before);
  expect(calls.map((c) => c.answered)).toEqual(['tool-call', 'text']);
  return calls;
}

/** What the agent sent back to the model as the tool's result. */
function toolResultText(agent: 'claude' | 'codex', followUp: any): string {
  if (agent === 'claude') {
    const result = followUp.body.messages.at(-1).content.find((b: any) => b.type === 'tool_result');
    return typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
  }
  return followUp.body.input.find((i: any) => i.type === 'function_call_output').output;
}

const cases = [
  { agent: 'claude' as const, bin: CLAUDE, profile: 'cl', guard: 'shell', reason: 'rm -rf is not allowed here' },
  { agent: 'claude' as const, bin: CLAUDE, profile: 'cl-script', guard: 'script', reason: 'the guard script refuses rm -rf' },
  { agent: 'codex' as const, bin: CODEX, profile: 'cx', guard: 'shell', reason: 'rm -rf is not allowed here' },
  { agent: 'codex' as const, bin: CODEX, profile: 'cx-script', guard: 'script', reason: 'the guard script refuses rm -rf' },
];

for (const c of cases) {
  describe.skipIf(!existsSync(c.bin))(`${c.agent} with a ${c.guard} pre-tool-use guard`, () => {
    it('denies rm -rf: the command never runs and the model is told why', async () => {
      const cwd = workdir();
      const calls = await runWithTool(c.profile, c.agent, 'rm -rf victim && touch deleted-marker', cwd);
      expect(existsSync(join(cwd, 'victim', 'precious'))).toBe(true);
      expect(existsSync(join(cwd, 'deleted-marker'))).toBe(false);
      expect(toolResultText(c.agent, calls[1])).toContain(c.reason);
      // A denied tool is not a tool use: the audit hook saw nothing; start and stop fired once each.
      const events = await settledLifecycle(c.profile, 1);
      expect(events.map((e) => e.event).sort()).toEqual(['start', 'stop']);
      expect(audit(c.profile)).toEqual([]);
      const stop = events.find((e) => e.event === 'stop');
      expect(stop).toMatchObject({ agent: c.agent, exitCode: 0, command: c.agent });
      expect(stop.durationMs).toBeGreaterThan(0);
    }, 30_000);

    it('allows another command, which runs; the audit hook writes one JSONL line with the tool and its input', async () => {
      const cwd = workdir();
      const command = 'echo audited > made-by-agent';
      const calls = await runWithTool(c.profile, c.agent, command, cwd);
      expect(readFileSync(join(cwd, 'made-by-agent'), 'utf8').trim()).toBe('audited');
      expect(toolResultText(c.agent, calls[1])).not.toContain(c.reason);
      const lines = await waitFor(() => audit(c.profile).length && audit(c.profile), 8_000, 'the audit line');
      const events = await settledLifecycle(c.profile, 2);
      expect(audit(c.profile)).toHaveLength(1);
      expect(lines[0]).toMatchObject({ event: 'tool-use', agent: c.agent, tool: 'Bash', input: { command }, cwd, source: 'PostToolUse' });
      // Two runs so far: two starts, two stops.
      expect(events.filter((e) => e.event === 'start')).toHaveLength(2);
      expect(events.filter((e) => e.event === 'stop')).toHaveLength(2);
    }, 30_000);
  });
}

describe.skipIf(!existsSync(CLAUDE))('Claude Code: a failing tool', () => {
  it('is still audited (Claude Code reports it as PostToolUseFailure)', async () => {
    const cwd = workdir();
    const command = 'ls ./no-such-dir; exit 3';
    await runWithTool('cl-script', 'claude', command, cwd);
    const line = await waitFor(() => audit('cl-script').find((l) => l.input?.command === command), 8_000, 'the audit line');
    expect(line).toMatchObject({ event: 'tool-use', tool: 'Bash', failed: true, source: 'PostToolUseFailure' });
    expect(line.result).toContain('Exit code 3');
  }, 30_000);
});

describe.skipIf(!existsSync(CLAUDE))('the user\'s own agent hooks', () => {
  it('survive in settings.json next to ringlet\'s, and still run', async () => {
    const settings = join(profileHome('cl'), '.claude', 'settings.json');
    const userLog = join(sb.dir, 'user-hook.log');
    const user = {
      theme: 'dark',
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: `echo user-pre >> '${userLog}'` }] }] },
    };
    writeFileSync(settings, JSON.stringify(user, null, 2));
    const cwd = workdir();
    await runWithTool('cl', 'claude', 'rm -rf victim', cwd);
    expect(existsSync(join(cwd, 'victim'))).toBe(true);
    expect(readFileSync(userLog, 'utf8')).toBe('user-pre\n');
    const after = JSON.parse(readFileSync(settings, 'utf8'));
    expect(after.theme).toBe('dark');
    expect(after.hooks.PreToolUse[0]).toEqual(user.hooks.PreToolUse[0]);
    const ours = JSON.stringify(after.hooks);
    expect(ours).toContain('hooks dispatch claude PreToolUse # ringlet-managed');
    expect(ours).toContain('hooks dispatch claude PostToolUse # ringlet-managed');
    // Events without rules are not wired: no dispatcher start per prompt or session.
    expect(after.hooks.UserPromptSubmit).toBeUndefined();
    expect(after.hooks.SessionStart).toBeUndefined();
  }, 30_000);

  it('lose ringlet\'s entries (and only those) once the profile has no agent hooks', async () => {
    for (const id of ['pre-tool-use-1', 'tool-use-1']) await ok(['hooks', 'rm', 'cl', id]);
    const settings = join(profileHome('cl'), '.claude', 'settings.json');
    fake.configure({ toolCall: undefined });
    await ok(['profiles', 'run', 'cl', '--', 'claude', '-p', 'hi']);
    const after = JSON.parse(readFileSync(settings, 'utf8'));
    expect(JSON.stringify(after)).not.toContain('ringlet-managed');
    expect(after.hooks.PreToolUse).toHaveLength(1);
    expect(after.theme).toBe('dark');
  }, 30_000);
});

describe.skipIf(!existsSync(CODEX))('Codex wiring', () => {
  it('keeps the user\'s own hooks.json entries and trusts only ringlet\'s', async () => {
    const hooksJson = join(profileHome('cx'), '.codex', 'hooks.json');
    const doc = existsSync(hooksJson) ? JSON.parse(readFileSync(hooksJson, 'utf8')) : { hooks: {} };
    doc.hooks.PreToolUse = [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'true # the user\'s' }] }, ...(doc.hooks.PreToolUse ?? [])];
    mkdirSync(join(hooksJson, '..'), { recursive: true });
    writeFileSync(hooksJson, JSON.stringify(doc));
    await runWithTool('cx', 'codex', 'rm -rf victim', workdir());
    const after = JSON.parse(readFileSync(hooksJson, 'utf8'));
    expect(after.hooks.PreToolUse[0].hooks[0].command).toBe('true # the user\'s');
    expect(JSON.stringify(after.hooks.PreToolUse.slice(1))).toContain('ringlet-managed');
    const config = parse(readFileSync(join(profileHome('cx'), '.codex', 'config.toml'), 'utf8')) as any;
    const state = config.hooks.state as Record<string, { trusted_hash: string }>;
    const at = (suffix: string) => Object.entries(state).filter(([k]) => k.endsWith(suffix)).map(([, v]) => v.trusted_hash);
    expect(at(':pre_tool_use:1:0')[0]).toBe(codexHookHash('PreToolUse', '*', after.hooks.PreToolUse[1].hooks[0]));
    // The user's handler is theirs to approve: whatever sits at its position, it is not its hash.
    const userHash = codexHookHash('PreToolUse', 'Bash', after.hooks.PreToolUse[0].hooks[0]);
    expect(at(':pre_tool_use:0:0')).not.toContain(userHash);
  }, 30_000);

  it('reports finished turns through its notify program', async () => {
    await ok(['hooks', 'add', 'cx-script', '--on', 'notify', '--shell', 'cat >> ~/notify.jsonl']);
    fake.configure({ toolCall: undefined, reply: 'turn finished here' });
    await ok(['profiles', 'run', 'cx-script', '--', 'codex', 'exec', '--skip-git-repo-check', 'hi']);
    const config = parse(readFileSync(join(profileHome('cx-script'), '.codex', 'config.toml'), 'utf8')) as any;
    expect(config.notify.join(' ')).toContain('hooks dispatch codex notify');
    const lines = await waitFor(() => jsonLines(join(home(), 'notify.jsonl')).length && jsonLines(join(home(), 'notify.jsonl')), 8_000, 'notify');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'notify', profile: 'cx-script', kind: 'turn-complete', message: 'turn finished here', source: 'agent-turn-complete' });
  }, 30_000);
});
