import { Command } from 'clipanion';

export class DaemonRotateTokenCommand extends Command {
  static override paths = [['daemon', 'rotate-token']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'Replace the API token; the old one stops working at once',
    details: `
      Writes a new token to \`~/.config/ringlet/http_token\` (mode 0600). A running daemon refuses the old token from
      its next request on; attached sessions stay attached. Machines that use this daemon as a remote need the new
      token: \`ssh HOST cat ~/.config/ringlet/http_token | ringlet remotes add NAME --url URL --token-stdin --replace\`.
      The token is never printed.
    `,
    examples: [['Rotate', 'ringlet daemon rotate-token']],
  });

  async execute(): Promise<number> {
    const { rotateToken } = await import('../../daemon/token.js');
    const { paths } = await import('../../config/paths.js');
    rotateToken();
    this.context.stdout.write(`new token in ${paths.httpToken()}; the old one no longer works\n`);
    return 0;
  }
}
