#!/usr/bin/env node
// The daemon under load, against a throwaway RINGLET_HOME and its own port:
//   1. keystroke echo round trip over the WebSocket (p50/p99)       goal: p99 <= 5 ms on loopback
//   2. replay of a session with a full scrollback (attach -> screen) goal: <= 50 ms
//   3. 50 concurrent sessions each writing 1 MB, one client each     goal: daemon within one core
// Sessions run the real `ringlet profiles run` (meter included) with a shell command inside.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ringlet = join(root, 'bin', 'ringlet');
const SESSIONS = Number(process.env.SESSIONS ?? 50);
const BYTES = Number(process.env.BYTES ?? 1_000_000);
const ECHOES = Number(process.env.ECHOES ?? 1000);

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'ringlet-bench-'));
const env = { ...process.env, HOME: join(dir, 'home'), RINGLET_HOME: join(dir, 'rh'), XDG_CONFIG_HOME: join(dir, 'cfg'), NO_COLOR: '1', RINGLET_DAEMON_ADDR: `127.0.0.1:${port}` };
mkdirSync(env.HOME, { recursive: true });
mkdirSync(join(dir, 'cfg', 'ringlet'), { recursive: true });
writeFileSync(join(dir, 'cfg', 'ringlet', 'config.toml'), '[credentials]\nbackend = "file"\n');
const sh = (args, input) => {
  const r = spawnSync(process.execPath, [ringlet, ...args], { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ringlet ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
sh(['keychain', 'set', 'custom', 'p'], 'sk-bench-0123456789');
sh(['profiles', 'create', 'claude', 'p', '--provider', 'custom', '--custom-endpoint', 'http://127.0.0.1:9', '--key-alias', 'p']);
sh(['daemon', 'start']);
const token = readFileSync(join(dir, 'cfg', 'ringlet', 'http_token'), 'utf8').trim();

function api(method, path, body) {
  const data = body ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let t = '';
      res.on('data', (d) => (t += d));
      res.on('end', () => (res.statusCode < 300 ? resolve(JSON.parse(t)) : reject(new Error(`${res.statusCode} ${t}`))));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function attach(id, onData) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/sessions/${id}/ws?cols=120&rows=40`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    ws.on('message', (d, bin) => bin && onData(d));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const daemonPid = (await new Promise((r) => http.get({ host: '127.0.0.1', port, path: '/healthz' }, (res) => { let t = ''; res.on('data', (d) => (t += d)); res.on('end', () => r(JSON.parse(t).pid)); }))).valueOf();
const ticks = () => { const f = readFileSync(`/proc/${daemonPid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${daemonPid}/status`, 'utf8'))[1]) / 1024;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (cond, ms, what) => { const end = Date.now() + ms; while (!cond()) { if (Date.now() > end) throw new Error(`timed out: ${what}`); await sleep(5); } };

try {
  // 1. Echo: a byte typed into the WebSocket comes back from `cat` in the PTY.
  {
    const s = await api('POST', '/api/sessions', { profile: 'p', args: ['sh', '-c', 'stty -icanon -echo min 1; echo READY; exec cat'] });
    let got = '';
    const ws = await attach(s.id, (d) => (got += d.toString('latin1')));
    await waitFor(() => got.includes('READY'), 10_000, 'echo session');
    await sleep(300); // let the attach nudge settle
    const times = [];
    for (let i = 0; i < ECHOES + 50; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      got = '';
      const t0 = process.hrtime.bigint();
      ws.send(Buffer.from(ch), { binary: true });
      await new Promise((resolve) => { const check = () => (got.includes(ch) ? resolve() : setImmediate(check)); check(); });
      if (i >= 50) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ws.close();
    await api('DELETE', `/api/sessions/${s.id}`);
    console.log(`echo round trip (${ECHOES} keystrokes): p50 ${pct(times, 50).toFixed(2)} ms, p99 ${pct(times, 99).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms   (goal p99 <= 5 ms)`);
  }

  // 2. Replay: a session that has filled its scrollback (coloured lines), then attach and time the snapshot.
  {
    const lines = 3000;
    const s = await api('POST', '/api/sessions', { profile: 'p', cols: 120, rows: 40, args: ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do printf '\\033[3%dm%05d\\033[0m %s\\n' $((i % 7 + 1)) $i 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore'; i=$((i+1)); done; echo FILLED; exec sleep 600`] });
    let filled = '';
    const w = await attach(s.id, (d) => (filled += d.toString('latin1')));
    await waitFor(() => filled.includes('FILLED'), 30_000, 'fill');
    w.close();
    await sleep(300);
    const times = [];
    let size = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = process.hrtime.bigint();
      let first;
      const ws = await attach(s.id, (d) => { if (!first) { first = Number(process.hrtime.bigint() - t0) / 1e6; size = d.length; } });
      await waitFor(() => first !== undefined, 10_000, 'snapshot');
      times.push(first);
      ws.close();
      await sleep(150);
    }
    await api('DELETE', `/api/sessions/${s.id}`);
    console.log(`replay of a full scrollback (1000 lines kept, 120x40, ${(size / 1024).toFixed(0)} KB snapshot): median ${pct(times, 50).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (connect to screen received)   (goal <= 50 ms)`);
  }

  // 3. Many busy sessions: each writes ~1 MB of base64 while one client per session reads it all.
  {
    const rssBefore = hwm();
    const cmd = `read go; head -c ${Math.round((BYTES * 3) / 4)} /dev/urandom | base64 -w 100; echo; echo BENCH-DONE`;
    const t0s = Date.now();
    const created = await Promise.all(Array.from({ length: SESSIONS }, () => api('POST', '/api/sessions', { profile: 'p', cols: 120, rows: 40, args: ['sh', '-c', cmd] })));
    const outputs = new Map();
    const sockets = await Promise.all(created.map((s) => attach(s.id, (d) => outputs.set(s.id, (outputs.get(s.id) ?? 0) + d.length)).then((ws) => {
      let tail = '';
      ws.on('message', (d, bin) => { if (bin) tail = (tail + d.toString('latin1')).slice(-64); if (tail.includes('BENCH-DONE')) ws.done = true; });
      return ws;
    })));
    // Wait until every `profiles run` has started (its PTY is waiting on `read`).
    await sleep(Math.max(3000, SESSIONS * 120));
    console.log(`  (${SESSIONS} sessions started in ${((Date.now() - t0s) / 1000).toFixed(1)} s)`);
    const c0 = ticks();
    const t0 = Date.now();
    for (const ws of sockets) ws.send(Buffer.from('\r'), { binary: true });
    await waitFor(() => sockets.every((ws) => ws.done), 300_000, 'all sessions done');
    const wall = (Date.now() - t0) / 1000;
    const cpu = (ticks() - c0) / hz;
    const total = [...outputs.values()].reduce((a, b) => a + b, 0);
    for (const ws of sockets) ws.close();
    await Promise.all(created.map((s) => api('DELETE', `/api/sessions/${s.id}`).catch(() => {})));
    console.log(`${SESSIONS} sessions x ${(BYTES / 1e6).toFixed(1)} MB: ${wall.toFixed(2)} s wall, daemon CPU ${cpu.toFixed(2)} s = ${(cpu / wall).toFixed(2)} cores, ${(total / 1e6).toFixed(0)} MB delivered to clients, daemon peak RSS ${hwm().toFixed(0)} MB (before ${rssBefore.toFixed(0)} MB)   (goal <= 1 core)`);
  }
} finally {
  spawnSync(process.execPath, [ringlet, 'daemon', 'stop', '--force'], { env });
  rmSync(dir, { recursive: true, force: true });
}
