import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { ListingCommand } from '../base.js';
import { json } from '../output.js';
import { SINCE_HELP, formatRow, parseSince } from './format.js';

const TYPES = ['keychain-read', 'hook-deny', 'sandbox-deny', 'session-start', 'session-end', 'auth-failure', 'migration-applied'] as const;

export class AuditQueryCommand extends ListingCommand {
  static override paths = [['audit', 'query']];
  static override usage = Command.Usage({
    category: 'Audit',
    description: 'List audit events: key reads, hook and sandbox denials, sessions, auth failures, migrations',
    details: `
      Types: ${TYPES.join(', ')}. Events never contain secret values (a keychain read names the alias and purpose).
      \`--json\` prints an array of \`{id, ts, type, profile, data, prevHash, hash}\`, oldest first.
    `,
    examples: [
      ['What the sandbox stopped this week', 'ringlet audit query --type sandbox-deny --since 7d'],
      ['Key reads of one profile', 'ringlet audit query --type keychain-read --profile work --json'],
    ],
  });

  type = Option.String('--type', { description: 'Only this event type', validator: t.isEnum(TYPES) });
  profile = Option.String('--profile', { description: 'Only events of this profile' });
  since = Option.String('--since', { description: `From: ${SINCE_HELP}` });
  limit = Option.String('--limit', { description: 'Only the most recent N events', validator: t.isNumber() });

  async execute(): Promise<number> {
    const since = parseSince(this.since);
    const { queryAudit } = await import('../../audit/store.js');
    const rows = queryAudit({ type: this.type, profile: this.profile, since, limit: this.limit });
    if (this.json) this.context.stdout.write(json(rows));
    else if (!rows.length) this.context.stdout.write('no audit events match\n');
    else for (const r of rows) this.context.stdout.write(formatRow(r));
    return 0;
  }
}
