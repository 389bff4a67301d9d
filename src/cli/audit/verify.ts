import { Command, Option } from 'clipanion';
import { json, paint } from '../output.js';

export class AuditVerifyCommand extends Command {
  static override paths = [['audit', 'verify']];
  static override usage = Command.Usage({
    category: 'Audit',
    description: 'Check the audit log\'s hash chain: any edited, deleted or reordered row is named',
    details: `
      Every row of \`audit.db\` stores the SHA-256 of the row before it and of its own content. This walks the chain and
      exits 1 naming the first row where it breaks. The head hash it prints identifies the whole log: keep a copy
      somewhere else to detect a log rewritten from scratch.
    `,
    examples: [['Verify', 'ringlet audit verify'], ['As JSON', 'ringlet audit verify --json']],
  });

  json = Option.Boolean('--json', false, { description: 'Print {ok, rows, badId, reason, head, warnings}' });

  async execute(): Promise<number> {
    const { verifyAudit } = await import('../../audit/store.js');
    const r = verifyAudit();
    if (this.json) this.context.stdout.write(json(r));
    else if (r.ok) this.context.stdout.write(`${paint('ok', 'green')}: ${r.rows} audit rows, chain intact${r.head ? ` (head ${r.head.slice(0, 16)})` : ''}\n`);
    else this.context.stdout.write(`${paint('TAMPERED', 'red')}: row ${r.badId}: ${r.reason} (${r.rows} rows read)\n`);
    for (const w of r.warnings) if (!this.json) this.context.stderr.write(`warning: ${w}\n`);
    return r.ok ? 0 : 1;
  }
}
