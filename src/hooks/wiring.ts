import type { HookEvent } from './types.js';

/**
 * Which of an agent's own hook events ringlet wires for each ringlet event. `start` and `stop` come from
 * the launcher for every agent, so the agents' SessionStart/SessionEnd are not used. The agents' per-turn
 * `Stop` is a `notify` (kind turn-complete), as is Codex's `notify` program (`agent-turn-complete`),
 * which ringlet uses for Codex instead of its Stop hook so a turn is reported once.
 */
export const AGENT_WIRING: Record<string, Partial<Record<HookEvent, string[]>>> = {
  // A tool that failed (non-zero exit, refused write) is PostToolUseFailure in Claude Code, not PostToolUse.
  claude: { 'pre-tool-use': ['PreToolUse'], 'tool-use': ['PostToolUse', 'PostToolUseFailure'], notify: ['Notification', 'Stop'] },
  codex: { 'pre-tool-use': ['PreToolUse'], 'tool-use': ['PostToolUse'], notify: ['notify'] },
  droid: { 'pre-tool-use': ['PreToolUse'], 'tool-use': ['PostToolUse'], notify: ['Notification', 'Stop'] },
};

/** The agent's events to wire for the ringlet events that have rules; empty when none come from this agent. */
export function agentEventsFor(agent: string, events: Iterable<HookEvent>): string[] {
  const wiring = AGENT_WIRING[agent];
  if (!wiring) return [];
  const out = new Set<string>();
  for (const e of events) for (const a of wiring[e] ?? []) out.add(a);
  return [...out];
}
