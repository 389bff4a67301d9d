import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_RUN_DIR, type Bridge } from './bwrap.js';
import { startConnectProxy, type ConnectProxy, type ProxyDecision } from './connect-proxy.js';
import type { SandboxPolicy } from './policy.js';

/** Events a process inside the sandbox may report to the launcher's audit log (everything else is refused). */
export const SANDBOX_REPORTABLE = ['sandbox-deny', 'hook-deny'] as const;
export type SandboxReport = { type: (typeof SANDBOX_REPORTABLE)[number]; data: Record<string, unknown> };

export interface SandboxNetwork {
  /** Host directory with the run's Unix sockets, bound read-only at SANDBOX_RUN_DIR inside. */
  runDir: string;
  /** Loopback ports inside the sandbox and the sockets they forward to (empty when the network is shared). */
  bridges: Bridge[];
  /** Variables for the sandboxed process: proxy settings, the audit socket. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const PROXY_PORT = 3128;
const MAX_REPORT = 64 * 1024;

function listenUnix(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
}

/**
 * The launcher's side of a sandboxed run's plumbing, all in-process (no extra processes outside):
 *  - `audit.sock`: JSON lines `{type, data}` from hooks inside the sandbox (which cannot open audit.db), acked
 *    with `ok`; the profile is the launcher's, not whatever the sandbox claims.
 *  - with `network = off` or an allow-list: `meter.sock` forwarded to the meter on 127.0.0.1:meterPort, bridged
 *    inside to the same port so the agent's base URL needs no change;
 *  - with an allow-list: `proxy.sock`, the CONNECT proxy, bridged inside to 127.0.0.1:3128 (HTTPS_PROXY).
 */
export async function startSandboxNetwork(
  policy: SandboxPolicy,
  opts: {
    meterPort?: number;
    onReport?: (r: SandboxReport) => void;
    onProxyDecision?: (d: ProxyDecision) => void;
    tmp?: string;
  } = {},
): Promise<SandboxNetwork> {
  const runDir = mkdtempSync(join(opts.tmp ?? tmpdir(), 'ringlet-sbx-'));
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let proxy: ConnectProxy | undefined;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const close = async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await proxy?.close();
    rmSync(runDir, { recursive: true, force: true });
  };

  try {
    const audit = createServer((c) => {
      track(c);
      let buf = '';
      c.setEncoding('utf8');
      c.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.length > MAX_REPORT) return c.destroy();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const r = JSON.parse(line) as SandboxReport;
            if (!SANDBOX_REPORTABLE.includes(r.type) || typeof r.data !== 'object' || r.data === null) throw new Error('refused');
            opts.onReport?.({ type: r.type, data: r.data });
            c.write('ok\n');
          } catch {
            c.write('refused\n');
          }
        }
      });
      c.on('error', () => c.destroy());
    });
    servers.push(audit);
    await listenUnix(audit, join(runDir, 'audit.sock'));

    const bridges: Bridge[] = [];
    const env: Record<string, string> = { RINGLET_AUDIT_SOCKET: `${SANDBOX_RUN_DIR}/audit.sock` };
    if (policy.network.mode !== 'on') {
      if (opts.meterPort) {
        const port = opts.meterPort;
        const meter = createServer((c) => {
          track(c);
          const up = connect(port, '127.0.0.1');
          track(up);
          c.pipe(up).pipe(c);
          c.on('error', () => up.destroy());
          up.on('error', () => c.destroy());
        });
        servers.push(meter);
        await listenUnix(meter, join(runDir, 'meter.sock'));
        bridges.push({ port, socket: 'meter.sock' });
      }
      if (policy.network.mode === 'allow') {
        proxy = await startConnectProxy({ allow: policy.network.hosts, listen: join(runDir, 'proxy.sock'), onDecision: opts.onProxyDecision });
        const port = opts.meterPort === PROXY_PORT ? PROXY_PORT + 1 : PROXY_PORT;
        bridges.push({ port, socket: 'proxy.sock' });
        const url = `http://127.0.0.1:${port}`;
        Object.assign(env, {
          HTTPS_PROXY: url, HTTP_PROXY: url, https_proxy: url, http_proxy: url,
          NO_PROXY: 'localhost,127.0.0.1,::1', no_proxy: 'localhost,127.0.0.1,::1',
          // Node 24+ fetch honours the variables above only with this set.
          NODE_USE_ENV_PROXY: '1',
        });
      }
    }
    return { runDir, bridges, env, close };
  } catch (err) {
    await close();
    throw err;
  }
}
