import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { SHELLS, type ShellName } from '../../shell/quote.js';

export class ShellInitCommand extends Command {
  static override paths = [['shell', 'init']];
  static override usage = Command.Usage({
    category: 'Shell',
    description: 'Print the shell integration: profile by directory, agent wrappers, aliases, completions',
    details: `
      Load the output in your shell's startup file. On every \`cd\` it exports \`RINGLET_PROFILE\` for the
      directory you are in, unsets it when you leave, and starts no process to do so: the
      \`[[directory-mapping]]\` entries of config.toml are compiled into the script (longest prefix wins,
      symlinked paths match too), and a \`.ringlet.toml\` (\`profile = "name"\`) or \`.ringlet-profile\` in the
      directory or above it (inside HOME: below HOME) counts once you have trusted it with \`ringlet allow\`.
      The nearer of the two wins.

      When config.toml changes, the next \`cd\` notices with a file-time test and asks ringlet for a fresh
      copy; that is the only time a process starts. Changes to the allow store are noticed when a project file
      is found, changes to the profiles when an alias runs. \`[shell] notify = false\`
      turns off the one-line notice when the profile changes.

      The script also defines a \`ringlet\` shell function (renamed with \`--cmd\`) that runs the CLI and then
      refreshes the shell at once, so \`ringlet allow\` and \`ringlet alias add\` apply without a \`cd\`;
      the binary itself stays reachable as \`command ringlet\`. \`--wrap claude,codex\` defines functions that
      run those commands through \`ringlet profiles run <selected profile> --\` when a profile is selected,
      and the plain binary otherwise. Aliases from \`ringlet alias add\` become functions too (\`--no-aliases\`
      to skip them). Completions for every command are included.
    `,
    examples: [
      ['bash (~/.bashrc)', 'eval "$($0 shell init bash)"'],
      ['zsh (~/.zshrc)', 'eval "$($0 shell init zsh)"'],
      ['fish (~/.config/fish/config.fish)', '$0 shell init fish | source'],
      ['Run claude and codex inside the selected profile', 'eval "$($0 shell init zsh --wrap claude,codex)"'],
      ['Name the shell function rl instead of ringlet', 'eval "$($0 shell init bash --cmd rl)"'],
    ],
  });

  shell = Option.String({ name: 'shell', validator: t.isEnum(SHELLS) });
  cmd = Option.String('--cmd', 'ringlet', { description: 'Name of the shell function that runs ringlet and refreshes the shell (default ringlet)' });
  wrap = Option.Array('--wrap', [], { description: 'Commands to run inside the selected profile, comma-separated (e.g. claude,codex)' });
  noAliases = Option.Boolean('--no-aliases', false, { description: 'Do not define the functions of [shell.aliases]' });
  /** What a running shell asks for when its inputs changed: only the generated state. */
  state = Option.Boolean('--state', false, { hidden: true });

  async execute(): Promise<number> {
    const { renderInit, renderState } = await import('../../shell/init.js');
    const opts = { cmd: this.cmd, wrap: this.wrap.flatMap((w) => w.split(',')).map((w) => w.trim()).filter(Boolean), aliases: !this.noAliases };
    const shell = this.shell as ShellName;
    if (this.state) {
      const { checkInitOptions } = await import('../../shell/init.js');
      checkInitOptions(opts);
      this.context.stdout.write(renderState(shell, opts));
      return 0;
    }
    // This process loaded only the shell commands; completions need the whole tree.
    const { currentSpecs, renderCompletions } = await import('../../shell/completions-gen.js');
    const completions = renderCompletions(shell, await currentSpecs());
    this.context.stdout.write(renderInit(shell, opts, completions));
    return 0;
  }
}
