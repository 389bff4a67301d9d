import { Command, Option } from 'clipanion';

export class DaemonCommand extends Command {
  static override paths = [['daemon']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'Run the daemon in the foreground: detachable sessions, the HTTP/WebSocket API, the dashboard',
    details: `
      Commands that need the daemon (\`profiles run --detach\`, \`attach\`, \`remotes …\` against \`local\`) start it
      on their own, in the background, logging to \`~/.ringlet/daemon.log\`; run this to keep it in a terminal.

      It listens on \`--listen\`, else \`$RINGLET_DAEMON_ADDR\`, else \`[daemon] listen\` in config.toml, else 127.0.0.1:8765.
      Every API request needs the bearer token in \`~/.config/ringlet/http_token\` (created on first start, mode 0600).
      Without \`--stay-alive\` it exits after \`[daemon] idle-minutes\` (default 15) with no sessions and no clients.

      On an address other than loopback, traffic is plain HTTP unless \`--tls-cert\` and \`--tls-key\` are given:
      use TLS or an SSH tunnel (see docs/sessions.md).
    `,
    examples: [
      ['Run it here', 'ringlet daemon'],
      ['Serve a dev box over TLS', 'ringlet daemon --listen 0.0.0.0:8765 --tls-cert cert.pem --tls-key key.pem --stay-alive'],
    ],
  });

  listen = Option.String('--listen', { description: 'ADDR:PORT to listen on (default 127.0.0.1:8765)' });
  stayAlive = Option.Boolean('--stay-alive', false, { description: 'Never exit for being idle' });
  tlsCert = Option.String('--tls-cert', { description: 'PEM certificate: serve HTTPS/WSS' });
  tlsKey = Option.String('--tls-key', { description: 'PEM private key for --tls-cert' });

  async execute(): Promise<number> {
    const { startDaemon } = await import('../../daemon/server.js');
    const stamp = () => new Date().toISOString();
    const log = (line: string) => this.context.stdout.write(`${stamp()} ${line}\n`);
    const d = await startDaemon({ listen: this.listen, stayAlive: this.stayAlive, tlsCert: this.tlsCert, tlsKey: this.tlsKey, log, warn: (l) => this.context.stderr.write(`ringlet: ${l}\n`) });
    // A closing terminal must not take the sessions with it; TERM and INT stop it cleanly.
    process.on('SIGHUP', () => log('SIGHUP ignored'));
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void d.stop());
    await d.closed;
    // Everything is closed; should a stray handle keep the loop alive, do not linger as a daemon that serves nothing.
    setTimeout(() => process.exit(0), 2000).unref();
    return 0;
  }
}
