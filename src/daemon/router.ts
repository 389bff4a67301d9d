import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The daemon's routes, as one table: the server dispatches through it and the tests enumerate it, so a
 * route cannot be added without going through the same Host/Origin/auth checks.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** `WS` routes are WebSocket upgrades (a GET with `Upgrade: websocket`). */
export type Method = HttpMethod | 'WS';

export interface Caller {
  /** Which auth method accepted the request ('bearer', later 'cookie'), or undefined on public routes. */
  auth?: string;
  /** Remote address, for logs. */
  remote: string;
}

export interface HttpContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Parsed JSON body of POST/PUT/PATCH (undefined when empty). */
  body: unknown;
  caller: Caller;
}

export interface WsContext {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  url: URL;
  params: Record<string, string>;
  caller: Caller;
}

/** A handler's answer: a JSON value (status 200), a Reply, or undefined when it wrote `res` itself. */
export type HttpHandler = (ctx: HttpContext) => unknown | Promise<unknown>;
/** Must either upgrade the socket or reject it (throwing an HttpError rejects it with that status). */
export type WsHandler = (ctx: WsContext) => void | Promise<void>;

export interface Route {
  method: Method;
  /** `/api/sessions/:id/ws`: `:name` matches one path segment. */
  path: string;
  /** Public routes skip auth (only /healthz and, later, the dashboard's login page and assets). */
  public?: boolean;
  /** One line for docs/api.md and the route listing. */
  summary: string;
  http?: HttpHandler;
  ws?: WsHandler;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

/** A JSON answer with a status other than 200. */
export class Reply {
  constructor(readonly status: number, readonly body: unknown) {}
}

interface Compiled extends Route {
  re: RegExp;
  names: string[];
}

export class Router {
  private table: Compiled[] = [];

  add(route: Route): this {
    if (!route.http && !route.ws) throw new Error(`route ${route.method} ${route.path} has no handler`);
    if (this.table.some((r) => r.method === route.method && r.path === route.path)) throw new Error(`duplicate route ${route.method} ${route.path}`);
    const names: string[] = [];
    const re = new RegExp(
      '^' + route.path.split('/').map((seg) => (seg.startsWith(':') ? (names.push(seg.slice(1)), '([^/]+)') : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '$',
    );
    this.table.push({ ...route, re, names });
    return this;
  }

  /** Every route, in registration order (for tests and docs). */
  routes(): readonly Route[] {
    return this.table;
  }

  /** The route for a method and path; `methodMismatch` when the path exists under another method. */
  match(method: Method, pathname: string): { route: Route; params: Record<string, string> } | { methodMismatch: boolean } {
    let mismatch = false;
    for (const r of this.table) {
      const m = r.re.exec(pathname);
      if (!m) continue;
      if (r.method !== method) {
        mismatch = true;
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]);
        } catch {
          params[n] = m[i + 1];
        }
      });
      return { route: r, params };
    }
    return { methodMismatch: mismatch };
  }
}
