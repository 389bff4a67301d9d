import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { ringlet } from '../support/env.js';
import { buildRouter } from '../../src/daemon/routes.js';
import type { DaemonContext } from '../../src/daemon/api.js';
import { daemonBox, freePort, killDaemon, request, until, upgrade, type DaemonBox } from './helpers.js';

// The daemon's security boundary: token on every route, Host on every request, Origin on state changes and
// upgrades, the token file's mode, rotation, and the lazy start under a race.

let box: DaemonBox;
const WRONG = 'f'.repeat(64);

beforeAll(async () => {
  box = await daemonBox();
  const r = await ringlet(['daemon', 'start'], box.env);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await box?.stop();
});

/** Every route in the router table, with a concrete path (so a new route cannot skip these checks). */
function allRoutes() {
  const router = buildRouter({ env: box.env, log: () => {} } as unknown as DaemonContext);
  return router.routes().map((r) => ({ ...r, concrete: r.path.replace(/:[a-z]+/gi, 'nosuchid') }));
}

describe('authentication', () => {
  it('knows the core routes; /healthz is public and nothing under /api/ is', () => {
    const routes = allRoutes();
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    for (const k of ['GET /api/profiles', 'GET /api/usage', 'GET /api/sessions', 'POST /api/sessions', 'DELETE /api/sessions/:id', 'WS /api/sessions/:id/ws']) expect(keys).toContain(k);
    const open = routes.filter((r) => r.public).map((r) => r.path);
    expect(open).toContain('/healthz');
    expect(open.filter((p) => p.startsWith('/api/'))).toEqual([]);
    // Public routes only read (the dashboard's login page and static files): nothing that changes state, no terminal.
    expect(routes.filter((r) => r.public && r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('refuses every non-public route without a token and with a wrong one', async () => {
    const failures: string[] = [];
    for (const r of allRoutes().filter((x) => !x.public)) {
      for (const token of [undefined, WRONG, '']) {
        if (r.method === 'WS') {
          const u = await upgrade(box.port, r.concrete, { token });
          if (u.status !== 401) failures.push(`${r.method} ${r.path} token=${token === undefined ? 'none' : 'wrong'}: ${u.status}`);
        } else {
          const a = await request(box.port, r.method, r.concrete, { token, body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
          if (a.status !== 401 || typeof a.body?.error !== 'string') failures.push(`${r.method} ${r.path} token=${token === undefined ? 'none' : 'wrong'}: ${a.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // A path the router does not know reveals nothing without a token either.
    expect((await request(box.port, 'GET', '/api/nothing-here')).status).toBe(401);
    expect((await request(box.port, 'GET', '/api/nothing-here', { token: box.token() })).status).toBe(404);
  });

  it('accepts the right token, and answers /healthz without one', async () => {
    const h = await request(box.port, 'GET', '/healthz');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ service: 'ringlet', version: expect.any(String), pid: expect.any(Number) });
    const s = await request(box.port, 'GET', '/api/sessions', { token: box.token() });
    expect(s.status).toBe(200);
    expect(Array.isArray(s.body)).toBe(true);
  });

  it('refuses a foreign Host header on every route, token or not (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${box.port}`, `127.0.0.1.nip.io:${box.port}`, '']) {
      for (const path of ['/healthz', '/api/sessions']) {
        const a = await request(box.port, 'GET', path, { token: box.token(), headers: { host } });
        expect(a.status, `${host} ${path}`).toBe(host === '' ? 403 : 403);
      }
      const u = await upgrade(box.port, '/api/sessions/x/ws', { token: box.token(), headers: { host } });
      expect(u.status).toBe(403);
    }
    expect((await request(box.port, 'GET', '/api/sessions', { token: box.token(), headers: { host: `localhost:${box.port}` } })).status).toBe(200);
  });

  it('refuses a WebSocket upgrade and a POST from a foreign Origin, even with the token', async () => {
    const token = box.token();
    for (const origin of ['https://evil.example', 'null', `http://evil.example:${box.port}`, `http://localhost:${box.port + 1}`]) {
      const u = await upgrade(box.port, '/api/sessions/nosuchid/ws', { token, headers: { origin } });
      expect(u.status, origin).toBe(403);
      const p = await request(box.port, 'POST', '/api/sessions', { token, headers: { origin }, body: { profile: 'x' } });
      expect(p.status, origin).toBe(403);
      const d = await request(box.port, 'DELETE', '/api/sessions/nosuchid', { token, headers: { origin } });
      expect(d.status, origin).toBe(403);
    }
    // The same origin passes the check (and reaches the handler: no such session).
    const same = await upgrade(box.port, '/api/sessions/nosuchid/ws', { token, headers: { origin: `http://127.0.0.1:${box.port}` } });
    expect(same.status).toBe(404);
    expect(JSON.parse(same.body!).error).toContain('no session nosuchid');
  });

  it('takes JSON bodies only, so an HTML form cannot post', async () => {
    const a = await request(box.port, 'POST', '/api/sessions', { token: box.token(), body: { profile: 'x' }, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(a.status).toBe(415);
  });

  it('never writes the token to the log', () => {
    const log = readFileSync(join(box.dir, 'ringlet', 'daemon.log'), 'utf8');
    expect(log).toContain('denied 401');
    expect(log).not.toContain(box.token());
    expect(log).not.toContain(WRONG);
  });
});

describe('the token file', () => {
  it('is created with mode 0600', () => {
    const st = statSync(join(box.dir, 'config', 'ringlet', 'http_token'));
    expect(st.mode & 0o777).toBe(0o600);
    expect(box.token()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is refused when others can read it, by clients and by the daemon', async () => {
    const file = join(box.dir, 'config', 'ringlet', 'http_token');
    const token = box.token();
    chmodSync(file, 0o644);
    try {
      const r = await ringlet(['sessions'], box.env);
      expect(r.code).toBe(78);
      expect(r.stderr).toMatch(/http_token is readable by others \(mode 644\); run: chmod 600/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      // The daemon stops accepting the token too, until the mode is fixed.
      expect((await request(box.port, 'GET', '/api/sessions', { token })).status).toBe(401);
    } finally {
      chmodSync(file, 0o600);
    }
    expect((await request(box.port, 'GET', '/api/sessions', { token })).status).toBe(200);
  });

  it('rotate-token locks the old token out at once, without restarting the daemon', async () => {
    const before = await request(box.port, 'GET', '/healthz');
    const old = box.token();
    expect((await request(box.port, 'GET', '/api/sessions', { token: old })).status).toBe(200);
    const r = await ringlet(['daemon', 'rotate-token'], box.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(box.token());
    const fresh = box.token();
    expect(fresh).not.toBe(old);
    expect((await request(box.port, 'GET', '/api/sessions', { token: old })).status).toBe(401);
    expect((await upgrade(box.port, '/api/sessions/x/ws', { token: old })).status).toBe(401);
    expect((await request(box.port, 'GET', '/api/sessions', { token: fresh })).status).toBe(200);
    expect((await request(box.port, 'GET', '/healthz')).body.pid).toBe(before.body.pid);
    expect(statSync(join(box.dir, 'config', 'ringlet', 'http_token')).mode & 0o777).toBe(0o600);
  });
});

describe('lazy start', () => {
  it('five clients racing to start it end up with one daemon', async () => {
    const race = await daemonBox();
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => ringlet(['daemon', 'start'], race.env, { timeoutMs: 30_000 })));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const pids = new Set(results.map((r) => /pid (\d+)/.exec(r.stdout)?.[1]));
      expect(pids.size).toBe(1);
      expect(results.filter((r) => r.stdout.startsWith('started')).length).toBe(1);
      const log = readFileSync(join(race.dir, 'ringlet', 'daemon.log'), 'utf8');
      expect(log.match(/listening on/g)).toHaveLength(1);
      expect(existsSync(join(race.dir, 'ringlet', 'daemon.lock'))).toBe(false);
      const st = await ringlet(['daemon', 'status', '--json'], race.env);
      expect(JSON.parse(st.stdout).pid).toBe(Number([...pids][0]));
    } finally {
      await race.stop();
    }
  });

  it('clears a stale pid file and lock after a crash, and starts anew', async () => {
    const crash = await daemonBox();
    try {
      const home = join(crash.dir, 'ringlet');
      mkdirSync(home, { recursive: true });
      // A pid that is certainly not a ringlet daemon, and a lock left by a dead client.
      writeFileSync(join(home, 'daemon.pid'), JSON.stringify({ pid: process.pid, listen: 'x' }));
      writeFileSync(join(home, 'daemon.lock'), JSON.stringify({ pid: 2 ** 22 + 17, ts: Date.now() }));
      const st = await ringlet(['daemon', 'status'], crash.env);
      expect(st.code).toBe(3);
      expect(st.stdout).toContain('removed stale');
      expect(existsSync(join(home, 'daemon.pid'))).toBe(false);
      writeFileSync(join(home, 'daemon.lock'), JSON.stringify({ pid: 2 ** 22 + 17, ts: Date.now() }));
      const r = await ringlet(['daemon', 'start'], crash.env, { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^started/);
      expect(JSON.parse(readFileSync(join(home, 'daemon.pid'), 'utf8')).pid).toBe(Number(/pid (\d+)/.exec(r.stdout)![1]));
    } finally {
      await crash.stop();
    }
  });

  it('names the port when something that is not ringlet holds it', async () => {
    const other = await daemonBox();
    const server: Server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(other.port, '127.0.0.1', r));
    try {
      const r = await ringlet(['daemon', 'start'], other.env);
      expect(r.code).toBe(69);
      expect(r.stderr).toContain(`port 127.0.0.1:${other.port} is in use by something that is not ringlet`);
      const fg = await ringlet(['daemon'], other.env);
      expect(fg.code).toBe(69);
      expect(fg.stderr).toContain(`port 127.0.0.1:${other.port} is in use by something that is not ringlet`);
    } finally {
      server.close();
      await other.stop();
    }
  });

  it('exits by itself when idle, and not while a session runs', async () => {
    const idle = await daemonBox('[daemon]\nidle-minutes = 0.02');
    try {
      const r = await ringlet(['daemon', 'start'], idle.env);
      expect(r.code, r.stderr).toBe(0);
      // /healthz does not count as activity, so polling it does not keep the daemon awake.
      await until(async () => (await request(idle.port, 'GET', '/healthz').catch(() => ({ status: 0 }))).status === 0, 15_000, () => 'daemon still running');
      expect(readFileSync(join(idle.dir, 'ringlet', 'daemon.log'), 'utf8')).toContain('idle: exiting');
    } finally {
      await killDaemon(idle);
      idle.cleanup();
    }
  });
});

describe('daemon install', () => {
  it('prints a unit with absolute paths and installs nothing', async () => {
    const port = await freePort();
    const r = await ringlet(['daemon', 'install', '--print', '--listen', `127.0.0.1:${port}`], box.env);
    expect(r.code, r.stderr).toBe(0);
    const exec = /ExecStart=(.*)/.exec(r.stdout)![1].split(' ');
    expect(exec[0]).toBe(process.execPath);
    expect(exec[1]).toMatch(/^\/.*\/bin\/ringlet$/);
    expect(exec.slice(2)).toEqual(['daemon', '--stay-alive', '--listen', `127.0.0.1:${port}`]);
    expect(r.stdout).toContain('systemctl --user enable --now ringlet.service');
    expect(existsSync(join(box.dir, 'config', 'systemd'))).toBe(false);
  });
});
