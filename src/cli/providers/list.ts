import { Command } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json, table } from '../output.js';

export class ProvidersListCommand extends ListingCommand {
  static override paths = [['providers', 'list'], ['providers', 'ls']];
  static override usage = Command.Usage({
    category: 'Providers',
    description: 'List providers and the wire formats they serve',
    details: 'Add your own as TOML files in ~/.config/ringlet/providers/<id>.toml:\n\n  label = "My gateway"\n  key-env = "GW_KEY"\n  [endpoints]\n  anthropic = "https://gw.example.com"\n  openai-chat = "https://gw.example.com/v1"',
    examples: [['List providers', 'ringlet providers list'], ['As JSON', 'ringlet providers list --json']],
  });

  async execute(): Promise<number> {
    const { listProviders } = await import('../../providers/registry.js');
    const all = listProviders();
    if (this.json) this.context.stdout.write(json(all));
    else this.context.stdout.write(table(['ID', 'KIND', 'WIRES', 'NAME'], all.map((p) => [p.id, p.kind, Object.keys(p.endpoints).join(',') || '-', p.label])));
    return 0;
  }
}
