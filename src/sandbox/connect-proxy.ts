import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

/**
 * An HTTP proxy for sandboxes in allow-list mode: CONNECT tunnels (HTTPS) and absolute-URI requests (plain
 * HTTP) to the listed host names only. It runs in the launcher, outside the sandbox, and is reached through
 * a Unix socket bridged in as 127.0.0.1:PORT (HTTPS_PROXY). Host names are matched as the client sent them;
 * the proxy resolves them itself and will not connect a listed name to a loopback or link-local address
 * (DNS rebinding onto the daemon), unless the entry itself is `localhost` or an IP literal.
 */

export interface ProxyDecision {
  allowed: boolean;
  host: string;
  port: number;
  reason?: string;
}

/** `host` matches an entry `name`, `*.suffix` (sub-domains only) or either with `:port`; without a port, 80 and 443. */
export function hostAllowed(allow: string[], host: string, port: number): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return allow.some((entry) => {
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = m[1];
    const okPort = m[2] ? Number(m[2]) === port : port === 443 || port === 80;
    if (!okPort) return false;
    if (name.startsWith('*.')) return h.endsWith(name.slice(1)) && h.length > name.length - 1;
    return h === name;
  });
}

const LOCAL_V4 = /^(127\.|0\.|169\.254\.)/;
const isLocalAddress = (a: string) => LOCAL_V4.test(a) || a === '::1' || a === '::' || /^fe80:/i.test(a) || /^::ffff:(127\.|0\.|169\.254\.)/i.test(a);

function safeLookup(explicitLocal: boolean) {
  return (hostname: string, options: object, cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addrs) => {
      if (err) return cb(err, '');
      const list = (addrs as LookupAddress[]).filter((a) => explicitLocal || !isLocalAddress(a.address));
      if (!list.length) return cb(Object.assign(new Error(`${hostname} resolves to a local address`), { code: 'EACCES' }), '');
      if ((options as { all?: boolean }).all) cb(null, list);
      else cb(null, list[0].address, list[0].family);
    });
  };
}

const explicitlyLocal = (host: string) => host === 'localhost' || isIP(host.replace(/^\[|\]$/g, '')) !== 0;

export interface ConnectProxy {
  server: Server;
  close(): Promise<void>;
}

/** Start the proxy listening on `listen` (a Unix socket path, or a port on 127.0.0.1 for tests). */
export async function startConnectProxy(opts: {
  allow: string[];
  listen: string | number;
  onDecision?: (d: ProxyDecision) => void;
}): Promise<ConnectProxy> {
  const sockets = new Set<Socket>();
  const decide = (host: string, port: number): ProxyDecision => {
    const allowed = hostAllowed(opts.allow, host, port);
    const d: ProxyDecision = allowed ? { allowed, host, port } : { allowed, host, port, reason: 'not in the sandbox network allow-list' };
    opts.onDecision?.(d);
    return d;
  };

  const server = createServer((req, res) => {
    // Plain HTTP through the proxy: the request line carries an absolute URI.
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('ringlet sandbox proxy: absolute http:// URL expected\n');
      return;
    }
    const port = Number(url.port || 80);
    if (url.protocol !== 'http:' || !decide(url.hostname, port).allowed) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`ringlet sandbox: ${url.hostname}:${port} is not in the network allow-list\n`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const up = httpRequest(
      { host: url.hostname, port, method: req.method, path: url.pathname + url.search, headers, lookup: safeLookup(explicitlyLocal(url.hostname)) as never },
      (upRes: IncomingMessage) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`ringlet sandbox proxy: ${err.message}\n`);
    });
    req.pipe(up);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    if (!m) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const [host, port] = [m[1], Number(m[2])];
    if (!decide(host, port).allowed) {
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nringlet sandbox: ${host}:${port} is not in the network allow-list\n`);
      return;
    }
    const upstream = connect({ host, port, lookup: safeLookup(explicitlyLocal(host)) as never });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (err) => {
      if (client.writable) client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\nringlet sandbox proxy: ${err.message}\n`);
      client.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (typeof opts.listen === 'number') server.listen(opts.listen, '127.0.0.1', () => resolve());
    else server.listen(opts.listen, () => resolve());
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
