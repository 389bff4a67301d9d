import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { isatty } from 'node:tty';
import { UserError, EXIT } from '../errors.js';
import { realHome } from '../config/paths.js';
import { loadConfig } from '../config/config.js';
import { chooseWire, findOnPath, getAgent } from '../agents/registry.js';
import type { AgentContext, AgentSpec } from '../agents/types.js';
import { getProvider } from '../providers/registry.js';
import type { ProviderSpec, Wire } from '../providers/types.js';
import { getSecret } from '../credentials/store.js';
import type { UsageRecord } from '../ledger/types.js';
import { shellWord } from '../shell/quote.js';
import { baseEnvironment, DEFAULT_SHARE, linkShared, ringletVariables } from './environment.js';
import type { Profile, SandboxMode } from './manifest-types.js';
import { readProfile } from './manifest.js';

export interface RunPlan {
  profile: Profile;
  agent: AgentSpec;
  provider: ProviderSpec;
  wire?: Wire;
  /** The provider endpoint requests finally go to (undefined for self/cloud). */
  upstream?: string;
  keyAccount?: string;
  meter: boolean;
  /** argv to spawn; argv[0] is an absolute path. */
  command: string[];
  runsAgent: boolean;
  model?: string;
  /** Run inside bwrap / sandbox-exec (see sandboxWanted). */
  sandboxed: boolean;
}

/**
 * Whether a local run is sandboxed: `--sandbox` / `--no-sandbox` decide; otherwise the profile's mode
 * (`always` sandboxes every run; `remote`, the default, and `never` leave local runs alone — remote sessions
 * are decided by the daemon, which passes `--sandbox`).
 */
export function sandboxWanted(mode: SandboxMode | undefined, flag: boolean | undefined): boolean {
  return flag ?? mode === 'always';
}

/**
 * Work out what `profiles run` will do, without side effects: which binary, which endpoint, which key.
 * `args` are the words after `--`: empty runs the agent; a first word naming the agent (its id or binary)
 * runs the agent with the rest; anything else is a command run inside the profile's environment.
 */
export function planRun(profile: Profile, args: string[], opts: { sandbox?: boolean } = {}, env: NodeJS.ProcessEnv = process.env): RunPlan {
  const m = profile.manifest;
  const agent = getAgent(m.agent);
  const provider = getProvider(m.provider, env);
  const pc = m['provider-config'] ?? {};
  const wire = chooseWire(agent, provider, pc.wire);
  const upstream = wire ? pc.endpoint ?? provider.endpoints[wire] : undefined;
  if (wire && !upstream) throw new UserError(`profile ${profile.name}: provider ${provider.id} has no ${wire} endpoint; set one with \`ringlet profiles set ${profile.name} --endpoint URL\``, EXIT.config);
  const keyAlias = pc['key-alias'];
  const keyAccount = keyAlias ? `${provider.id}/${keyAlias}` : undefined;

  const agentBinary = m.run?.binary ?? agent.binary;
  const first = args[0];
  const runsAgent = first === undefined || first === agent.id || first === agent.binary || first === agentBinary || first.startsWith('-');
  const agentArgs = first === undefined ? [] : first.startsWith('-') ? args : args.slice(1);
  const bin = runsAgent ? agentBinary : first;
  const path = findOnPath(bin, env.PATH);
  if (!path) {
    if (runsAgent) throw new UserError(`${agent.label} (\`${agentBinary}\`) is not installed or not on PATH; install it, or point the profile at it: ringlet profiles set ${profile.name} --binary /path/to/${agent.binary}`, EXIT.unavailable);
    throw new UserError(`command not found: ${bin}`, 127);
  }
  const meter = Boolean(upstream) && m.run?.meter !== false;
  return {
    profile, agent, provider, wire, upstream, keyAccount, meter, runsAgent, model: pc.model,
    sandboxed: sandboxWanted(m.run?.sandbox, opts.sandbox),
    command: runsAgent ? [path, ...agentArgs] : [path, ...args.slice(1)],
  };
}

