/**
 * Words after `--` for commands that pass them on untouched (`profiles run NAME -- cmd args`).
 * clipanion would otherwise take the first of them as the optional profile name.
 */
let after: string[] | undefined;

const PASSTHROUGH_COMMANDS = [['profiles', 'run']];

/** Split argv before clipanion sees it; returns the part clipanion should parse. */
export function splitPassthrough(argv: string[]): string[] {
  const takes = PASSTHROUGH_COMMANDS.some((words) => words.every((w, i) => argv[i] === w));
  const i = argv.indexOf('--');
  if (!takes || i < 0) {
    after = undefined;
    return argv;
  }
  after = argv.slice(i + 1);
  return argv.slice(0, i);
}

export function passthroughArgs(): string[] {
  return after ?? [];
}
