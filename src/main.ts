import { Builtins, Cli, Command, type CommandClass } from 'clipanion';
import { loadCommands } from './cli/commands.js';
import { reportError } from './cli/report-error.js';
import { useColor } from './cli/output.js';
import { splitPassthrough } from './cli/passthrough.js';
import { VERSION } from './version.js';

/** The CLI with the commands needed for `argv` (every command when argv is absent, e.g. for completions). */
export async function buildCli(argv?: string[]): Promise<Cli> {
  const cli = new Cli({ binaryLabel: 'ringlet', binaryName: 'ringlet', binaryVersion: VERSION, enableColors: useColor() });
  for (const c of await commandsFor(argv)) cli.register(c);
  return cli;
}

/**
 * Agents call `hooks dispatch` on every tool call, and `profiles run` comes here with what bin/ringlet's
 * fast path leaves (--detach, --remote, bad options): those register just their own command. Anything
 * else loads the group its first word names.
 */
async function commandsFor(argv?: string[]): Promise<CommandClass[]> {
  const own = argv?.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv ?? [];
  const help = own.some((a) => a === '-h' || a === '--help');
  if (!help && argv?.[0] === 'profiles' && argv[1] === 'run') return [(await import('./cli/profiles/run.js')).ProfilesRunCommand];
  if (!help && argv?.[0] === 'hooks' && (argv[1] === 'dispatch' || argv[1] === 'run-job')) {
    const m = await import('./cli/hooks/dispatch.js');
    return [m.HooksDispatchCommand, m.HooksRunJobCommand];
  }
  const builtins = [Builtins.HelpCommand, Builtins.VersionCommand];
  if (argv?.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) return builtins;
  return [...builtins, ...(await loadCommands(argv))];
}

export async function run(argv: string[]): Promise<number> {
  const cli = await buildCli(argv);
  const context = { ...Cli.defaultContext };
  let command: Command;
  try {
    command = cli.process(splitPassthrough(argv), context);
  } catch (err) {
    // Unknown command or bad option: clipanion's message plus usage, on stderr, exit 2.
    process.stderr.write(cli.error(err, { colored: useColor(process.stderr) }));
    return 2;
  }
  // clipanion prints execute() errors to stdout with a stack; route them through reportError instead.
  let failure: number | undefined;
  command.catch = async (err: unknown) => {
    failure = reportError(err);
  };
  const code = await cli.run(command, context);
  return failure ?? code;
}

export async function main(argv: string[]): Promise<void> {
  process.exitCode = await run(argv).catch(reportError);
}

export { generateCompletions } from './shell/completions-gen.js';