export function explainPlan(plan: RunPlan, reason: string): string {
  const lines = [
    `profile   ${plan.profile.name} (${reason})`,
    `agent     ${plan.agent.id}`,
    `provider  ${plan.provider.id}${plan.wire ? ` via ${plan.wire}` : ''}`,
    `endpoint  ${plan.upstream ?? '(the agent\'s own)'}`,
    `key       ${plan.keyAccount ? `keychain ${plan.keyAccount}` : '(none)'}`,
    `model     ${plan.model ?? '(agent default)'}`,
    `meter     ${plan.meter ? 'on (local proxy holds the key)' : 'off'}`,
    `sandbox   ${plan.sandboxed ? 'on' : 'off'}`,
    `home      ${plan.profile.home}`,
    `command   ${plan.command.map(shellWord).join(' ')}`,
  ];
  return lines.join('\n') + '\n';
}

interface Meter { baseUrl: string; close(): Promise<void> }

/**
 * The run's local token: random, then a fixed tail. Claude Code remembers approved keys by their last 20
 * characters, so a fixed tail leaves its .claude.json unchanged from run to run (no rewrite per start).
 * The random part comes from the kernel directly: node:crypto alone costs ~2 ms to load.
 */
export function newLocalToken(): string {
  let random: Buffer;
  try {
    const fd = openSync('/dev/urandom', 'r');
    random = Buffer.alloc(18);
    try {
      if (readSync(fd, random) !== random.length) throw new Error('short read');
    } finally {
      closeSync(fd);
    }
  } catch {
    random = randomBytes(18);
  }
  return `ringlet-local-${random.toString('hex')}.${LOCAL_TOKEN_TAIL}`;
}
const LOCAL_TOKEN_TAIL = 'ringlet-meter-token'; // with the dot: the 20 characters Claude Code keeps

function requireKey(plan: RunPlan, env: NodeJS.ProcessEnv): string | undefined {
  if (!plan.keyAccount) return undefined;
  const [prov, alias] = [plan.provider.id, plan.keyAccount.slice(plan.provider.id.length + 1)];
  const key = getSecret(prov, alias, env);
  if (!key) throw new UserError(`no key ${plan.keyAccount} in the keychain; add it with: ringlet keychain set ${prov} ${alias}`, EXIT.config);
  return key;
}

/**
 * The checks `profiles run NAME -- ARGS` makes before it starts anything (profile, agent binary, endpoint,
 * key), for callers that run it elsewhere (the daemon's sessions): throws the same UserError, starts nothing.
 */
export function preflightRun(name: string, args: string[], env: NodeJS.ProcessEnv = process.env, opts: { sandbox?: boolean } = {}): RunPlan {
  const plan = planRun(readProfile(name, env), args, opts, env);
  requireKey(plan, env);
  return plan;
}

