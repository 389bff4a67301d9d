import { Command } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json, table } from '../output.js';

export class KeychainListCommand extends ListingCommand {
  static override paths = [['keychain', 'list'], ['keychain', 'ls']];
  static override usage = Command.Usage({
    category: 'Keys',
    description: 'List stored keys by provider and alias (names only, never values)',
    examples: [['List keys', 'ringlet keychain list'], ['As JSON', 'ringlet keychain list --json']],
  });

  async execute(): Promise<number> {
    const { openStore, setFallbackNotice } = await import('../../credentials/store.js');
    setFallbackNotice((m) => process.stderr.write(`${m}\n`));
    const keys = openStore().list();
    if (this.json) this.context.stdout.write(json(keys));
    else if (!keys.length) this.context.stdout.write('no keys yet; add one with: ringlet keychain set anthropic work\n');
    else this.context.stdout.write(table(['PROVIDER', 'ALIAS', 'STORE'], keys.map((k) => [k.provider, k.alias, k.backend])));
    return 0;
  }
}
