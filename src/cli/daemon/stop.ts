import { Command, Option } from 'clipanion';

export class DaemonStopCommand extends Command {
  static override paths = [['daemon', 'stop']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'Stop the daemon; refused while sessions run, unless --force (which ends them)',
    examples: [['Stop it', 'ringlet daemon stop'], ['Stop it and end its sessions', 'ringlet daemon stop --force']],
  });

  force = Option.Boolean('--force', false, { description: 'Stop even with live sessions (they end), or terminate a daemon that does not answer' });

  async execute(): Promise<number> {
    const { stopDaemon } = await import('../../daemon/lifecycle.js');
    const r = await stopDaemon(process.env, this.force);
    if (!r.stopped) {
      this.context.stdout.write('not running\n');
      return 0;
    }
    const ended = r.endedSessions ? `; ended ${r.endedSessions} session${r.endedSessions === 1 ? '' : 's'}` : '';
    this.context.stdout.write(`stopped daemon pid ${r.pid}${ended}\n`);
    return 0;
  }
}