/** Run the plan with the inherited terminal; resolves to the exit status (128+n for a signal death). */
export async function executeRun(plan: RunPlan, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  const { profile, agent, provider } = plan;
  const realKey = requireKey(plan, env);

  let meter: Meter | undefined;
  let recorder: Recorder | undefined;
  let agentKey = realKey;
  let baseUrl = plan.upstream;
  if (plan.meter && plan.upstream) {
    recorder = new Recorder(profile.name, agent.id, provider.id, env);
    const { startMeter } = await import('../meter/proxy.js');
    const localToken = newLocalToken();
    const started = await startMeter({
      upstream: plan.upstream,
      localToken,
      realKey,
      onUsage: (u) => recorder!.record(u),
      onError: (err) => process.stderr.write(`ringlet: meter: ${err.message}\n`),
    });
    meter = started;
    agentKey = localToken;
    baseUrl = started.baseUrl;
  }

  const home = profile.home;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // Hooks: read the rules once; the agent's own hook config calls back only for events that have rules.
  const hooks = await import('../hooks/launcher.js');
  const runHooks = await hooks.prepareRunHooks(profile.name, agent.id, env, { sandboxed: plan.sandboxed, home });
  const ctx: AgentContext = {
    profile: profile.name, home, realHome: realHome(env), provider, wire: plan.wire ?? agent.wires[0],
    baseUrl: baseUrl ?? '', apiKey: agentKey, model: plan.model,
    region: profile.manifest['provider-config']?.region, project: profile.manifest['provider-config']?.project,
    hookCommand: runHooks.hookCommand, hookEvents: runHooks.hookEvents,
  };
  agent.prepareHome(ctx);
  const command = plan.sandboxed ? await withoutInnerSandbox(plan, home) : plan.command;
  linkShared(realHome(env), home, [...(profile.manifest.home?.share ?? DEFAULT_SHARE), ...(agent.homeShare?.(ctx) ?? [])]);

  const childEnv: Record<string, string> = {
    ...baseEnvironment(env),
    ...ringletVariables(profile, agent.id, provider.id, env),
    ...runHooks.childEnv,
    ...agent.env(ctx),
  };
  for (const name of agent.unsetEnv?.(ctx) ?? []) delete childEnv[name];

  const runInfo = { profile: profile.name, agent: agent.id, provider: provider.id, cwd, command: plan.command, startedAt: Date.now() };
  await hooks.fireStart(runHooks, runInfo, env);
  let status: number | null = null;
  try {
    let running: Promise<number>;
    if (plan.sandboxed) {
      // Sandbox code (bwrap argv, network bridge, audit socket) loads only for sandboxed runs.
      const { runProfileSandboxed } = await import('../sandbox/index.js');
      running = runProfileSandboxed({
        profile, command, childEnv, cwd, env,
        meterPort: meter ? Number(new URL(meter.baseUrl).port) : undefined,
        share: profile.manifest.home?.share ?? DEFAULT_SHARE,
      });
    } else {
      running = spawnInherited(command, childEnv, cwd);
    }
    const audited = plan.keyAccount ? auditKeyRead(plan, env) : undefined;
    status = await running;
    await audited;
    return status;
  } finally {
    await meter?.close();
    await recorder?.close();
    // OpenCode logs carry only its own message ids, so with the meter on an import would count twice.
    if (plan.runsAgent && !(plan.meter && agent.id === 'opencode')) await importAfterRun(profile.name, agent, provider.id, home);
    await hooks.afterRun(runHooks, runInfo, status, env);
  }
}

/** The key read goes to the audit log's spool: chained into audit.db later, without loading SQLite now. */
async function auditKeyRead(plan: RunPlan, env: NodeJS.ProcessEnv): Promise<void> {
  const { spoolAudit } = await import('../audit/store.js');
  const alias = plan.keyAccount!.slice(plan.provider.id.length + 1);
  spoolAudit('keychain-read', { provider: plan.provider.id, alias, purpose: 'profiles run' }, { profile: plan.profile.name, env });
}

/**
 * With `[sandbox] inner-sandbox = false` the agent's own sandbox cannot start inside ours (no nested user
 * namespaces), so turn it off: Codex by a config override on its command line, Claude Code in its settings.
 */
async function withoutInnerSandbox(plan: RunPlan, home: string): Promise<string[]> {
  const { innerSandboxAdjustment } = await import('../sandbox/index.js');
  const adj = innerSandboxAdjustment(plan.agent.id, { innerSandbox: plan.profile.manifest.sandbox?.['inner-sandbox'] !== false });
  if (adj.claudeSettings) {
    const { readJsonObject, writeJsonIfChanged } = await import('../agents/home-files.js');
    const file = join(home, '.claude', 'settings.json');
    writeJsonIfChanged(file, { ...readJsonObject(file), ...adj.claudeSettings }, { mode: 0o600 });
  }
  if (adj.codexConfig && plan.runsAgent) {
    const overrides = Object.entries(adj.codexConfig).flatMap(([k, v]) => ['-c', `${k}=${JSON.stringify(v)}`]);
    return [plan.command[0], ...overrides, ...plan.command.slice(1)];
  }
  return plan.command;
}

