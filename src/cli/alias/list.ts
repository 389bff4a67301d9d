import { Command } from 'clipanion';
import { ListingCommand } from '../base.js';

export class AliasListCommand extends ListingCommand {
  static override paths = [['alias', 'list']];
  static override usage = Command.Usage({
    category: 'Shell',
    description: 'List shell aliases and the profile each one runs',
    examples: [['List aliases', '$0 alias list'], ['As JSON', '$0 alias list --json']],
  });

  async execute(): Promise<number> {
    const [{ loadConfig }, { paths, isValidName }, { readTomlFile }, { table, json }] = await Promise.all([
      import('../../config/config.js'), import('../../config/paths.js'), import('../../config/toml.js'), import('../output.js'),
    ]);
    const rows = Object.entries(loadConfig().shell?.aliases ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, profile]) => {
      let agent: string | null = null;
      try {
        const a = isValidName(profile) ? readTomlFile(paths.profileManifest(profile))?.agent : undefined;
        if (typeof a === 'string') agent = a;
      } catch {
        /* a broken manifest shows as a missing agent */
      }
      return { name, profile, agent };
    });
    if (this.json) this.context.stdout.write(json(rows));
    else if (!rows.length) this.context.stdout.write('No aliases. Add one: ringlet alias add claude-work work\n');
    else this.context.stdout.write(table(['NAME', 'PROFILE', 'AGENT'], rows.map((r) => [r.name, r.profile, r.agent ?? '(no such profile)'])));
    return 0;
  }
}
