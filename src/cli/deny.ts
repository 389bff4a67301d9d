import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../errors.js';

export class DenyCommand extends Command {
  static override paths = [['deny'], ['revoke']];
  static override usage = Command.Usage({
    category: 'Shell',
    description: 'Stop trusting a .ringlet.toml or .ringlet-profile (undo `ringlet allow`)',
    details: `
      Without a path, acts on the nearest project file at or above the current directory. A file that was
      deleted can still be named to forget it.
    `,
    examples: [
      ['Forget the project file of the current directory', '$0 deny'],
      ['Forget a given file', '$0 revoke ~/work/acme/.ringlet.toml'],
    ],
  });

  target = Option.String({ name: 'path', required: false });

  async execute(): Promise<number> {
    const { denyFile, resolveTarget } = await import('../shell/project.js');
    const file = resolveTarget(this.target);
    if (!file) throw new UserError(`no .ringlet.toml or .ringlet-profile in ${this.target ?? 'this directory'} or above it`, EXIT.notFound);
    if (!denyFile(file)) throw new UserError(`${file} was not allowed`, EXIT.notFound);
    this.context.stdout.write(`ringlet: no longer trusting ${file}\n`);
    return 0;
  }
}
