import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { readFileSync } from 'node:fs';
import { UserError, EXIT } from '../errors.js';
import { json, paint, table } from './output.js';

export class MigrateCommand extends Command {
  static override paths = [['migrate']];

  static override usage = Command.Usage({
    category: 'Setup',
    description: 'Turn shell aliases, exported keys, .envrc files and wrapper scripts into profiles',
    details: `
      Reads what your shells load (~/.zshrc, ~/.bashrc, ~/.profile, fish's config.fish, conf.d and functions, and the files they \`source\` inside HOME), \`.envrc\` files under your project roots, and scripts in ~/.local/bin and ~/bin that start an agent. Each alias, function, export or wrapper that gives an agent a key, endpoint, model or config dir becomes a profile.

      On a terminal it walks you through the plan. \`--yes\` applies the defaults (key commands are not run unless \`--run-key-commands\`). \`--dry-run\` changes nothing; with \`--json\` it prints the findings and the plan, which you can edit and apply with \`--plan FILE\`.

      Every file it rewrites is backed up first; the old lines stay as comments next to the new alias. \`ringlet migrate --undo\` restores the last migration exactly. Key values are never printed.
    `,
    examples: [
      ['Review and migrate interactively', 'ringlet migrate'],
      ['See what would change, as JSON', 'ringlet migrate --dry-run --json'],
      ['Apply the defaults without questions', 'ringlet migrate --yes'],
      ['Apply an edited plan', 'ringlet migrate --dry-run --json > plan.json && ringlet migrate --plan plan.json'],
      ['Undo the last migration', 'ringlet migrate --undo'],
    ],
  });

  dryRun = Option.Boolean('--dry-run', false, { description: 'Report what would be migrated and change nothing' });
  json = Option.Boolean('--json', false, { description: 'Print machine-readable JSON' });
  yes = Option.Boolean('--yes,-y', false, { description: 'Apply the default plan without asking' });
  planFile = Option.String('--plan', { description: 'Apply a plan saved from `--dry-run --json` (edited or not)' });
  undo = Option.Boolean('--undo', false, { description: 'Restore the last migration' });
  force = Option.Boolean('--force', false, { description: 'With --undo: restore files even if they changed since' });
  runKeyCommands = Option.Boolean('--run-key-commands', false, { description: 'Run the commands keys come from (security, op, pass …) to store the keys' });
  configDirs = Option.String('--config-dirs', 'copy', { description: 'CLAUDE_CONFIG_DIR / CODEX_HOME dirs: copy (default), move or skip', validator: t.isEnum(['copy', 'move', 'skip'] as const) });
  rewriteExports = Option.Boolean('--rewrite-exports', false, { description: 'Also comment out exported keys and URLs now held by profiles' });
  rewriteEnvrc = Option.Boolean('--rewrite-envrc', false, { description: 'Also comment out the migrated lines of .envrc files' });
  roots = Option.Array('--root', { description: 'A project root to search for .envrc files (repeatable)' });

