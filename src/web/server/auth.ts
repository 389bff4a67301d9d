import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../config/atomic.js';
import type { AuthMethod } from '../../daemon/guard.js';
import type { TokenFile } from '../../daemon/token.js';

/**
 * The dashboard's sign-in: `ringlet dashboard` (holding the bearer token) asks the daemon for a one-time
 * code, the browser brings the code to /login once, and gets an HttpOnly, SameSite=Strict cookie in
 * exchange. The token itself never reaches a browser.
 *
 * Browser sessions are keyed by the SHA-256 of the cookie value and remember a fingerprint of the bearer
 * token they were made under, so `daemon rotate-token` ends them all at once. They are kept in a 0600 file
 * (hashes only: the file cannot be turned back into a cookie), so a daemon that restarts, after an idle
 * exit or an upgrade, does not sign every open dashboard out.
 */

/** A login code is good for one use within this time. */
export const CODE_TTL_MS = 60_000;
/** How long a browser session lasts (the cookie's Max-Age). */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
const MAX_CODES = 32;
const MAX_SESSIONS = 200;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const random = () => randomBytes(32).toString('base64url');

interface BrowserSession {
  createdAt: number;
  expiresAt: number;
  lastSeen: number;
  tokenPrint: string;
}

/** Requests over TLS get Secure (and the __Host- prefix that requires it). */
export const isTls = (req: IncomingMessage) => Boolean((req.socket as TLSSocket).encrypted);

/**
 * Cookies ignore ports, so two daemons on one host (another RINGLET_HOME, a test) would overwrite each
 * other's cookie under one name: the name carries the port.
 */
export function cookieName(req: IncomingMessage): string {
  const port = req.socket.localPort ?? 0;
  return isTls(req) ? `__Host-ringlet-${port}` : `ringlet-${port}`;
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export class DashboardAuth {
  private codes = new Map<string, number>();
  private sessions = new Map<string, BrowserSession>();

  constructor(private token: TokenFile, private file?: string, private now: () => number = Date.now) {
    if (!file) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { sessions?: Record<string, BrowserSession> };
      for (const [k, v] of Object.entries(saved.sessions ?? {})) {
        if (/^[0-9a-f]{64}$/.test(k) && typeof v?.expiresAt === 'number' && typeof v.tokenPrint === 'string') this.sessions.set(k, v);
      }
    } catch {
      /* none yet, or unreadable: start empty */
    }
    this.prune();
  }

  private save(): void {
    if (!this.file) return;
    try {
      writeFileAtomic(this.file, JSON.stringify({ sessions: Object.fromEntries(this.sessions) }) + '\n', { mode: 0o600, forceMode: true });
    } catch {
      /* the sessions still work until the daemon stops */
    }
  }

  private tokenPrint(): string {
    return sha256(`ringlet-dashboard\0${this.token.current()}`);
  }

  /** A fresh single-use code; only a bearer-token holder may ask (the route checks). */
  issueCode(): { code: string; expiresAt: string } {
    this.prune();
    while (this.codes.size >= MAX_CODES) this.codes.delete(this.codes.keys().next().value!);
    const code = random();
    const expires = this.now() + CODE_TTL_MS;
    this.codes.set(sha256(code), expires);
    return { code, expiresAt: new Date(expires).toISOString() };
  }

  /** Consumes a code (whether or not it is still valid) and returns a cookie value, or undefined. */
  redeem(code: string): { value: string; maxAgeS: number } | undefined {
    const key = sha256(code);
    const expires = this.codes.get(key);
    this.codes.delete(key);
    if (expires === undefined || expires < this.now()) return undefined;
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      // Drop the least recently seen.
      const oldest = [...this.sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0];
      this.sessions.delete(oldest[0]);
    }
    const value = random();
    const t = this.now();
    this.sessions.set(sha256(value), { createdAt: t, lastSeen: t, expiresAt: t + SESSION_TTL_MS, tokenPrint: this.tokenPrint() });
    this.save();
    return { value, maxAgeS: Math.floor(SESSION_TTL_MS / 1000) };
  }

  /** The browser session a request's cookie names, if it is valid now. */
  session(req: IncomingMessage): { expiresAt: string } | 'absent' | 'invalid' {
    const value = readCookie(req, cookieName(req));
    if (!value) return 'absent';
    const key = sha256(value);
    const s = this.sessions.get(key);
    if (!s) return 'invalid';
    if (s.expiresAt < this.now() || s.tokenPrint !== this.tokenPrint()) {
      this.sessions.delete(key);
      this.save();
      return 'invalid';
    }
    s.lastSeen = this.now();
    return { expiresAt: new Date(s.expiresAt).toISOString() };
  }

  /** Ends the session of this request's cookie; `everywhere` ends every browser session. */
  logout(req: IncomingMessage, everywhere = false): number {
    let n = 0;
    if (everywhere) {
      n = this.sessions.size;
      this.sessions.clear();
    } else {
      const value = readCookie(req, cookieName(req));
      n = value && this.sessions.delete(sha256(value)) ? 1 : 0;
    }
    this.save();
    return n;
  }

  count(): number {
    this.prune();
    return this.sessions.size;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, exp] of this.codes) if (exp < t) this.codes.delete(k);
    let dropped = false;
    for (const [k, s] of this.sessions) if (s.expiresAt < t) dropped = this.sessions.delete(k);
    if (dropped) this.save();
  }

  /**
   * The cookie as a second way in, next to the bearer token. A browser attaches cookies by itself, even to
   * requests another page makes (ports do not separate sites), so beyond the daemon's Origin check on
   * state-changing requests and upgrades, a cookie only counts on requests the browser marks as coming
   * from this origin (Sec-Fetch-Site), or from the user typing the address.
   */
  authMethod(): AuthMethod {
    return {
      name: 'cookie',
      requiresOrigin: true,
      check: (req) => {
        const site = req.headers['sec-fetch-site'];
        const s = this.session(req);
        if (s === 'absent') return 'absent';
        if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'invalid';
        return s === 'invalid' ? 'invalid' : 'ok';
      },
    };
  }

  setCookieHeader(req: IncomingMessage, value: string, maxAgeS: number): string {
    return `${cookieName(req)}=${value}; Path=/; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${isTls(req) ? '; Secure' : ''}`;
  }

  clearCookieHeader(req: IncomingMessage): string {
    return `${cookieName(req)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${isTls(req) ? '; Secure' : ''}`;
  }
}
