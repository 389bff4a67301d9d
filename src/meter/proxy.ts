/**
 * The meter: a local HTTP proxy started for one run. The agent talks to it with a local token; it
 * forwards each request to the provider with the real key, streams the response back chunk by chunk
 * as it arrives, and reads usage from a copy of the bytes on the side.
 *
 * Encoding: the upstream request asks for `Accept-Encoding: identity`, so responses arrive as plain
 * bytes that pass to the client unchanged and parse directly (model responses are small or streamed,
 * and providers do not compress event streams anyway). If an upstream compresses regardless, the
 * client still gets its bytes untouched and the meter decodes a separate copy for parsing.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { createServer as createListener, type Socket } from 'node:net';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { TokenCounts } from '../ledger/types.js';
import { injectIncludeUsage, UsageChunkStripper } from './include-usage.js';
import { ChatStreamParser } from './parsers/openai-chat.js';
import { parserFor, streamKindOf, type UsageParser } from './parsers/index.js';

export interface MeteredUsage extends TokenCounts {
  model: string;
  messageId: string;
  /** ISO 8601 UTC time the response completed (or broke off). */
  ts: string;
  /** Request path, without the query. */
  path: string;
  /** Upstream HTTP status. */
  status: number;
}

export interface MeterOptions {
  /** Provider base URL, e.g. https://api.anthropic.com, https://api.openai.com/v1, http://127.0.0.1:PORT/v1. */
  upstream: string;
  /** What the agent presents (x-api-key, Authorization: Bearer, x-goog-api-key or x-ringlet-token); anything else gets 401. */
  localToken: string;
  /** Swapped in, in the header the agent used; undefined = the agent's auth headers pass through unchanged. */
  realKey?: string;
  /** Called as each response completes (or fails after usage was seen). Must not throw (errors go to onError). */
  onUsage(u: MeteredUsage): void;
  onError?(err: Error): void;
}

export interface Meter {
  /** http://127.0.0.1:<port> + the upstream's path: the base URL the agent should use. */
  baseUrl: string;
  port: number;
  /** Stops listening and cuts any response still in flight (usage seen so far is reported). */
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, never forwarded.
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);
const KEY_HEADERS = ['x-api-key', 'authorization', 'x-goog-api-key'] as const;
/** A header that only authenticates to the meter, for agents whose own auth must pass through. */
const TOKEN_HEADER = 'x-ringlet-token';

