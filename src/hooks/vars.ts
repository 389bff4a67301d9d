import type { HookPayload } from './types.js';

/**
 * The RINGLET_* variables a shell hook gets and a webhook template may use. Values are plain text;
 * structured ones (tool input and result) are JSON. Long values are cut (the full event is on stdin):
 * Linux refuses an environment string over 128 KiB.
 */
const MAX_VALUE = 32 * 1024;

const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
};
const num = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? undefined : String(Math.round(v * 1e6) / 1e6));

export function hookVariables(p: HookPayload): Record<string, string> {
  const input = p.input as { command?: unknown; cmd?: unknown } | undefined;
  const command = typeof input?.command === 'string' ? input.command : typeof input?.cmd === 'string' ? input.cmd : undefined;
  const vars: Record<string, string | undefined> = {
    RINGLET_EVENT: p.event,
    RINGLET_PROFILE: p.profile ?? '',
    RINGLET_AGENT: p.agent,
    RINGLET_PROVIDER: p.provider,
    RINGLET_CWD: p.cwd,
    RINGLET_SESSION_ID: p.sessionId,
    RINGLET_SOURCE_EVENT: p.source,
    RINGLET_TOOL: p.tool,
    RINGLET_TOOL_INPUT: text(p.input),
    RINGLET_TOOL_COMMAND: text(command),
    RINGLET_TOOL_RESULT: text(p.result),
    RINGLET_TOOL_FAILED: p.failed ? '1' : undefined,
    RINGLET_NOTIFY_KIND: p.kind,
    RINGLET_MESSAGE: text(p.message),
    RINGLET_EXIT_CODE: p.exitCode === undefined || p.exitCode === null ? undefined : String(p.exitCode),
    RINGLET_DURATION_MS: num(p.durationMs),
    RINGLET_COMMAND: p.command,
    RINGLET_COST_USD: num(p.costUsd),
    RINGLET_TOTAL_USD: num(p.totalUsd),
    RINGLET_LIMIT_USD: num(p.limitUsd),
    RINGLET_PERIOD: p.period,
    RINGLET_PERIOD_KEY: p.periodKey,
    RINGLET_DAY: p.event === 'daily-rollup' ? p.periodKey : undefined,
    RINGLET_TS: p.ts,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) out[k] = v;
  return out;
}

/** The event as one line of JSON (so `cat >> log.jsonl` appends one JSONL record). */
export function eventJson(p: HookPayload): string {
  return JSON.stringify(p);
}

const VAR_RE = /\$\{(RINGLET_[A-Z0-9_]+)\}|\$(RINGLET_[A-Z0-9_]+)/g;

/**
 * Fill a webhook template. The template is parsed as JSON first and placeholders are replaced inside its
 * string values only, then the result is serialised again: a value with quotes, newlines or `$(…)` stays
 * a string (nothing is ever evaluated), and no value can change the document's structure. Unknown
 * variables become empty strings.
 */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(VAR_RE, (_m, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? '');
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return JSON.stringify(fill(JSON.parse(template)));
}
