import { Command, Option } from 'clipanion';
import { UserError, EXIT } from '../errors.js';
import { humanCount, paint, usd } from './output.js';

/** The provider a first profile uses for each agent. */
const FIRST_PROVIDER: Record<string, string> = { claude: 'anthropic', codex: 'openai', grok: 'xai', droid: 'self', opencode: 'anthropic', gemini: 'google' };

export class InitCommand extends Command {
  static override paths = [['init']];
  static override usage = Command.Usage({
    category: 'Setup',
    description: 'Detect installed agents, import their existing logs, create a first profile',
    details: `
      Safe to run again: imports only add what the ledger does not have, and an existing profile is left alone.
      Without a terminal, pass --yes to accept the defaults (import everything found; create profile \`main\`
      for the first installed agent if there are no profiles yet); otherwise it only reports what it found.
    `,
    examples: [['Interactive', 'ringlet init'], ['Unattended', 'ringlet init --yes']],
  });

  yes = Option.Boolean('--yes,-y', false, { description: 'Accept the defaults without asking' });
  name = Option.String('--name', 'main', { description: 'Name of the first profile' });

  async execute(): Promise<number> {
    const { existsSync } = await import('node:fs');
    const { AGENTS, detectAgent } = await import('../agents/registry.js');
    const { IMPORT_AGENTS, defaultLogRoots, importLogs } = await import('../import/importer.js');
    const { listProfiles, createProfile } = await import('../profiles/store.js');
    const { loadConfig, saveConfig } = await import('../config/config.js');
    const { confirm } = await import('./prompt.js');
    const out = this.context.stdout;
    const interactive = Boolean(process.stdin.isTTY) && !this.yes;
    const ask = async (q: string) => (this.yes ? true : interactive ? confirm(q, true) : false);

    const detected = AGENTS.map((a) => detectAgent(a));
    const installed = detected.filter((d) => d.path);
    out.write(paint('Agents\n', 'bold'));
    for (const d of detected) out.write(`  ${d.id.padEnd(9)} ${d.path ? `${d.version ?? '?'}  ${d.path}` : paint('not installed', 'dim')}\n`);

    out.write(paint('Existing logs\n', 'bold'));
    const sources = IMPORT_AGENTS.map((a) => ({ agent: a, roots: defaultLogRoots(a).filter((r) => existsSync(r)) })).filter((s) => s.roots.length);
    if (!sources.length) out.write('  none found\n');
    for (const s of sources) {
      out.write(`  ${s.agent.padEnd(9)} ${s.roots.join(', ')}\n`);
      if (!(await ask(`Import ${s.agent} usage history into the ledger?`))) continue;
      const { openLedger } = await import('../ledger/ledger.js');
      const ledger = await openLedger();
      try {
        const r = await importLogs(ledger, s.agent, s.roots, { profile: null, prices: loadConfig().prices });
        out.write(`  imported ${humanCount(r.added)} new responses (${humanCount(r.duplicates)} already counted), ${usd(r.costUsd)}\n`);
      } finally {
        ledger.close();
      }
    }

    const profiles = listProfiles();
    out.write(paint('Profiles\n', 'bold'));
    if (profiles.length) {
      out.write(`  ${profiles.map((p) => p.name).join(', ')}\n`);
    } else if (installed.length) {
      const agent = installed[0].id;
      const provider = FIRST_PROVIDER[agent] ?? 'anthropic';
      if (await ask(`Create profile ${this.name} (${agent} on ${provider})?`)) {
        const p = createProfile({ name: this.name, agent, provider });
        const cfg = loadConfig();
        if (!cfg['default-profile']) saveConfig({ ...cfg, 'default-profile': p.name });
        out.write(`  created ${p.name}; it is the default profile\n`);
        const alias = p.manifest['provider-config']?.['key-alias'];
        if (alias) out.write(`  next: ringlet keychain set ${provider} ${alias}, then: ringlet profiles run\n`);
      }
    } else {
      out.write('  none, and no agent is installed: install one (e.g. npm install -g @anthropic-ai/claude-code)\n');
    }
    if (!interactive && !this.yes && (sources.length || (!profiles.length && installed.length))) {
      throw new UserError('nothing was changed: run `ringlet init` in a terminal, or `ringlet init --yes` to accept the defaults', EXIT.usage);
    }
    return 0;
  }
}
