import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { ListingCommand } from './base.js';
import { humanCount, json, paint, usd } from './output.js';
import { UserError, EXIT } from '../errors.js';
import type { ImportProgress, ImportResult } from '../import/importer.js';
import type { CopyResult } from '../import/copy-state.js';

export class ImportCommand extends ListingCommand {
  static override paths = [['import']];

  static override usage = Command.Usage({
    category: 'Cost',
    description: "Import an agent's usage history (and, with --to, its state) from its own logs",
    details: `
      Reads the logs the agent already wrote and adds one ledger row per model response, priced with ringlet's price table. Running it again only reads what was appended since: each response is counted once, however often it is imported or also seen by the meter.

      Sources: \`claude\` reads \`projects/**/*.jsonl\` under \`--from\`, else \`CLAUDE_CONFIG_DIR\`, else \`~/.claude\` (and \`~/.config/claude\`); \`codex\` reads \`sessions/**/rollout-*.jsonl\` under \`--from\`, else \`CODEX_HOME\`, else \`~/.codex\`; \`opencode\` reads \`opencode.db\` and \`storage/message/\` under \`--from\`, else \`~/.local/share/opencode\`.

      \`--to PROFILE\` records the rows under that profile and copies the agent's state into the profile's HOME: for Claude Code settings.json, CLAUDE.md, projects/, agents/, commands/, skills/, plugins/ and \`~/.claude.json\`; for Codex config.toml (without its provider selection, which the profile manages), AGENTS.md, sessions/ and prompts/. Files the profile already has are kept; settings files are merged, the profile's values winning. Credentials are not copied. \`--usage-only\` skips the copy. The originals are only read, never changed.

      Rows already in the ledger keep the profile they were first recorded with. The ledger keeps history after the agent deletes old transcripts (Claude Code removes them after 30 days by default).
    `,
    examples: [
      ['Import Claude Code history', 'ringlet import claude'],
      ['Move ~/.claude into profile work', 'ringlet import claude --to work'],
      ['Only the usage, tagged with a profile', 'ringlet import codex --to oai --usage-only'],
      ['From another directory', 'ringlet import claude --from /backup/claude'],
    ],
  });

  agent = Option.String({ name: 'agent', validator: t.isEnum(['claude', 'codex', 'opencode'] as const) });
  to = Option.String('--to', { description: 'Record rows under this profile and copy the agent state into its HOME' });
  from = Option.String('--from', { description: "The agent's data directory to read (default: its usual place)" });
  usageOnly = Option.Boolean('--usage-only', false, { description: 'With --to: import usage only, copy no state' });

  async execute(): Promise<number> {
    const { existsSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const { paths, isValidName, realHome } = await import('../config/paths.js');
    const agent = this.agent;

    if (this.to !== undefined) {
      if (!isValidName(this.to)) throw new UserError(`invalid profile name "${this.to}"`, EXIT.usage);
      if (!existsSync(paths.profileManifest(this.to))) {
        throw new UserError(`no profile named "${this.to}": create it first with \`ringlet profiles create ${agent} ${this.to} --provider …\``, EXIT.notFound);
      }
    }

    const { importLogs, defaultLogRoots } = await import('../import/importer.js');
    const roots = this.from !== undefined ? [resolve(this.from)] : defaultLogRoots(agent);
    if (this.from !== undefined && !existsSync(roots[0])) throw new UserError(`--from ${this.from}: no such directory`, EXIT.notFound);
    const found = roots.filter((r) => existsSync(r));
    if (!found.length) {
      throw new UserError(`no ${agent} data found at ${roots.join(' or ')}; point --from at it`, EXIT.notFound);
    }

    const { loadConfig } = await import('../config/config.js');
    const { openLedger } = await import('../ledger/ledger.js');
    const prices = loadConfig().prices;
    const ledger = await openLedger();
    const tty = Boolean((this.context.stderr as NodeJS.WriteStream).isTTY) && !this.json;
    let result: ImportResult;
    let copy: CopyResult | undefined;
    try {
      result = await importLogs(ledger, agent, found, { profile: this.to ?? null, prices, onProgress: tty ? (p) => this.progress(p) : undefined });
      if (tty) this.context.stderr.write('\r\u001b[K');

      if (this.to !== undefined && !this.usageOnly) {
        const home = paths.profileHome(this.to);
        const copier = await import('../import/copy-state.js');
        const src = found[0];
        if (agent === 'claude') {
          // Claude keeps .claude.json beside the config dir: in HOME by default, inside CLAUDE_CONFIG_DIR when set.
          const inside = join(src, '.claude.json');
          const beside = join(realHome(), '.claude.json');
          const isDefaultDir = resolve(src) === join(realHome(), '.claude');
          const stateFile = existsSync(inside) ? inside : isDefaultDir && existsSync(beside) ? beside : undefined;
          copy = copier.copyClaudeState({ configDir: src, stateFile }, home);
        } else if (agent === 'codex') {
          copy = copier.copyCodexState(src, home);
        }
        // Register the copied logs as read, so the first run in the profile does not re-read the history.
        const { importProfileLogs } = await import('../import/importer.js');
        await importProfileLogs(ledger, this.to, agent, home, { prices });
      }
    } finally {
      ledger.close();
    }

    if (this.json) {
      this.context.stdout.write(json({ agent, profile: this.to ?? null, sources: found, ...result, copied: copy ?? null }));
      return 0;
    }
    const out = this.context.stdout;
    out.write(
      `${paint(agent, 'bold')}: ${n(result.files, 'file')} (${humanCount(result.filesRead)} read, ${mb(result.bytes)}, ${n(result.lines, 'line')})\n` +
        `  ${n(result.records, 'response')}: ${humanCount(result.added)} new, ${humanCount(result.duplicates)} already in the ledger\n` +
        `  ${usd(result.costUsd)} reconstructed` +
        (result.unpriced ? paint(` (${humanCount(result.unpriced)} rows with no known price: tokens kept, cost not guessed)`, 'yellow') : '') +
        `\n` +
        `  rows recorded under ${this.to ? `profile ${this.to}` : '(none)'}\n`,
    );
    if (copy) out.write(`  copied into ${paths.profileHome(this.to!)}: ${n(copy.copied, 'file')} (${humanCount(copy.kept)} already there, kept)\n`);
    return 0;
  }

  private progress(p: ImportProgress): void {
    const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
    this.context.stderr.write(`\r\u001b[Kimporting ${p.agent}: ${p.filesDone}/${p.filesTotal} files, ${mb(p.bytesDone)} of ${mb(p.bytesTotal)} (${pct}%)`);
  }
}

const n = (count: number, noun: string) => `${humanCount(count)} ${noun}${count === 1 ? '' : 's'}`;

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} KB`;
}
