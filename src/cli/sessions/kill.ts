import { Command, Option } from 'clipanion';

export class SessionsKillCommand extends Command {
  static override paths = [['sessions', 'kill'], ['sessions', 'rm']];
  static override usage = Command.Usage({
    category: 'Sessions',
    description: 'End a running session (SIGHUP, then SIGKILL), or remove an ended one from the list',
    examples: [['End a session', 'ringlet sessions kill 3fa2b1c0'], ['A unique prefix is enough', 'ringlet sessions kill 3fa']],
  });

  id = Option.String({ name: 'id' });
  remote = Option.String('--remote', { description: 'A remote name or URL instead of the local daemon' });

  async execute(): Promise<number> {
    const { UserError, EXIT } = await import('../../errors.js');
    const { DaemonClient } = await import('../../daemon/client.js');
    let client;
    if (!this.remote || this.remote === 'local') {
      const { localEndpoint } = await import('../../daemon/lifecycle.js');
      const ep = await localEndpoint();
      if (!ep) throw new UserError(`no session ${this.id}: the daemon is not running`, EXIT.notFound);
      client = new DaemonClient(ep);
    } else {
      const { clientFor } = await import('../daemon/run-session.js');
      client = await clientFor(this.remote);
    }
    const r = await client.remove(this.id);
    const s = r.session;
    this.context.stdout.write(r.removed ? `removed session ${s.id}\n` : `ended session ${s.id} (status ${s.exitCode}${s.signal ? `, ${s.signal}` : ''})\n`);
    return 0;
  }
}