export async function startMeter(opts: MeterOptions): Promise<Meter> {
  const up = new URL(opts.upstream);
  if (up.protocol !== 'http:' && up.protocol !== 'https:') throw new Error(`meter: upstream must be an http(s) URL, got ${up.protocol}`);
  const basePath = up.pathname.replace(/\/+$/, '');
  const secure = up.protocol === 'https:';
  let agent: http.Agent | undefined;
  const token = Buffer.from(opts.localToken);
  /** Responses in progress: how to cut each one, and when its usage has been dealt with. */
  const inflight = new Map<() => void, Promise<void>>();

  const reportError = (err: Error): void => {
    try {
      opts.onError?.(err);
    } catch {
      // an error handler that throws must not take the proxy down
    }
  };

  /** Runs a step of one exchange; whatever it throws ends that exchange with a 502, never the run. */
  const guarded = (res: http.ServerResponse, step: () => void): void => {
    try {
      step();
    } catch (err) {
      reportError(new Error(`meter: ${(err as Error).message}`));
      fail(res, 502, 'ringlet meter could not forward the request');
    }
  };

  // A plain TCP listener hands each connection to an HTTP server made at the first one: in the launcher's
  // bundle node:http, node:https and node:zlib load on first use (~10 ms; see lazyBuiltins in build.mjs), so
  // a run that never calls its provider (`profiles run p -- true`, an agent that fails to start) skips them.
  let httpServer: http.Server | undefined;
  const makeHttpServer = (): http.Server => {
    const s = http.createServer((req, res) => guarded(res, () => handle(req, res)));
    // Long model responses and slow uploads are normal; the agent decides when to give up.
    s.requestTimeout = 0;
    s.on('clientError', (_err, socket) => socket.destroy());
    return s;
  };
  const sockets = new Set<Socket>();
  const server = createListener({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    (httpServer ??= makeHttpServer()).emit('connection', socket);
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const auth = authorise(req.headers, token);
    if (!auth) {
      req.resume();
      fail(res, 401, 'ringlet meter: missing or wrong local token');
      return;
    }
    const url = req.url ?? '/';
    if (!url.startsWith('/')) {
      req.resume();
      fail(res, 400, 'ringlet meter: not a proxy for absolute URLs');
      return;
    }
    const pathname = url.split('?', 1)[0]!;
    const headers = upstreamHeaders(req, auth, opts.realKey, up.host);
    const method = req.method ?? 'GET';

    // Chat streams need include_usage to be metered: buffer the (small, local) request body to add it.
    const mayInject = method === 'POST' && streamKindOf(pathname) === 'openai-chat' && !req.headers['content-encoding'];
    if (!mayInject) {
      forward(req, res, { method, url, pathname, headers });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => guarded(res, () => {
      const original = Buffer.concat(chunks);
      const injected = injectIncludeUsage(original);
      const body = injected ?? original;
      headers['content-length'] = String(body.length);
      forward(req, res, { method, url, pathname, headers, body, strip: injected !== undefined });
    }));
  }

  interface Outgoing {
    method: string;
    url: string;
    pathname: string;
    headers: http.OutgoingHttpHeaders;
    /** The request body when it was buffered; otherwise req is piped. */
    body?: Buffer;
    /** include_usage was added: remove the usage-only chunk from the client's stream. */
    strip?: boolean;
  }

  function forward(req: http.IncomingMessage, res: http.ServerResponse, o: Outgoing): void {
    if (res.destroyed) return;
    const lib = secure ? https : http;
    agent ??= new lib.Agent({ keepAlive: true });
    const upReq = lib.request({
      protocol: up.protocol, hostname: up.hostname.replace(/^\[(.*)\]$/, '$1'), port: up.port || undefined,
      method: o.method, path: o.url, headers: o.headers, agent,
    });
    upReq.setNoDelay(true);

    let parser: UsageParser | undefined;
    let status = 0;
    let reported = false;
    let finished = false;
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });

    const report = (): void => {
      if (reported || !parser) return;
      let u;
      try {
        u = parser.result();
      } catch (err) {
        reportError(new Error(`meter: usage parser failed on ${o.pathname}: ${(err as Error).message}`));
      }
      if (!u) return;
      reported = true;
      const usage: MeteredUsage = {
        ...u,
        model: u.model || 'unknown',
        messageId: u.messageId || `ringlet-${randomUUID()}`,
        ts: new Date().toISOString(),
        path: o.pathname,
        status,
      };
      try {
        opts.onUsage(usage);
      } catch (err) {
        reportError(new Error(`meter: recording usage failed: ${(err as Error).message}`));
      }
    };
    // A parser bug must never disturb the bytes: it just stops metering this response.
    const safely = (fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        reportError(new Error(`meter: usage parser failed on ${o.pathname}: ${(err as Error).message}`));
        parser = undefined;
      }
    };

    let responded = false;
    const abort = (): void => {
      if (finished) return;
      finished = true;
      upReq.destroy();
      if (!res.destroyed) res.destroy();
      if (!responded) settle(); // no response, nothing to meter; otherwise the response's close settles
    };
    inflight.set(abort, settled);
    void settled.then(() => inflight.delete(abort));

    // The client went away before its response was complete: stop the upstream request (and its spend).
    res.on('close', () => {
      if (!res.writableFinished) abort();
    });

    upReq.on('error', (err) => {
      if (finished) return;
      if (!res.headersSent) {
        reportError(new Error(`meter: upstream ${up.origin} failed: ${describe(err)}`));
        fail(res, 502, `ringlet meter: upstream ${up.origin} failed: ${describe(err)}`);
        finished = true;
        settle();
      } else {
        abort();
      }
    });

    upReq.on('response', (upRes) => {
      responded = true;
      try {
        relay(upRes);
      } catch (err) {
        // e.g. headers node refuses to re-send: cut both sides rather than take the run down
        reportError(new Error(`meter: could not relay the response for ${o.pathname}: ${(err as Error).message}`));
        upRes.destroy();
        abort();
        settle();
      }
    });

    const relay = (upRes: http.IncomingMessage): void => {
      status = upRes.statusCode ?? 502;
      const contentType = header(upRes.headers['content-type']);
      safely(() => {
        parser = parserFor(o.pathname, contentType, status);
      });
      const encoding = header(upRes.headers['content-encoding']).trim().toLowerCase();
      let stripper = o.strip && !encoding && parser instanceof ChatStreamParser ? new UsageChunkStripper(parser) : undefined;

      const out = responseHeaders(upRes.rawHeaders, stripper !== undefined);
      res.sendDate = false; // the upstream's headers, not ours
      res.writeHead(status, upRes.statusMessage, out);
      res.flushHeaders();

      // Parsing reads a decoded copy when the upstream compressed despite being asked not to.
      let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
      if (parser && encoding && encoding !== 'identity') {
        decoder = decompressorFor(encoding);
        if (!decoder) parser = undefined;
        else {
          decoder.on('data', (c: Buffer) => safely(() => {
            parser?.push(c);
            if (parser?.complete) report();
          }));
          decoder.on('error', () => {
            parser = undefined;
            decoder = undefined;
          });
        }
      }
      let parseFinished = false;
      const finishParse = (): void => {
        if (parseFinished) return;
        parseFinished = true;
        let done = false;
        const last = (): void => {
          if (done) return;
          done = true;
          safely(() => parser?.end());
          report();
          settle();
        };
        if (!decoder) return last();
        decoder.once('end', last);
        decoder.once('error', last);
        decoder.once('close', last);
        if (upRes.complete) decoder.end();
        else decoder.destroy(); // the body broke off: what was decoded so far is all there is
      };

      upRes.on('data', (chunk: Buffer) => {
        let ok = true;
        if (stripper) {
          let parts: Buffer[] = [chunk];
          try {
            parts = stripper.push(chunk);
          } catch (err) {
            // cannot happen short of a bug; then pass bytes through unmetered rather than lose them
            reportError(new Error(`meter: usage parser failed on ${o.pathname}: ${(err as Error).message}`));
            stripper = undefined;
            parser = undefined;
          }
          for (const p of parts) ok = res.write(p) && ok;
        } else {
          ok = res.write(chunk);
          if (decoder) decoder.write(chunk);
          else if (parser) safely(() => parser!.push(chunk));
        }
        if (parser?.complete) report();
        if (!ok) upRes.pause();
      });
      res.on('drain', () => upRes.resume());

      upRes.on('end', () => {
        if (finished) return finishParse();
        finished = true;
        if (stripper) {
          const s = stripper;
          let rest: Buffer[] = [];
          safely(() => {
            rest = s.end();
          });
          for (const p of rest) res.write(p);
        }
        res.end();
        finishParse();
      });
      // The upstream broke off mid-body: cut the client's response too, so it sees the break.
      upRes.on('error', () => undefined);
      upRes.on('close', () => {
        if (!upRes.complete && !finished) abort();
        finishParse();
      });
    };

    if (o.body) upReq.end(o.body);
    else {
      req.pipe(upReq);
      req.on('error', () => abort());
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => reportError(new Error(`meter: ${err.message}`)));
  const port = (server.address() as { port: number }).port;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    port,
    close() {
      closing ??= (async () => {
        const pending = [...inflight.values()];
        for (const abort of [...inflight.keys()]) abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        // Usage of cut responses is reported before close resolves (bounded, should a socket linger).
        await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 2000).unref())]);
        agent?.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

