import { Command } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json } from '../output.js';

export class DaemonStatusCommand extends ListingCommand {
  static override paths = [['daemon', 'status']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'Is the daemon running? Its pid, version, address, sessions and clients',
    details: 'Exit status 0 when it runs, 3 when not. A pid or lock file left by a crash is detected and removed.',
    examples: [['Check', 'ringlet daemon status'], ['As JSON', 'ringlet daemon status --json']],
  });

  async execute(): Promise<number> {
    const { daemonStatus } = await import('../../daemon/lifecycle.js');
    const s = await daemonStatus();
    if (this.json) {
      this.context.stdout.write(json(s));
      return s.running ? 0 : 3;
    }
    const out = this.context.stdout;
    for (const f of s.clearedStale ?? []) out.write(`removed stale ${f}\n`);
    if (!s.running) {
      out.write(s.unresponsivePid ? `daemon pid ${s.unresponsivePid} is alive but does not answer on ${s.listen}\n` : `not running (would listen on ${s.listen})\n`);
      return 3;
    }
    out.write(`running: ringlet ${s.version}, pid ${s.pid}, ${s.url}, since ${s.startedAt}\n`);
    out.write(`${s.liveSessions} live session${s.liveSessions === 1 ? '' : 's'}, ${s.clients} client${s.clients === 1 ? '' : 's'}; ${s.idleMinutes === null ? 'stays alive' : `exits after ${s.idleMinutes} min idle`}\n`);
    return 0;
  }
}
