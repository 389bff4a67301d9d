/**
 * Talks to the daemon. Requests carry the session cookie (same origin); the bearer token never reaches the
 * page. Connection state is global: a failed request puts the app in "reconnecting" until /healthz answers
 * again, a 401 puts it in "signed out".
 */

export type Connection = 'ok' | 'reconnecting' | 'signed-out';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown> = {}) {
    super(message);
  }
}

type Listener = () => void;
let connection: Connection = 'ok';
const listeners = new Set<Listener>();
/** Bumped each time the daemon comes back, so views refetch. */
let epoch = 0;
let probing = false;

export const getConnection = () => connection;
export const getEpoch = () => epoch;

export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function setConnection(c: Connection): void {
  if (c === connection) return;
  const wasDown = connection === 'reconnecting';
  connection = c;
  if (c === 'ok' && wasDown) epoch++;
  for (const fn of listeners) fn();
  if (c === 'reconnecting') void probe();
}

/** Polls /healthz (no auth) until the daemon answers, then lets every view reload. */
async function probe(): Promise<void> {
  if (probing) return;
  probing = true;
  let delay = 500;
  try {
    while (connection === 'reconnecting') {
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 1.6, 4000);
      try {
        const r = await fetch('/healthz', { cache: 'no-store' });
        if (r.ok) {
          // Back: check the session is still valid (a restarted daemon may have forgotten it).
          const me = await fetch('/api/dashboard/me', { cache: 'no-store', credentials: 'same-origin' });
          setConnection(me.status === 401 ? 'signed-out' : 'ok');
        }
      } catch {
        /* still away */
      }
    }
  } finally {
    probing = false;
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    setConnection('reconnecting');
    throw new ApiError(0, 'the ringlet daemon is not answering');
  }
  if (res.status === 401) {
    setConnection('signed-out');
    throw new ApiError(401, 'signed out');
  }
  setConnection('ok');
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const b = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    throw new ApiError(res.status, typeof b.error === 'string' ? b.error : `${res.status} ${res.statusText}`, b);
  }
  return data as T;
}

export const get = <T,>(path: string) => api<T>('GET', path);

/** `/api/usage?…` from a filter object, skipping empty values. */
export function qs(params: Record<string, string | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
