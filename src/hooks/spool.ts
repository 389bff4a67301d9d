import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AGENT_EVENTS, GATING_EVENTS, handlerKind, type HookPayload } from './types.js';

/**
 * Hooks of a sandboxed run. The agent starts the dispatcher, so it runs inside the sandbox: gating hooks
 * are decided there (they only need to read), but the other hooks — an audit log in the user's HOME, a
 * webhook — need the world outside. So the dispatcher drops those events into a spool directory in the
 * profile HOME (writable in the sandbox) and the launcher, outside, runs them.
 *
 * The sandboxed side can write anything into the spool, so the launcher takes only the event from it:
 * which rules run is decided from the launcher's own rule files (which the sandbox cannot change), the
 * profile is the launcher's, and events that do not come from agents are dropped. A forged entry can at
 * most feed the user's own tool-use/notify hooks made-up data — data they must treat as untrusted anyway.
 */

export const SPOOL_ENV = 'RINGLET_HOOK_SPOOL';
const MAX_ENTRY_BYTES = 1_000_000;

export function spoolDir(profileHome: string): string {
  return join(profileHome, '.cache', 'ringlet', 'hook-spool');
}

export interface SpoolEntry {
  payload: HookPayload;
  /** A gating event whose decision was made inside: only its webhooks are left to run. */
  webhooksOnly?: boolean;
}

/** Inside the sandbox: hand an event to the launcher (written whole, then renamed into view). */
export function writeSpool(dir: string, entry: SpoolEntry): void {
  const name = `${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
  renameSync(tmp, join(dir, `${name}.json`));
}

export interface SpoolWatcher {
  /** Run what is left, stop watching. */
  close(): Promise<void>;
}

/** Outside: run the hooks for every event the sandboxed dispatcher spools, until closed. */
export async function watchSpool(dir: string, profile: string, env: NodeJS.ProcessEnv): Promise<SpoolWatcher> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const [{ matching, rulesFor }, { emit, logHookFailure }] = await Promise.all([import('./store.js'), import('./engine.js')]);
  const handle = (file: string) => {
    let entry: SpoolEntry;
    try {
      if (statSync(file).size > MAX_ENTRY_BYTES) throw new Error('entry too large');
      entry = JSON.parse(readFileSync(file, 'utf8')) as SpoolEntry;
    } finally {
      try { unlinkSync(file); } catch { /* taken already */ }
    }
    const p = entry?.payload;
    if (!p || typeof p !== 'object' || !AGENT_EVENTS.has(p.event)) return;
    const payload: HookPayload = { ...p, profile };
    let rules = matching(rulesFor(profile, env), payload.event, typeof payload.tool === 'string' ? payload.tool : undefined);
    if (GATING_EVENTS.has(payload.event)) rules = rules.filter((r) => handlerKind(r) === 'webhook');
    emit(rules, payload, env);
  };
  const drain = () => {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return;
    }
    for (const n of names) {
      try {
        handle(join(dir, n));
      } catch (err) {
        logHookFailure(env, `spooled hook event ${n}: ${(err as Error).message}`);
      }
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, () => drain());
    watcher.on('error', () => {});
  } catch {
    /* polling below still works */
  }
  const timer = setInterval(drain, 500);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      watcher?.close();
      if (existsSync(dir)) drain();
    },
  };
}
