import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * The dashboard's built files (dist/web, made by src/web/build.mjs), served from memory with their
 * security headers. Hashed assets are cached for a year; the HTML, the service worker and the manifest are
 * revalidated on every load (ETag), so a new build is picked up at once.
 */

/** No inline scripts or styles, nothing from other origins; WebSockets to this origin only. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
};

interface File {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

/** Where the build put the files: next to the bundle (dist/web), or the repository's dist/web from src/. */
export function webDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.RINGLET_WEB_DIR,
    fileURLToPath(new URL('./web/', import.meta.url)),
    fileURLToPath(new URL('../../../dist/web/', import.meta.url)),
  ].filter((d): d is string => Boolean(d));
  return candidates.find((d) => existsSync(join(d, 'index.html')));
}

export class StaticFiles {
  private files = new Map<string, File>();

  constructor(readonly dir: string) {
    const walk = (sub: string) => {
      for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
        const rel = sub ? `${sub}/${e.name}` : e.name;
        if (e.isDirectory()) walk(rel);
        else if (e.isFile() && statSync(join(dir, rel)).size < 8 * 1024 * 1024) this.load(rel);
      }
    };
    walk('');
  }

  private load(rel: string): void {
    const body = readFileSync(join(this.dir, rel));
    const type = TYPES[extname(rel)] ?? 'application/octet-stream';
    const compressible = !type.startsWith('image/png');
    this.files.set(`/${rel}`, {
      body,
      gzip: compressible && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      immutable: rel.startsWith('assets/'),
    });
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Writes the file (or a 304); false when there is no such file. */
  serve(req: IncomingMessage, res: ServerResponse, path: string, opts: { status?: number; extraHeaders?: Record<string, string> } = {}): boolean {
    const f = this.files.get(path);
    if (!f) return false;
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'Content-Type': f.type,
      'Cache-Control': f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: f.etag,
      Vary: 'Accept-Encoding, Cookie',
      ...opts.extraHeaders,
    };
    const status = opts.status ?? 200;
    if (status === 200 && req.headers['if-none-match'] === f.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    const gz = f.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gz ? f.gzip! : f.body;
    if (gz) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
}
