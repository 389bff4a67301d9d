import type { HookOutcome, HookPayload } from './types.js';

/**
 * Where hook decisions meet the audit log (src/audit, another area). Kept in one place so wiring it up
 * is one edit here.
 *
 * PENDING: src/audit/store.ts (`appendAudit`) and src/sandbox's `classifySandboxDenial` do not exist yet.
 * When they land:
 *  - recordHookDenial: `appendAudit({ type: 'hook-deny', profile, agent, tool, input, hook, reason })`;
 *  - recordToolResult: `const d = classifySandboxDenial(payload.result)`; when it says the sandbox refused
 *    something, `appendAudit({ type: 'sandbox-deny', … })`.
 * Both must stay best-effort (never throw, never delay the agent noticeably).
 */
export function recordHookDenial(_payload: HookPayload, _outcome: HookOutcome, _env: NodeJS.ProcessEnv): void {
  // PENDING: appendAudit (src/audit/store.ts) — type 'hook-deny'.
}

export function recordToolResult(_payload: HookPayload, _env: NodeJS.ProcessEnv): void {
  // PENDING: classifySandboxDenial (src/sandbox) + appendAudit — type 'sandbox-deny'.
}
