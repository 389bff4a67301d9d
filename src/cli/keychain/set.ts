import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../../errors.js';

export class KeychainSetCommand extends Command {
  static override paths = [['keychain', 'set']];
  static override usage = Command.Usage({
    category: 'Keys',
    description: 'Store a provider key under an alias (OS keychain, or credentials.toml 0600 where none answers)',
    details: `
      The value is read without echo on a terminal, from standard input when piped, or from an environment variable
      with \`--from-env\`. It never appears in argv, output or logs, and no command prints it back.
    `,
    examples: [
      ['Prompt for the key', 'ringlet keychain set anthropic work'],
      ['Take it from the environment', 'ringlet keychain set anthropic work --from-env ANTHROPIC_API_KEY'],
      ['From a password manager', 'pass show anthropic/work | ringlet keychain set anthropic work --replace'],
    ],
  });

  provider = Option.String({ name: 'provider' });
  alias = Option.String({ name: 'alias' });
  fromEnv = Option.String('--from-env', { description: 'Read the key from this environment variable' });
  replace = Option.Boolean('--replace', false, { description: 'Overwrite an existing key' });

  async execute(): Promise<number> {
    const { getProvider } = await import('../../providers/registry.js');
    const { setSecret, checkAlias, setFallbackNotice } = await import('../../credentials/store.js');
    getProvider(this.provider);
    checkAlias(this.alias);
    setFallbackNotice((m) => process.stderr.write(`${m}\n`));
    let value: string;
    if (this.fromEnv) {
      value = process.env[this.fromEnv] ?? '';
      if (!value) throw new UserError(`$${this.fromEnv} is empty or unset`, EXIT.usage);
    } else if (process.stdin.isTTY) {
      const { readSecret } = await import('../prompt.js');
      value = await readSecret(`Key for ${this.provider}/${this.alias}: `);
    } else {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    }
    const backend = await setSecret(this.provider, this.alias, value.trim(), { replace: this.replace });
    // Shell completion of key aliases reads this cache instead of starting node.
    await (await import('../../shell/cache.js')).refreshCompletionCache();
    this.context.stdout.write(`stored ${this.provider}/${this.alias} in the ${backend === 'system' ? 'OS keychain' : 'credentials file'}\n`);
    return 0;
  }
}
