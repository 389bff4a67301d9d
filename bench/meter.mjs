#!/usr/bin/env node
// Meter overhead: time to first byte and throughput, direct to a local upstream vs through the meter,
// in the same run. Goal: <= 1 ms added to time to first byte, >= 100 MB/s through the meter.
//
//   node bench/meter.mjs [--requests 2000] [--mb 256] [--rounds 3]
//
// src/meter is bundled with esbuild into a temp dir first (no build step needed). The upstream and the
// meter each run in their own worker thread, the client in the main thread, so the three do not
// share an event loop (the machine's cores are shared, as they are for a real agent).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const LOCAL = 'ringlet-local-bench';
const ASKED = '{"stream":true,"stream_options":{"include_usage":true}}';
/** [result key, path, request body, label]. "chat, injected": the client did not ask for usage, so the meter strips the usage chunk. */
const STREAMS = [
  ['anthropic', '/stream/v1/messages', '{"stream":true}', 'Anthropic SSE (MB/s)'],
  ['chat', '/stream/v1/chat/completions', ASKED, 'Chat SSE (MB/s)'],
  ['chatInjected', '/stream/v1/chat/completions', '{"stream":true}', 'Chat, injected'],
  ['binary', '/stream/v1/files', '{}', 'binary (MB/s)'],
];

if (isMainThread) await main();
else if (workerData.role === 'upstream') await upstream();
else await meterWorker(workerData);

async function main() {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' }, mb: { type: 'string', default: '256' }, rounds: { type: 'string', default: '3' } } });
  const requests = Number(values.requests);
  const mb = Number(values.mb);
  const rounds = Number(values.rounds);

  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = mkdtempSync(join(tmpdir(), 'ringlet-bench-meter-'));
  const { build } = await import('esbuild');
  await build({ absWorkingDir: root, entryPoints: ['src/meter/proxy.ts'], outfile: join(dir, 'meter.mjs'), bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });

  const upW = new Worker(fileURLToPath(import.meta.url), { workerData: { role: 'upstream' } });
  const upUrl = await once(upW);
  const mW = new Worker(fileURLToPath(import.meta.url), { workerData: { role: 'meter', upstream: upUrl, bundle: pathToFileURL(join(dir, 'meter.mjs')).href } });
  const meterUrl = await once(mW);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { 'x-api-key': LOCAL, 'content-type': 'application/json' };
  const results = { direct: {}, meter: {} };
  const targets = { direct: upUrl, meter: meterUrl };

  console.log(`meter bench: ${requests} sequential requests for time to first byte, ${mb} MB streams for throughput, best of ${rounds} rounds`);
  for (let round = 0; round < rounds; round++) {
    for (const via of ['direct', 'meter']) {
      const base = targets[via];
      // Warm the keep-alive connection (and the meter's upstream connection) before timing.
      for (let i = 0; i < 50; i++) await ttfb(base, '/v1/messages', headers, agent);
      const times = [];
      for (let i = 0; i < requests; i++) times.push(await ttfb(base, '/v1/messages', headers, agent));
      times.sort((a, b) => a - b);
      const r = results[via];
      const p50 = times[Math.floor(times.length / 2)];
      const p99 = times[Math.floor(times.length * 0.99)];
      r.p50 = Math.min(r.p50 ?? Infinity, p50);
      r.p99 = Math.min(r.p99 ?? Infinity, p99);
      for (const [name, path, body] of STREAMS) {
        const mbps = await throughput(base, `${path}?mb=${mb}`, headers, agent, body);
        r[name] = Math.max(r[name] ?? 0, mbps);
      }
    }
  }

  const f = (n) => n.toFixed(3);
  const d = results.direct;
  const m = results.meter;
  console.log('');
  console.log('                          direct      meter      added');
  console.log(`TTFB p50 (ms)        ${f(d.p50).padStart(10)} ${f(m.p50).padStart(10)} ${f(m.p50 - d.p50).padStart(10)}`);
  console.log(`TTFB p99 (ms)        ${f(d.p99).padStart(10)} ${f(m.p99).padStart(10)} ${f(m.p99 - d.p99).padStart(10)}`);
  for (const [name, , , label] of STREAMS) {
    console.log(`${label.padEnd(20)} ${d[name].toFixed(0).padStart(10)} ${m[name].toFixed(0).padStart(10)}`);
  }
  const ok = m.p50 - d.p50 <= 1 && STREAMS.every(([name]) => m[name] >= 100);
  console.log('');
  console.log(`goal (<= 1 ms added TTFB p50, >= 100 MB/s through the meter): ${ok ? 'met' : 'NOT met'}`);

  mW.postMessage('rows?');
  const rows = await once(mW);
  const expected = rounds * (50 + requests + STREAMS.filter(([name]) => name !== 'binary').length);
  console.log(`usage reports from the meter: ${rows} (expected ${expected})`);

  agent.destroy();
  await upW.terminate();
  await mW.terminate();
  rmSync(dir, { recursive: true, force: true });
}

function once(w) {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

/** Milliseconds from sending a request to its first response byte. */
function ttfb(base, path, headers, agent) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(base + path, { method: 'POST', headers, agent }, (res) => {
      res.once('data', () => {
        const t = Number(process.hrtime.bigint() - t0) / 1e6;
        res.resume();
        res.on('end', () => resolve(t));
      });
    });
    req.on('error', reject);
    req.end('{"stream":true}');
  });
}

/** MB/s of a whole streamed body. */
function throughput(base, path, headers, agent, body) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let bytes = 0;
    const req = http.request(base + path, { method: 'POST', headers, agent }, (res) => {
      res.on('data', (c) => { bytes += c.length; });
      res.on('end', () => resolve(bytes / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function upstream() {
  const head = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":1}}}\n\n';
  const tail = 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":99}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n';
  const block = (make) => {
    const parts = [];
    let n = 0;
    while (n < 1 << 20) { const s = make(); parts.push(s); n += Buffer.byteLength(s); }
    return Buffer.from(parts.join(''));
  };
  const bodies = {
    '/stream/v1/messages': { type: 'text/event-stream', head, tail, chunk: block(() => 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"The quick brown fox — jumps over the lazy dog. "}}\n\n') },
    '/stream/v1/chat/completions': { type: 'text/event-stream', head: '', tail: 'data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":99}}\n\ndata: [DONE]\n\n',
      chunk: block(() => 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"The quick brown fox — jumps"},"finish_reason":null}],"usage":null}\n\n') },
    '/stream/v1/files': { type: 'application/octet-stream', head: '', tail: '', chunk: Buffer.alloc(1 << 20, 7) },
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const b = bodies[url.pathname];
      if (!b) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(head + tail);
        return;
      }
      res.writeHead(200, { 'content-type': b.type });
      res.write(b.head);
      let left = Number(url.searchParams.get('mb'));
      const pump = () => {
        while (left > 0) {
          left--;
          if (!res.write(b.chunk)) return res.once('drain', pump);
        }
        res.end(b.tail);
      };
      pump();
    });
  });
  server.listen(0, '127.0.0.1', () => parentPort.postMessage(`http://127.0.0.1:${server.address().port}`));
}

async function meterWorker({ upstream: upUrl, bundle }) {
  const { startMeter } = await import(bundle);
  let rows = 0;
  const m = await startMeter({ upstream: upUrl, localToken: LOCAL, realKey: 'sk-bench', onUsage: () => { rows++; } });
  parentPort.postMessage(m.baseUrl);
  parentPort.on('message', () => parentPort.postMessage(rows));
}
