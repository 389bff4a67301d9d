import { mkdirSync } from 'node:fs';
import { configDir, realHome, ringletHome } from '../config/paths.js';
import { ringletRoot } from '../config/install.js';
import type { Profile } from '../profiles/manifest-types.js';
import { resolvePolicy } from './policy.js';
import { prepareSandbox, runSandboxed } from './run.js';

export { resolvePolicy, summarizePolicy, policyFromEnv, type SandboxPolicy, type PolicySummary } from './policy.js';
export { bwrapArgv, mountPlan } from './bwrap.js';
export { checkSandbox, checkSandboxCached, type SandboxCheck } from './check.js';
export { prepareSandbox, runSandboxed, spawnSandbox, refusal, type PreparedSandbox } from './run.js';
export { startSandboxNetwork } from './network.js';
export { classifySandboxDenial, classifyHookPayload, type SandboxDenial } from './denial.js';
export { innerSandboxAdjustment } from './inner.js';
export { seatbeltProfile } from './seatbelt.js';

/**
 * `profiles run --sandbox` in one call: resolve the profile's policy, check the sandbox (throws the one-line
 * refusal when it cannot work), bridge the meter/proxy/audit sockets, run `command` with the terminal
 * inherited and signals forwarded, and record what the sandbox reports in the audit log. Resolves to the
 * command's exit status. Call it where the unsandboxed path calls spawnInherited, with the same env and cwd.
 */
export async function runProfileSandboxed(opts: {
  profile: Profile;
  command: string[];
  /** The environment built for the agent (HOME, keys, base URL, …). */
  childEnv: Record<string, string>;
  cwd: string;
  /** The launcher's own environment (for RINGLET_HOME, XDG_CONFIG_HOME, the real HOME, PATH). */
  env?: NodeJS.ProcessEnv;
  /** The meter's port on 127.0.0.1, when the run is metered. */
  meterPort?: number;
  /** `[home] share` entries in effect (stay visible in the real HOME). */
  share?: string[];
}): Promise<number> {
  const env = opts.env ?? process.env;
  const { profile } = opts;
  mkdirSync(profile.home, { recursive: true, mode: 0o700 });
  const policy = resolvePolicy({
    profile: profile.name,
    profileDir: profile.dir,
    profileHome: profile.home,
    cwd: opts.cwd,
    ringletHome: ringletHome(env),
    configDir: configDir(env),
    realHome: realHome(env),
    manifestSandbox: profile.manifest.sandbox,
    share: opts.share ?? profile.manifest.home?.share,
    meterPort: opts.meterPort,
    // The agent binary may live under a hidden dir (Claude Code's ~/.claude/local install) or under /tmp, and
    // hook dispatch runs ringlet itself.
    reveal: [...(opts.command[0]?.startsWith('/') ? [opts.command[0]] : []), ringletRoot()],
  });
  // Appends are chained and awaited before returning, so the caller may exit right after.
  let pending: Promise<void> = Promise.resolve();
  const audit = (type: 'sandbox-deny' | 'hook-deny', data: Record<string, unknown>) => {
    pending = pending.then(async () => {
      try {
        const { appendAudit } = await import('../audit/store.js');
        appendAudit(type, data, { profile: profile.name, env });
      } catch (err) {
        process.stderr.write(`ringlet: could not write the audit log: ${(err as Error).message}\n`);
      }
    });
  };
  const prepared = await prepareSandbox({
    policy,
    command: opts.command,
    meterPort: opts.meterPort,
    env,
    onReport: (r) => audit(r.type, r.data),
    onProxyDecision: (d) => {
      if (!d.allowed) audit('sandbox-deny', { kind: 'network', host: d.host, port: d.port, reason: d.reason });
    },
  });
  try {
    return await runSandboxed(prepared, opts.childEnv, policy.cwd);
  } finally {
    await prepared.close();
    await pending;
  }
}
