// Builds the dashboard into dist/web/: hashed, minified browser bundles (the terminal code split into its own
// chunk, loaded when a terminal opens), the HTML pages that name them, a service worker that precaches exactly
// those files, the web app manifest and its icons. Nothing is fetched from a CDN, at build or at run time.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deflateSync } from 'node:zlib';

const BRAND = '#4338ca';

/** @param {string} root the repository root; writes root/dist/web */
export async function buildWeb(root) {
  const out = join(root, 'dist', 'web');
  mkdirSync(out, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: 'src/web/ui/main.tsx' },
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.keys(result.metafile.outputs).map((f) => '/' + relative(out, join(root, f)).split('\\').join('/'));
  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === 'src/web/ui/main.tsx');
  const js = '/' + relative(out, join(root, entry[0]));
  const css = '/' + relative(out, join(root, entry[1].cssBundle));

  // The service worker lives at a fixed URL (its scope is /); its cache name changes with the shell's content.
  await build({
    absWorkingDir: root,
    entryPoints: { sw: 'src/web/ui/sw.ts' },
    outdir: out,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    logLevel: 'warning',
  });

  writeFileSync(join(out, 'icon.svg'), iconSvg());
  for (const size of [192, 512]) writeFileSync(join(out, `icon-${size}.png`), iconPng(size));
  writeFileSync(join(out, 'manifest.webmanifest'), JSON.stringify({
    name: 'ringlet dashboard',
    short_name: 'ringlet',
    description: 'Spend, profiles and live agent sessions',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: BRAND,
    icons: [
      { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
    ],
  }, null, 2));

  const head = (title) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="${BRAND}">
<title>${title}</title>
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="/icon-192.png">
<link rel="stylesheet" href="${css}">`;
  writeFileSync(join(out, 'index.html'), `${head('ringlet')}
<script type="module" src="${js}"></script>
</head>
<body>
<div id="app"><noscript>The ringlet dashboard needs JavaScript.</noscript></div>
</body>
</html>
`);
  // Served instead of the app to a browser without a valid session cookie: no data, just how to get in.
  writeFileSync(join(out, 'signed-out.html'), `${head('ringlet: sign in')}
</head>
<body class="signed-out">
<main class="signin" aria-labelledby="t">
<img src="/icon.svg" alt="" width="64" height="64">
<h1 id="t">Sign in to the ringlet dashboard</h1>
<p>This browser has no valid dashboard session (it expired, you signed out, or the daemon's token was rotated).</p>
<p>Open a new one from a terminal on this machine:</p>
<pre><code>ringlet dashboard</code></pre>
<p class="muted">It prints or opens a one-time sign-in link. The link works once, for a minute.</p>
</main>
</body>
</html>
`);

  const shell = ['/', '/index.html', '/signed-out.html', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png', ...files.filter((f) => !f.endsWith('.map'))];
  const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
  const sw = readFileSync(join(out, 'sw.js'), 'utf8');
  writeFileSync(join(out, 'sw.js'), `self.__SHELL=${JSON.stringify({ version, files: shell })};\n${sw}`);
  return { out, js, css, files: shell };
}

/** The mark: a ring (ringlet) on the brand colour. */
function iconSvg() {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${BRAND}"/><circle cx="32" cy="32" r="15" fill="none" stroke="#fff" stroke-width="8"/><circle cx="47" cy="17" r="5" fill="#fbbf24"/></svg>\n`;
}

/** Rasterises the same mark (4x4 supersampled) into a PNG, so no image tool is needed at build time. */
function iconPng(size) {
  const s = size / 64;
  const rgba = Buffer.alloc(size * size * 4);
  const brand = [0x43, 0x38, 0xca];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = (x + (sx + 0.5) / 4) / s;
          const py = (y + (sy + 0.5) / 4) / s;
          // Maskable icons need the safe zone filled: the full square, no transparent corners.
          let c = brand;
          const d = Math.hypot(px - 32, py - 32);
          if (Math.abs(d - 15) <= 4) c = [255, 255, 255];
          if (Math.hypot(px - 47, py - 17) <= 5) c = [0xfb, 0xbf, 0x24];
          acc = [acc[0] + c[0], acc[1] + c[1], acc[2] + c[2], acc[3] + 255];
        }
      }
      rgba.set(acc.map((v) => Math.round(v / 16)), (y * size + x) * 4);
    }
  }
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

let table;
function crc32(buf) {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
