import { Command, Option } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json } from '../output.js';

export class ProfilesShowCommand extends ListingCommand {
  static override paths = [['profiles', 'show']];
  static override usage = Command.Usage({
    category: 'Profiles',
    description: 'Show one profile (never its key)',
    examples: [['Show a profile', 'ringlet profiles show work'], ['As JSON', 'ringlet profiles show work --json']],
  });

  name = Option.String({ name: 'name' });

  async execute(): Promise<number> {
    const { readProfile } = await import('../../profiles/manifest.js');
    const { profileSummary } = await import('../../profiles/summary.js');
    const s = profileSummary(readProfile(this.name));
    if (this.json) {
      this.context.stdout.write(json(s));
      return 0;
    }
    const width = Math.max(...Object.keys(s).map((k) => k.length));
    for (const [k, v] of Object.entries(s)) this.context.stdout.write(`${k.padEnd(width)}  ${v ?? '-'}\n`);
    return 0;
  }
}
