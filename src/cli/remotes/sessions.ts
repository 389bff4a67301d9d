import { Command, Option } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json } from '../output.js';

export class RemotesSessionsCommand extends ListingCommand {
  static override paths = [['remotes', 'sessions']];
  static override usage = Command.Usage({
    category: 'Remotes',
    description: "List a remote daemon's sessions",
    examples: [['Sessions on dev-box', 'ringlet remotes sessions dev-box'], ['On this machine', 'ringlet remotes sessions local --json']],
  });

  name = Option.String({ name: 'name' });

  async execute(): Promise<number> {
    const { listSessions } = await import('../sessions/fetch.js');
    const list = await listSessions(this.name);
    if (this.json) {
      this.context.stdout.write(json(list));
      return 0;
    }
    if (!list.length) {
      this.context.stdout.write(`no sessions on ${this.name}; start one with: ringlet profiles run NAME --remote ${this.name} --detach\n`);
      return 0;
    }
    const { sessionsTable } = await import('../sessions/render.js');
    this.context.stdout.write(sessionsTable(list, this.context.stdout as NodeJS.WriteStream));
    return 0;
  }
}

export class RemotesAttachCommand extends Command {
  static override paths = [['remotes', 'attach']];
  static override usage = Command.Usage({
    category: 'Remotes',
    description: "Attach this terminal to a remote daemon's session",
    details: 'Same as `ringlet attach ID --remote NAME`: detach with `Ctrl-\\` then `d`; exits with the session\'s status when it ends.',
    examples: [['Attach', 'ringlet remotes attach dev-box 3fa2b1c0']],
  });

  name = Option.String({ name: 'name' });
  id = Option.String({ name: 'id' });
  detachKey = Option.String('--detach-key', { description: 'ctrl-X then d detaches (default ctrl-\\); none turns it off' });

  async execute(): Promise<number> {
    const { clientFor, detachKeyFor, reattachHint } = await import('../daemon/run-session.js');
    const { attachTerminal } = await import('../daemon/attach-terminal.js');
    const key = await detachKeyFor(this.detachKey);
    const client = await clientFor(this.name);
    return attachTerminal(client, this.id, key, { reattach: reattachHint(this.name, this.id) });
  }
}
