import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../../errors.js';

export class AliasRmCommand extends Command {
  static override paths = [['alias', 'rm']];
  static override usage = Command.Usage({
    category: 'Shell',
    description: 'Remove a shell alias',
    examples: [['Remove claude-work', '$0 alias rm claude-work']],
  });

  name = Option.String({ name: 'name' });

  async execute(): Promise<number> {
    const [{ loadConfig, saveConfig }, { refreshShellAliasCache }] = await Promise.all([import('../../config/config.js'), import('../../shell/cache.js')]);
    const cfg = loadConfig();
    const aliases = { ...(cfg.shell?.aliases ?? {}) };
    if (!(this.name in aliases)) throw new UserError(`no alias "${this.name}" (see ringlet alias list)`, EXIT.notFound);
    delete aliases[this.name];
    cfg.shell = { ...(cfg.shell ?? {}), aliases };
    saveConfig(cfg);
    refreshShellAliasCache();
    this.context.stdout.write(`ringlet: removed alias ${this.name}\n`);
    return 0;
  }
}
