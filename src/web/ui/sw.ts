/**
 * The dashboard's service worker: caches the static shell (HTML, scripts, styles, icons) so the page opens
 * and says "reconnecting" while the daemon is away. It never touches /api, /login or /healthz: data is
 * always live, never served from a cache.
 */

// Typed loosely on purpose: the webworker lib clashes with the DOM lib the rest of src/ type-checks against.
interface ExtendableEvent extends Event { waitUntil(p: Promise<unknown>): void }
interface FetchEvent extends ExtendableEvent { request: Request; respondWith(r: Response | Promise<Response>): void }
interface SwScope {
  __SHELL: { version: string; files: string[] };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
}
const sw = self as unknown as SwScope;

const { version, files } = sw.__SHELL;
const CACHE = `ringlet-shell-${version}`;
const PAGES = new Set(['/', '/index.html', '/signed-out.html']);

sw.addEventListener('install', (e) => {
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(files.filter((f) => !PAGES.has(f)));
    // The app page needs a session cookie; without one it is simply not cached yet.
    const page = await fetch('/index.html', { cache: 'no-store' }).catch(() => undefined);
    if (page?.ok) await cache.put('/index.html', page);
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith('ringlet-shell-') && k !== CACHE) await caches.delete(k);
    await sw.clients.claim();
  })());
});

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/login' || url.pathname === '/healthz') return;
  if (req.mode === 'navigate') {
    // Network first: the daemon decides between the app and the sign-in page. Offline: the cached app,
    // which shows "reconnecting" until the daemon answers.
    e.respondWith(fetch(req).catch(async () => (await caches.match('/index.html')) ?? Response.error()));
    return;
  }
  if (files.includes(url.pathname)) {
    e.respondWith((async () => (await caches.match(url.pathname)) ?? fetch(req))());
  }
});
export {};
