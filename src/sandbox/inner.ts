import type { SandboxPolicy } from './policy.js';

/**
 * What to change in an agent's own configuration when it runs inside ringlet's sandbox.
 *
 * Measured here (bubblewrap 0.8, Codex 0.169, as root): Codex's sandbox (its vendored bwrap) works inside
 * ours, because bwrapArgv maps root to uid 1000 in a user namespace whenever `inner-sandbox` is allowed; in a
 * uid-0 sandbox it fails with "bwrap: setting up uid map: Operation not permitted". With `inner-sandbox = false`
 * ringlet adds `--disable-userns`, so any nested sandbox fails ("Creating new namespace failed") and every
 * shell command the agent runs would fail with it: the agent's own sandbox must then be switched off, and ours
 * is the boundary. Claude Code's sandbox (bwrap + socat, `sandbox.enabled`, off by default) needs the same
 * user namespaces, so the same rule applies.
 */
export interface InnerSandboxAdjustment {
  /** Settings to merge into `~/.claude/settings.json` of the profile HOME. */
  claudeSettings?: Record<string, unknown>;
  /** Top-level keys to set in `~/.codex/config.toml` of the profile HOME. */
  codexConfig?: Record<string, unknown>;
  /** Extra agent arguments with the same effect, for a one-off run without rewriting config. */
  args?: string[];
  reason?: string;
}

export function innerSandboxAdjustment(agentId: string, policy: Pick<SandboxPolicy, 'innerSandbox'> | undefined): InnerSandboxAdjustment {
  if (!policy || policy.innerSandbox) return {};
  const reason = 'ringlet sandbox with inner-sandbox = false: nested user namespaces are disabled, so the agent\'s own sandbox cannot start; ringlet\'s sandbox is the boundary';
  switch (agentId) {
    case 'codex':
      return { codexConfig: { sandbox_mode: 'danger-full-access' }, args: ['--sandbox', 'danger-full-access'], reason };
    case 'claude':
      return { claudeSettings: { sandbox: { enabled: false } }, reason };
    default:
      return {};
  }
}
