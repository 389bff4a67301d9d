import { Command, Option } from 'clipanion';
import * as t from 'typanion';

export class ProfilesEnvCommand extends Command {
  static override paths = [['profiles', 'env']];
  static override usage = Command.Usage({
    category: 'Profiles',
    description: "Print the profile's environment as export lines (never the key)",
    details: 'The key variable is left out: run the agent through `ringlet profiles run` to have it injected.',
    examples: [['For a POSIX shell', 'eval "$(ringlet profiles env work)"'], ['For fish', 'ringlet profiles env work --shell fish | source']],
  });

  name = Option.String({ name: 'name' });
  shell = Option.String('--shell', 'posix', { description: 'posix | fish', validator: t.isEnum(['posix', 'fish'] as const) });

  async execute(): Promise<number> {
    const { readProfile } = await import('../../profiles/manifest.js');
    const { profileEnvironment } = await import('../../profiles/profile-env.js');
    const vars = profileEnvironment(readProfile(this.name));
    const { fishQuote, posixQuote } = await import('../../shell/quote.js');
    const q = this.shell === 'fish' ? fishQuote : posixQuote;
    for (const [k, v] of Object.entries(vars)) {
      this.context.stdout.write(this.shell === 'fish' ? `set -gx ${k} ${q(v)}\n` : `export ${k}=${q(v)}\n`);
    }
    return 0;
  }
}
