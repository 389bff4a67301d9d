import { Command, Option } from 'clipanion';
import { passthroughArgs } from '../passthrough.js';

export class ProfilesRunCommand extends Command {
  static override paths = [['profiles', 'run']];
  static override usage = Command.Usage({
    category: 'Profiles',
    description: "Run the profile's agent (or any command) with the profile's HOME, endpoint, model and key",
    details: `
      With no name, the profile comes from $RINGLET_PROFILE, then the longest \`[[directory-mapping]]\` in config.toml
      that contains the current directory, then \`default-profile\`. \`--explain\` prints the choice and the plan and
      runs nothing.

      Words after \`--\` are passed on: if the first one is the agent's name (\`claude\`, \`codex\`, …) or an option, the
      agent runs with them; otherwise that command runs inside the profile's environment, metered the same way.
      The exit status is the agent's (128+n when it dies of signal n).
    `,
    examples: [
      ['Start the agent', 'ringlet profiles run work'],
      ['Pass arguments to the agent', 'ringlet profiles run work -- claude -p "fix the bug"'],
      ['Run another command in the profile', 'ringlet profiles run work -- claude-squad'],
      ['Which profile, and what would run?', 'ringlet profiles run --explain'],
      ['Start it in the background, attach later', 'ringlet profiles run work --detach'],
      ['Run the dev box\'s profile "work" there, attached here', 'ringlet profiles run work --remote dev-box'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  explain = Option.Boolean('--explain', false, { description: 'Say which profile is picked and what would run; run nothing' });
  detach = Option.Boolean('--detach', false, { description: 'Start it as a session in the daemon and print its id (attach later with `ringlet attach ID`)' });
  sandbox = Option.Boolean('--sandbox', { description: "Run inside the sandbox (--no-sandbox: outside it), whatever the profile's sandbox mode says" });
  remote = Option.String('--remote', { description: 'Run it as a session on a remote daemon (a name from `ringlet remotes list`, a URL, or local) and attach' });

  async execute(): Promise<number> {
    if ((this.detach || this.remote) && !this.explain) {
      const { runInDaemon } = await import('../daemon/run-session.js');
      return runInDaemon({ name: this.name, args: passthroughArgs(), detach: this.detach, remote: this.remote, sandbox: this.sandbox, stdout: this.context.stdout, stderr: this.context.stderr });
    }
    const { runLocal } = await import('./run-local.js');
    return runLocal({ name: this.name, explain: this.explain, sandbox: this.sandbox, args: passthroughArgs() }, this.context.stdout);
  }
}
