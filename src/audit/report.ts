import { connect } from 'node:net';
import type { AuditType } from './store.js';

/**
 * Record an audit event from wherever the caller runs. Inside a sandbox (RINGLET_AUDIT_SOCKET set) audit.db
 * is hidden, so the event goes to the launcher over the run's Unix socket and the launcher appends it under
 * its own profile name; only `sandbox-deny` and `hook-deny` are accepted that way. Outside, it is appended
 * directly. Resolves to whether the event was recorded; never throws (an audit failure must not break a hook).
 */
export async function recordAudit(type: AuditType, data: Record<string, unknown>, opts: { profile?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<boolean> {
  const env = opts.env ?? process.env;
  const socket = env.RINGLET_AUDIT_SOCKET;
  if (socket) return sendToLauncher(socket, type, data, opts.timeoutMs ?? 2000);
  try {
    const { appendAudit } = await import('./store.js');
    appendAudit(type, data, { profile: opts.profile ?? env.RINGLET_PROFILE ?? null, env });
    return true;
  } catch {
    return false;
  }
}

function sendToLauncher(path: string, type: string, data: Record<string, unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      c.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    c.on('connect', () => c.write(JSON.stringify({ type, data }) + '\n'));
    c.setEncoding('utf8');
    c.on('data', (d: string) => {
      reply += d;
      if (reply.includes('\n')) done(reply.startsWith('ok'));
    });
    c.on('error', () => done(false));
    c.on('close', () => done(reply.startsWith('ok')));
  });
}

/**
 * For the post-tool hook (PostToolUse / PostToolUseFailure): classify the payload against the sandbox policy
 * of this run (RINGLET_SANDBOX_POLICY, set only inside a sandbox) and record each denial as `sandbox-deny`.
 * Outside a sandbox it does nothing. Resolves to the denials found.
 */
export async function recordSandboxDenials(payload: Record<string, unknown>, opts: { env?: NodeJS.ProcessEnv; profile?: string } = {}) {
  const env = opts.env ?? process.env;
  const [{ classifyHookPayload }, { policyFromEnv }] = await Promise.all([import('../sandbox/denial.js'), import('../sandbox/policy.js')]);
  const denials = classifyHookPayload(payload, policyFromEnv(env));
  for (const d of denials) await recordAudit('sandbox-deny', { ...d }, { ...opts, env });
  return denials;
}
