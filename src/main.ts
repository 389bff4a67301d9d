import { Builtins, Cli, Command } from 'clipanion';
import { UserError } from './errors.js';
import { loadCommands } from './cli/commands.js';
import { useColor } from './cli/output.js';
import { splitPassthrough } from './cli/passthrough.js';
import { VERSION } from './version.js';


export async function buildCli(): Promise<Cli> {
  const cli = new Cli({ binaryLabel: 'ringlet', binaryName: 'ringlet', binaryVersion: VERSION, enableColors: useColor() });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const c of await loadCommands()) cli.register(c);
  return cli;
}

/**
 * `profiles run` is what aliases and wrappers call on every agent start: register just that command so
 * start-up does not load every other command's module.
 */
async function buildRunCli(): Promise<Cli> {
  const cli = new Cli({ binaryLabel: 'ringlet', binaryName: 'ringlet', binaryVersion: VERSION, enableColors: useColor() });
  const { ProfilesRunCommand } = await import('./cli/profiles/run.js');
  cli.register(ProfilesRunCommand);
  return cli;
}

const isFastRun = (argv: string[]) => argv[0] === 'profiles' && argv[1] === 'run' && !argv.slice(0, argv.indexOf('--') >>> 0).some((a) => a === '-h' || a === '--help');

export async function run(argv: string[]): Promise<number> {
  const cli = isFastRun(argv) ? await buildRunCli() : await buildCli();
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

/** One line on stderr for errors the user can fix; a stack only with RINGLET_DEBUG. */
export function reportError(err: unknown): number {
  const e = err as Error;
  if (process.env.RINGLET_DEBUG && !(err instanceof UserError)) process.stderr.write(`${e?.stack ?? String(err)}\n`);
  else process.stderr.write(`ringlet: ${(e?.message ?? String(err)).split('\n')[0]}\n`);
  return err instanceof UserError ? err.exitCode : 1;
}
export { generateCompletions } from './shell/completions-gen.js';
