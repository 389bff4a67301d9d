import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, ringlet, RINGLET, type Sandbox } from '../support/env.js';
import { daemonBox, freePort, plainProfile, PtyRun, request, until, type DaemonBox } from './helpers.js';

// A "dev box" daemon (its own HOME, config and token) used from a "laptop" sandbox through `ringlet remotes`.

let devbox: DaemonBox;
let laptop: Sandbox;

beforeAll(async () => {
  devbox = await daemonBox();
  await plainProfile(devbox.env, 'p');
  expect((await ringlet(['daemon', 'start'], devbox.env)).code).toBe(0);
  laptop = makeSandbox();
  laptop.env.RINGLET_DAEMON_ADDR = `127.0.0.1:${await freePort()}`;
});

afterAll(async () => {
  await devbox?.stop();
  laptop?.cleanup();
});

describe('remotes', () => {
  it('add keeps the URL in remotes.toml and the token in the keychain only', async () => {
    const r = await ringlet(['remotes', 'add', 'dev', '--url', devbox.url, '--token-stdin'], laptop.env, { input: devbox.token() + '\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(devbox.token());
    const toml = readFileSync(join(laptop.dir, 'config', 'ringlet', 'remotes.toml'), 'utf8');
    expect(toml).toContain(devbox.url);
    expect(toml).not.toContain(devbox.token());
    // The sandbox uses the file-backed keychain: the token is there, under remote/dev.
    expect(readFileSync(join(laptop.dir, 'config', 'ringlet', 'credentials.toml'), 'utf8')).toContain('remote/dev');
    const list = JSON.parse((await ringlet(['remotes', 'list', '--json'], laptop.env)).stdout);
    expect(list.map((x: { name: string }) => x.name)).toEqual(['local', 'dev']);
    expect(list[1].url).toBe(devbox.url);
    expect((await ringlet(['remotes', 'add', 'local', '--url', devbox.url, '--token-stdin'], laptop.env, { input: devbox.token() })).code).not.toBe(0);
    expect((await ringlet(['remotes', 'add', 'x', '--url', 'ftp://box', '--token-stdin'], laptop.env, { input: devbox.token() })).stderr).toContain('expected http:// or https://');
  });

  it("runs the dev box's profile there, lists it, and attaches to it", async () => {
    const r = await ringlet(['profiles', 'run', 'p', '--remote', 'dev', '--detach', '--', 'sh', '-c', 'while read l; do echo "remote:$l"; done'], laptop.env);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(r.stderr).toContain(`ringlet remotes attach dev ${id}`);
    const listed = JSON.parse((await ringlet(['remotes', 'sessions', 'dev', '--json'], laptop.env)).stdout);
    expect(listed.find((s: { id: string }) => s.id === id)).toMatchObject({ profile: 'p', status: 'running' });
    // It runs on the dev box: its cwd is the dev box daemon's choice, not the laptop's directory.
    expect(listed.find((s: { id: string }) => s.id === id).cwd).toBe(devbox.env.HOME);
    // The laptop's own daemon was never started.
    expect((await ringlet(['daemon', 'status'], laptop.env)).code).toBe(3);

    const a = new PtyRun(['remotes', 'attach', 'dev', id], laptop.env);
    await a.waitForRaw('attached to session');
    a.write('over-the-wire\r');
    await a.waitForScreen('remote:over-the-wire');
    a.write('\x1cd');
    expect(await a.exit).toBe(0);
    expect(a.raw).toContain(`ringlet remotes attach dev ${id}`);
    expect((await ringlet(['sessions', 'kill', id, '--remote', 'dev'], laptop.env)).code).toBe(0);
  });

  it('profiles run --remote attaches, and returns the remote exit status', async () => {
    const a = new PtyRun(['profiles', 'run', 'p', '--remote', 'dev', '--', 'sh', '-c', 'read code; exit $code'], laptop.env);
    await a.waitForRaw('attached to session');
    a.write('5\r');
    expect(await a.exit).toBe(5);
  });

  it('the built-in "local" remote is this machine\'s daemon', async () => {
    const r = await ringlet(['remotes', 'sessions', 'local', '--json'], devbox.env);
    expect(r.code, r.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    const ran = await ringlet(['profiles', 'run', 'p', '--remote', 'local', '--detach', '--', 'sh', '-c', 'exit 3'], devbox.env);
    expect(ran.code, ran.stderr).toBe(0);
    const id = ran.stdout.trim();
    await until(async () => (await request(devbox.port, 'GET', `/api/sessions/${id}`, { token: devbox.token() })).body.status === 'exited');
    expect((await request(devbox.port, 'GET', `/api/sessions/${id}`, { token: devbox.token() })).body.exitCode).toBe(3);
  });

  it('a wrong token is refused with a hint, and rm forgets the remote and its token', async () => {
    expect((await ringlet(['remotes', 'add', 'stale', '--url', devbox.url, '--token-stdin'], laptop.env, { input: 'a'.repeat(64) })).code).toBe(0);
    const r = await ringlet(['remotes', 'sessions', 'stale'], laptop.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('refused the token');
    expect(r.stderr).toContain('ringlet remotes add stale');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await ringlet(['remotes', 'rm', 'stale'], laptop.env)).code).toBe(0);
    expect(readFileSync(join(laptop.dir, 'config', 'ringlet', 'credentials.toml'), 'utf8')).not.toContain('remote/stale');
    expect((await ringlet(['remotes', 'sessions', 'stale'], laptop.env)).stderr).toContain('no remote stale');
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('a daemon beyond loopback', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it.skipIf(!hasOpenssl)('serves HTTPS/WSS with --tls-cert/--tls-key, reached through a remote with --ca', async () => {
    const box = makeSandbox();
    try {
      const cert = join(box.dir, 'cert.pem');
      const key = join(box.dir, 'key.pem');
      const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
      expect(gen.status, gen.stderr.toString()).toBe(0);
      const port = await freePort();
      child = spawn(process.execPath, [RINGLET, 'daemon', '--listen', `127.0.0.1:${port}`, '--tls-cert', cert, '--tls-key', key], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      await until(() => out.includes('listening on https://'), 15_000, () => out);
      const token = readFileSync(join(box.dir, 'config', 'ringlet', 'http_token'), 'utf8').trim();
      await plainProfile(box.env, 'p');
      const add = await ringlet(['remotes', 'add', 'tls', '--url', `https://127.0.0.1:${port}`, '--ca', cert, '--token-stdin'], laptop.env, { input: token });
      expect(add.code, add.stderr).toBe(0);
      const ran = await ringlet(['profiles', 'run', 'p', '--remote', 'tls', '--detach', '--', 'sh', '-c', 'while read l; do echo "tls:$l"; done'], laptop.env);
      expect(ran.code, ran.stderr).toBe(0);
      const a = new PtyRun(['remotes', 'attach', 'tls', ran.stdout.trim()], laptop.env);
      await a.waitForRaw('attached to session');
      a.write('secure\r');
      await a.waitForScreen('tls:secure');
      a.write('\x1cd');
      expect(await a.exit).toBe(0);
      // Without the CA the certificate is not trusted.
      await ringlet(['remotes', 'add', 'tls2', '--url', `https://127.0.0.1:${port}`, '--token-stdin'], laptop.env, { input: token });
      const untrusted = await ringlet(['remotes', 'sessions', 'tls2'], laptop.env);
      expect(untrusted.code).not.toBe(0);
      expect(untrusted.stderr).toMatch(/SELF_SIGNED|certificate/i);
    } finally {
      child?.kill('SIGTERM');
      await new Promise((r) => child?.once('exit', r));
      child = undefined;
      box.cleanup();
    }
  });

  it('warns that plain HTTP beyond loopback is unencrypted', async () => {
    const box = makeSandbox();
    const port = await freePort();
    try {
      child = spawn(process.execPath, [RINGLET, 'daemon', '--listen', `0.0.0.0:${port}`], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let out = '';
      child.stderr!.on('data', (d) => (err += d));
      child.stdout!.on('data', (d) => (out += d));
      await until(() => out.includes('listening on'), 15_000, () => out + err);
      expect(err).toContain('plain HTTP');
      expect(err).toContain('SSH tunnel');
      // Still refuses a foreign Host though it listens everywhere.
      expect((await request(port, 'GET', '/healthz', { headers: { host: 'attacker.example' } })).status).toBe(403);
      expect((await request(port, 'GET', '/healthz')).status).toBe(200);
    } finally {
      child?.kill('SIGTERM');
      await new Promise((r) => child?.once('exit', r));
      child = undefined;
      box.cleanup();
    }
  });
});
