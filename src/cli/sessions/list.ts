import { Command, Option } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json } from '../output.js';

export class SessionsListCommand extends ListingCommand {
  static override paths = [['sessions'], ['sessions', 'list']];
  static override usage = Command.Usage({
    category: 'Sessions',
    description: 'List sessions: running, ended (with exit status and end time) and lost',
    details: `
      Sessions are started with \`ringlet profiles run NAME --detach\`. Ended sessions stay listed until removed with
      \`ringlet sessions kill ID\`. A session whose daemon crashed or was restarted under it is shown as \`lost\`.
      With \`--remote NAME\` it lists a remote daemon's sessions (same as \`ringlet remotes sessions NAME\`).
      \`--json\` prints the same array as \`GET /api/sessions\`.
    `,
    examples: [['List', 'ringlet sessions'], ['As JSON', 'ringlet sessions --json'], ['On a dev box', 'ringlet sessions --remote dev-box']],
  });

  remote = Option.String('--remote', { description: 'A remote name or URL instead of the local daemon' });

  async execute(): Promise<number> {
    const { listSessions } = await import('./fetch.js');
    const list = await listSessions(this.remote);
    if (this.json) {
      this.context.stdout.write(json(list));
      return 0;
    }
    if (!list.length) {
      this.context.stdout.write('no sessions; start one with: ringlet profiles run NAME --detach\n');
      return 0;
    }
    const { sessionsTable } = await import('./render.js');
    this.context.stdout.write(sessionsTable(list, this.context.stdout as NodeJS.WriteStream));
    return 0;
  }
}
