import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../errors.js';

export class DashboardCommand extends Command {
  static override paths = [['dashboard']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'Open the web dashboard: spend, profiles, live sessions in the browser',
    details: `
      Starts the local daemon if it is not running, asks it for a one-time sign-in link, and opens it in your browser. The link works once, within a minute: the daemon swaps it for a session cookie (HttpOnly, SameSite=Strict) and redirects to the dashboard. The daemon's bearer token never reaches the browser.

      \`--no-open\` prints the link instead (for another browser, or a machine without a display). A browser session lasts 7 days and survives daemon restarts; signing out ends it, and \`ringlet daemon rotate-token\` ends them all. Run this command again to sign in.
    `,
    examples: [
      ['Open the dashboard', 'ringlet dashboard'],
      ['Print the sign-in link', 'ringlet dashboard --no-open'],
    ],
  });

  noOpen = Option.Boolean('--no-open', false, { description: 'Print the sign-in link instead of opening a browser' });

  async execute(): Promise<number> {
    const { ensureDaemon, localEndpoint } = await import('../daemon/lifecycle.js');
    const { DaemonClient } = await import('../daemon/client.js');
    const daemon = await ensureDaemon(process.env, (line) => this.context.stderr.write(line + '\n'));
    const ep = await localEndpoint();
    if (!ep) throw new UserError(`the daemon on ${daemon.url} stopped answering; see ringlet daemon status`, EXIT.unavailable);
    const code = await new DaemonClient(ep).request<{ path: string; expiresAt: string }>('POST', '/api/dashboard/login-code', {});
    const url = `${daemon.url}${code.path}`;
    const { openBrowser } = await import('./dashboard-open.js');
    if (!this.noOpen && (await openBrowser(url))) {
      this.context.stdout.write(`Opened the dashboard (${daemon.url}) in your browser.\nIf nothing appeared, open this link within a minute (it works once):\n  ${url}\n`);
    } else {
      this.context.stdout.write(`Open this link within a minute (it works once):\n  ${url}\n`);
    }
    return 0;
  }
}
