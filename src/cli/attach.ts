import { Command, Option } from 'clipanion';

export class AttachCommand extends Command {
  static override paths = [['attach']];
  static override usage = Command.Usage({
    category: 'Sessions',
    description: 'Attach this terminal to a session: its current screen, then live',
    details: `
      Keystrokes go to the session; its size follows this terminal (the smallest attached client wins). Press the
      detach key — \`Ctrl-\\\` then \`d\` — to leave it running; \`Ctrl-\\\` twice sends one \`Ctrl-\\\`. Change the key with
      \`--detach-key ctrl-a\` or \`[daemon] detach-key\` in config.toml (\`none\` turns it off).

      When the session ends, \`attach\` exits with the session's exit status. Attaching to an ended session is an
      error (exit 3) that names its exit status.
    `,
    examples: [['Attach', 'ringlet attach 3fa2b1c0'], ['On a dev box', 'ringlet attach 3fa2b1c0 --remote dev-box'], ['Another detach key', 'ringlet attach 3fa2 --detach-key ctrl-a']],
  });

  id = Option.String({ name: 'id' });
  remote = Option.String('--remote', { description: 'A remote name or URL instead of the local daemon' });
  detachKey = Option.String('--detach-key', { description: 'ctrl-X then d detaches (default ctrl-\\); none turns it off' });

  async execute(): Promise<number> {
    const { clientFor, detachKeyFor, reattachHint } = await import('./daemon/run-session.js');
    const { attachTerminal } = await import('./daemon/attach-terminal.js');
    const key = await detachKeyFor(this.detachKey);
    let client;
    if (!this.remote || this.remote === 'local') {
      const { localEndpoint } = await import('../daemon/lifecycle.js');
      const { DaemonClient } = await import('../daemon/client.js');
      const { UserError, EXIT } = await import('../errors.js');
      const ep = await localEndpoint();
      if (!ep) throw new UserError(`no session ${this.id}: the daemon is not running`, EXIT.notFound);
      client = new DaemonClient(ep);
    } else client = await clientFor(this.remote);
    return attachTerminal(client, this.id, key, { reattach: reattachHint(this.remote, this.id) });
  }
}
