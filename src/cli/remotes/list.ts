import { Command } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json, table } from '../output.js';

export class RemotesListCommand extends ListingCommand {
  static override paths = [['remotes', 'list'], ['remotes', 'ls'], ['remotes']];
  static override usage = Command.Usage({
    category: 'Remotes',
    description: 'List remote daemons (and the built-in "local")',
    examples: [['List', 'ringlet remotes list'], ['As JSON', 'ringlet remotes list --json']],
  });

  async execute(): Promise<number> {
    const { listRemotes } = await import('../../daemon/remotes.js');
    const { daemonAddress, baseUrl } = await import('../../daemon/address.js');
    const { loadConfig } = await import('../../config/config.js');
    const local = { name: 'local', url: baseUrl(daemonAddress(), Boolean(loadConfig().daemon?.['tls-cert'])), builtin: true };
    const all = [local, ...listRemotes().map((r) => ({ ...r, builtin: false }))];
    if (this.json) {
      this.context.stdout.write(json(all));
      return 0;
    }
    this.context.stdout.write(table(['NAME', 'URL', ''], all.map((r) => [r.name, r.url, r.builtin ? '(this machine)' : 'ca' in r && r.ca ? `ca ${r.ca}` : ''])));
    return 0;
  }
}
