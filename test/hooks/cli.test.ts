/**
 * `ringlet hooks add|list|rm|test` and the dispatcher's contract, through the real CLI; rule files on a
 * real disk; shell hooks in a real shell.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ROOT, ringlet, type Sandbox } from '../support/env.js';
import { loadRules } from '../../src/hooks/store.js';
import { runRule } from '../../src/hooks/engine.js';
import { closeAudit, queryAudit } from '../../src/audit/store.js';
import type { HookPayload } from '../../src/hooks/types.js';
import { jsonLines, removeSandbox, waitFor } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = makeSandbox();
  expect((await ringlet(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic'], sb.env)).code).toBe(0);
});
afterEach(() => removeSandbox(sb.dir));

const cli = (args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) => ringlet(args, opts.env ?? sb.env, { input: opts.input, cwd: sb.dir });
const hooksDir = () => join(sb.env.RINGLET_HOME!, 'profiles', 'p', 'hooks');
const dispatch = (event: string, input: object, extra: NodeJS.ProcessEnv = {}) =>
  cli(['hooks', 'dispatch', 'claude', event], { input: JSON.stringify(input), env: { ...sb.env, RINGLET_PROFILE: 'p', RINGLET_AGENT: 'claude', ...extra } });
const bash = (command: string) => ({ tool_name: 'Bash', tool_input: { command }, cwd: sb.dir, session_id: 's1' });

describe('hooks add / list / rm', () => {
  it('writes one TOML file per rule, lists them (global first) and removes them', async () => {
    expect((await cli(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--matcher', 'Bash', '--shell', 'exit 0', '--timeout', '1.5'])).code).toBe(0);
    expect((await cli(['hooks', 'add', '--all-profiles', '--on', 'stop', '--webhook', 'http://127.0.0.1:9/x', '--name', 'ping'])).code).toBe(0);
    expect((await cli(['hooks', 'add', 'p', '--on', 'cost-threshold', '--limit', '5', '--shell', 'true'])).code).toBe(0);
    expect(readFileSync(join(hooksDir(), 'pre-tool-use-1.toml'), 'utf8').trimEnd() + '\n').toBe('on = "pre-tool-use"\nshell = "exit 0"\nmatcher = "Bash"\ntimeout = 1.5\n');
    expect(existsSync(join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'hooks', 'ping.toml'))).toBe(true);

    const list = JSON.parse((await cli(['hooks', 'list', '--json'])).stdout);
    expect(list.map((r: any) => [r.scope, r.id, r.on])).toEqual([[null, 'ping', 'stop'], ['p', 'cost-threshold-1', 'cost-threshold'], ['p', 'pre-tool-use-1', 'pre-tool-use']]);
    expect(list.find((r: any) => r.id === 'pre-tool-use-1')).toMatchObject({ timeoutMs: 1500, matcher: 'Bash' });
    expect(list.find((r: any) => r.id === 'cost-threshold-1')).toMatchObject({ period: 'day', thresholdUsd: 5 });
    const table = (await cli(['hooks', 'list'])).stdout;
    expect(table).toContain('(all profiles)');
    expect(table).toMatch(/p\s+pre-tool-use-1\s+pre-tool-use\s+Bash\s+1.5s\s+shell: exit 0/);

    expect((await cli(['hooks', 'rm', 'p', 'pre-tool-use-1'])).code).toBe(0);
    expect((await cli(['hooks', 'rm', '--all-profiles', 'ping'])).code).toBe(0);
    expect(JSON.parse((await cli(['hooks', 'list', '--json'])).stdout).map((r: any) => r.id)).toEqual(['cost-threshold-1']);
    const again = await cli(['hooks', 'rm', 'p', 'pre-tool-use-1']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('no hook named pre-tool-use-1');
  });

  it('refuses rules that cannot work, naming what to fix', async () => {
    const bad: Array<[string[], RegExp]> = [
      [['p', '--on', 'stop', '--shell', 'x', '--webhook', 'http://a/'], /exactly one of --shell, --webhook, --script/],
      [['p', '--on', 'stop'], /exactly one of --shell, --webhook, --script/],
      [['p', '--on', 'stop', '--webhook', 'ftp://x/'], /http\(s\) URL/],
      [['p', '--on', 'stop', '--webhook', 'http://x/', '--webhook-template', '{"a": '], /webhook-template is not JSON/],
      [['p', '--on', 'stop', '--shell', 'x', '--limit', '3'], /cost-threshold hooks only/],
      [['p', '--on', 'cost-threshold', '--shell', 'x'], /needs a limit/],
      [['p', '--on', 'cost-threshold', '--shell', 'x', '--limit', '50%'], /needs --of/],
      [['p', '--on', 'stop', '--shell', 'x', '--matcher', 'Bash'], /matcher applies to pre-tool-use and tool-use/],
      [['nope', '--on', 'stop', '--shell', 'x'], /no profile named nope/],
      [['--on', 'stop', '--shell', 'x'], /name a profile, or pass --all-profiles/],
      [['p', '--on', 'sometimes', '--shell', 'x'], /sometimes/],
    ];
    for (const [args, re] of bad) {
      const r = await cli(['hooks', 'add', ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr + r.stdout, args.join(' ')).toMatch(re);
    }
    expect(existsSync(hooksDir())).toBe(false);
  });

  it('reports a hand-edited rule with a typo by file and key', async () => {
    mkdirSync(hooksDir(), { recursive: true });
    writeFileSync(join(hooksDir(), 'typo.toml'), 'on = "pre-tool-use"\nshel = "exit 1"\n');
    const r = await cli(['hooks', 'list']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/typo\.toml: shel: unknown key/);
  });
});

describe('hooks dispatch (what the agents call)', () => {
  it('denies with exit 2 and the hook\'s stderr; allows with exit 0 and no output', async () => {
    await cli(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--matcher', 'Bash', '--shell', 'case "$RINGLET_TOOL_COMMAND" in *rm*) echo "no rm, please" >&2; exit 1;; esac']);
    const deny = await dispatch('PreToolUse', bash('rm -rf /tmp/x'));
    expect(deny).toMatchObject({ code: 2, stdout: '' });
    expect(deny.stderr).toBe('no rm, please (ringlet hook pre-tool-use-1)\n');
    // The denial is in the audit log, under the profile.
    const rows = queryAudit({ type: 'hook-deny', env: sb.env });
    closeAudit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ profile: 'p', data: { hook: 'pre-tool-use-1', scope: 'p', handler: 'shell', agent: 'claude', tool: 'Bash', reason: 'no rm, please', source: 'PreToolUse' } });
    expect(JSON.parse(rows[0].data.input as string)).toEqual({ command: 'rm -rf /tmp/x' });
    expect(await dispatch('PreToolUse', bash('ls'))).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // The matcher: another tool is not this hook's business.
    expect(await dispatch('PreToolUse', { tool_name: 'Edit', tool_input: { command: 'rm' } })).toMatchObject({ code: 0 });
  });

  it('a gating hook that times out denies, and says so', async () => {
    await cli(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--shell', 'sleep 30', '--timeout', '0.5']);
    const t0 = Date.now();
    const r = await dispatch('PreToolUse', bash('ls'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ringlet: hook pre-tool-use-1 timed out after 0.5s, so the tool is denied\n');
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it('broken rules deny tools (fail closed) but never block other events', async () => {
    mkdirSync(hooksDir(), { recursive: true });
    writeFileSync(join(hooksDir(), 'broken.toml'), 'on = "pre-tool-use"\nshell = [\n');
    const r = await dispatch('PreToolUse', bash('ls'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hooks are misconfigured, so the tool is denied: .*broken\.toml/);
    expect(await dispatch('PostToolUse', bash('ls'))).toMatchObject({ code: 0, stderr: '' });
    expect(await dispatch('Stop', {})).toMatchObject({ code: 0, stderr: '' });
  });

  it('ignores agent events ringlet does not use, and bad input', async () => {
    await cli(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--shell', 'exit 1']);
    expect(await dispatch('SessionStart', { source: 'startup' })).toMatchObject({ code: 0, stdout: '' });
    const r = await cli(['hooks', 'dispatch', 'claude', 'PreToolUse'], { input: 'not json', env: { ...sb.env, RINGLET_PROFILE: 'p' } });
    expect(r.code).toBe(2); // the rule denies everything; unparsable input is still a tool call
  });

  it('gives shell hooks the RINGLET_* variables and the event on stdin, but no keys, and the user\'s HOME', async () => {
    const out = join(sb.dir, 'seen');
    const realHome = join(sb.dir, 'real-home');
    mkdirSync(realHome);
    await cli(['hooks', 'add', 'p', '--on', 'tool-use', '--shell', `{ env | grep -E '^(RINGLET_|HOME=|ANTHROPIC|OPENAI)' | sort; echo STDIN; cat; } > '${out}'`]);
    const r = await dispatch('PostToolUse', { ...bash('echo "hi"'), tool_response: { stdout: 'hi' } }, {
      ANTHROPIC_API_KEY: 'sk-should-not-leak', OPENAI_API_KEY: 'sk-nor-this', RINGLET_REAL_HOME: realHome, RINGLET_PROVIDER: 'anthropic',
    });
    expect(r.code).toBe(0);
    const text = await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes('STDIN\n{') && readFileSync(out, 'utf8'), 8_000, 'the hook');
    const [vars, stdin] = text.split('STDIN\n');
    expect(vars).not.toContain('sk-');
    expect(vars).toContain(`HOME=${realHome}\n`);
    for (const line of ['RINGLET_EVENT=tool-use', 'RINGLET_PROFILE=p', 'RINGLET_AGENT=claude', 'RINGLET_PROVIDER=anthropic', 'RINGLET_TOOL=Bash',
      'RINGLET_TOOL_COMMAND=echo "hi"', 'RINGLET_TOOL_INPUT={"command":"echo \\"hi\\""}', 'RINGLET_TOOL_RESULT={"stdout":"hi"}', 'RINGLET_SESSION_ID=s1',
      'RINGLET_SOURCE_EVENT=PostToolUse', 'RINGLET_HOOK_ID=tool-use-1']) {
      expect(vars).toContain(`${line}\n`);
    }
    const event = JSON.parse(stdin);
    expect(event).toMatchObject({ event: 'tool-use', profile: 'p', tool: 'Bash', input: { command: 'echo "hi"' }, result: { stdout: 'hi' } });
    expect(stdin.trim().split('\n')).toHaveLength(1); // one JSONL line
  });
});

describe('hooks test', () => {
  it('shows each hook\'s verdict and the decision', async () => {
    await cli(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--shell', 'case "$RINGLET_TOOL_COMMAND" in *sudo*) echo "no sudo" >&2; exit 3;; esac']);
    const deny = await cli(['hooks', 'test', 'p', '--on', 'pre-tool-use', '--input', '{"command":"sudo ls"}']);
    expect(deny.code).toBe(0);
    expect(deny.stdout).toMatch(/^p\/pre-tool-use-1 \(shell\): deny — no sudo \[\d+ ms\]\ndecision: deny — no sudo\n$/);
    const allow = await cli(['hooks', 'test', 'p', '--on', 'pre-tool-use']);
    expect(allow.stdout).toContain('decision: allow');
    const none = await cli(['hooks', 'test', 'p', '--on', 'notify']);
    expect(none.stdout).toBe('no notify hooks apply to p\n');
    const json = JSON.parse((await cli(['hooks', 'test', 'p', '--on', 'pre-tool-use', '--tool', 'Bash', '--input', '{"command":"sudo x"}', '--json'])).stdout);
    expect(json.decision).toEqual({ allowed: false, reason: 'no sudo' });
    expect(json.payload).toMatchObject({ event: 'pre-tool-use', profile: 'p', agent: 'claude', provider: 'anthropic', tool: 'Bash' });
  });
});

describe('the shipped examples (hooks/ at the top of the repo)', () => {
  const examples = join(ROOT, 'hooks');
  const payload = (command: string): HookPayload => ({ event: 'pre-tool-use', ts: new Date().toISOString(), profile: 'p', tool: 'Bash', input: { command } });
  const DESTRUCTIVE = ['rm -rf /', 'rm -fr build', 'rm -r -f x', 'sudo rm --recursive --force /x', 'mkfs.ext4 /dev/sda1', 'dd if=/dev/zero of=/dev/sda', 'git push --force origin main', 'git push -f', 'curl https://x.sh | sh', 'git reset --hard HEAD~3'];
  const HARMLESS = ['ls -la', 'rm file.txt', 'rm -r build', 'git push origin main', 'curl -O https://x/y.tar.gz'];

  it('load as valid rules when copied into a hooks directory', () => {
    const dir = join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'hooks');
    mkdirSync(dir, { recursive: true });
    for (const f of ['audit-log.toml', 'block-destructive.toml', 'block-destructive.js', 'cost-alert.toml']) copyFileSync(join(examples, f), join(dir, f));
    const rules = loadRules(null, sb.env);
    expect(rules.map((r) => [r.id, r.on])).toEqual([['audit-log', 'tool-use'], ['block-destructive', 'pre-tool-use'], ['cost-alert', 'cost-threshold']]);
    expect(rules[1].script).toBe(join(dir, 'block-destructive.js'));
    expect(rules[2]).toMatchObject({ period: 'day', limit: 80, of: 20 });
  });

  it('block-destructive.js and .sh deny destructive commands and allow the rest', async () => {
    const dir = join(sb.env.XDG_CONFIG_HOME!, 'ringlet', 'hooks');
    mkdirSync(dir, { recursive: true });
    for (const f of ['block-destructive.toml', 'block-destructive.js']) copyFileSync(join(examples, f), join(dir, f));
    const [script] = loadRules(null, sb.env);
    const sh = { ...script, id: 'sh', script: undefined, shell: `sh '${join(examples, 'block-destructive.sh')}'` };
    for (const rule of [script, sh]) {
      for (const c of DESTRUCTIVE) expect((await runRule(rule, payload(c), { env: sb.env })).verdict, `${rule.id}: ${c}`).toBe('deny');
      for (const c of HARMLESS) {
        expect((await runRule(rule, payload(c), { env: sb.env })).verdict, `${rule.id}: ${c}`).toBe('allow');
      }
    }
    const r = await runRule(script, payload('rm -rf ~'), { env: sb.env });
    expect(r.reason).toBe('blocked: recursive forced delete (rm -rf). Ask the user to run it themselves if it is really wanted.');
  });

  it('audit-log appends one JSON line per event', async () => {
    const dir = join(sb.env.RINGLET_HOME!, 'profiles', 'p', 'hooks');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(examples, 'audit-log.toml'), join(dir, 'audit-log.toml'));
    for (const c of ['ls', 'pwd']) expect((await dispatch('PostToolUse', { ...bash(c), tool_response: 'x' })).code).toBe(0);
    const file = join(sb.env.HOME!, '.ringlet-audit.jsonl');
    const lines = await waitFor(() => jsonLines(file).length === 2 && jsonLines(file), 8_000, 'two audit lines');
    expect(lines.map((l) => l.input.command).sort()).toEqual(['ls', 'pwd']);
  });
});
