import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { SHELLS, type ShellName } from '../shell/quote.js';

export class CompletionsCommand extends Command {
  static override paths = [['completions']];
  static override usage = Command.Usage({
    category: 'Shell',
    description: 'Print the completion script for bash, zsh or fish',
    details: `
      \`ringlet shell init\` already loads completions; use this when you only want completions, or to install
      them where your shell looks for them. Profile names, providers and key aliases are completed from
      files on disk, so pressing Tab never starts node. The same scripts are in the package's
      \`completions/\` directory (generated at build time).
    `,
    examples: [
      ['bash, system-wide', '$0 completions bash > /usr/share/bash-completion/completions/ringlet'],
      ['zsh (a directory on your $fpath)', '$0 completions zsh > ~/.zfunc/_ringlet'],
      ['fish', '$0 completions fish > ~/.config/fish/completions/ringlet.fish'],
    ],
  });

  shell = Option.String({ name: 'shell', validator: t.isEnum(SHELLS) });

  async execute(): Promise<number> {
    // This process loaded only the shell commands; completions need the whole tree.
    const { currentSpecs, renderCompletions } = await import('../shell/completions-gen.js');
    this.context.stdout.write(renderCompletions(this.shell as ShellName, await currentSpecs()));
    return 0;
  }
}
