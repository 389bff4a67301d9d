import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { UserError, EXIT } from '../../errors.js';
import { GATING_EVENTS, HOOK_EVENTS, thresholdUsd, type HookOutcome, type HookPayload } from '../../hooks/types.js';

export class HooksTestCommand extends Command {
  static override paths = [['hooks', 'test']];
  static override usage = Command.Usage({
    category: 'Hooks',
    description: 'Fire a synthetic event at a profile\'s hooks and show what they decide',
    details: `
      Runs every hook that would see the event (the profile's and the global ones), for real: shell commands
      run, scripts run in their sandbox, webhooks are posted (and waited for here, retries included). For
      \`pre-tool-use\` the last line is the decision the agent would get. \`--input\` is the tool input as JSON
      (default \`{"command": "echo hello"}\`); \`--tool\` defaults to Bash.
    `,
    examples: [
      ['Would rm -rf be blocked?', `ringlet hooks test work --on pre-tool-use --tool Bash --input '{"command":"rm -rf /tmp/x"}'`],
      ['Try the stop hooks', 'ringlet hooks test work --on stop'],
    ],
  });

  profile = Option.String({ name: 'profile', required: false });
  allProfiles = Option.Boolean('--all-profiles', false, { description: 'Only the global hooks, with no profile' });
  on = Option.String('--on', { required: true, description: `Event: ${HOOK_EVENTS.join(', ')}`, validator: t.isEnum(HOOK_EVENTS) });
  tool = Option.String('--tool', { description: 'Tool name for tool events (default Bash)' });
  input = Option.String('--input', { description: 'Tool input as JSON' });
  json = Option.Boolean('--json', false, { description: 'Print the outcomes as JSON' });

  async execute(): Promise<number> {
    if (Boolean(this.profile) === this.allProfiles) throw new UserError('name a profile, or pass --all-profiles for the global hooks alone', EXIT.usage);
    const { loadRules, rulesFor, matching, scopeLabel } = await import('../../hooks/store.js');
    const { runGating, runRule } = await import('../../hooks/engine.js');
    let manifest: { agent?: string; provider?: string } = {};
    if (this.profile) {
      const { readProfile } = await import('../../profiles/manifest.js');
      manifest = readProfile(this.profile).manifest;
    }
    let input: unknown = { command: 'echo hello' };
    if (this.input !== undefined) {
      try {
        input = JSON.parse(this.input);
      } catch {
        throw new UserError('--input must be JSON, e.g. \'{"command":"ls"}\'', EXIT.usage);
      }
    }
    const toolEvent = this.on === 'pre-tool-use' || this.on === 'tool-use';
    const now = new Date();
    const payload: HookPayload = {
      event: this.on, ts: now.toISOString(), profile: this.profile ?? null, agent: manifest.agent, provider: manifest.provider,
      cwd: process.cwd(), source: 'ringlet hooks test',
    };
    if (toolEvent) Object.assign(payload, { tool: this.tool ?? 'Bash', input });
    if (this.on === 'tool-use') payload.result = { stdout: 'hello', stderr: '', exitCode: 0 };
    if (this.on === 'notify') Object.assign(payload, { kind: 'turn-complete', message: 'test notification' });
    if (this.on === 'stop') Object.assign(payload, { exitCode: 0, durationMs: 1234, costUsd: 0.01, totalUsd: 0.5 });
    if (this.on === 'daily-rollup') {
      const day = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
      Object.assign(payload, { period: 'day', periodKey: day, totalUsd: 1.23, profiles: [{ profile: payload.profile, costUsd: 1.23, requests: 10 }] });
    }

    const rules = matching(this.allProfiles ? loadRules(null) : rulesFor(this.profile!), this.on, payload.tool);
    const opts = { env: process.env, inlineWebhooks: true };
    let outcomes: HookOutcome[];
    let decision: { allowed: boolean; reason?: string } | undefined;
    if (GATING_EVENTS.has(this.on)) {
      const gate = await runGating(rules, payload, opts);
      outcomes = gate.outcomes;
      decision = { allowed: gate.allowed, reason: gate.reason };
    } else {
      outcomes = [];
      for (const r of rules) {
        const period = r.period ?? 'day';
        const p: HookPayload = r.on !== 'cost-threshold' ? payload : {
          ...payload, period, periodKey: now.toISOString().slice(0, period === 'day' ? 10 : 7),
          limitUsd: thresholdUsd(r), totalUsd: thresholdUsd(r), costUsd: thresholdUsd(r),
        };
        outcomes.push(await runRule(r, p, opts));
      }
    }
    if (this.json) {
      this.context.stdout.write(JSON.stringify({ event: this.on, payload, outcomes, decision }, null, 2) + '\n');
      return 0;
    }
    const out = this.context.stdout;
    if (!rules.length) out.write(`no ${this.on} hooks apply to ${this.profile ?? 'the global scope'}\n`);
    for (const o of outcomes) {
      out.write(`${scopeLabel(o.scope)}/${o.id} (${o.kind}): ${o.verdict}${o.reason ? ` — ${o.reason}` : ''} [${o.ms} ms]\n`);
      for (const d of o.detail ?? []) out.write(`    ${d}\n`);
    }
    if (decision) out.write(decision.allowed ? 'decision: allow\n' : `decision: deny — ${decision.reason ?? 'denied'}\n`);
    return 0;
  }
}
