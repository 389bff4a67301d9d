import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../../errors.js';
import { confirm } from '../prompt.js';

export class ProfilesRmCommand extends Command {
  static override paths = [['profiles', 'rm'], ['profiles', 'remove']];
  static override usage = Command.Usage({
    category: 'Profiles',
    description: 'Delete a profile and its HOME (keys stay in the keychain)',
    examples: [['Delete after a prompt', 'ringlet profiles rm old'], ['Without asking', 'ringlet profiles rm old --yes']],
  });

  name = Option.String({ name: 'name' });
  yes = Option.Boolean('--yes,-y', false, { description: 'Do not ask' });

  async execute(): Promise<number> {
    const { readProfile } = await import('../../profiles/manifest.js');
    const { removeProfile } = await import('../../profiles/store.js');
    const p = readProfile(this.name);
    if (!this.yes) {
      if (!process.stdin.isTTY) throw new UserError(`refusing to delete ${this.name} without a terminal to ask; pass --yes`, EXIT.usage);
      if (!(await confirm(`Delete profile ${this.name} and everything in ${p.home}?`))) return 1;
    }
    removeProfile(this.name);
    this.context.stdout.write(`removed profile ${this.name}\n`);
    return 0;
  }
}
