import { isObject, type JsonObject } from './home-files.js';

/**
 * The nested hook shape Claude Code (`settings.json` "hooks") and Codex (`hooks.json` "hooks") share:
 * `{ "<Event>": [ { "matcher": "Bash|Edit", "hooks": [ { "type": "command", "command": "…", "timeout": 30 } ] } ] }`.
 */
export interface HookHandler {
  type: 'command';
  command: string;
  /** Seconds. */
  timeout?: number;
  [key: string]: unknown;
}
export interface HookGroup {
  matcher?: string;
  hooks: HookHandler[];
}
export type HookMap = Record<string, HookGroup[]>;

/**
 * Marks the handlers ringlet wrote. Both agents run a hook command through a shell, so a trailing
 * comment changes nothing at run time, survives the agents rewriting their files, and needs no extra
 * field that a settings schema might reject.
 */
export const RINGLET_HOOK_MARKER = '# ringlet-managed';

export function isRingletCommand(command: unknown): boolean {
  return typeof command === 'string' && command.trimEnd().endsWith(` ${RINGLET_HOOK_MARKER}`);
}

export function markCommand(command: string): string {
  return isRingletCommand(command) ? command : `${command.trimEnd()} ${RINGLET_HOOK_MARKER}`;
}

/**
 * One handler per event calling ringlet's dispatcher: `<hookCommand> <Event>`. Tool events get the
 * match-all matcher "*". `timeout` (seconds) is the agent's limit; the dispatcher keeps its own, shorter one.
 */
export function dispatchHooks(hookCommand: string, events: readonly string[], timeout?: number): HookMap {
  const toolEvents = new Set(['PreToolUse', 'PostToolUse', 'PermissionRequest', 'PostToolUseFailure']);
  const out: HookMap = {};
  for (const ev of events) {
    const handler: HookHandler = { type: 'command', command: `${hookCommand} ${ev}` };
    if (timeout !== undefined) handler.timeout = timeout;
    out[ev] = [toolEvents.has(ev) ? { matcher: '*', hooks: [handler] } : { hooks: [handler] }];
  }
  return out;
}

/**
 * Merge `ours` into an existing hooks object: the user's handlers stay where they are, every handler
 * ringlet wrote before is dropped (with any group it leaves empty), and ours are appended after the
 * user's groups, marked. Appending keeps the user's (group, handler) positions stable, which matters to
 * Codex, whose hook trust is keyed by position. Returns undefined when nothing is left.
 */
export function mergeHookMap(existing: unknown, ours: HookMap): JsonObject | undefined {
  const out: JsonObject = {};
  const base = isObject(existing) ? existing : {};
  for (const [event, groups] of Object.entries(base)) {
    if (!Array.isArray(groups)) {
      out[event] = groups; // not ours to judge; the agent will report it
      continue;
    }
    const kept = groups.flatMap((g) => {
      if (!isObject(g) || !Array.isArray(g.hooks)) return [g];
      const handlers = g.hooks.filter((h) => !(isObject(h) && isRingletCommand(h.command)));
      if (handlers.length === g.hooks.length) return [g];
      return handlers.length ? [{ ...g, hooks: handlers }] : [];
    });
    if (kept.length) out[event] = kept;
  }
  for (const [event, groups] of Object.entries(ours)) {
    const marked = groups.map((g) => ({ ...g, hooks: g.hooks.map((h) => ({ ...h, command: markCommand(h.command) })) }));
    if (!marked.length) continue;
    const prev = out[event];
    out[event] = Array.isArray(prev) ? [...prev, ...marked] : marked;
  }
  return Object.keys(out).length ? out : undefined;
}
