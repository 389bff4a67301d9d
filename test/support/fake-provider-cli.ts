/**
 * Runs the fake model provider standalone, for demos and manual runs of the real agents offline:
 *
 *   npx esbuild test/support/fake-provider-cli.ts --bundle --platform=node --format=esm --log-level=warning \
 *     | node --input-type=module - --port 8089 [--reply TEXT] [--tool-call COMMAND] [--verbose]
 *
 * Prints `listening on http://127.0.0.1:PORT` and stays up until SIGINT/SIGTERM.
 */
import { startFakeProvider, type FakeProviderOptions } from './fake-provider.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const opts: FakeProviderOptions = { port: Number(arg('--port') ?? 0) };
const reply = arg('--reply');
if (reply !== undefined) opts.reply = reply;
const toolCall = arg('--tool-call');
if (toolCall !== undefined) opts.toolCall = { command: toolCall };
if (process.argv.includes('--verbose')) opts.log = (line) => process.stderr.write(`${line}\n`);

const fake = await startFakeProvider(opts);
process.stdout.write(`listening on ${fake.url}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
