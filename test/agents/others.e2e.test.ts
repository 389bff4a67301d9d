/**
 * The real Gemini CLI, OpenCode, Droid and (community) Grok CLI, run headless against a local fake provider
 * with exactly the environment and files their agent modules produce. Each test runs only when that
 * agent's binary is on PATH (they are not project dependencies), e.g.:
 *
 *   bash scripts/install-test-agents.sh      # into .cache/agents, prints the PATH to use
 *   PATH=$PWD/.cache/agents/bin:$PATH npx vitest run test/agents/others.e2e.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import type { Wire } from '../../src/providers/types.js';
import type { AgentContext, AgentSpec } from '../../src/agents/types.js';
import { gemini } from '../../src/agents/gemini.js';
import { opencode } from '../../src/agents/opencode.js';
import { droid } from '../../src/agents/droid.js';
import { grok } from '../../src/agents/grok.js';

const TOKEN = 'ringlet-local-e2e0123456789abcdef';

// CI installs these agents (scripts/install-test-agents.sh) and sets RINGLET_REQUIRE_AGENTS=1, so a missing
// binary fails there instead of skipping; on a developer machine without them the tests are skipped.
const REQUIRED = process.env.RINGLET_REQUIRE_AGENTS === '1';
const absent = (bin: string) => !REQUIRED && !which(bin);

function which(bin: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

function run(cmd: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A Gemini-API stand-in (the shared fake speaks Anthropic and OpenAI): records the key, answers SSE. */
interface GeminiFake { url: string; calls: { path: string; key?: string }[]; close(): Promise<void> }
async function startGeminiFake(reply: string): Promise<GeminiFake> {
  const calls: GeminiFake['calls'] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      calls.push({ path: url.split('?')[0], key: req.headers['x-goog-api-key'] as string | undefined });
      const m = url.match(/models\/([^:]+):(streamGenerateContent|generateContent)/);
      if (!m) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404,"message":"no route"}}');
        return;
      }
      const chunk = {
        candidates: [{ content: { role: 'model', parts: [{ text: reply }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 7, totalTokenCount: 18 },
        modelVersion: m[1],
      };
      if (m[2] === 'streamGenerateContent') {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`data: ${JSON.stringify(chunk)}\n\n`);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chunk));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

let dir: string;
let fake: FakeProvider;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ringlet-agents-e2e-'));
  fake = await startFakeProvider({ reply: 'pong from the fake provider' });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Prepare a fresh profile HOME the way `profiles run` does (metered: base URL and local token). */
function prepare(agent: AgentSpec, providerId: string, wire: Wire, baseUrl: string, model: string) {
  const home = join(dir, `${agent.id}-${wire}`, 'HOME');
  const realHome = join(dir, `${agent.id}-${wire}`, 'realhome');
  const cwd = join(dir, `${agent.id}-${wire}`, 'project');
  for (const d of [home, realHome, cwd]) mkdirSync(d, { recursive: true });
  const provider = BUILTIN_PROVIDERS.find((p) => p.id === providerId)!;
  const ctx: AgentContext = { profile: 'e2e', home, realHome, provider, wire, baseUrl, apiKey: TOKEN, model };
  agent.prepareHome(ctx);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, TERM: 'dumb', NO_COLOR: '1', ...agent.env(ctx) };
  return { home, realHome, cwd, env };
}

describe('real agents against the fake provider', () => {
  it.skipIf(absent('gemini'))('gemini: key, endpoint and model from the environment; chat log in the profile HOME', async () => {
    const g = await startGeminiFake('pong from gemini fake');
    try {
      const p = prepare(gemini, 'google', 'gemini', g.url, 'gemini-2.5-pro');
      // Headless Gemini refuses untrusted folders; trusting is the user's call, so only the test sets it.
      const r = await run(which('gemini')!, ['-p', 'say pong'], { ...p.env, GEMINI_CLI_TRUST_WORKSPACE: 'true' }, p.cwd);
      expect(r.out).toContain('pong from gemini fake');
      expect(g.calls.find((c) => c.path === '/v1beta/models/gemini-2.5-pro:streamGenerateContent')?.key).toBe(TOKEN);
      const chats = filesUnder(join(p.home, '.gemini', 'tmp')).filter((f) => f.includes('/chats/'));
      expect(chats.length).toBeGreaterThan(0);
      expect(readFileSync(chats[0], 'utf8')).toContain('"tokens":{"input":11,"output":7');
      expect(filesUnder(p.realHome)).toEqual([]);
    } finally {
      await g.close();
    }
  }, 120_000);

  it.skipIf(absent('opencode'))('opencode: anthropic wire through the ringlet provider; messages in opencode.db', async () => {
    const before = fake.modelRequests().length;
    const p = prepare(opencode, 'anthropic', 'anthropic', fake.url, 'claude-sonnet-4-5');
    const r = await run(which('opencode')!, ['run', 'say pong'], p.env, p.cwd);
    expect(r.out).toContain('pong from the fake provider');
    const reqs = fake.modelRequests().slice(before);
    expect(reqs.length).toBeGreaterThan(0);
    for (const q of reqs) expect([q.path, q.apiKey, q.body?.model]).toEqual(['/v1/messages', TOKEN, 'claude-sonnet-4-5']);
    expect(existsSync(join(p.home, '.local', 'share', 'opencode', 'opencode.db'))).toBe(true);
    expect(filesUnder(p.realHome)).toEqual([]);
  }, 120_000);

  it.skipIf(absent('droid'))('droid exec: the BYOK entry is the default model; token totals in the session settings', async () => {
    const before = fake.modelRequests().length;
    const p = prepare(droid, 'anthropic', 'anthropic', fake.url, 'claude-sonnet-4-5');
    const r = await run(which('droid')!, ['exec', 'say pong'], p.env, p.cwd);
    expect(r.out).toContain('pong from the fake provider');
    const reqs = fake.modelRequests().slice(before);
    expect(reqs.length).toBeGreaterThan(0);
    for (const q of reqs) expect([q.path, q.apiKey, q.body?.model]).toEqual(['/v1/messages', TOKEN, 'claude-sonnet-4-5']);
    const settings = filesUnder(join(p.home, '.factory', 'sessions')).filter((f) => f.endsWith('.settings.json'));
    expect(settings.length).toBe(1);
    expect(JSON.parse(readFileSync(settings[0], 'utf8')).tokenUsage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    expect(filesUnder(p.realHome)).toEqual([]);
  }, 120_000);

  it.skipIf(absent('grok'))('grok: openai-chat wire with GROK_* (community) / config.toml (xAI)', async () => {
    const before = fake.modelRequests().length;
    const p = prepare(grok, 'zai', 'openai-chat', `${fake.url}/v1`, 'glm-4.6');
    const r = await run(which('grok')!, ['-p', 'say pong'], p.env, p.cwd);
    expect(r.out).toContain('pong from the fake provider');
    const reqs = fake.modelRequests().slice(before);
    expect(reqs.length).toBeGreaterThan(0);
    for (const q of reqs) expect([q.path, q.apiKey, q.body?.model]).toEqual(['/v1/chat/completions', TOKEN, 'glm-4.6']);
    expect(filesUnder(p.realHome)).toEqual([]);
  }, 120_000);
});
