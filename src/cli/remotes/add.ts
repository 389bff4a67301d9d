import { Command, Option } from 'clipanion';

export class RemotesAddCommand extends Command {
  static override paths = [['remotes', 'add']];
  static override usage = Command.Usage({
    category: 'Remotes',
    description: 'Register a remote daemon (a dev box) by URL; its token goes to the keychain',
    details: `
      The token is the remote's \`~/.config/ringlet/http_token\`. Pipe it in so it never lands in your shell history
      or argv: \`ssh dev-box cat .config/ringlet/http_token | ringlet remotes add dev-box --url http://127.0.0.1:9765 --token-stdin\`.
      It is stored in the OS keychain (or the 0600 credentials file), never in config.

      Reach a remote over TLS (\`https://\`, with \`--ca\` for a self-signed certificate) or through an SSH tunnel
      (\`ssh -N -L 9765:127.0.0.1:8765 dev-box\`, then \`--url http://127.0.0.1:9765\`); see docs/sessions.md.
    `,
    examples: [
      ['Through an SSH tunnel', 'ssh dev-box cat .config/ringlet/http_token | ringlet remotes add dev-box --url http://127.0.0.1:9765 --token-stdin'],
      ['Over TLS with a self-signed certificate', 'ringlet remotes add box --url https://box.lan:8765 --ca box.pem --token-file box.token'],
    ],
  });

  name = Option.String({ name: 'name' });
  url = Option.String('--url', { required: true, description: 'http(s)://HOST:PORT of the remote daemon' });
  tokenFile = Option.String('--token-file', { description: 'Read the token from this file' });
  tokenStdin = Option.Boolean('--token-stdin', false, { description: 'Read the token from standard input' });
  ca = Option.String('--ca', { description: 'PEM file of the CA or self-signed certificate to trust (https)' });
  replace = Option.Boolean('--replace', false, { description: 'Change an existing remote (URL and token)' });

  async execute(): Promise<number> {
    const { UserError, EXIT } = await import('../../errors.js');
    const { readFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    if (Boolean(this.tokenFile) === this.tokenStdin) throw new UserError('give the token with exactly one of --token-file FILE or --token-stdin', EXIT.usage);
    let token: string;
    try {
      token = this.tokenFile ? readFileSync(this.tokenFile, 'utf8') : await readStdin(this.context.stdin);
    } catch (err) {
      throw new UserError(`cannot read the token: ${(err as Error).message}`, EXIT.usage);
    }
    const ca = this.ca ? resolve(this.ca) : undefined;
    if (ca) readFileSync(ca);
    const { addRemote } = await import('../../daemon/remotes.js');
    const backend = await addRemote({ name: this.name, url: this.url, ca }, token, { replace: this.replace });
    this.context.stdout.write(`added remote ${this.name} (${this.url}); token stored in the ${backend === 'system' ? 'OS keychain' : 'credentials file'}\n`);
    return 0;
  }
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  if ((stdin as NodeJS.ReadStream).isTTY) process.stderr.write('paste the token, then Enter and Ctrl-D: ');
  let s = '';
  for await (const chunk of stdin) s += chunk;
  return s;
}
