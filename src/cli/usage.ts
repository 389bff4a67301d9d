import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { existsSync } from 'node:fs';
import { ListingCommand } from './base.js';
import { humanCount, json, paint, table, usd } from './output.js';
import { UserError } from '../errors.js';
import { parseDay } from '../ledger/days.js';
import type { UsageFilter, UsageGroup, UsageReport, UsageView } from '../ledger/query.js';

const DAY_HELP = 'YYYY-MM-DD (UTC), today, yesterday, or relative: 7d, 4w, 3m';

export class UsageCommand extends ListingCommand {
  static override paths = [['usage']];

  static override usage = Command.Usage({
    category: 'Cost',
    description: 'Show tokens and cost across every agent, provider and profile',
    details: `
      Reads the local ledger (\`$RINGLET_HOME/ledger.db\`): one row per completed model response, written live by the meter during \`ringlet profiles run\` and backfilled by \`ringlet import\`.

      The default table has one row per profile (with its agent and provider) and a total. \`--by-day\`, \`--by-model\` and \`--by-rule\` group differently; days are UTC.

      Filters combine: \`--since\` / \`--until\` are inclusive days (${DAY_HELP}); \`--model\` takes an exact name or a glob with \`*\`.

      Costs come from the price table shipped with ringlet (its date is in \`--json\` as \`pricesAsOf\`) or \`[prices."model"]\` in config.toml (USD per million tokens). A model with no known price shows \`?\`: its tokens are counted, its cost is not guessed.

      \`--json\` prints the report: \`{schema: "ringlet.usage/1", view, filter, pricesAsOf, groups: [{<key fields>, requests, inputTokens, outputTokens, cacheWriteTokens, cacheWrite1hTokens, cacheReadTokens, reasoningTokens, costUsd, unpricedRequests, unpricedModels}], total: {…same totals}}\`. Key fields are \`profile, agent, provider\` (default view), \`day\`, \`model\` or \`rule\`.

      \`--export csv|json\` writes one line per ledger row, or one per group when a view is chosen; CSV is RFC 4180 (CRLF, quoted fields).
    `,
    examples: [
      ['Spend per profile', 'ringlet usage'],
      ['Daily spend since May', 'ringlet usage --by-day --since 2026-05-01'],
      ['Last 7 days by model, one profile', 'ringlet usage --by-model --since 7d --profile work'],
      ['Every ledger row as CSV', 'ringlet usage --export csv > usage.csv'],
      ['Report as JSON', 'ringlet usage --by-day --json'],
    ],
  });

  profile = Option.String('--profile', { description: 'Only this profile' });
  provider = Option.String('--provider', { description: 'Only this provider (anthropic, openai, …)' });
  model = Option.String('--model', { description: 'Only this model (exact name, or a glob such as claude-sonnet-*)' });
  agent = Option.String('--agent', { description: 'Only this agent (claude, codex, …)' });
  since = Option.String('--since', { description: `First day included: ${DAY_HELP}` });
  until = Option.String('--until', { description: `Last day included: ${DAY_HELP}` });
  byDay = Option.Boolean('--by-day', false, { description: 'One row per UTC day' });
  byModel = Option.Boolean('--by-model', false, { description: 'One row per model' });
  byRule = Option.Boolean('--by-rule', false, { description: 'One row per routing rule' });
  export = Option.String('--export', { description: 'Write csv or json: every ledger row, or every group with a view', validator: t.isEnum(['csv', 'json'] as const) });

  async execute(): Promise<number> {
    const view = this.view();
    const filter = this.filter();
    if (this.export && this.json) throw new UserError('--json and --export cannot be combined: pick one');

    const { openLedger } = await import('../ledger/ledger.js');
    const { paths } = await import('../config/paths.js');

    // Reading must not create ~/.ringlet: with no ledger yet, answer from an empty in-memory one.
    const file = paths.ledger();
    const fresh = !existsSync(file);
    const ledger = await openLedger(fresh ? ':memory:' : file);
    try {
      if (this.export) return await this.writeExport(ledger, filter, view);
      const report = await reportWithOverrides(ledger, filter, view ?? 'profile');
      if (this.json) {
        this.context.stdout.write(json(report));
        return 0;
      }
      if (report.groups.length === 0) {
        const empty = fresh || ledger.count() === 0;
        this.context.stdout.write(
          empty
            ? 'No usage recorded yet: run an agent with `ringlet profiles run <profile>` or import its logs with `ringlet import claude`.\n'
            : 'No usage matches these filters.\n',
        );
        return 0;
      }
      this.context.stdout.write(this.render(report));
      return 0;
    } finally {
      ledger.close();
    }
  }

  private view(): UsageView | undefined {
    const chosen = ([['--by-day', this.byDay, 'day'], ['--by-model', this.byModel, 'model'], ['--by-rule', this.byRule, 'rule']] as const).filter((v) => v[1]);
    if (chosen.length > 1) throw new UserError(`${chosen.map((c) => c[0]).join(' and ')} cannot be combined: pick one view`);
    return chosen[0]?.[2];
  }

  private filter(): UsageFilter {
    const day = (name: string, value: string | undefined) => {
      if (value === undefined) return undefined;
      const d = parseDay(value);
      if (!d) throw new UserError(`${name}: expected ${DAY_HELP} (got ${JSON.stringify(value)})`);
      return d;
    };
    const since = day('--since', this.since);
    const until = day('--until', this.until);
    if (since && until && since > until) throw new UserError(`--since ${since} is after --until ${until}`);
    const f: UsageFilter = {};
    for (const [k, v] of [['profile', this.profile], ['provider', this.provider], ['model', this.model], ['agent', this.agent]] as const) {
      if (v !== undefined) {
        if (v === '') throw new UserError(`--${k}: expected a value`);
        f[k] = v;
      }
    }
    if (since) f.since = since;
    if (until) f.until = until;
    return f;
  }

