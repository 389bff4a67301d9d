import type { HookOutcome, HookPayload } from './types.js';

/**
 * Where hook decisions meet the audit log (src/audit). Both are best-effort: an audit failure never
 * changes a decision or breaks a hook. Inside a sandbox, audit.db is hidden and `recordAudit` sends the
 * event to the launcher over RINGLET_AUDIT_SOCKET instead.
 */

const clip = (v: unknown) => {
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
};

/** A gating hook denied a tool: `hook-deny`. */
export async function recordHookDenial(payload: HookPayload, outcome: HookOutcome, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    const { recordAudit } = await import('../audit/report.js');
    // The tool input goes in as text: its keys are the agent's, and the audit store refuses some key names.
    await recordAudit('hook-deny', {
      hook: outcome.id, scope: outcome.scope ?? '*', handler: outcome.kind, agent: payload.agent, tool: payload.tool,
      input: clip(payload.input), reason: outcome.reason, source: payload.source,
    }, { profile: payload.profile ?? undefined, env });
  } catch {
    /* best-effort */
  }
}

/** After a tool ran in a sandboxed run: what the sandbox refused, as `sandbox-deny` (see docs/sandbox.md). */
export async function recordToolResult(payload: HookPayload, env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.RINGLET_SANDBOX_POLICY || !payload.raw || typeof payload.raw !== 'object') return;
  try {
    const { recordSandboxDenials } = await import('../audit/report.js');
    await recordSandboxDenials(payload.raw as Record<string, unknown>, { env, profile: payload.profile ?? undefined });
  } catch {
    /* best-effort */
  }
}
