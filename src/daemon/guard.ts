import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { isLoopbackHost, type ListenAddress } from './address.js';
import { tokensEqual, type TokenFile } from './token.js';

/**
 * Checks every request before routing: Host (DNS rebinding), Origin (cross-site requests and WebSocket
 * hijacking) and authentication. Auth methods are pluggable: the CLI's bearer token now, the dashboard's
 * session cookie later.
 */

export type AuthOutcome = 'ok' | 'absent' | 'invalid';

export interface AuthMethod {
  name: string;
  check(req: IncomingMessage): AuthOutcome;
  /**
   * Browsers attach cookies by themselves, so a cookie-authenticated state-changing request must also carry
   * a same-origin `Origin`; a bearer token cannot be attached by a foreign page, so it need not.
   */
  requiresOrigin?: boolean;
}

export function bearerAuth(token: TokenFile): AuthMethod {
  return {
    name: 'bearer',
    check(req) {
      const h = req.headers.authorization;
      if (!h) return 'absent';
      const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
      if (!m) return 'invalid';
      return tokensEqual(m[1], token.current()) ? 'ok' : 'invalid';
    },
  };
}

/** Host names a request may be addressed to: loopback, the listen host, configured names, and (when
 * listening on every interface) this machine's addresses and host name. */
export function allowedHosts(listen: ListenAddress, extra: string[] = []): (host: string) => boolean {
  const names = new Set<string>([listen.host, ...extra].map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')));
  if (listen.host === '0.0.0.0' || listen.host === '::' || listen.host === '') {
    for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) names.add(a.address.toLowerCase());
    const h = hostname().toLowerCase();
    names.add(h);
    names.add(h.split('.')[0]);
  }
  return (host) => {
    const h = host.toLowerCase().replace(/^\[|\]$/g, '');
    return isLoopbackHost(h) || names.has(h);
  };
}

/** Splits a Host header into name and port; undefined when malformed. */
export function splitHost(value: string | undefined): { name: string; port?: string } | undefined {
  if (!value) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return undefined;
  return { name: m[1], port: m[2] };
}

export interface GuardVerdict {
  ok: boolean;
  status?: number;
  error?: string;
  /** The auth method that accepted the request. */
  auth?: string;
}

export class Guard {
  constructor(
    private hostOk: (host: string) => boolean,
    private methods: AuthMethod[],
  ) {}

  addAuthMethod(m: AuthMethod): void {
    this.methods.push(m);
  }

  /** DNS rebinding: a foreign name that resolves to us is refused before anything else happens. */
  checkHost(req: IncomingMessage): GuardVerdict {
    const h = splitHost(req.headers.host);
    if (!h || !this.hostOk(h.name)) return { ok: false, status: 403, error: 'forbidden: unexpected Host header' };
    return { ok: true };
  }

  /**
   * A present Origin must be this very origin (same host and port as the Host header). Browsers send it on
   * every cross-site POST/DELETE and every WebSocket upgrade; CLI clients send none.
   */
  checkOrigin(req: IncomingMessage, required: boolean): GuardVerdict {
    const origin = req.headers.origin;
    if (origin === undefined) return required ? { ok: false, status: 403, error: 'forbidden: missing Origin' } : { ok: true };
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return { ok: false, status: 403, error: 'forbidden: cross-origin request' };
    }
    const host = splitHost(req.headers.host);
    const sameHost = host && u.host.toLowerCase() === req.headers.host!.trim().toLowerCase();
    if (!sameHost || !this.hostOk(u.hostname) || !/^https?:$/.test(u.protocol)) return { ok: false, status: 403, error: 'forbidden: cross-origin request' };
    return { ok: true };
  }

  authenticate(req: IncomingMessage): { outcome: AuthOutcome; method?: AuthMethod; error?: string } {
    let outcome: AuthOutcome = 'absent';
    for (const m of this.methods) {
      let r: AuthOutcome;
      try {
        r = m.check(req);
      } catch (err) {
        // A token file that is missing or too open refuses everyone, with a reason fit for the log.
        return { outcome: 'invalid', error: (err as Error).message };
      }
      if (r === 'ok') return { outcome: 'ok', method: m };
      if (r === 'invalid') outcome = 'invalid';
    }
    return { outcome };
  }
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
