import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { IncomingMessage } from 'node:http';
import { makeSandbox, type Sandbox } from '../support/env.js';
import { ensureToken, rotateToken, TokenFile } from '../../src/daemon/token.js';
import { CODE_TTL_MS, DashboardAuth, SESSION_TTL_MS } from '../../src/web/server/auth.js';

// The sign-in state on its own, with a real token file and a real sessions file; the clock is a variable.

let sb: Sandbox;
let now = Date.parse('2026-11-20T10:00:00Z');
const clock = () => now;
let file: string;

function req(headers: Record<string, string> = {}, port = 8765): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'localPort', { value: port });
  const m = new IncomingMessage(socket);
  m.headers = headers;
  return m;
}

function signIn(auth: DashboardAuth): string {
  const { code } = auth.issueCode();
  const c = auth.redeem(code);
  expect(c).toBeDefined();
  return c!.value;
}

beforeEach(() => {
  sb = makeSandbox();
  ensureToken(sb.env);
  file = join(sb.env.RINGLET_HOME!, 'dashboard-sessions.json');
});
afterEach(() => sb.cleanup());

describe('dashboard sign-in', () => {
  it('takes a login code once, and only within its minute', () => {
    const auth = new DashboardAuth(new TokenFile(sb.env), file, clock);
    const a = auth.issueCode();
    expect(a.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.redeem(a.code)).toBeDefined();
    expect(auth.redeem(a.code)).toBeUndefined();

    const b = auth.issueCode();
    now += CODE_TTL_MS + 1;
    expect(auth.redeem(b.code)).toBeUndefined();
    expect(auth.redeem('made-up-code')).toBeUndefined();
  });

  it('accepts its cookie, refuses others, and sets the cookie HttpOnly, SameSite=Strict, Path=/', () => {
    const auth = new DashboardAuth(new TokenFile(sb.env), file, clock);
    const value = signIn(auth);
    const method = auth.authMethod();
    expect(method.requiresOrigin).toBe(true);
    expect(method.check(req({ cookie: `ringlet-8765=${value}` }))).toBe('ok');
    expect(method.check(req({ cookie: `ringlet-8765=${value}`, 'sec-fetch-site': 'same-origin' }))).toBe('ok');
    // Ports share cookies: another daemon's cookie name is not ours.
    expect(method.check(req({ cookie: `ringlet-9999=${value}` }))).toBe('absent');
    expect(method.check(req({ cookie: 'ringlet-8765=forged' }))).toBe('invalid');
    expect(method.check(req())).toBe('absent');
    // Sent by the browser on a request another page made: not accepted.
    expect(method.check(req({ cookie: `ringlet-8765=${value}`, 'sec-fetch-site': 'same-site' }))).toBe('invalid');
    expect(method.check(req({ cookie: `ringlet-8765=${value}`, 'sec-fetch-site': 'cross-site' }))).toBe('invalid');

    const header = auth.setCookieHeader(req(), value, 60);
    expect(header).toBe(`ringlet-8765=${value}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict`);
  });

  it('ends sessions on logout, on expiry, and all of them when the token is rotated', () => {
    const auth = new DashboardAuth(new TokenFile(sb.env), file, clock);
    const [one, two, three] = [signIn(auth), signIn(auth), signIn(auth)];
    const ok = (v: string) => typeof auth.session(req({ cookie: `ringlet-8765=${v}` })) === 'object';
    expect(auth.logout(req({ cookie: `ringlet-8765=${one}` }))).toBe(1);
    expect(ok(one)).toBe(false);
    expect(ok(two) && ok(three)).toBe(true);

    rotateToken(sb.env);
    expect(ok(two)).toBe(false);
    expect(ok(three)).toBe(false);

    const four = signIn(auth);
    expect(ok(four)).toBe(true);
    now += SESSION_TTL_MS + 1;
    expect(ok(four)).toBe(false);
  });

  it('keeps sessions across a daemon restart, in a 0600 file that holds no cookie value', async () => {
    const first = new DashboardAuth(new TokenFile(sb.env), file, clock);
    const value = signIn(first);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).not.toContain(value);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = new DashboardAuth(new TokenFile(sb.env), file, clock);
    expect(typeof second.session(req({ cookie: `ringlet-8765=${value}` }))).toBe('object');
    second.logout(req(), true);
    const third = new DashboardAuth(new TokenFile(sb.env), file, clock);
    expect(third.session(req({ cookie: `ringlet-8765=${value}` }))).toBe('invalid');
  });
});
