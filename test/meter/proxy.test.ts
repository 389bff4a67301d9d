import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMeter, type MeteredUsage } from '../../src/meter/proxy.js';
import * as S from './samples.js';

const REAL_KEY = `sk-real-${randomBytes(12).toString('hex')}`;
const LOCAL = `ringlet-local-${randomBytes(12).toString('hex')}`;

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }

/** The fake provider: the one fake these tests allow. */
class Upstream {
  server!: http.Server;
  url = '';
  seen: Seen[] = [];
  /** Bytes each streamed response wrote, in order, so tests can compare what the client got. */
  sent: Buffer[] = [];
  private gates: Array<() => void> = [];
  upstreamClosedEarly: Promise<void> | undefined;
  big = randomBytes(8 * 1024 * 1024);

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        void this.route(req, res, body);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Lets the held /slow response finish. */
  release(): void {
    for (const g of this.gates.splice(0)) g();
  }

  private write(res: http.ServerResponse, text: string | Buffer): void {
    const b = Buffer.from(text);
    this.sent.push(b);
    res.write(b);
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const path = req.url!.split('?')[0]!;
    const json = (() => { try { return JSON.parse(body.toString()); } catch { return {}; } })();
    const sseHead = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'X-Request-Id': 'req_stream' };
    if (path === '/v1/messages' && json.stream) {
      res.writeHead(200, sseHead);
      // Uneven pieces, cutting events mid-line and mid-character.
      const b = Buffer.from(S.ANTHROPIC_STREAM);
      for (const [a, z] of [[0, 37], [37, 400], [400, b.length]] as const) {
        this.write(res, b.subarray(a, z));
        await tick();
      }
      res.end();
    } else if (path === '/v1/messages') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(S.ANTHROPIC_JSON);
    } else if (path === '/v1/chat/completions' && json.stream) {
      res.writeHead(200, sseHead);
      for (const ev of S.CHAT_CONTENT_EVENTS) this.write(res, `data: ${JSON.stringify(ev[1])}\n\n`);
      if (json.stream_options?.include_usage) this.write(res, S.CHAT_USAGE_EVENT);
      this.write(res, S.CHAT_DONE);
      res.end();
    } else if (path === '/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(S.CHAT_JSON);
    } else if (path === '/v1/responses' && json.stream) {
      res.writeHead(200, sseHead);
      this.write(res, S.RESPONSES_STREAM);
      res.end();
    } else if (path === '/v1/responses') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(S.RESPONSES_JSON);
    } else if (path === '/v1/error/messages') {
      const err = '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}';
      res.writeHead(500, 'Internal Oops', { 'Content-Type': 'application/json', 'X-Request-Id': 'req_500', 'Retry-After': '7', 'Set-Cookie': ['a=1', 'b=2'] });
      res.end(err);
    } else if (path === '/v1/abort/messages') {
      res.writeHead(200, sseHead);
      this.write(res, S.ANTHROPIC_HEAD);
      this.write(res, 'event: content_block_start\ndata: {"type":"content_block_st');
      setTimeout(() => res.socket!.destroy(), 30);
    } else if (path === '/v1/slow/messages') {
      res.writeHead(200, sseHead);
      this.write(res, S.ANTHROPIC_HEAD);
      this.upstreamClosedEarly = new Promise((resolve) => res.on('close', () => { if (!res.writableFinished) resolve(); }));
      await new Promise<void>((r) => this.gates.push(r));
      if (!res.destroyed) {
        this.write(res, S.ANTHROPIC_STREAM.slice(S.ANTHROPIC_HEAD.length));
        res.end();
      }
    } else if (path === '/v1/gzip/messages') {
      // An upstream that compresses although the meter asked for identity.
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(S.ANTHROPIC_JSON));
    } else if (path === '/v1/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': this.big.length });
      res.end(this.big);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    }
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

interface Reply { status: number; statusMessage: string; headers: http.IncomingHttpHeaders; rawHeaders: string[]; body: Buffer }

