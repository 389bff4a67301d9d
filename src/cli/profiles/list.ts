import { Command } from 'clipanion';
import { ListingCommand } from '../base.js';
import { json, paint, table } from '../output.js';

export class ProfilesListCommand extends ListingCommand {
  static override paths = [['profiles', 'list'], ['profiles', 'ls']];
  static override usage = Command.Usage({
    category: 'Profiles',
    description: 'List profiles',
    examples: [['List profiles', 'ringlet profiles list'], ['As JSON', 'ringlet profiles list --json']],
  });

  async execute(): Promise<number> {
    const { listProfiles } = await import('../../profiles/store.js');
    const { profileSummary } = await import('../../profiles/summary.js');
    const all = listProfiles();
    if (this.json) {
      this.context.stdout.write(json(all.map((p) => (p.profile ? profileSummary(p.profile) : { name: p.name, error: p.error }))));
      return 0;
    }
    if (!all.length) {
      this.context.stdout.write('no profiles yet; create one with: ringlet profiles create claude work --provider anthropic\n');
      return 0;
    }
    const rows = all.map((p) => {
      if (!p.profile) return [p.name, paint('broken', 'red'), '', '', p.error ?? ''];
      const s = profileSummary(p.profile);
      return [s.name, s.agent, s.provider, s.model ?? '-', s.keyAlias ?? '-'];
    });
    this.context.stdout.write(table(['NAME', 'AGENT', 'PROVIDER', 'MODEL', 'KEY'], rows));
    return 0;
  }
}
