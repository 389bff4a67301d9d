import { createInterface } from 'node:readline';

/** y/N question on the terminal (stderr, so stdout stays clean for scripts). */
export async function confirm(question: string, defaultYes = false): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = (await new Promise<string>((res) => rl.question(`${question} ${defaultYes ? '[Y/n]' : '[y/N]'} `, res))).trim();
  rl.close();
  return answer === '' ? defaultYes : /^y(es)?$/i.test(answer);
}

/** Read a secret from the terminal without echo. */
export async function readSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    stdin.on('data', onData);
  });
}