/** Which headers carry the local token; undefined when none does. */
function authorise(h: http.IncomingHttpHeaders, token: Buffer): string[] | undefined {
  const found: string[] = [];
  for (const name of [...KEY_HEADERS, TOKEN_HEADER]) {
    const v = h[name];
    if (typeof v !== 'string') continue;
    const presented = name === 'authorization' ? /^bearer\s+(.*)$/i.exec(v.trim())?.[1] : v.trim();
    if (presented !== undefined && same(Buffer.from(presented), token)) found.push(name);
  }
  return found.length > 0 ? found : undefined;
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function upstreamHeaders(req: http.IncomingMessage, auth: string[], realKey: string | undefined, host: string): http.OutgoingHttpHeaders {
  const drop = connectionListed(req.headers.connection);
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.has(name)) continue;
    // host is the upstream's; the meter answered Expect itself; the meter's own token goes no further.
    if (name === 'host' || name === 'expect' || name === TOKEN_HEADER || name === 'accept-encoding') continue;
    out[name] = value;
  }
  out.host = host;
  out['accept-encoding'] = 'identity';
  if (realKey !== undefined) {
    for (const name of auth) {
      if (name === TOKEN_HEADER) continue;
      out[name] = name === 'authorization' ? `Bearer ${realKey}` : realKey;
    }
  }
  return out;
}

/** Upstream response headers minus hop-by-hop ones, as a flat [name, value, …] list (keeps case and repeats). */
function responseHeaders(raw: string[], bodyChanges: boolean): string[] {
  let drop = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'connection') drop = connectionListed(raw[i + 1]);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || drop.has(name)) continue;
    if (bodyChanges && name === 'content-length') continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function connectionListed(v: string | string[] | undefined): Set<string> {
  const s = new Set<string>();
  for (const part of (Array.isArray(v) ? v.join(',') : v ?? '').split(',')) {
    const t = part.trim().toLowerCase();
    if (t) s.add(t);
  }
  return s;
}

function decompressorFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip(flush);
  if (encoding === 'deflate') return zlib.createInflate(flush);
  if (encoding === 'br') return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return undefined;
}

function header(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join(', ') : v ?? '';
}

/** An error as one line naming its cause; never headers, so never a key. */
function describe(err: Error & { code?: string }): string {
  return err.code ?? err.message;
}

function fail(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'error', error: { type: status === 401 ? 'authentication_error' : 'api_error', message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
