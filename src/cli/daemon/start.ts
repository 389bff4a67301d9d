import { Command } from 'clipanion';

export class DaemonStartCommand extends Command {
  static override paths = [['daemon', 'start']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'Start the daemon in the background (if it is not running) and say where it listens',
    examples: [['Start it', 'ringlet daemon start']],
  });

  async execute(): Promise<number> {
    const { ensureDaemon } = await import('../../daemon/lifecycle.js');
    const d = await ensureDaemon(process.env, (l) => this.context.stderr.write(l + '\n'));
    this.context.stdout.write(`${d.started ? 'started' : 'already running:'} ringlet daemon ${d.version} pid ${d.pid} on ${d.url}\n`);
    return 0;
  }
}
