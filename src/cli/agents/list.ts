import { Command, Option } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json, paint, table } from '../output.js';

export class AgentsListCommand extends ListingCommand {
  static override paths = [['agents', 'list'], ['agents', 'ls']];
  static override usage = Command.Usage({
    category: 'Agents',
    description: 'List the agents ringlet knows, which are installed, and their versions',
    examples: [['Installed agents', 'ringlet agents list'], ['Every known agent', 'ringlet agents list --all --json']],
  });

  all = Option.Boolean('--all', false, { description: 'Include agents that are not installed' });

  async execute(): Promise<number> {
    const { AGENTS, detectAgent } = await import('../../agents/registry.js');
    const found = AGENTS.map((a) => ({ ...detectAgent(a), wires: a.wires }));
    const shown = this.all ? found : found.filter((a) => a.path);
    if (this.json) {
      this.context.stdout.write(json(shown.map((a) => ({ id: a.id, label: a.label, installed: Boolean(a.path), path: a.path ?? null, version: a.version ?? null, wires: a.wires }))));
      return 0;
    }
    if (!shown.length) {
      this.context.stdout.write('no agents found on PATH (try --all to see the ones ringlet supports)\n');
      return 0;
    }
    this.context.stdout.write(table(['AGENT', 'VERSION', 'PATH'], shown.map((a) => [a.id, a.version ?? (a.path ? '?' : paint('not installed', 'dim')), a.path ?? '-'])));
    return 0;
  }
}
