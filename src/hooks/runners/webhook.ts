import { VERSION } from '../../version.js';

export interface WebhookResult {
  ok: boolean;
  status?: number;
  attempts: number;
  error?: string;
}

export interface WebhookOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts in all (default 4). */
  attempts?: number;
  /** First retry delay; doubles each time (default 500 ms: 0.5 s, 1 s, 2 s). */
  backoffMs?: number;
}

/** Worth another try: the server or the network failed, or asked us to slow down. */
const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

/**
 * POST `body` (JSON) to `url`, retrying network errors and 5xx/429/408 with exponential backoff. Never
 * throws. Callers run it off the agent's path (a detached process), so the waits cost the agent nothing.
 */
export async function deliverWebhook(url: string, body: string, opts: WebhookOptions): Promise<WebhookResult> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  let delay = opts.backoffMs ?? 500;
  let last: WebhookResult = { ok: false, attempts: 0 };
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': `ringlet/${VERSION}` },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      last = { ok: res.ok, status: res.status, attempts: i, error: res.ok ? undefined : `HTTP ${res.status}` };
      if (res.ok || !retryable(res.status)) return last;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `timed out after ${opts.timeoutMs} ms` : e.cause?.code ?? e.cause?.message ?? e.message;
      last = { ok: false, attempts: i, error: why };
    }
    if (i < attempts) {
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
  return last;
}
