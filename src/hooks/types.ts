/**
 * Hook rules and the events they answer. A rule is one TOML file; an event is one JSON object that every
 * handler sees (shell: on stdin and as RINGLET_* variables; script: as `ctx`; webhook: as the body).
 */

export const HOOK_EVENTS = ['start', 'pre-tool-use', 'tool-use', 'stop', 'notify', 'cost-threshold', 'daily-rollup'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Events whose hooks decide (allow / deny) and that the agent waits for. The others never delay it. */
export const GATING_EVENTS: ReadonlySet<HookEvent> = new Set<HookEvent>(['pre-tool-use']);

/** Events that come from the agent's own hook system (the rest come from the launcher, the meter, the clock). */
export const AGENT_EVENTS: ReadonlySet<HookEvent> = new Set<HookEvent>(['pre-tool-use', 'tool-use', 'notify']);

export type HandlerKind = 'shell' | 'webhook' | 'script';

/** Seconds a gating hook may take before it counts as a deny. */
export const DEFAULT_GATING_TIMEOUT_S = 2;
/** Seconds any other shell or script hook may run (webhooks: per attempt). */
export const DEFAULT_TIMEOUT_S = 10;

export interface HookRule {
  /** File name without `.toml`. */
  id: string;
  /** The profile whose hooks dir holds it; null for a global (`--all-profiles`) hook. */
  scope: string | null;
  /** The TOML file. */
  file: string;
  on: HookEvent;
  shell?: string;
  webhook?: string;
  /** JSON with `$RINGLET_*` placeholders in its string values. */
  webhookTemplate?: string;
  /** Absolute path of the script (stored relative to the hooks dir when it lives there). */
  script?: string;
  /** Tool names, `|`-separated, `*` globs, case-insensitive. */
  matcher?: string;
  /** Seconds. */
  timeout?: number;
  /** cost-threshold: the period whose spend is compared. */
  period?: 'day' | 'month';
  /** cost-threshold: USD, or a percentage of `of` when `of` is set. */
  limit?: number;
  /** cost-threshold: a budget in USD; `limit` is then a percentage of it. */
  of?: number;
}

export function handlerKind(rule: HookRule): HandlerKind {
  return rule.shell !== undefined ? 'shell' : rule.webhook !== undefined ? 'webhook' : 'script';
}

export function timeoutMs(rule: HookRule): number {
  return Math.round((rule.timeout ?? (GATING_EVENTS.has(rule.on) ? DEFAULT_GATING_TIMEOUT_S : DEFAULT_TIMEOUT_S)) * 1000);
}

/** The USD amount a cost-threshold rule fires at. */
export function thresholdUsd(rule: HookRule): number {
  const limit = rule.limit ?? 0;
  return rule.of !== undefined ? (rule.of * limit) / 100 : limit;
}

/**
 * One event, as every handler sees it. Field names are stable (documented in docs/hooks.md); fields that
 * do not apply are absent.
 */
export interface HookPayload {
  event: HookEvent;
  /** ISO time the event happened. */
  ts: string;
  profile: string | null;
  agent?: string;
  provider?: string;
  cwd?: string;
  sessionId?: string;
  /** The agent's own event name (`PreToolUse`, `agent-turn-complete`, …) when the agent delivered it. */
  source?: string;
  tool?: string;
  /** The tool's input as the agent gave it (Bash: `{command: "…"}`). */
  input?: unknown;
  /** The tool's result (tool-use only); for a failed tool, the agent's error text. */
  result?: unknown;
  /** tool-use: the tool failed (Claude Code's PostToolUseFailure). */
  failed?: boolean;
  /** notify: `turn-complete` or `notification`. */
  kind?: string;
  message?: string;
  /** stop: the run's exit status; null when the command could not start. */
  exitCode?: number | null;
  durationMs?: number;
  /** The command run in the profile (stop/start), argv[0]'s base name. */
  command?: string;
  /** stop: this run's metered spend; cost-threshold: the row that crossed. */
  costUsd?: number;
  /** stop: the profile's spend today; cost-threshold: the period's spend; daily-rollup: the day's spend. */
  totalUsd?: number;
  /** cost-threshold. */
  limitUsd?: number;
  period?: 'day' | 'month';
  /** cost-threshold: `2026-11-05` or `2026-11`; daily-rollup: the day rolled up. */
  periodKey?: string;
  /** daily-rollup: spend per profile that day. */
  profiles?: Array<{ profile: string | null; costUsd: number; requests: number }>;
  /** The agent's own payload, unchanged. */
  raw?: unknown;
}

/** What a handler decided. `none` means it has no say (a non-gating hook, or a script with no function for the event). */
export interface HookOutcome {
  id: string;
  scope: string | null;
  kind: HandlerKind;
  verdict: 'allow' | 'deny' | 'none' | 'error' | 'queued';
  reason?: string;
  /** Extra lines (script logs, a webhook's status). */
  detail?: string[];
  ms: number;
}
