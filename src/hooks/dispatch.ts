import { GATING_EVENTS, type HookPayload } from './types.js';
import { matching, rulesFor } from './store.js';
import { emit, logHookFailure, runGating, spoolOrLog } from './engine.js';
import { SPOOL_ENV } from './spool.js';
import { recordHookDenial, recordToolResult } from './audit-bridge.js';

/**
 * The other end of the hooks ringlet writes into the agents' own configs: `ringlet hooks dispatch
 * <agent> <Event>` with the agent's JSON on stdin (Codex's `notify` passes it as an argument). It maps
 * the agent's event to ringlet's, runs the matching rules and answers in the agent's contract: for a
 * denied tool, exit 2 with the reason on stderr (Claude Code, Codex and Droid all honour that; exit 1
 * does not block). Nothing goes to stdout: Claude Code adds a hook's stdout to the model's context for
 * some events.
 */

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** Translate one agent event into ringlet's payload; undefined for events ringlet does not use. */
export function toPayload(agent: string, agentEvent: string, raw: Record<string, unknown>, env: NodeJS.ProcessEnv): HookPayload | undefined {
  const base = {
    ts: new Date().toISOString(),
    profile: env.RINGLET_PROFILE || null,
    agent: env.RINGLET_AGENT || agent,
    provider: env.RINGLET_PROVIDER || undefined,
    cwd: str(raw.cwd) ?? process.cwd(),
    sessionId: str(raw.session_id) ?? str(raw['thread-id']),
    source: agentEvent === 'notify' ? str(raw.type) ?? agentEvent : agentEvent,
    raw,
  };
  switch (agentEvent) {
    case 'PreToolUse':
      return { event: 'pre-tool-use', ...base, tool: str(raw.tool_name), input: raw.tool_input };
    case 'PostToolUse':
      return { event: 'tool-use', ...base, tool: str(raw.tool_name), input: raw.tool_input, result: raw.tool_response ?? raw.tool_result ?? raw.tool_output };
    case 'PostToolUseFailure':
      // Claude Code reports a tool that failed (a command exiting non-zero, a refused write) here, not in PostToolUse.
      return { event: 'tool-use', ...base, tool: str(raw.tool_name), input: raw.tool_input, result: raw.error, failed: true };
    case 'Notification':
      return { event: 'notify', ...base, kind: 'notification', message: str(raw.message) };
    case 'Stop':
      return { event: 'notify', ...base, kind: 'turn-complete', message: str(raw.last_assistant_message) };
    case 'notify':
      // Codex: {"type": "agent-turn-complete", "thread-id", "turn-id", "cwd", "input-messages", "last-assistant-message"}
      if (raw.type !== undefined && raw.type !== 'agent-turn-complete') return { event: 'notify', ...base, kind: String(raw.type), message: str(raw.message) };
      return { event: 'notify', ...base, kind: 'turn-complete', message: str(raw['last-assistant-message']) };
    default:
      return undefined;
  }
}

export interface DispatchAnswer {
  exitCode: number;
  stderr: string;
}

/** Longest a gating dispatch may take: under Claude Code's default 60 s hook timeout, after which it lets the tool through. */
export const DISPATCH_BUDGET_MS = 50_000;

export async function dispatch(agent: string, agentEvent: string, input: string, env: NodeJS.ProcessEnv, deadline = Date.now() + DISPATCH_BUDGET_MS): Promise<DispatchAnswer> {
  const gatingEvent = agentEvent === 'PreToolUse';
  const deny = (reason: string): DispatchAnswer => ({ exitCode: 2, stderr: `${reason}\n` });
  let raw: Record<string, unknown>;
  try {
    const v = input.trim() ? JSON.parse(input) : {};
    raw = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    raw = {};
  }
  const payload = toPayload(agent, agentEvent, raw, env);
  if (!payload) return { exitCode: 0, stderr: '' };
  let rules;
  try {
    rules = matching(rulesFor(payload.profile, env), payload.event, payload.tool);
  } catch (err) {
    // A guard that cannot read its rules must not wave tools through.
    if (gatingEvent) return deny(`ringlet: hooks are misconfigured, so the tool is denied: ${(err as Error).message}`);
    logHookFailure(env, `${payload.event}: ${(err as Error).message}`);
    return { exitCode: 0, stderr: '' };
  }
  if (payload.event === 'tool-use') await recordToolResult(payload, env);
  if (!rules.length) return { exitCode: 0, stderr: '' };
  // In a sandboxed run the launcher, outside, runs what needs the world (see spool.ts).
  const spool = env[SPOOL_ENV] || undefined;
  if (!GATING_EVENTS.has(payload.event)) {
    if (!spool || !spoolOrLog(spool, { payload }, env)) emit(rules, payload, env);
    return { exitCode: 0, stderr: '' };
  }
  const gate = await runGating(rules, payload, { env, deadline, spool });
  if (gate.allowed) return { exitCode: 0, stderr: '' };
  const last = gate.outcomes.at(-1)!;
  const reason = gate.reason ?? 'denied';
  await recordHookDenial(payload, last, env);
  return deny(reason.includes(`hook ${last.id}`) ? `ringlet: ${reason}` : `${reason} (ringlet hook ${last.id})`);
}