  private async writeExport(ledger: import('../ledger/ledger.js').Ledger, filter: UsageFilter, view: UsageView | undefined): Promise<number> {
    const { recordsCsv, recordsJson, groupsCsv } = await import('../ledger/export.js');
    let chunks: Iterable<string>;
    if (view) {
      const report = await reportWithOverrides(ledger, filter, view);
      chunks = this.export === 'csv' ? groupsCsv(report) : [JSON.stringify(report.groups, null, 2) + '\n'];
    } else {
      chunks = this.export === 'csv' ? recordsCsv(ledger.rows(filter)) : recordsJson(ledger.rows(filter));
    }
    await writeAll(this.context.stdout, chunks);
    return 0;
  }

  private render(report: UsageReport): string {
    const out = this.context.stdout as NodeJS.WriteStream;
    const tty = Boolean(out.isTTY);
    const cost = (g: UsageGroup) =>
      g.unpricedRequests === 0 ? usd(g.costUsd) : g.unpricedRequests === g.requests ? '?' : `${usd(g.costUsd)}?`;
    const tokens = (g: UsageGroup) => [humanCount(g.requests), humanCount(g.inputTokens), humanCount(g.outputTokens), humanCount(g.cacheWriteTokens), humanCount(g.cacheReadTokens)];
    const nums = ['Reqs', 'Input', 'Output', 'Cache write', 'Cache read', 'Cost'];

    let keyHeader: string[];
    let keyCells: (g: UsageGroup) => string[];
    switch (report.view) {
      case 'day': keyHeader = ['Day']; keyCells = (g) => [g.day ?? '']; break;
      case 'model': keyHeader = ['Model']; keyCells = (g) => [g.model ?? '']; break;
      case 'rule': keyHeader = ['Rule']; keyCells = (g) => [g.rule ?? '(none)']; break;
      default: keyHeader = ['Profile', 'Agent', 'Provider']; keyCells = (g) => [g.profile ?? '(none)', g.agent ?? '', g.provider ?? ''];
    }
    const header = [...keyHeader, ...nums];
    const right = [...keyHeader.map(() => false), ...nums.map(() => true)];
    const rows = report.groups.map((g) => [...keyCells(g), ...tokens(g), cost(g)]);

    const bars = tty && report.view === 'day';
    if (bars) {
      // Scale by cost when anything is priced, else by tokens, so the chart never goes flat.
      const byCost = report.groups.some((g) => g.costUsd > 0);
      const size = (g: UsageGroup) => (byCost ? g.costUsd : g.inputTokens + g.outputTokens + g.cacheWriteTokens + g.cacheReadTokens);
      const max = Math.max(...report.groups.map(size));
      header.push('');
      right.push(false);
      report.groups.forEach((g, i) => rows[i].push(paint(bar(max > 0 ? size(g) / max : 0, 24), 'cyan', out)));
    }

    const totalLabel = [paint('Total', 'bold', out), ...keyHeader.slice(1).map(() => '')];
    const totalRow = [...totalLabel, ...tokens(report.total as UsageGroup), paint(cost(report.total as UsageGroup), 'bold', out)];
    if (bars) totalRow.push('');
    let text = table(header, [...rows, totalRow], right);

    const scope = describeFilter(report.filter);
    if (scope) text = paint(scope, 'dim', out) + '\n' + text;
    if (report.total.unpricedModels.length) {
      text += paint(`? no known price for ${report.total.unpricedModels.join(', ')}: tokens counted, cost left out. Set [prices."<model>"] in config.toml (USD per million tokens).`, 'yellow', out) + '\n';
    }
    return text;
  }
}

/** The report with config.toml [prices] applied; the config module is loaded only if the file exists. */
async function reportWithOverrides(ledger: import('../ledger/ledger.js').Ledger, filter: UsageFilter, view: UsageView): Promise<UsageReport> {
  const { paths } = await import('../config/paths.js');
  if (!existsSync(paths.config())) return ledger.query(filter, view);
  const { loadConfig } = await import('../config/config.js');
  return ledger.query(filter, view, { prices: loadConfig().prices });
}

function describeFilter(f: UsageReport['filter']): string {
  const parts: string[] = [];
  if (f.since || f.until) parts.push(`${f.since ?? 'start'} .. ${f.until ?? 'today'}`);
  for (const k of ['profile', 'agent', 'provider', 'model'] as const) if (f[k]) parts.push(`${k} ${f[k]}`);
  return parts.join(' · ');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `width` cells filled to `frac`, in eighth-cell steps. */
export function bar(frac: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, frac)) * width * 8);
  const s = '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
  return s || (frac > 0 ? '▏' : '');
}

/** Writes chunks to a stream in ~64 KB batches, waiting for 'drain' so a huge export never buffers in memory. */
async function writeAll(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let buf = '';
  const flush = async () => {
    if (!buf) return;
    const ok = stream.write(buf);
    buf = '';
    if (!ok) await new Promise<void>((resolve) => stream.once('drain', resolve));
  };
  for (const c of chunks) {
    buf += c;
    if (buf.length >= 65_536) await flush();
  }
  await flush();
}
