import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../../errors.js';

export class AliasAddCommand extends Command {
  static override paths = [['alias', 'add']];
  static override usage = Command.Usage({
    category: 'Shell',
    description: "Add a shell alias that runs a profile's agent",
    details: `
      Records \`name = "profile"\` under \`[shell.aliases]\` in config.toml. The shell integration
      (\`ringlet shell init\`) defines a function of that name which runs the profile's agent with your
      arguments, a bare prompt included: \`claude-work --resume\`, \`claude-work "fix the bug"\`.
      Shells that loaded the integration pick it up at once when you ran this through the \`ringlet\`
      shell function, otherwise at the next \`cd\`.
    `,
    examples: [
      ['claude-work runs the agent of profile work', '$0 alias add claude-work work'],
      ['Point an existing alias elsewhere', '$0 alias add claude-work acme --replace'],
    ],
  });

  name = Option.String({ name: 'name' });
  profile = Option.String({ name: 'profile' });
  replace = Option.Boolean('--replace', false, { description: 'Change an alias that already exists' });

  async execute(): Promise<number> {
    const [{ loadConfig, saveConfig }, { isValidName }, { RESERVED_NAMES }, { profileExists }, { refreshShellAliasCache }] = await Promise.all([
      import('../../config/config.js'), import('../../config/paths.js'), import('../../shell/state.js'), import('../../shell/project.js'), import('../../shell/cache.js'),
    ]);
    if (!isValidName(this.name)) throw new UserError(`invalid alias name "${this.name}": use letters, digits, ".", "_" or "-"`, EXIT.usage);
    if (RESERVED_NAMES.has(this.name)) throw new UserError(`"${this.name}" would shadow a shell builtin; pick another name`, EXIT.usage);
    if (!profileExists(this.profile)) throw new UserError(`no profile "${this.profile}" (see ringlet profiles list)`, EXIT.notFound);
    const cfg = loadConfig();
    const aliases = { ...(cfg.shell?.aliases ?? {}) };
    const old = aliases[this.name];
    if (old !== undefined && old !== this.profile && !this.replace) {
      throw new UserError(`alias ${this.name} already runs profile ${old}; pass --replace to change it`, EXIT.usage);
    }
    aliases[this.name] = this.profile;
    cfg.shell = { ...(cfg.shell ?? {}), aliases };
    saveConfig(cfg);
    refreshShellAliasCache();
    this.context.stdout.write(`ringlet: alias ${this.name} runs profile ${this.profile}\n`);
    return 0;
  }
}
