import { Command, Option } from 'clipanion';
import { ListingCommand } from '../base.js';
import { UserError, EXIT } from '../../errors.js';
import type { HookRule } from '../../hooks/types.js';

export function describeHandler(r: HookRule): string {
  if (r.shell !== undefined) return `shell: ${r.shell}`;
  if (r.webhook !== undefined) return `webhook: ${r.webhook}${r.webhookTemplate ? ' (template)' : ''}`;
  return `script: ${r.script}`;
}

export class HooksListCommand extends ListingCommand {
  static override paths = [['hooks', 'list']];
  static override usage = Command.Usage({
    category: 'Hooks',
    description: 'List hooks: global ones and each profile\'s',
    examples: [
      ['Every hook', 'ringlet hooks list'],
      ['The hooks that apply to one profile', 'ringlet hooks list work'],
      ['As JSON', 'ringlet hooks list --json'],
    ],
  });

  profile = Option.String({ name: 'profile', required: false });
  allProfiles = Option.Boolean('--all-profiles', false, { description: 'Only the global hooks' });

  async execute(): Promise<number> {
    const { loadRules, profilesWithHooks, rulesFor, scopeLabel } = await import('../../hooks/store.js');
    const { thresholdUsd, timeoutMs } = await import('../../hooks/types.js');
    if (this.profile && this.allProfiles) throw new UserError('name a profile or pass --all-profiles, not both', EXIT.usage);
    const rules = this.allProfiles ? loadRules(null) : this.profile ? rulesFor(this.profile) : [null, ...profilesWithHooks()].flatMap((s) => loadRules(s));
    if (this.json) {
      this.context.stdout.write(JSON.stringify(rules.map((r) => ({
        scope: r.scope, id: r.id, on: r.on, shell: r.shell, webhook: r.webhook, webhookTemplate: r.webhookTemplate, script: r.script,
        matcher: r.matcher, timeoutMs: timeoutMs(r), period: r.period, limit: r.limit, of: r.of,
        thresholdUsd: r.on === 'cost-threshold' ? thresholdUsd(r) : undefined, file: r.file,
      })), null, 2) + '\n');
      return 0;
    }
    if (!rules.length) {
      this.context.stdout.write('no hooks; add one with: ringlet hooks add <profile> --on pre-tool-use --shell \'…\'\n');
      return 0;
    }
    const { table } = await import('../output.js');
    const cut = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);
    const rows = rules.map((r) => [
      scopeLabel(r.scope), r.id, r.on,
      r.on === 'cost-threshold' ? `$${thresholdUsd(r)}/${r.period ?? 'day'}` : r.matcher ?? '',
      `${timeoutMs(r) / 1000}s`, cut(describeHandler(r)),
    ]);
    this.context.stdout.write(table(['SCOPE', 'NAME', 'EVENT', 'MATCH', 'TIMEOUT', 'HANDLER'], rows));
    return 0;
  }
}