/** Writes metered responses to the ledger; opened on the first response so `-- true` never loads SQLite. */
class Recorder {
  private ledger: import('../ledger/ledger.js').Ledger | undefined;
  private pending: Promise<void> = Promise.resolve();
  private prices: ReturnType<typeof loadConfig>['prices'];
  constructor(private profile: string, private agent: string, private provider: string, private env: NodeJS.ProcessEnv) {}

  record(u: import('../meter/proxy.js').MeteredUsage): void {
    this.pending = this.pending.then(async () => {
      const [{ openLedger }, { costOf }] = await Promise.all([import('../ledger/ledger.js'), import('../providers/prices.js')]);
      if (!this.ledger) {
        this.ledger = await openLedger(undefined);
        this.prices = loadConfig(this.env).prices; // read once per run, not per response
      }
      const rec: UsageRecord = {
        ts: u.ts, profile: this.profile, agent: this.agent, provider: this.provider, model: u.model,
        inputTokens: u.inputTokens, outputTokens: u.outputTokens, cacheWriteTokens: u.cacheWriteTokens,
        cacheWrite1hTokens: u.cacheWrite1hTokens, cacheReadTokens: u.cacheReadTokens, reasoningTokens: u.reasoningTokens,
        costUsd: costOf(u.model, u, this.prices), source: 'meter', messageId: u.messageId,
      };
      // A new row may push the profile's spend over a cost-threshold hook's limit.
      if (this.ledger.insert(rec)) (await import('../hooks/cost.js')).checkCostThresholds(this.ledger, this.profile, this.env, new Date(rec.ts));
    }).catch((err) => {
      process.stderr.write(`ringlet: could not record usage: ${(err as Error).message}\n`);
    });
  }

  async close(): Promise<void> {
    await this.pending;
    this.ledger?.close();
  }
}

async function importAfterRun(profile: string, agent: AgentSpec, providerId: string, home: string): Promise<void> {
  if (!['claude', 'codex', 'opencode'].includes(agent.id)) return;
  try {
    const [{ openLedger }, { importProfileLogs }] = await Promise.all([import('../ledger/ledger.js'), import('../import/importer.js')]);
    const ledger = await openLedger(undefined);
    try {
      await importProfileLogs(ledger, profile, agent.id, home, { provider: providerId });
    } finally {
      ledger.close();
    }
  } catch (err) {
    process.stderr.write(`ringlet: could not import ${agent.id} logs after the run: ${(err as Error).message}\n`);
  }
}

/** Spawn with the terminal inherited; forward termination signals; map a signal death to 128+n. */
export function spawnInherited(command: string[], env: Record<string, string>, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // With a terminal, Ctrl-C and Ctrl-\ already reach the child's process group: forwarding would deliver twice.
    // (isatty, not process.stdin.isTTY: making the stdin stream costs milliseconds and we never read it.)
    const fromTerminal = new Set<NodeJS.Signals>(isatty(0) ? ['SIGINT', 'SIGQUIT'] : []);
    const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];
    // Handlers go in before the spawn: a signal that arrives while the child starts must not kill us instead.
    let child: ReturnType<typeof spawn> | undefined;
    const early: NodeJS.Signals[] = [];
    const handlers = forwarded.map((sig) => {
      const h = () => {
        if (fromTerminal.has(sig)) return;
        if (child) child.kill(sig);
        else early.push(sig);
      };
      process.on(sig, h);
      return [sig, h] as const;
    });
    const cleanup = () => handlers.forEach(([sig, h]) => process.off(sig, h));
    child = spawn(command[0], command.slice(1), { stdio: 'inherit', env, cwd });
    for (const sig of early) child.kill(sig);
    child.on('error', (err) => {
      cleanup();
      reject(new UserError(`could not start ${command[0]}: ${err.message}`, 126));
    });
    child.on('exit', (code, signal) => {
      cleanup();
      if (signal) resolve(128 + (osConstants.signals[signal] ?? 0));
      else resolve(code ?? 0);
    });
  });
}
