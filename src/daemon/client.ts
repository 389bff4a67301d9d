import http from 'node:http';
import https from 'node:https';
import { UserError, EXIT } from '../errors.js';
import type { SessionSummary } from './session.js';
import type { CreateSession } from './sessions.js';

/** A daemon to talk to: the local one, or a remote's URL with its token from the keychain. */
export interface Endpoint {
  /** Remote name for messages ("local" for this machine's daemon). */
  name: string;
  /** http(s)://host:port, no path. */
  url: string;
  token: string;
  /** PEM of a CA (or the self-signed certificate) to trust for https. */
  ca?: string;
}

/** An error answer from a daemon: the status and its one-line `error`. */
export class ApiError extends UserError {
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown> = {}) {
    super(message, typeof body.exitCode === 'number' && body.exitCode > 0 ? body.exitCode : status === 404 ? EXIT.notFound : EXIT.failure);
  }
}

export class DaemonClient {
  constructor(readonly endpoint: Endpoint) {}

  /** JSON request with the bearer token; an error status becomes an ApiError carrying the daemon's message. */
  request<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    const u = new URL(path, this.endpoint.url);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const mod = u.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = mod.request(
        u,
        {
          method,
          timeout: timeoutMs,
          ca: this.endpoint.ca,
          headers: {
            authorization: `Bearer ${this.endpoint.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d) => chunks.push(d));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              return reject(new UserError(`${this.where()} answered ${res.statusCode} with something that is not JSON; is it a ringlet daemon?`));
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(json as T);
            const obj = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
            let msg = typeof obj.error === 'string' ? obj.error : `HTTP ${status}`;
            if (status === 401) msg = `${this.where()} refused the token (${msg}); ${this.endpoint.name === 'local' ? 'check ' + 'the token file' : `store the current one with: ringlet remotes add ${this.endpoint.name} --url ${this.endpoint.url} --token-stdin`}`;
            reject(new ApiError(status, msg, obj));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err: NodeJS.ErrnoException) => reject(new UserError(`cannot reach ${this.where()}: ${err.code ?? err.message}`, EXIT.unavailable)));
      req.end(payload);
    });
  }

  private where(): string {
    return this.endpoint.name === 'local' ? `the local daemon (${this.endpoint.url})` : `remote ${this.endpoint.name} (${this.endpoint.url})`;
  }

  sessions(): Promise<SessionSummary[]> {
    return this.request('GET', '/api/sessions');
  }

  create(req: CreateSession): Promise<SessionSummary> {
    return this.request('POST', '/api/sessions', req);
  }

  remove(id: string): Promise<{ removed: boolean; session: SessionSummary }> {
    return this.request('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
  }

  session(id: string): Promise<SessionSummary> {
    return this.request('GET', `/api/sessions/${encodeURIComponent(id)}`);
  }

  /**
   * Opens the terminal WebSocket (token in the Authorization header, never in the URL). `onMessage` is
   * attached before the upgrade completes: frames that arrive with the 101 response are not lost.
   */
  async connect(id: string, size: { cols: number; rows: number } | undefined, onMessage: (data: Buffer, isBinary: boolean) => void): Promise<import('ws').WebSocket> {
    const { WebSocket } = await import('ws');
    const u = new URL(`/api/sessions/${encodeURIComponent(id)}/ws`, this.endpoint.url);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    if (size) {
      u.searchParams.set('cols', String(size.cols));
      u.searchParams.set('rows', String(size.rows));
    }
    const ws = new WebSocket(u, { headers: { authorization: `Bearer ${this.endpoint.token}` }, ca: this.endpoint.ca, perMessageDeflate: false });
    ws.on('message', (data, isBinary) => onMessage(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer), isBinary));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          let msg = `HTTP ${res.statusCode}`;
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (typeof body.error === 'string') msg = body.error;
          } catch {
            /* keep the status */
          }
          reject(new ApiError(res.statusCode ?? 0, msg, res.statusCode === 404 ? {} : body));
        });
      });
      ws.once('error', (err: NodeJS.ErrnoException) => reject(new UserError(`cannot reach ${this.where()}: ${err.code ?? err.message}`, EXIT.unavailable)));
    });
  }
}
