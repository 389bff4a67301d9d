/**
 * The real Claude Code and Codex binaries inside ringlet's sandbox with `network = off`, against the fake provider
 * standing in for the meter (reached only through the bridged Unix socket). Spawned through prepareSandbox/spawnSandbox
 * directly; `profiles run --sandbox` wires the same calls (see src/sandbox/index.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { claude } from '../../src/agents/claude.js';
import { codex } from '../../src/agents/codex.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { BIN } from '../agents/e2e-helpers.js';
import { resolvePolicy, summarizePolicy, type SandboxPolicy } from '../../src/sandbox/policy.js';
import { prepareSandbox, spawnSandbox } from '../../src/sandbox/run.js';
import { classifyHookPayload } from '../../src/sandbox/denial.js';

const CLAUDE = join(BIN, 'claude');
const CODEX = join(BIN, 'codex');
const anthropic = BUILTIN_PROVIDERS.find((p) => p.id === 'anthropic')!;
const openai = BUILTIN_PROVIDERS.find((p) => p.id === 'openai')!;
let base: string;
let fake: FakeProvider;
let policy: SandboxPolicy;
let ws: string;
let home: string;

beforeAll(async () => {
  base = mkdtempSync('/var/tmp/ringlet-sbx-claude-');
  ws = join(base, 'ws');
  home = join(base, 'ringlet', 'profiles', 'e2e', 'HOME');
  for (const d of [ws, home, join(base, 'realhome'), join(base, 'config', 'ringlet')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(base, 'config', 'ringlet', 'http_token'), 'TOKEN-SECRET\n');
  fake = await startFakeProvider({ reply: 'unused' });
  policy = resolvePolicy({
    profile: 'e2e', profileDir: join(base, 'ringlet', 'profiles', 'e2e'), profileHome: home, cwd: ws,
    ringletHome: join(base, 'ringlet'), configDir: join(base, 'config', 'ringlet'), realHome: join(base, 'realhome'),
    manifestSandbox: { network: 'off' },
    // As profiles run does: the agents stay visible even from a checkout under /tmp (the sandbox's /tmp is private).
    reveal: [CLAUDE, CODEX],
  });
});
afterAll(async () => {
  await fake?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CLAUDE))('Claude Code (real binary) in the sandbox, network off', () => {
  it('answers through the bridged meter port; a Bash `touch /etc/…` fails and the post-tool hook payload classifies as a sandbox denial', async () => {
    const target = `/etc/ringlet-sbx-e2e-${randomBytes(3).toString('hex')}`;
    const reply = `Sandboxed reply ${randomBytes(3).toString('hex')}.`;
    fake.configure({ toolCall: { command: `touch ${target}`, reply } });
    // --dangerously-skip-permissions: otherwise Claude Code's own permission check refuses the path before the
    // command runs (inside the sandbox Claude sees uid 1000, so it accepts the flag even when ringlet runs as root).
    // A hook that logs each event's JSON into the workspace (the only place it may write, with the profile HOME).
    const script = join(base, 'hook.sh');
    const log = join(ws, 'hook.log');
    writeFileSync(script, `#!/bin/sh\ninput=$(cat)\nprintf '%s %s\\n' "$1" "$(printf '%s' "$input" | tr '\\n' ' ')" >> "${log}"\nexit 0\n`);
    chmodSync(script, 0o755);
    const ctx = {
      profile: 'e2e', home, realHome: join(base, 'realhome'), provider: anthropic, wire: 'anthropic' as const, baseUrl: fake.url,
      apiKey: `sk-ant-local-${randomBytes(8).toString('hex')}`, hookCommand: `sh ${script}`,
      hookEvents: ['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop'],
    };
    claude.prepareHome(ctx);
    const env = { PATH: `${BIN}:${process.env.PATH}`, HOME: home, LANG: 'C.UTF-8', TERM: 'xterm-256color', ...claude.env(ctx) };

    const port = Number(new URL(fake.url).port);
    const prepared = await prepareSandbox({ policy, command: [CLAUDE, '-p', '--dangerously-skip-permissions', 'run the command'], meterPort: port, env: { ...process.env, RINGLET_HOME: join(base, 'ringlet') } });
    let stdout = '';
    let stderr = '';
    let code: number | null;
    try {
      const sb = spawnSandbox(prepared, env, ws, ['ignore', 'pipe', 'pipe']);
      sb.child.stdout!.on('data', (d) => (stdout += d));
      sb.child.stderr!.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => sb.child.kill('SIGKILL'), 90_000);
      code = await new Promise<number | null>((r) => sb.child.on('close', (c) => r(c)));
      clearTimeout(timer);
    } finally {
      await prepared.close();
    }
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(reply);
    expect(fake.modelRequests().map((q) => q.answered)).toEqual(['tool-call', 'text']);
    expect(existsSync(target)).toBe(false);

    const events = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => ({ event: l.slice(0, l.indexOf(' ')), input: JSON.parse(l.slice(l.indexOf(' ') + 1)) }));
    // Claude Code 2.1 reports a failed Bash call as PostToolUseFailure (with `error`), not PostToolUse.
    const post = events.find((e) => e.event === 'PostToolUseFailure');
    expect(post, JSON.stringify(events.map((e) => e.event))).toBeDefined();
    expect(post!.input.error).toMatch(/Read-only file system/);
    const denials = classifyHookPayload(post!.input, summarizePolicy(policy));
    expect(denials).toEqual([expect.objectContaining({ kind: 'filesystem', path: target, error: 'EROFS', tool: 'Bash' })]);
  }, 120_000);
});

describe.skipIf(!existsSync(CODEX))('Codex (real binary) in the sandbox, network off, its config.toml read-only', () => {
  it('codex exec answers through the bridged meter port and runs a shell tool call inside its own nested sandbox', async () => {
    const chome = join(base, 'ringlet', 'profiles', 'cx', 'HOME');
    mkdirSync(chome, { recursive: true });
    const reply = `Codex sandboxed ${randomBytes(3).toString('hex')}.`;
    fake.configure({ reply, toolCall: { command: 'echo codex-$((6*7)) > out.txt', reply } });
    const ctx = { profile: 'cx', home: chome, realHome: join(base, 'realhome'), provider: openai, wire: 'openai-responses' as const, baseUrl: `${fake.url}/v1`, apiKey: `sk-local-${randomBytes(8).toString('hex')}`, model: 'gpt-5-codex' };
    codex.prepareHome(ctx);
    // Resolved after prepareHome, as profiles run does: .codex/config.toml exists now and is protected.
    const p = resolvePolicy({
      profile: 'cx', profileDir: join(base, 'ringlet', 'profiles', 'cx'), profileHome: chome, cwd: ws,
      ringletHome: join(base, 'ringlet'), configDir: join(base, 'config', 'ringlet'), realHome: join(base, 'realhome'),
      manifestSandbox: { network: 'off' },
      reveal: [CODEX],
    });
    expect(p.readOnly).toContain(join(chome, '.codex', 'config.toml'));
    const env = { PATH: `${BIN}:${process.env.PATH}`, HOME: chome, LANG: 'C.UTF-8', ...codex.env(ctx) };
    const prepared = await prepareSandbox({ policy: p, command: [CODEX, 'exec', '--skip-git-repo-check', '--sandbox', 'workspace-write', 'write the file'], meterPort: Number(new URL(fake.url).port), env: { ...process.env, RINGLET_HOME: join(base, 'ringlet') } });
    let stdout = '';
    let stderr = '';
    let code: number | null;
    try {
      const sb = spawnSandbox(prepared, env, ws, ['ignore', 'pipe', 'pipe']);
      sb.child.stdout!.on('data', (d) => (stdout += d));
      sb.child.stderr!.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => sb.child.kill('SIGKILL'), 90_000);
      code = await new Promise<number | null>((r) => sb.child.on('close', (c) => r(c)));
      clearTimeout(timer);
    } finally {
      await prepared.close();
    }
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(reply);
    expect(readFileSync(join(ws, 'out.txt'), 'utf8')).toBe('codex-42\n');
  }, 120_000);
});