  async execute(): Promise<number> {
    const env = process.env;
    const { realHome } = await import('../config/paths.js');
    if (this.undo) {
      const { undoLast } = await import('../migrate/undo.js');
      const r = undoLast({ env, force: this.force });
      if (this.json) this.context.stdout.write(json(r));
      else {
        this.context.stdout.write(`undid migration ${r.id}: restored ${r.restored.length} file(s), removed ${r.removedProfiles.length} profile(s) and ${r.removedKeys.length} key(s)${r.movedBack.length ? `, moved back ${r.movedBack.join(', ')}` : ''}\n`);
      }
      return EXIT.ok;
    }
    const { audit, internalsOf } = await import('../migrate/audit.js');
    const { planMigration } = await import('../migrate/planner.js');
    const { renderAudit, renderPlan, scrub, findingLabel } = await import('../migrate/report.js');
    const { applyPlan } = await import('../migrate/apply.js');
    const home = realHome(env);
    const say = (text: string, secrets: Iterable<string>) => this.context.stdout.write(scrub(text, secrets));

    if (this.planFile) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(this.planFile, 'utf8'));
      } catch (err) {
        throw new UserError(`cannot read plan ${this.planFile}: ${(err as Error).message.split('\n')[0]}`, EXIT.usage);
      }
      const plan = (raw && typeof raw === 'object' && 'plan' in raw ? (raw as { plan: unknown }).plan : raw) as import('../migrate/planner.js').Plan;
      const res = await applyPlan(plan, { env, interactive: Boolean(process.stdin.isTTY), log: (l) => !this.json && this.context.stderr.write(`${l}\n`) });
      return this.report(res);
    }

    const roots = this.roots?.length ? this.roots : await configuredRoots(env);
    const a = audit({ home, roots, env });
    const secrets = internalsOf(a).redact;
    const opts = { runKeyCommands: this.runKeyCommands, configDirs: this.configDirs, rewriteExports: this.rewriteExports, rewriteEnvrc: this.rewriteEnvrc };
    let plan: import('../migrate/planner.js').Plan;
    try {
      plan = planMigration(a, await planContext(env), opts);
    } catch (err) {
      // The report still stands without a plan; applying needs one.
      if (!this.dryRun) throw err;
      plan = { version: 1, home: a.home, roots: a.roots, files: {}, profiles: [], keys: [], mappings: [], rewrites: [], aliases: {}, defaultProfile: null, skipped: [{ finding: '', reason: `no plan: ${(err as Error).message.split('\n')[0]}` }] };
    }

    if (this.dryRun) {
      say(this.json ? json({ ...a, plan }) : renderAudit(a, plan, table), secrets);
      return EXIT.ok;
    }
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    if (!this.yes && !interactive) {
      say(this.json ? json({ ...a, plan }) : renderAudit(a, plan, table), secrets);
      this.context.stderr.write('ringlet: not a terminal: review the plan above, then run `ringlet migrate --yes` (or `--dry-run --json > plan.json` and `--plan plan.json`)\n');
      return EXIT.usage;
    }
    let final = plan;
    if (!this.yes) {
      const { reviewPlan } = await import('../migrate/wizard.js');
      say(renderAudit(a, plan, table), secrets);
      const io = await terminalPrompter(secrets);
      const reviewed = await reviewPlan(a, plan, io, (f) => findingLabel(f, home)).finally(() => io.close());
      if (!reviewed) {
        this.context.stdout.write('nothing changed\n');
        return EXIT.ok;
      }
      final = reviewed;
    } else if (!this.json) say(`${renderPlan(plan, home)}\n`, secrets);
    const res = await applyPlan(final, { env, interactive, log: (l) => !this.json && this.context.stderr.write(`${scrub(l, secrets)}\n`) });
    return this.report(res);
  }

  private report(res: import('../migrate/apply.js').ApplyResult): number {
    if (this.json) {
      this.context.stdout.write(json(res));
      return EXIT.ok;
    }
    for (const w of res.warnings) this.context.stderr.write(`${paint('warning', 'yellow', process.stderr)}: ${w}\n`);
    if (!res.id) this.context.stdout.write('nothing to do: already migrated\n');
    else {
      this.context.stdout.write(`migration ${res.id}: ${res.profilesCreated.length} profile(s), ${res.keysStored.length} key(s), ${res.filesRewritten.length} file(s) rewritten, ${res.mappingsAdded.length} mapping(s)\n`);
      if (res.filesRewritten.length) this.context.stdout.write('open a new shell (or source the files) to use the new aliases; `ringlet migrate --undo` restores everything\n');
    }
    return EXIT.ok;
  }
}

async function configuredRoots(env: NodeJS.ProcessEnv): Promise<string[] | undefined> {
  try {
    const { loadConfig } = await import('../config/config.js');
    return loadConfig(env).import?.['project-roots'];
  } catch {
    return undefined; // a broken config.toml must not stop the audit
  }
}

async function planContext(env: NodeJS.ProcessEnv): Promise<import('../migrate/planner.js').PlanContext> {
  const { readProfile } = await import('../profiles/manifest.js');
  const { checkManifest } = await import('../profiles/store.js');
  const { listProviders } = await import('../providers/registry.js');
  const { loadConfig } = await import('../config/config.js');
  const { realHome } = await import('../config/paths.js');
  let providers: import('../providers/types.js').ProviderSpec[] = [];
  try {
    providers = listProviders(env);
  } catch {
    const { BUILTIN_PROVIDERS } = await import('../providers/builtin.js');
    providers = BUILTIN_PROVIDERS;
  }
  let cfg: import('../config/config.js').RingletConfig = {};
  try {
    cfg = loadConfig(env);
  } catch {
    /* planning still works; apply will report the config error */
  }
  const home = realHome(env);
  return {
    existing: (name) => {
      try {
        return readProfile(name, env).manifest;
      } catch {
        return undefined;
      }
    },
    provider: (id) => providers.find((p) => p.id === id),
    check: (m) => checkManifest(m, env),
    currentDefault: cfg['default-profile'],
    existingMappings: (cfg['directory-mapping'] ?? []).map((m) => ({ path: m.path.replace(/^~(?=\/|$)/, home), profile: m.profile })),
  };
}

async function terminalPrompter(secrets: Iterable<string>): Promise<import('../migrate/wizard.js').Prompter & { close(): void }> {
  const { createInterface } = await import('node:readline');
  const { scrub } = await import('../migrate/report.js');
  const rl = createInterface({ input: process.stdin, terminal: false });
  // Lines typed (or pasted) ahead of the question are kept, not dropped.
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string) => {
    process.stdout.write(scrub(q, secrets));
    const next = await lines.next();
    if (next.done) throw new UserError('input closed before the review finished; nothing changed', EXIT.usage);
    return String(next.value).trim();
  };
  return {
    close: () => rl.close(),
    say: (text) => process.stdout.write(`${scrub(text, secrets)}\n`),
    confirm: async (q, d) => {
      const a = (await ask(`${q} ${d ? '[Y/n]' : '[y/N]'} `)).toLowerCase();
      return a ? a.startsWith('y') : d;
    },
    ask: async (q, d) => (await ask(`${q} [${d}] `)) || d,
    choose: async (q, options, d) => {
      for (;;) {
        const a = (await ask(`${q} [${d}] `)).toLowerCase();
        if (!a) return d;
        const hit = options.find((o) => o.startsWith(a));
        if (hit) return hit;
      }
    },
  };
}
