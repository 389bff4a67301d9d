import { Command, Option } from 'clipanion';

export class RemotesRmCommand extends Command {
  static override paths = [['remotes', 'rm'], ['remotes', 'remove']];
  static override usage = Command.Usage({
    category: 'Remotes',
    description: 'Forget a remote and delete its token from the keychain',
    examples: [['Forget dev-box', 'ringlet remotes rm dev-box']],
  });

  name = Option.String({ name: 'name' });

  async execute(): Promise<number> {
    const { removeRemote } = await import('../../daemon/remotes.js');
    removeRemote(this.name);
    this.context.stdout.write(`removed remote ${this.name}\n`);
    return 0;
  }
}
