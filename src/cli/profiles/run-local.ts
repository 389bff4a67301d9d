/**
 * `profiles run` as aliases and wrappers call it on every agent start, without clipanion: bin/ringlet sends
 * argv here first (through the small dist/run.cjs bundle) and falls back to the full CLI for anything this
 * does not take — help, --detach, --remote, an unknown option — so errors and help stay clipanion's.
 */
import { resolveProfileName } from '../../profiles/store.js';
import { readProfile } from '../../profiles/manifest.js';
import { explainPlan, executeRun, planRun } from '../../profiles/run.js';

export interface LocalRun {
  name?: string;
  explain: boolean;
  /** --sandbox / --no-sandbox; undefined = the profile's sandbox mode decides. */
  sandbox?: boolean;
  /** The words after `--`. */
  args: string[];
}

/** argv as `profiles run …`; undefined when anything in it is for the full CLI to handle. */
export function parseLocalRun(argv: string[]): LocalRun | undefined {
  if (argv[0] !== 'profiles' || argv[1] !== 'run') return undefined;
  const end = argv.indexOf('--');
  const own = end < 0 ? argv.slice(2) : argv.slice(2, end);
  const run: LocalRun = { explain: false, args: end < 0 ? [] : argv.slice(end + 1) };
  for (const word of own) {
    if (word === '--explain') run.explain = true;
    else if (word === '--sandbox') run.sandbox = true;
    else if (word === '--no-sandbox') run.sandbox = false;
    else if (word.startsWith('-') || run.name !== undefined) return undefined;
    else run.name = word;
  }
  return run;
}

/** Pick the profile, then explain the plan or run it; resolves to the exit status. */
export async function runLocal(run: LocalRun, stdout?: NodeJS.WritableStream): Promise<number> {
  const choice = resolveProfileName(run.name, process.cwd());
  const plan = planRun(readProfile(choice.name), run.args, { sandbox: run.sandbox });
  if (!run.explain) return executeRun(plan);
  (stdout ?? process.stdout).write(explainPlan(plan, choice.reason));
  return 0;
}
