import { isIP } from 'node:net';
import { UserError, EXIT } from '../errors.js';
import { loadConfig } from '../config/config.js';

export const DEFAULT_PORT = 8765;
export const DEFAULT_LISTEN = `127.0.0.1:${DEFAULT_PORT}`;

export interface ListenAddress { host: string; port: number }

/** `HOST:PORT`, `[v6]:PORT`, `HOST` (default port) or `:PORT` (loopback). */
export function parseListen(value: string, what = '--listen'): ListenAddress {
  const v = value.trim();
  let host: string;
  let port = String(DEFAULT_PORT);
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (v6) {
    host = v6[1];
    port = v6[2] ?? port;
  } else if (/^[^:]*:\d+$/.test(v)) {
    const i = v.lastIndexOf(':');
    host = v.slice(0, i) || '127.0.0.1';
    port = v.slice(i + 1);
  } else if (/^[^:]+$/.test(v) || isIP(v) === 6) {
    host = v;
  } else {
    throw new UserError(`${what}: expected HOST:PORT such as 127.0.0.1:${DEFAULT_PORT} (got ${JSON.stringify(value)})`, EXIT.usage);
  }
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${what}: port must be 1-65535 (got ${port})`, EXIT.usage);
  if (!host || /[\s/]/.test(host)) throw new UserError(`${what}: invalid host ${JSON.stringify(host)}`, EXIT.usage);
  return { host, port: n };
}

/**
 * Where the local daemon listens: `--listen`, then $RINGLET_DAEMON_ADDR (tests give each daemon its own
 * port this way), then `[daemon] listen` in config.toml, then 127.0.0.1:8765.
 */
export function daemonAddress(env: NodeJS.ProcessEnv = process.env, flag?: string): ListenAddress {
  if (flag) return parseListen(flag);
  if (env.RINGLET_DAEMON_ADDR) return parseListen(env.RINGLET_DAEMON_ADDR, 'RINGLET_DAEMON_ADDR');
  const cfg = loadConfig(env).daemon?.listen;
  if (cfg) return parseListen(cfg, '[daemon] listen');
  return { host: '127.0.0.1', port: DEFAULT_PORT };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The host a local client connects to: a wildcard listen address is reached over loopback. */
export function connectHost(a: ListenAddress): string {
  if (a.host === '0.0.0.0' || a.host === '') return '127.0.0.1';
  if (a.host === '::') return '::1';
  return a.host;
}

export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

export function baseUrl(a: ListenAddress, tls = false): string {
  return `${tls ? 'https' : 'http'}://${formatHostPort(connectHost(a), a.port)}`;
}
