import type { SessionSummary } from '../../daemon/session.js';

/**
 * Sessions of a remote, or of the local daemon. Listing never starts the local daemon: with none running,
 * the records it left are shown (anything it had running as lost).
 */
export async function listSessions(remote: string | undefined): Promise<SessionSummary[]> {
  const { DaemonClient } = await import('../../daemon/client.js');
  if (!remote || remote === 'local') {
    const { localEndpoint } = await import('../../daemon/lifecycle.js');
    const ep = await localEndpoint();
    if (!ep) {
      const { SessionManager } = await import('../../daemon/sessions.js');
      return SessionManager.readOffline(process.env).map((r) => ({ ...r, clients: 0, title: '' }));
    }
    return new DaemonClient(ep).sessions();
  }
  const { clientFor } = await import('../daemon/run-session.js');
  return (await clientFor(remote)).sessions();
}
