// The entry of dist/run.cjs: `profiles run` alone, as one CommonJS file, so an agent start loads one file
// with no clipanion and no ES module graph to link (see bin/ringlet).
import { reportError } from './cli/report-error.js';
import { parseLocalRun, runLocal } from './cli/profiles/run-local.js';

/** Runs `profiles run …` and sets the exit code; false when argv is for the full CLI. */
export function runFast(argv: string[]): boolean {
  const run = parseLocalRun(argv);
  if (!run) return false;
  // process.stdout is not touched unless written to: making the stream costs milliseconds.
  runLocal(run).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { process.exitCode = reportError(err); },
  );
  return true;
}