function request(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method: opts.method ?? 'POST', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, statusMessage: res.statusMessage!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const up = new Upstream();
let usages: MeteredUsage[] = [];
const errors: Error[] = [];
let meter: Awaited<ReturnType<typeof startMeter>>;

beforeAll(async () => {
  await up.start();
  meter = await startMeter({ upstream: up.url, localToken: LOCAL, realKey: REAL_KEY, onUsage: (u) => usages.push(u), onError: (e) => errors.push(e) });
});
afterEach(() => {
  up.release();
  usages = [];
  up.seen = [];
  up.sent = [];
});
afterAll(async () => {
  await meter.close();
  await new Promise((r) => up.server.close(r));
  // Whatever went wrong during the suite, the real key never appeared in an error.
  for (const e of errors) expect(`${e.message} ${e.stack}`).not.toContain(REAL_KEY);
});

const anth = { 'x-api-key': LOCAL, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'Accept-Encoding': 'gzip, br' };
const oai = { authorization: `Bearer ${LOCAL}`, 'content-type': 'application/json' };

describe('meter proxy', () => {
  it('streams an Anthropic SSE response through unchanged, swaps x-api-key, and reports usage', async () => {
    const r = await request(meter.baseUrl, '/v1/messages?beta=true', { headers: anth, body: '{"model":"claude-sonnet-4-5","stream":true}' });
    expect(r.status).toBe(200);
    expect(r.body.equals(Buffer.concat(up.sent))).toBe(true);
    expect(r.body.toString()).toBe(S.ANTHROPIC_STREAM);
    expect(r.headers['x-request-id']).toBe('req_stream');
    const seen = up.seen[0]!;
    expect(seen.url).toBe('/v1/messages?beta=true');
    expect(seen.body.toString()).toBe('{"model":"claude-sonnet-4-5","stream":true}');
    expect(seen.headers['x-api-key']).toBe(REAL_KEY);
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers.host).toBe(new URL(up.url).host);
    expect(seen.headers['accept-encoding']).toBe('identity');
    expect(JSON.stringify(seen.headers)).not.toContain(LOCAL);
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject({ ...S.ANTHROPIC_EXPECTED, path: '/v1/messages', status: 200 });
    expect(Date.parse(usages[0]!.ts)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('injects include_usage into a chat stream that did not ask, and strips the extra chunk', async () => {
    const body = '{"model":"gpt-4.1","stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const r = await request(meter.baseUrl, '/v1/chat/completions', { headers: oai, body });
    expect(r.body.toString()).toBe(S.CHAT_STREAM_STRIPPED);
    const seen = up.seen[0]!;
    expect(JSON.parse(seen.body.toString()).stream_options).toEqual({ include_usage: true });
    expect(seen.headers['content-length']).toBe(String(seen.body.length));
    expect(seen.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject({ ...S.CHAT_EXPECTED, path: '/v1/chat/completions' });
  });

  it('passes a chat stream that asked for usage through byte for byte', async () => {
    const body = '{"model":"gpt-4.1","stream":true,"stream_options":{"include_usage":true},"messages":[]}';
    const r = await request(meter.baseUrl, '/v1/chat/completions', { headers: oai, body });
    expect(up.seen[0]!.body.toString()).toBe(body);
    expect(r.body.toString()).toBe(S.CHAT_STREAM);
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject(S.CHAT_EXPECTED);
  });

  it('meters a Responses stream', async () => {
    const r = await request(meter.baseUrl, '/v1/responses', { headers: oai, body: '{"model":"gpt-5-codex","stream":true}' });
    expect(r.body.toString()).toBe(S.RESPONSES_STREAM);
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject({ ...S.RESPONSES_EXPECTED, path: '/v1/responses', status: 200 });
  });

  it('meters non-streaming JSON of all three wires', async () => {
    const a = await request(meter.baseUrl, '/v1/messages', { headers: anth, body: '{"stream":false}' });
    const c = await request(meter.baseUrl, '/v1/chat/completions', { headers: oai, body: '{"stream":false}' });
    const o = await request(meter.baseUrl, '/v1/responses', { headers: oai, body: '{}' });
    expect([a.body.toString(), c.body.toString(), o.body.toString()]).toEqual([S.ANTHROPIC_JSON, S.CHAT_JSON, S.RESPONSES_JSON]);
    await until(() => usages.length === 3);
    expect(usages).toMatchObject([S.ANTHROPIC_EXPECTED, S.CHAT_EXPECTED, S.RESPONSES_EXPECTED]);
  });

  it('passes a 500 through with its status, headers and body, and reports nothing', async () => {
    const r = await request(meter.baseUrl, '/v1/error/messages', { headers: anth, body: '{}' });
    expect(r.status).toBe(500);
    expect(r.statusMessage).toBe('Internal Oops');
    expect(r.body.toString()).toBe('{"type":"error","error":{"type":"api_error","message":"Internal server error"}}');
    expect(r.rawHeaders).toContain('X-Request-Id');
    expect(r.headers['retry-after']).toBe('7');
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    await new Promise((res) => setTimeout(res, 50));
    expect(usages).toEqual([]);
  });

  it('cuts the client off when the upstream aborts mid-stream, and still reports the usage seen', async () => {
    const got: Buffer[] = [];
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request(meter.baseUrl + '/v1/abort/messages', { method: 'POST', headers: anth }, (res) => {
        res.on('data', (c: Buffer) => got.push(c));
        res.on('end', () => resolve('end'));
        res.on('error', (e) => resolve(`error ${e.message}`));
        res.on('aborted', () => resolve('aborted'));
      });
      req.on('error', (e) => resolve(`error ${e.message}`));
      req.end('{"stream":true}');
    });
    expect(outcome).not.toBe('end');
    expect(Buffer.concat(got).equals(Buffer.concat(up.sent))).toBe(true);
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject({ ...S.ANTHROPIC_EXPECTED, outputTokens: 1 });
  });

  it('streams: the first event reaches the client before the upstream has finished', async () => {
    const first = await new Promise<{ text: string; res: http.IncomingMessage }>((resolve, reject) => {
      const req = http.request(meter.baseUrl + '/v1/slow/messages', { method: 'POST', headers: anth }, (res) => {
        res.once('data', (c: Buffer) => { res.pause(); resolve({ text: c.toString(), res }); });
      });
      req.on('error', reject);
      req.end('{"stream":true}');
      setTimeout(() => { req.destroy(); reject(new Error('no bytes reached the client while the upstream was still streaming')); }, 2000);
    });
    // The upstream is still holding the rest of its response at this point.
    expect(first.text).toBe(S.ANTHROPIC_HEAD);
    expect(usages).toEqual([]);
    const rest: Buffer[] = [];
    const done = new Promise<void>((r) => first.res.on('end', r));
    first.res.on('data', (c: Buffer) => rest.push(c));
    first.res.resume();
    up.release();
    await done;
    expect(first.text + Buffer.concat(rest).toString()).toBe(S.ANTHROPIC_STREAM);
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject(S.ANTHROPIC_EXPECTED);
  });

  it('aborts the upstream request when the client disconnects, reporting what was seen', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(meter.baseUrl + '/v1/slow/messages', { method: 'POST', headers: anth }, (res) => {
        res.once('data', () => { req.destroy(); resolve(); });
      });
      req.on('error', () => undefined);
      req.end('{"stream":true}').on('error', reject);
    });
    await until(() => up.upstreamClosedEarly !== undefined);
    await up.upstreamClosedEarly; // the provider saw its request go away
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject({ ...S.ANTHROPIC_EXPECTED, outputTokens: 1 });
    up.release();
  });

  it('refuses a wrong or missing local token with 401 and never reaches the upstream', async () => {
    const cases: Array<Record<string, string>> = [
      { 'x-api-key': 'nope' },
      { authorization: 'Bearer nope' },
      { 'x-api-key': `${LOCAL}x` },
      { authorization: LOCAL }, // not a Bearer credential
      {},
    ];
    for (const headers of cases) {
      const r = await request(meter.baseUrl, '/v1/messages', { headers, body: '{}' });
      expect(r.status).toBe(401);
      expect(r.body.toString()).not.toContain(REAL_KEY);
    }
    expect(up.seen).toEqual([]);
  });

  it('passes big binary bodies through intact', async () => {
    const r = await request(meter.baseUrl, '/v1/big', { method: 'GET', headers: oai });
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(createHash('sha256').update(up.big).digest('hex'));
    expect(usages).toEqual([]);
  });

  it('gives the client compressed bytes untouched and parses a decoded copy when upstream compresses anyway', async () => {
    const r = await request(meter.baseUrl, '/v1/gzip/messages', { headers: anth, body: '{}' });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(r.body).toString()).toBe(S.ANTHROPIC_JSON);
    await until(() => usages.length === 1);
    expect(usages[0]).toMatchObject(S.ANTHROPIC_EXPECTED);
  });

  it('survives a malformed request and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect(meter.port, '127.0.0.1', () => s.write('GARBAGE\r\n\r\n'));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    const r = await request(meter.baseUrl, '/v1/messages', { headers: anth, body: '{"stream":false}' });
    expect(r.status).toBe(200);
  });
});

