/**
 * Webhook hooks against a real local HTTP server: JSON-safe templates, retries, and an agent that never
 * waits for a slow or dead server.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeSandbox, NODE_BIN, ringlet, type Sandbox } from '../support/env.js';
import { startFakeProvider } from '../support/fake-provider.js';
import { deliverWebhook } from '../../src/hooks/runners/webhook.js';
import { renderTemplate } from '../../src/hooks/vars.js';
import { removeSandbox, sleep, waitFor } from './helpers.js';

interface Hit { at: number; body: string; headers: IncomingMessage['headers'] }

/** A local server whose answer per request the test decides. */
async function startServer(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hits.push({ at: Date.now(), body, headers: req.headers });
      answer(hits.length, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, hits, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** A port nothing listens on. */
async function deadUrl(): Promise<string> {
  const s = await startServer(() => {});
  await s.close();
  return s.url;
}

const HOSTILE = `it's "quoted" \\ back\\slash\nnew line\t$(touch PWNED) \`touch PWNED2\` \${HOME} "}, "injected": true, {"`;

describe('template substitution', () => {
  it('keeps hostile values inside JSON strings and evaluates nothing', () => {
    const out = renderTemplate('{"text": "cmd: $RINGLET_TOOL_COMMAND by ${RINGLET_PROFILE}", "n": 1, "list": ["$RINGLET_TOOL"], "missing": "[$RINGLET_NOPE]"}', {
      RINGLET_TOOL_COMMAND: HOSTILE, RINGLET_PROFILE: 'work', RINGLET_TOOL: 'Bash"]}',
    });
    const doc = JSON.parse(out);
    expect(doc).toEqual({ text: `cmd: ${HOSTILE} by work`, n: 1, list: ['Bash"]}'], missing: '[]' });
    expect(Object.keys(doc)).toEqual(['text', 'n', 'list', 'missing']);
  });
});

describe('deliverWebhook', () => {
  it('retries 5xx with growing delays until it succeeds', async () => {
    const s = await startServer((n, _req, res) => res.writeHead(n < 3 ? 503 : 200).end());
    try {
      const r = await deliverWebhook(s.url, '{"a":1}', { timeoutMs: 2000, backoffMs: 100 });
      expect(r).toMatchObject({ ok: true, status: 200, attempts: 3 });
      expect(s.hits.map((h) => h.body)).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
      expect(s.hits[0].headers['content-type']).toBe('application/json');
      const gaps = [s.hits[1].at - s.hits[0].at, s.hits[2].at - s.hits[1].at];
      expect(gaps[0]).toBeGreaterThanOrEqual(90);
      expect(gaps[1]).toBeGreaterThanOrEqual(190);
    } finally {
      await s.close();
    }
  });

  it('does not retry a 4xx, gives up after its attempts, and times out a server that never answers', async () => {
    const bad = await startServer((_n, _req, res) => res.writeHead(400).end());
    const hang = await startServer(() => { /* never answers */ });
    try {
      expect(await deliverWebhook(bad.url, '{}', { timeoutMs: 1000, backoffMs: 10 })).toMatchObject({ ok: false, status: 400, attempts: 1 });
      expect(bad.hits).toHaveLength(1);
      const dead = await deliverWebhook(await deadUrl(), '{}', { timeoutMs: 1000, attempts: 3, backoffMs: 10 });
      expect(dead).toMatchObject({ ok: false, attempts: 3 });
      expect(dead.error).toMatch(/ECONNREFUSED/);
      const t0 = Date.now();
      const slow = await deliverWebhook(hang.url, '{}', { timeoutMs: 300, attempts: 2, backoffMs: 10 });
      expect(slow).toMatchObject({ ok: false, attempts: 2, error: 'timed out after 300 ms' });
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await bad.close();
      await hang.close();
    }
  });
});

describe('webhook hooks through ringlet', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = makeSandbox();
    expect((await ringlet(['profiles', 'create', 'claude', 'p', '--provider', 'anthropic'], sb.env)).code).toBe(0);
  });
  afterEach(() => removeSandbox(sb.dir));

  const dispatch = (event: string, input: object) => {
    const env = { ...sb.env, RINGLET_PROFILE: 'p', RINGLET_AGENT: 'claude' };
    return ringlet(['hooks', 'dispatch', 'claude', event], env, { input: JSON.stringify(input), cwd: sb.dir });
  };

  it('posts the filled template from the agent\'s hook, JSON-safe, without running anything in it', async () => {
    const s = await startServer((_n, _req, res) => res.writeHead(204).end());
    try {
      const template = '{"text": "$RINGLET_PROFILE ran $RINGLET_TOOL: $RINGLET_TOOL_COMMAND", "input": "$RINGLET_TOOL_INPUT"}';
      const add = await ringlet(['hooks', 'add', 'p', '--on', 'pre-tool-use', '--webhook', s.url, '--webhook-template', template], sb.env);
      expect(add.code, add.stderr).toBe(0);
      const r = await dispatch('PreToolUse', { tool_name: 'Bash', tool_input: { command: HOSTILE }, cwd: sb.dir });
      expect(r.code, r.stderr).toBe(0); // a webhook never gates
      await waitFor(() => s.hits.length, 8_000, 'the webhook');
      const doc = JSON.parse(s.hits[0].body);
      expect(doc.text).toBe(`p ran Bash: ${HOSTILE}`);
      expect(JSON.parse(doc.input)).toEqual({ command: HOSTILE });
      expect(Object.keys(doc)).toEqual(['text', 'input']);
      expect(readdirSync(sb.dir).filter((f) => f.startsWith('PWNED'))).toEqual([]);
      expect(existsSync(join(sb.env.HOME!, 'PWNED'))).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('retries on 5xx from the background, and `hooks test` shows the delivery', async () => {
    const s = await startServer((n, _req, res) => res.writeHead(n % 3 === 0 ? 200 : 500).end());
    try {
      expect((await ringlet(['hooks', 'add', 'p', '--on', 'tool-use', '--webhook', s.url], sb.env)).code).toBe(0);
      const t0 = Date.now();
      const r = await dispatch('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: { stdout: 'a b' } });
      expect(r.code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(3000); // the ~1.5 s of backoff happen elsewhere
      await waitFor(() => s.hits.length >= 3, 8_000, 'three attempts');
      expect(JSON.parse(s.hits[2].body)).toMatchObject({ event: 'tool-use', profile: 'p', tool: 'Bash', input: { command: 'ls' }, result: { stdout: 'a b' } });

      const test = await ringlet(['hooks', 'test', 'p', '--on', 'tool-use'], sb.env);
      expect(test.code, test.stderr).toBe(0);
      expect(test.stdout).toContain('delivered (HTTP 200) after 3 attempts');
      expect(s.hits).toHaveLength(6);
    } finally {
      await s.close();
    }
  });

  it('a dead or silent server never holds up the dispatcher', async () => {
    const hang = await startServer(() => { /* accepts, never answers */ });
    try {
      for (const url of [await deadUrl(), hang.url]) {
        for (const on of ['pre-tool-use', 'tool-use', 'notify']) {
          expect((await ringlet(['hooks', 'add', 'p', '--on', on, '--webhook', url], sb.env)).code).toBe(0);
        }
      }
      for (const [event, input] of [['PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' } }], ['PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' } }], ['Stop', {}]] as const) {
        const t0 = Date.now();
        const r = await dispatch(event, input);
        expect(r.code, r.stderr).toBe(0);
        expect(Date.now() - t0).toBeLessThan(2000);
      }
      await waitFor(() => hang.hits.length >= 3, 8_000, 'the silent server to be called');
    } finally {
      await hang.close();
    }
  });

  const CLAUDE = join(NODE_BIN, 'claude');
  it.skipIf(!existsSync(CLAUDE))('a real Claude Code run with webhooks to a silent server finishes as fast as without', async () => {
    const hang = await startServer(() => { /* never answers */ });
    const fake = await startFakeProvider({ toolCall: { command: 'echo ran > ran.txt' } });
    try {
      expect((await ringlet(['keychain', 'set', 'custom', 'k'], sb.env, { input: 'sk-webhook-e2e-0123456789' })).code).toBe(0);
      expect((await ringlet(['profiles', 'create', 'claude', 'w', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'k'], sb.env)).code).toBe(0);
      for (const on of ['start', 'pre-tool-use', 'tool-use', 'notify', 'stop']) {
        expect((await ringlet(['hooks', 'add', 'w', '--on', on, '--webhook', hang.url, '--timeout', '20'], sb.env)).code).toBe(0);
      }
      const cwd = join(sb.dir, 'work');
      mkdirSync(cwd);
      const t0 = Date.now();
      const r = await ringlet(['profiles', 'run', 'w', '--', 'claude', '-p', 'go', '--allowedTools', 'Bash'], sb.env, { cwd, timeoutMs: 40_000 });
      const ms = Date.now() - t0;
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(cwd, 'ran.txt'))).toBe(true);
      expect(ms).toBeLessThan(15_000);
      await waitFor(() => hang.hits.length >= 5, 8_000, 'every webhook to be attempted');
      await sleep(100);
      expect(hang.hits.map((h) => JSON.parse(h.body).event).sort()).toEqual(expect.arrayContaining(['notify', 'pre-tool-use', 'start', 'stop', 'tool-use']));
    } finally {
      await fake.close();
      await hang.close();
    }
  }, 30_000);
});
