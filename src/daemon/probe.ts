import http from 'node:http';
import https from 'node:https';
import type { ListenAddress } from './address.js';
import { connectHost, formatHostPort } from './address.js';

export type Probe =
  | { kind: 'ringlet'; version: string; pid: number }
  /** Something answered on the port that is not a ringlet daemon. */
  | { kind: 'stranger'; detail: string }
  /** Nothing listens there. */
  | { kind: 'none' };

/** GET /healthz (no auth): tells a ringlet daemon from a stranger on the port, or from nothing at all. */
export function probe(addr: ListenAddress, opts: { tls?: boolean; timeoutMs?: number } = {}): Promise<Probe> {
  const host = connectHost(addr);
  return new Promise((resolve) => {
    const mod = opts.tls ? https : http;
    const req = mod.request(
      { host, port: addr.port, path: '/healthz', method: 'GET', timeout: opts.timeoutMs ?? 2000, headers: { host: formatHostPort(host, addr.port) }, rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          if (body.length < 4096) body += d;
        });
        res.on('end', () => {
          try {
            const v = JSON.parse(body);
            if (res.statusCode === 200 && v?.service === 'ringlet' && typeof v.pid === 'number') return resolve({ kind: 'ringlet', version: String(v.version), pid: v.pid });
          } catch {
            /* not JSON: not us */
          }
          resolve({ kind: 'stranger', detail: `HTTP ${res.statusCode}` });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EADDRNOTAVAIL') resolve({ kind: 'none' });
      // A TLS daemon probed over plain HTTP (or the reverse) resets or hangs up: try the other once.
      else if (!opts.tls && (err.code === 'ECONNRESET' || err.message === 'socket hang up')) probe(addr, { ...opts, tls: true }).then((p) => resolve(p.kind === 'none' ? { kind: 'stranger', detail: err.message } : p));
      else resolve({ kind: 'stranger', detail: err.code ?? err.message });
    });
    req.end();
  });
}
