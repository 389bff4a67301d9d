import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../errors.js';

export class AllowCommand extends Command {
  static override paths = [['allow']];
  static override usage = Command.Usage({
    category: 'Shell',
    description: 'Trust the .ringlet.toml or .ringlet-profile of a directory, as its content is now',
    details: `
      A project file selects a profile for its directory and everything below it, but only once you have
      allowed it: trust is bound to the file's exact content (its sha256 is recorded), so any later edit,
      a \`git pull\` included, makes the shell ignore the file again until you re-run \`ringlet allow\`.

      Without a path, the nearest project file at or above the current directory is allowed (inside HOME the
      search stops below HOME, as the shell's does). The file must
      name an existing profile: \`profile = "name"\` in \`.ringlet.toml\`, or the bare name in \`.ringlet-profile\`.
    `,
    examples: [
      ['Trust the project file of the current directory', '$0 allow'],
      ['Trust a given file', '$0 allow ~/work/acme/.ringlet.toml'],
    ],
  });

  target = Option.String({ name: 'path', required: false });

  async execute(): Promise<number> {
    const { allowFile, resolveTarget } = await import('../shell/project.js');
    const file = resolveTarget(this.target);
    if (!file) throw new UserError(`no .ringlet.toml or .ringlet-profile in ${this.target ?? 'this directory'} or above it`, EXIT.notFound);
    const rec = allowFile(file);
    this.context.stdout.write(`ringlet: allowed ${rec.path} (profile ${rec.profile})\n`);
    return 0;
  }
}
