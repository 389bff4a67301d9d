import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { recordAudit, recordSandboxDenials } from '../../src/audit/report.js';
import { startSandboxNetwork, type SandboxReport } from '../../src/sandbox/network.js';
import type { SandboxPolicy } from '../../src/sandbox/policy.js';
import { summarizePolicy } from '../../src/sandbox/policy.js';

const policy: SandboxPolicy = {
  profile: 'work', cwd: '/srv/ws', writable: ['/srv/ws'], readOnly: [], pinned: [], hidden: [],
  network: { mode: 'on' }, innerSandbox: true, uid: 1000,
};
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe('hooks inside the sandbox report to the launcher', () => {
  it('recordSandboxDenials classifies a PostToolUseFailure payload and sends each denial over the audit socket', async () => {
    const reports: SandboxReport[] = [];
    const net = await startSandboxNetwork(policy, { onReport: (r) => reports.push(r) });
    closers.push(net.close);
    // Outside the sandbox the socket is at its host path; inside it is SANDBOX_RUN_DIR/audit.sock.
    const env = { RINGLET_AUDIT_SOCKET: join(net.runDir, 'audit.sock'), RINGLET_SANDBOX_POLICY: JSON.stringify(summarizePolicy(policy)) };
    const payload = {
      hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'touch /etc/x' }, cwd: '/srv/ws',
      error: "Exit code 1\ntouch: cannot touch '/etc/x': Read-only file system",
    };
    const denials = await recordSandboxDenials(payload, { env });
    expect(denials).toHaveLength(1);
    expect(reports).toEqual([{ type: 'sandbox-deny', data: { kind: 'filesystem', path: '/etc/x', error: 'EROFS', tool: 'Bash', excerpt: "touch: cannot touch '/etc/x': Read-only file system" } }]);
    // Without a sandbox policy in the environment nothing is recorded.
    expect(await recordSandboxDenials(payload, { env: { RINGLET_AUDIT_SOCKET: env.RINGLET_AUDIT_SOCKET } })).toEqual([]);
    // Types the launcher does not take from inside are refused, and recordAudit says so.
    expect(await recordAudit('keychain-read', { alias: 'x' }, { env })).toBe(false);
    expect(reports).toHaveLength(1);
  });
});
