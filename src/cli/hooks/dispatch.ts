import { Command, Option } from 'clipanion';

/** Reads all of stdin; nothing when it is a terminal (someone typing the command by hand). */
function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (data += d));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', () => resolve(data));
  });
}

/**
 * `ringlet hooks dispatch <agent> <Event> [json]`: called by the hooks ringlet writes into an agent's own
 * config, with the event JSON on stdin (or as the argument, for Codex's `notify`). Hidden from help.
 */
export class HooksDispatchCommand extends Command {
  static override paths = [['hooks', 'dispatch']];

  agent = Option.String();
  event = Option.String();
  json = Option.String({ required: false });

  async execute(): Promise<number> {
    const { dispatch, DISPATCH_BUDGET_MS } = await import('../../hooks/dispatch.js');
    const deadline = Date.now() + DISPATCH_BUDGET_MS;
    // Belt and braces: the agent lets a tool through when its own hook timeout passes, so deny before it does.
    const watchdog = this.event === 'PreToolUse'
      ? setTimeout(() => {
        process.stderr.write('ringlet: hooks took too long, so the tool is denied\n');
        process.exit(2);
      }, DISPATCH_BUDGET_MS + 2_000)
      : undefined;
    try {
      const input = this.json ?? (await readStdin());
      const answer = await dispatch(this.agent, this.event, input, process.env, deadline);
      if (answer.stderr) this.context.stderr.write(answer.stderr);
      return answer.exitCode;
    } catch (err) {
      // Exit 1 would let the tool through: a failing guard denies (exit 2); other events just carry on.
      if (this.event !== 'PreToolUse') return 0;
      this.context.stderr.write(`ringlet: hook dispatch failed, so the tool is denied: ${(err as Error).message}\n`);
      return 2;
    } finally {
      clearTimeout(watchdog);
    }
  }
}

/** `ringlet hooks run-job <file>`: the detached process that runs non-gating hooks and webhooks. Hidden. */
export class HooksRunJobCommand extends Command {
  static override paths = [['hooks', 'run-job']];

  file = Option.String();

  async execute(): Promise<number> {
    const { runJobFile } = await import('../../hooks/engine.js');
    await runJobFile(this.file, process.env);
    return 0;
  }
}