describe('meter configuration', () => {
  it('maps the base URL path onto the upstream path and leaves auth alone without a real key', async () => {
    const seenUsage: MeteredUsage[] = [];
    const m = await startMeter({ upstream: `${up.url}/v1/`, localToken: LOCAL, onUsage: (u) => seenUsage.push(u) });
    try {
      expect(m.baseUrl).toBe(`http://127.0.0.1:${m.port}/v1`);
      const r = await request(m.baseUrl, '/responses', { headers: { ...oai, 'x-ringlet-token': LOCAL, 'x-api-key': 'agent-own' }, body: '{"stream":true}' });
      expect(r.status).toBe(200);
      const seen = up.seen[0]!;
      expect(seen.url).toBe('/v1/responses');
      expect(seen.headers.authorization).toBe(`Bearer ${LOCAL}`);
      expect(seen.headers['x-api-key']).toBe('agent-own');
      expect(seen.headers['x-ringlet-token']).toBeUndefined();
      await until(() => seenUsage.length === 1);
    } finally {
      await m.close();
    }
  });

  it('answers 502 when the upstream is unreachable, without the key in the message', async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as net.AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const errs: Error[] = [];
    const m = await startMeter({ upstream: `http://127.0.0.1:${port}`, localToken: LOCAL, realKey: REAL_KEY, onUsage: () => undefined, onError: (e) => errs.push(e) });
    try {
      const r = await request(m.baseUrl, '/v1/messages', { headers: anth, body: '{}' });
      expect(r.status).toBe(502);
      expect(r.body.toString()).toContain('ECONNREFUSED');
      expect(r.body.toString()).not.toContain(REAL_KEY);
      expect(errs.length).toBe(1);
      expect(errs[0]!.message).not.toContain(REAL_KEY);
    } finally {
      await m.close();
    }
  });

  it('close() cuts responses in flight and reports their usage before resolving', async () => {
    const seenUsage: MeteredUsage[] = [];
    const m = await startMeter({ upstream: up.url, localToken: LOCAL, realKey: REAL_KEY, onUsage: (u) => seenUsage.push(u) });
    await new Promise<void>((resolve) => {
      const req = http.request(m.baseUrl + '/v1/slow/messages', { method: 'POST', headers: anth }, (res) => {
        res.once('data', () => resolve());
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.end('{"stream":true}');
    });
    await m.close();
    expect(seenUsage).toMatchObject([{ ...S.ANTHROPIC_EXPECTED, outputTokens: 1 }]);
    up.release();
  });

  it('a throwing onUsage does not break the response', async () => {
    const errs: Error[] = [];
    const m = await startMeter({ upstream: up.url, localToken: LOCAL, realKey: REAL_KEY, onUsage: () => { throw new Error('ledger down'); }, onError: (e) => errs.push(e) });
    try {
      const r = await request(m.baseUrl, '/v1/messages', { headers: anth, body: '{"stream":true}' });
      expect(r.body.toString()).toBe(S.ANTHROPIC_STREAM);
      await until(() => errs.length === 1);
      expect(errs[0]!.message).toContain('ledger down');
    } finally {
      await m.close();
    }
  });
});
