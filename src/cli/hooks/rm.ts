import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../../errors.js';

export class HooksRmCommand extends Command {
  static override paths = [['hooks', 'rm'], ['hooks', 'remove']];
  static override usage = Command.Usage({
    category: 'Hooks',
    description: 'Remove a hook (by the name `hooks list` shows)',
    examples: [
      ['A profile\'s hook', 'ringlet hooks rm work pre-tool-use-1'],
      ['A global hook', 'ringlet hooks rm --all-profiles audit'],
    ],
  });

  profile = Option.String({ name: 'profile', required: false });
  hook = Option.String({ name: 'hook', required: false });
  allProfiles = Option.Boolean('--all-profiles', false, { description: 'Remove a global hook' });

  async execute(): Promise<number> {
    const { removeRule, scopeLabel } = await import('../../hooks/store.js');
    const [scope, id] = this.allProfiles ? [null, this.hook ?? this.profile] : [this.profile ?? null, this.hook];
    if (this.allProfiles && this.hook && this.profile) throw new UserError('with --all-profiles give only the hook name', EXIT.usage);
    if (!id || (!this.allProfiles && !scope)) throw new UserError('usage: ringlet hooks rm <profile> <hook>, or ringlet hooks rm --all-profiles <hook>', EXIT.usage);
    const rule = removeRule(scope, id);
    this.context.stdout.write(`removed hook ${rule.id} (${rule.on}) from ${scopeLabel(scope)}\n`);
    return 0;
  }
}
