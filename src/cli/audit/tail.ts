import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { formatRow } from './format.js';

export class AuditTailCommand extends Command {
  static override paths = [['audit', 'tail']];
  static override usage = Command.Usage({
    category: 'Audit',
    description: 'Show the latest audit events; -f keeps printing new ones as they are appended',
    examples: [['Last 20 events', 'ringlet audit tail'], ['Follow', 'ringlet audit tail -f'], ['Follow as JSON lines', 'ringlet audit tail -f --json']],
  });

  follow = Option.Boolean('-f,--follow', false, { description: 'Keep watching for new events (Ctrl-C to stop)' });
  lines = Option.String('-n,--lines', '20', { description: 'How many recent events to show first', validator: t.isNumber() });
  json = Option.Boolean('--json', false, { description: 'One JSON object per line' });

  async execute(): Promise<number> {
    const { queryAudit } = await import('../../audit/store.js');
    const out = (rows: ReturnType<typeof queryAudit>) => {
      for (const r of rows) this.context.stdout.write(this.json ? JSON.stringify(r) + '\n' : formatRow(r));
    };
    let rows = queryAudit({ limit: Number(this.lines) });
    out(rows);
    if (!this.follow) return 0;
    let last = rows.at(-1)?.id ?? 0;
    // Polling: cheap (an indexed range read), and works across processes without any notification channel.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        rows = queryAudit({ afterId: last });
        if (rows.length) {
          out(rows);
          last = rows.at(-1)!.id;
        }
      }, 500);
      const stop = () => {
        clearInterval(timer);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  }
}
