import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ringlet } from '../support/env.js';
import { daemonBox, detach, plainProfile, PtyRun, request, until, WsClient, type DaemonBox } from './helpers.js';

// Sessions through the real daemon, real node-pty and real WebSocket clients; the commands in them are
// shells, so these tests need no agent. (The real Claude Code is in claude.e2e.test.ts.)

let box: DaemonBox;

beforeAll(async () => {
  box = await daemonBox();
  await plainProfile(box.env, 'p');
});

afterAll(async () => {
  await box?.stop();
});

const session = async (id: string) => (await request(box.port, 'GET', `/api/sessions/${id}`, { token: box.token() })).body;

describe('sessions', () => {
  it('profiles run --detach starts the daemon and a session, and prints its id', async () => {
    const r = await ringlet(['profiles', 'run', 'p', '--detach', '--', 'sh', '-c', 'echo started; exec sleep 60'], box.env);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(r.stderr).toContain(`attach with: ringlet attach ${id}`);
    const list = JSON.parse((await ringlet(['sessions', '--json'], box.env)).stdout);
    const s = list.find((x: { id: string }) => x.id === id);
    expect(s).toMatchObject({ profile: 'p', status: 'running', args: ['sh', '-c', 'echo started; exec sleep 60'], exitCode: null });
    // The PTY runs `ringlet profiles run` itself: the same launcher, so the profile's environment applies.
    const cmdline = readFileSync(`/proc/${s.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline.slice(1, 6)).toEqual([join(process.cwd(), 'bin', 'ringlet'), 'profiles', 'run', 'p', '--']);
    const table = await ringlet(['sessions'], box.env);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+p\\s+running`));
    expect((await ringlet(['sessions', 'kill', id], box.env)).code).toBe(0);
  });

  it('runs in the profile environment: HOME and RINGLET_PROFILE are the profile\'s', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'echo "home=$HOME profile=$RINGLET_PROFILE"; exec sleep 60']);
    const c = await WsClient.open(box.port, id, box.token());
    await c.waitFor(/home=\S+ profile=p/);
    expect(c.output).toContain(`home=${join(box.dir, 'ringlet', 'profiles', 'p', 'HOME')} profile=p`);
    c.ws.close();
    await ringlet(['sessions', 'kill', id], box.env);
  });

  it('two clients see the same output, and input from either reaches the session', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'while read line; do echo "got:$line"; done']);
    const a = await WsClient.open(box.port, id, box.token());
    const b = await WsClient.open(box.port, id, box.token());
    await until(() => a.messages.length > 0);
    expect(a.messages[0]).toMatchObject({ type: 'hello', session: { id } });
    a.send('from-a\r');
    await a.waitFor('got:from-a');
    await b.waitFor('got:from-a');
    b.send('from-b\r');
    await a.waitFor('got:from-b');
    await b.waitFor('got:from-b');
    expect((await session(id)).clients).toBe(2);
    a.ws.close();
    b.ws.close();
    await ringlet(['sessions', 'kill', id], box.env);
  });

  it('survives its client being killed, and replays the screen to the next one', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'printf "\\033]2;my-title\\007"; while read line; do echo "echo:$line"; done']);
    const first = new PtyRun(['attach', id], box.env, { cols: 90, rows: 20 });
    await first.waitForRaw('attached to session');
    first.write('before-kill\r');
    await first.waitForScreen('echo:before-kill');
    first.proc.kill('SIGKILL');
    await first.exit;
    await until(async () => (await session(id)).clients === 0);
    expect((await session(id)).status).toBe('running');
    expect((await session(id)).title).toBe('my-title');

    const second = new PtyRun(['attach', id], box.env, { cols: 90, rows: 20 });
    const screen = await second.waitForScreen('echo:before-kill');
    expect(screen).toContain('before-kill');
    // The title is part of the replay though the serializer drops it.
    expect(second.raw).toContain('\x1b]2;my-title\x07');
    second.write('after\r');
    await second.waitForScreen('echo:after');
    // Detach key: Ctrl-\ then d leaves the session running; attach exits 0.
    second.write('\x1cd');
    expect(await second.exit).toBe(0);
    expect(second.raw).toContain(`detached from session ${id}`);
    expect((await session(id)).status).toBe('running');
    await ringlet(['sessions', 'kill', id], box.env);
  });

  it("the session's exit status becomes attach's exit status", async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'read code; exit $code']);
    const a = new PtyRun(['attach', id], box.env);
    await a.waitForRaw('attached to session');
    a.write('7\r');
    expect(await a.exit).toBe(7);
    expect(a.raw).toContain(`session ${id} ended with status 7`);
    const s = await session(id);
    expect(s).toMatchObject({ status: 'exited', exitCode: 7, signal: null });
    expect(Date.parse(s.endedAt)).toBeGreaterThan(Date.parse(s.startedAt));

    // An ended session stays listed; attaching to it is a clear error.
    const again = await ringlet(['attach', id], box.env);
    expect(again.code).toBe(3);
    expect(again.stderr.trim()).toBe(`ringlet: session ${id} has ended (exit status 7)`);
    const ws = await request(box.port, 'GET', `/api/sessions`, { token: box.token() });
    expect(ws.body.find((x: { id: string }) => x.id === id).status).toBe('exited');
    // Removing it takes it off the list.
    const rm = await ringlet(['sessions', 'kill', id], box.env);
    expect(rm.stdout).toContain(`removed session ${id}`);
    expect((await request(box.port, 'GET', `/api/sessions/${id}`, { token: box.token() })).status).toBe(404);
  });

  it('kill ends a running session with SIGHUP to its process group', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'exec sleep 60']);
    const pid = (await session(id)).pid;
    const r = await ringlet(['sessions', 'kill', id.slice(0, 4)], box.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`ended session ${id} (status 129`);
    expect((await session(id))).toMatchObject({ status: 'exited', exitCode: 129 });
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('unknown sessions are a 404 with {error} and one CLI line', async () => {
    const a = await request(box.port, 'GET', '/api/sessions/deadbeef', { token: box.token() });
    expect(a.status).toBe(404);
    expect(a.body).toEqual({ error: 'no session deadbeef' });
    expect((await request(box.port, 'DELETE', '/api/sessions/deadbeef', { token: box.token() })).status).toBe(404);
    for (const args of [['attach', 'deadbeef'], ['sessions', 'kill', 'deadbeef']]) {
      const r = await ringlet(args, box.env);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe('ringlet: no session deadbeef\n');
    }
  });

  it('a profile that cannot start fails the POST with the reason profiles run gives', async () => {
    await ringlet(['keychain', 'set', 'custom', 'gone'], box.env, { input: 'sk-test-gone-0123456789' });
    expect((await ringlet(['profiles', 'create', 'claude', 'nokey', '--provider', 'custom', '--custom-endpoint', 'http://127.0.0.1:9', '--key-alias', 'gone'], box.env)).code).toBe(0);
    await ringlet(['keychain', 'remove', 'custom', 'gone'], box.env);
    const direct = await ringlet(['profiles', 'run', 'nokey', '--', 'true'], box.env);
    expect(direct.code).not.toBe(0);
    const api = await request(box.port, 'POST', '/api/sessions', { token: box.token(), body: { profile: 'nokey', args: ['true'] } });
    expect(api.status).toBe(422);
    expect(`ringlet: ${api.body.error}\n`).toBe(direct.stderr);
    const viaCli = await ringlet(['profiles', 'run', 'nokey', '--detach', '--', 'true'], box.env);
    expect(viaCli.stderr).toBe(direct.stderr);
    expect(viaCli.code).toBe(direct.code);
    // A missing command, and a missing profile, likewise.
    const nocmd = await request(box.port, 'POST', '/api/sessions', { token: box.token(), body: { profile: 'p', args: ['no-such-command-xyz'] } });
    expect(nocmd.status).toBe(422);
    expect(nocmd.body.error).toBe((await ringlet(['profiles', 'run', 'p', '--', 'no-such-command-xyz'], box.env)).stderr.replace(/^ringlet: |\n$/g, ''));
    const noprof = await request(box.port, 'POST', '/api/sessions', { token: box.token(), body: { profile: 'nope' } });
    expect(noprof.status).toBe(422);
    expect(noprof.body.error).toContain('nope');
    // Malformed bodies are 400s.
    for (const body of [{ profile: 'p', args: 'x' }, { profile: 'p', extra: 1 }, { profile: '../x' }, [], { profile: 'p', cwd: 'relative' }]) {
      expect((await request(box.port, 'POST', '/api/sessions', { token: box.token(), body })).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('closes a connection on a malformed or oversized frame and keeps serving the others', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'while read line; do echo "got:$line"; done']);
    const good = await WsClient.open(box.port, id, box.token());
    const bad = await WsClient.open(box.port, id, box.token());
    bad.ws.send('this is not json');
    expect((await bad.closed).code).toBe(1008);
    const bad2 = await WsClient.open(box.port, id, box.token());
    bad2.ws.send(JSON.stringify({ type: 'launch-missiles' }));
    expect((await bad2.closed).code).toBe(1008);
    const big = await WsClient.open(box.port, id, box.token());
    big.ws.send(Buffer.alloc(2 * 1024 * 1024, 0x61), { binary: true });
    expect((await big.closed).code).toBe(1009);
    good.send('still-here\r');
    await good.waitFor('got:still-here');
    good.ws.close();
    await ringlet(['sessions', 'kill', id], box.env);
  });

  it('takes the smallest client size, and clamps absurd sizes', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'while read x; do stty size; done']);
    const a = await WsClient.open(box.port, id, box.token(), '?cols=120&rows=40');
    await until(async () => (await session(id)).cols === 120);
    const b = await WsClient.open(box.port, id, box.token(), '?cols=100&rows=50');
    await until(async () => (await session(id)).cols === 100);
    expect(await session(id)).toMatchObject({ cols: 100, rows: 40 });
    a.send('\r');
    await a.waitFor(/40 100/);
    b.ws.send(JSON.stringify({ type: 'resize', cols: 1e9, rows: -5 }));
    await until(async () => (await session(id)).rows === 1);
    expect(await session(id)).toMatchObject({ cols: 120, rows: 1 });
    b.ws.close();
    await until(async () => (await session(id)).rows === 40);
    a.ws.close();
    await ringlet(['sessions', 'kill', id], box.env);
  });

  it('a slow client is dropped and resynced; it never stalls the session or the other clients', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'read go; head -c 24000000 /dev/zero | tr "\\000" x; echo; echo FLOOD-DONE; exec sleep 60']);
    const fast = await WsClient.open(box.port, id, box.token());
    const slow = await WsClient.open(box.port, id, box.token());
    await until(() => slow.output.length > 0);
    // Stop reading: the daemon's socket to this client backs up.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    fast.send('\r');
    await fast.waitFor('FLOOD-DONE', 60_000);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => slow.messages.some((m) => m.type === 'resync'), 30_000, () => 'no resync message');
    await slow.waitFor('FLOOD-DONE', 30_000);
    // The slow client got less than everything (its backlog was dropped) but ends on the same screen.
    expect(slow.output.length).toBeLessThan(fast.output.length);
    fast.ws.close();
    slow.ws.close();
    await ringlet(['sessions', 'kill', id], box.env);
  }, 120_000);

  it('busy sessions that print a lot and exit lose none of their last output', async () => {
    // Linux drops what a PTY still buffers once its slave side is closed; the daemon must read it all first.
    const cmd = 'read go; head -c 600000 /dev/urandom | base64 -w 100; echo; echo LAST-LINE-$((6*7))';
    const ids = await Promise.all(Array.from({ length: 6 }, () => detach(box.env, 'p', ['sh', '-c', cmd])));
    const clients = await Promise.all(ids.map((id) => WsClient.open(box.port, id, box.token())));
    await Promise.all(clients.map((c) => until(() => c.messages.length > 0)));
    for (const c of clients) c.send('\r');
    await Promise.all(clients.map((c) => c.closed));
    for (const c of clients) {
      expect(c.messages.at(-1)).toEqual({ type: 'exit', exitCode: 0, signal: null });
      expect(c.output.endsWith('LAST-LINE-42\r\n')).toBe(true);
      // Every base64 line arrived whole: 600000 bytes -> 800000 characters in lines of 100.
      expect(c.output.split('\r\n').filter((l) => /^[A-Za-z0-9+/=]{100}$/.test(l)).length).toBe(8000);
    }
  }, 60_000);

  it('after a daemon crash, its sessions are shown as lost, never as running', async () => {
    const id = await detach(box.env, 'p', ['sh', '-c', 'exec sleep 60']);
    const pid = (await request(box.port, 'GET', '/healthz')).body.pid;
    process.kill(pid, 'SIGKILL');
    await until(async () => (await request(box.port, 'GET', '/healthz').catch(() => ({ status: 0 }))).status === 0);
    const offline = JSON.parse((await ringlet(['sessions', '--json'], box.env)).stdout);
    expect(offline.find((s: { id: string }) => s.id === id)).toMatchObject({ status: 'lost', pid: null });
    // A new daemon says the same.
    expect((await ringlet(['daemon', 'start'], box.env)).code).toBe(0);
    const online = JSON.parse((await ringlet(['sessions', '--json'], box.env)).stdout);
    expect(online.find((s: { id: string }) => s.id === id)).toMatchObject({ status: 'lost' });
    const attach = await ringlet(['attach', id], box.env);
    expect(attach.stderr).toContain('was lost');
  });
});
