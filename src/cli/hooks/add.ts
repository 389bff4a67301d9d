import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { UserError, EXIT } from '../../errors.js';
import { HOOK_EVENTS } from '../../hooks/types.js';

const isSeconds = t.cascade(t.isNumber(), [t.isPositive()]);

export class HooksAddCommand extends Command {
  static override paths = [['hooks', 'add']];
  static override usage = Command.Usage({
    category: 'Hooks',
    description: 'Add a hook: a shell command, webhook or sandboxed script run on an event',
    details: `
      Events: \`start\`, \`pre-tool-use\` (can deny the tool), \`tool-use\`, \`stop\`, \`notify\`, \`cost-threshold\`,
      \`daily-rollup\`. A \`--shell\` hook gets the event as JSON on stdin and as \`$RINGLET_*\` variables
      (\`$RINGLET_TOOL\`, \`$RINGLET_TOOL_COMMAND\`, \`$RINGLET_TOOL_INPUT\`, \`$RINGLET_COST_USD\`, …); for \`pre-tool-use\`
      exit 0 allows and any other status denies, with its stderr as the reason. A \`--webhook\` gets a POST of the
      event JSON, or of \`--webhook-template\` with \`$RINGLET_*\` filled in (JSON-escaped); it is retried and never
      delays the agent. A \`--script\` is JavaScript run in a QuickJS sandbox (no files, processes or network)
      defining \`on_pre_tool_use(ctx)\` etc. that return \`allow()\` or \`deny(reason)\`; it is copied next to the rule.

      Gating hooks time out after 2 s by default (\`--timeout\`), and a timed-out gating hook denies.
      \`cost-threshold\` fires once per period when the profile's spend reaches \`--limit\` USD, or \`--limit\`
      percent of \`--of\` USD. Rules are TOML files in the profile's \`hooks/\` directory, or with \`--all-profiles\`
      in \`~/.config/ringlet/hooks/\`. See docs/hooks.md.
    `,
    examples: [
      ['Block rm -rf', `ringlet hooks add work --on pre-tool-use --matcher Bash --shell 'case "$RINGLET_TOOL_COMMAND" in *"rm -rf"*) echo "no rm -rf" >&2; exit 1;; esac'`],
      ['Log every tool call as JSONL', `ringlet hooks add --all-profiles --on tool-use --shell 'cat >> ~/.ringlet-audit.jsonl'`],
      ['A sandboxed guard script', 'ringlet hooks add work --on pre-tool-use --script hooks/block-destructive.js'],
      ['Alert at 80% of a $50 daily budget', `ringlet hooks add work --on cost-threshold --period day --limit 80 --of 50 --webhook https://hooks.example.com/x --webhook-template '{"text":"$RINGLET_PROFILE spent $RINGLET_TOTAL_USD"}'`],
    ],
  });

  profile = Option.String({ name: 'profile', required: false });
  allProfiles = Option.Boolean('--all-profiles', false, { description: 'A global hook, for every profile' });
  on = Option.String('--on', { required: true, description: `Event: ${HOOK_EVENTS.join(', ')}`, validator: t.isEnum(HOOK_EVENTS) });
  shell = Option.String('--shell', { description: 'Shell command to run' });
  webhook = Option.String('--webhook', { description: 'URL to POST the event to' });
  webhookTemplate = Option.String('--webhook-template', { description: 'JSON body with $RINGLET_* placeholders' });
  script = Option.String('--script', { description: 'JavaScript file run in the sandbox' });
  matcher = Option.String('--matcher', { description: 'Tool names, e.g. Bash or Bash|Edit (tool events)' });
  timeout = Option.String('--timeout', { description: 'Seconds (default 2 for pre-tool-use, 10 otherwise)', validator: isSeconds });
  period = Option.String('--period', { description: 'cost-threshold period: day or month', validator: t.isEnum(['day', 'month'] as const) });
  limit = Option.String('--limit', { description: 'cost-threshold: USD, or a percentage with --of' });
  of = Option.String('--of', { description: 'cost-threshold: budget in USD that --limit is a percentage of', validator: isSeconds });
  name = Option.String('--name', { description: 'Name of the rule (default: <event>-<n>)' });

  async execute(): Promise<number> {
    if (Boolean(this.profile) === this.allProfiles) throw new UserError('name a profile, or pass --all-profiles for a global hook', EXIT.usage);
    if ([this.shell, this.webhook, this.script].filter((h) => h !== undefined).length !== 1) throw new UserError('give exactly one of --shell, --webhook, --script', EXIT.usage);
    let limit: number | undefined;
    if (this.limit !== undefined) {
      const pct = this.limit.endsWith('%');
      if (pct && this.of === undefined) throw new UserError('--limit as a percentage needs --of BUDGET', EXIT.usage);
      limit = Number(this.limit.replace(/%$/, '').replace(/^\$/, ''));
      if (!Number.isFinite(limit) || limit <= 0) throw new UserError(`--limit must be a positive number (got ${this.limit})`, EXIT.usage);
    }
    const { addRule, scopeLabel } = await import('../../hooks/store.js');
    if (this.script !== undefined) {
      const { readFileSync, existsSync } = await import('node:fs');
      if (!existsSync(this.script)) throw new UserError(`no such script: ${this.script}`, EXIT.notFound);
      const { checkScript } = await import('../../hooks/runners/script.js');
      const error = await checkScript(readFileSync(this.script, 'utf8'), this.script);
      if (error) throw new UserError(`${this.script}: ${error}`, EXIT.usage);
    }
    const scope = this.allProfiles ? null : this.profile!;
    const rule = addRule(scope, {
      on: this.on, shell: this.shell, webhook: this.webhook, webhookTemplate: this.webhookTemplate, scriptFile: this.script,
      matcher: this.matcher, timeout: this.timeout, period: this.period, limit, of: this.of, name: this.name,
    });
    this.context.stdout.write(`added hook ${rule.id} (${rule.on}) to ${scopeLabel(scope)}: ${rule.file}\n`);
    return 0;
  }
}
