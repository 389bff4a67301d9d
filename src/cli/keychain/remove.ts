import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../../errors.js';

export class KeychainRemoveCommand extends Command {
  static override paths = [['keychain', 'remove'], ['keychain', 'rm']];
  static override usage = Command.Usage({
    category: 'Keys',
    description: 'Delete a stored key',
    examples: [['Delete a key', 'ringlet keychain remove anthropic old']],
  });

  provider = Option.String({ name: 'provider' });
  alias = Option.String({ name: 'alias' });

  async execute(): Promise<number> {
    const { openStore, checkAlias, setFallbackNotice } = await import('../../credentials/store.js');
    checkAlias(this.alias);
    setFallbackNotice((m) => process.stderr.write(`${m}\n`));
    if (!openStore().delete(this.provider, this.alias)) throw new UserError(`no key ${this.provider}/${this.alias}`, EXIT.notFound);
    // Shell completion of key aliases reads this cache instead of starting node.
    await (await import('../../shell/cache.js')).refreshCompletionCache();
    this.context.stdout.write(`removed ${this.provider}/${this.alias}\n`);
    return 0;
  }
}
