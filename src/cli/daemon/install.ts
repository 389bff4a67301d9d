import { Command, Option } from 'clipanion';

export class DaemonInstallCommand extends Command {
  static override paths = [['daemon', 'install']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'Run the daemon at login: a systemd user unit (Linux) or a launchd agent (macOS)',
    details: `
      Writes \`~/.config/systemd/user/ringlet.service\` and enables it, or \`~/Library/LaunchAgents/dev.ringlet.daemon.plist\`
      and loads it. Paths in it are absolute (this node, this ringlet). \`--print\` shows the file and the commands
      and changes nothing. On a dev box without a login session, also run \`loginctl enable-linger $USER\` so the
      unit keeps running after you log out.
    `,
    examples: [
      ['Show what would be installed', 'ringlet daemon install --print'],
      ['Install for a dev box reached over an SSH tunnel', 'ringlet daemon install'],
      ['Install listening on the LAN with TLS', 'ringlet daemon install --listen 0.0.0.0:8765 --tls-cert ~/certs/box.pem --tls-key ~/certs/box-key.pem'],
    ],
  });

  print = Option.Boolean('--print', false, { description: 'Print the unit and the commands; install nothing' });
  listen = Option.String('--listen', { description: 'ADDR:PORT for the daemon' });
  tlsCert = Option.String('--tls-cert', { description: 'PEM certificate (absolute path)' });
  tlsKey = Option.String('--tls-key', { description: 'PEM private key (absolute path)' });

  async execute(): Promise<number> {
    const { serviceFile } = await import('../../daemon/install.js');
    const { parseListen } = await import('../../daemon/address.js');
    const { resolve } = await import('node:path');
    if (this.listen) parseListen(this.listen);
    const svc = serviceFile({ listen: this.listen, tlsCert: this.tlsCert && resolve(this.tlsCert), tlsKey: this.tlsKey && resolve(this.tlsKey) });
    if (this.print) {
      this.context.stdout.write(`# ${svc.path}\n${svc.text}\n# then:\n${svc.enable.map((c) => c.join(' ')).join('\n')}\n`);
      return 0;
    }
    const { writeFileAtomic } = await import('../../config/atomic.js');
    const { spawnSync } = await import('node:child_process');
    writeFileAtomic(svc.path, svc.text, { mode: 0o644, backup: true });
    this.context.stdout.write(`wrote ${svc.path}\n`);
    for (const cmd of svc.enable) {
      const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit' });
      if (r.status !== 0) {
        this.context.stderr.write(`ringlet: \`${cmd.join(' ')}\` failed${r.error ? ` (${r.error.message})` : ''}; the unit is written, load it yourself when the service manager is available\n`);
        return 1;
      }
    }
    this.context.stdout.write(`the daemon now starts at login (${svc.kind})\n`);
    return 0;
  }
}
