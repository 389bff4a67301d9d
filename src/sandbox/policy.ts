import { isUnder } from '../config/paths.js';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { UserError, EXIT } from '../errors.js';
import type { ProfileManifest } from '../profiles/manifest-types.js';

/** `on`: the host's network (loopback included); `off`: only the meter; `allow`: the meter plus a CONNECT proxy for `hosts`. */
export type NetworkPolicy = { mode: 'on' } | { mode: 'off' } | { mode: 'allow'; hosts: string[] };

export interface HiddenPath {
  path: string;
  /** Directories are covered with an empty read-only tmpfs, files with /dev/null. */
  dir: boolean;
}

/**
 * What a sandboxed run may touch. Every path is absolute and resolved (no symlinks), so the bwrap and
 * seatbelt generators can stay pure. The filesystem is read-only except `writable`; the more specific path
 * wins where entries nest (a read-only `.git/hooks` inside a writable workspace, a profile HOME revealed
 * inside the hidden ringlet home).
 */
export interface SandboxPolicy {
  profile: string;
  cwd: string;
  /** Writable roots: the workspace, the profile HOME, `[sandbox] writable`. */
  writable: string[];
  /** Read-only inside writable roots (.git/hooks, rc files, agent hook settings) or revealed inside hidden dirs. */
  readOnly: string[];
  /** Directories bound onto themselves so they cannot be renamed away from the read-only paths inside (.git). */
  pinned: string[];
  hidden: HiddenPath[];
  network: NetworkPolicy;
  /** The agent's own sandbox (nested bwrap, user namespaces) may run inside ours. */
  innerSandbox: boolean;
  /** The launcher's uid: root gets a mapped uid inside so a nested bwrap works (see bwrap.ts). */
  uid: number;
  /** The meter's port on 127.0.0.1, when the run is metered. */
  meterPort?: number;
}

export interface ResolvePolicyInput {
  profile: string;
  profileDir: string;
  profileHome: string;
  cwd: string;
  ringletHome: string;
  configDir: string;
  /** The user's own HOME (not the profile's): credentials there are hidden by default. */
  realHome: string;
  /** Other profiles' directories; hidden even when they live outside the ringlet home. */
  otherProfileDirs?: string[];
  /** The `[sandbox]` table of the profile manifest. */
  manifestSandbox?: ProfileManifest['sandbox'];
  /** `[home] share` of the manifest: entries of the real HOME the profile links to, never hidden. */
  share?: string[];
  /** Files in the profile HOME that hold ringlet's hooks: the agent must not rewrite them. */
  protectedHomeFiles?: string[];
  meterPort?: number;
  uid?: number;
  /**
   * Paths that must stay readable even under a hidden one, e.g. the agent binary (Claude Code's older
   * "local" install lives in ~/.claude/local). Revealed read-only: the directory holding each path when it
   * lies strictly inside the hidden one, else only the path itself.
   */
  reveal?: string[];
}

/** Entries of the ringlet config dir a sandboxed run may read (hook dispatch needs them); the rest is hidden. */
export const CONFIG_REVEALED = ['config.toml', 'hooks', 'providers'];

/** Where ringlet writes agent hooks; read-only in the sandbox so the agent cannot unhook itself. */
export const DEFAULT_PROTECTED_HOME_FILES = ['.claude/settings.json', '.codex/hooks.json', '.codex/config.toml'];

/** Startup files a shell runs: writable ones would run the agent's code outside the sandbox later. */
export const RC_FILES = [
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile',
  '.zshrc', '.zshenv', '.zprofile', '.zlogin', '.zlogout',
  '.config/fish/config.fish', '.config/fish/conf.d',
  // git runs programs named in its config (core.fsmonitor, core.hooksPath, aliases with !).
  '.gitconfig', '.config/git/config',
];

/**
 * Credentials and histories in the user's own HOME, hidden unless the profile shares them: cloud and
 * package-registry tokens, the user's own agent logins outside ringlet, browsers' cookies, shell histories.
 */
export const DEFAULT_HIDDEN_IN_HOME = [
  '.aws', '.azure', '.config/gcloud', '.kube', '.docker/config.json', '.netrc', '.pypirc', '.gnupg',
  '.password-store', '.local/share/keyrings', '.vault-token', '.git-credentials', '.config/git/credentials',
  '.config/hub', '.cargo/credentials', '.cargo/credentials.toml', '.gem/credentials', '.terraform.d/credentials.tfrc.json',
  '.claude', '.claude.json', '.codex', '.gemini', '.grok', '.factory', '.config/opencode', '.local/share/opencode',
  '.mozilla', '.config/google-chrome', '.config/chromium', '.config/BraveSoftware', '.thunderbird',
  '.bash_history', '.zsh_history', '.local/share/fish/fish_history', '.python_history', '.node_repl_history',
  '.psql_history', '.mysql_history', '.sqlite_history', '.lesshst', '.viminfo',
  // The X11 cookie: with it, a process can read and type into every window of the desktop.
  '.Xauthority', '.ICEauthority',
];

/**
 * Variables removed from a sandboxed run's environment: they point at sockets hidden by the sandbox (the
 * session bus, the runtime dir, agents), or at a display server, whose clients can read and type into
 * other windows — a way around the TIOCSTI filter.
 */
export const UNSET_IN_SANDBOX = [
  'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'SSH_AUTH_SOCK', 'GPG_AGENT_INFO', 'DISPLAY', 'WAYLAND_DISPLAY',
  'XAUTHORITY', 'TMUX', 'TMUX_PANE', 'STY',
];

/** Writable roots that would make the sandbox pointless (the system, or the whole real HOME). */
const SYSTEM_DIRS = ['/', '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/proc', '/run', '/sbin', '/sys', '/usr', '/var'];

export { isUnder };

/** Realpath of an existing path; for a missing one, the realpath of its nearest existing ancestor plus the rest. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(real(parent), path.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
  }
}

function expandHome(p: string, realHome: string, cwd: string): string {
  if (p === '~') return realHome;
  if (p.startsWith('~/')) return join(realHome, p.slice(2));
  return isAbsolute(p) ? p : resolve(cwd, p);
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Host names for the allow-list: lower case, optional `*.` prefix and `:port`; anything else is refused. */
export function normalizeHosts(hosts: string[]): string[] {
  const out = new Set<string>();
  for (const raw of hosts) {
    const h = raw.trim().toLowerCase();
    if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/.test(h)) {
      throw new UserError(`[sandbox] network: ${JSON.stringify(raw)} is not a host name (use names like api.github.com or *.npmjs.org)`, EXIT.config);
    }
    out.add(h);
  }
  return [...out];
}

function networkOf(value: NonNullable<ProfileManifest['sandbox']>['network']): NetworkPolicy {
  if (value === undefined || value === 'on') return { mode: 'on' };
  if (value === 'off') return { mode: 'off' };
  if (Array.isArray(value)) return value.length ? { mode: 'allow', hosts: normalizeHosts(value) } : { mode: 'off' };
  throw new UserError(`[sandbox] network must be "on", "off" or a list of host names`, EXIT.config);
}

/** `.git` dirs under a writable root: pin them, and keep their hooks and config read-only (also for worktrees and submodules). */
function gitProtections(root: string, readOnly: Set<string>, pinned: Set<string>): void {
  const dotGit = join(root, '.git');
  let st;
  try {
    st = lstatSync(dotGit);
  } catch {
    return;
  }
  const protectGitDir = (gitDir: string) => {
    for (const sub of ['hooks', 'config']) if (existsSync(join(gitDir, sub))) readOnly.add(real(join(gitDir, sub)));
    const modules = join(gitDir, 'modules');
    if (isDir(modules)) {
      for (const m of safeReaddir(modules)) {
        for (const sub of ['hooks', 'config']) if (existsSync(join(modules, m, sub))) readOnly.add(real(join(modules, m, sub)));
      }
    }
    // A worktree's gitdir points at the common dir, where the shared hooks and config live.
    const commondir = join(gitDir, 'commondir');
    if (existsSync(commondir)) {
      const common = resolve(gitDir, readFileSync(commondir, 'utf8').trim());
      for (const sub of ['hooks', 'config']) if (existsSync(join(common, sub))) readOnly.add(real(join(common, sub)));
    }
  };
  if (st.isDirectory()) {
    pinned.add(real(dotGit));
    protectGitDir(dotGit);
  } else if (st.isFile()) {
    // `gitdir: PATH` pointer (worktrees, submodules): protect the pointer and what it points at.
    readOnly.add(real(dotGit));
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (m) protectGitDir(resolve(root, m[1].trim()));
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Resolve the sandbox policy for one run (reads the filesystem: realpaths, what exists, file or directory).
 * Refuses, with a UserError naming the fix, a workspace or writable path that would void the sandbox: `/`,
 * a system directory, the real HOME or one of its parents, or anything inside ringlet's secrets.
 */
export function resolvePolicy(input: ResolvePolicyInput): SandboxPolicy {
  const sb = input.manifestSandbox ?? {};
  const realHome = real(input.realHome);
  const cwd = real(input.cwd);
  const ringletHome = real(input.ringletHome);
  const configDir = real(input.configDir);
  const profileDir = real(input.profileDir);
  const profileHome = real(input.profileHome);

  // Secrets no writable path may reach into (the hidden masks would otherwise be re-exposed beneath).
  const profilesDir = join(ringletHome, 'profiles');
  // Profiles may be symlinks to elsewhere: hide each other profile's real directory too, not just the link.
  const others = new Set((input.otherProfileDirs ?? []).map(real));
  for (const name of safeReaddir(profilesDir)) {
    const dir = real(join(profilesDir, name));
    if (dir !== profileDir) others.add(dir);
  }
  const secrets = [
    join(configDir, 'http_token'), join(configDir, 'credentials.toml'),
    join(ringletHome, 'ledger.db'), join(ringletHome, 'ledger.db-wal'), join(ringletHome, 'ledger.db-shm'),
    join(ringletHome, 'audit.db'), join(ringletHome, 'audit.db-wal'), join(ringletHome, 'audit.db-shm'),
    ...others,
  ];

  const checkWritable = (p: string, what: string) => {
    const danger = SYSTEM_DIRS.includes(p) || isUnder(realHome, p);
    if (danger) {
      throw new UserError(`refusing to sandbox with ${what} ${p} writable: that would let the agent change ${p === realHome || isUnder(realHome, p) ? 'your whole home directory' : 'the system'}; cd into a project directory${what === 'the workspace' ? '' : ' or remove it from [sandbox] writable'}`, EXIT.config);
    }
    for (const s of secrets) {
      if (isUnder(p, s)) throw new UserError(`refusing to make ${p} writable in the sandbox: it holds ringlet secrets or another profile`, EXIT.config);
    }
    if (isUnder(p, profilesDir) && !isUnder(p, profileDir)) {
      throw new UserError(`refusing to make ${p} writable in the sandbox: it is another profile's directory`, EXIT.config);
    }
    if (isUnder(p, ringletHome) && !isUnder(p, profileHome)) {
      throw new UserError(`refusing to make ${p} writable in the sandbox: it is ringlet's own state (only the profile HOME is)`, EXIT.config);
    }
    if (isUnder(p, configDir)) throw new UserError(`refusing to make ${p} writable in the sandbox: it is ringlet's configuration`, EXIT.config);
  };

  checkWritable(cwd, 'the workspace');
  const writable = new Set<string>([cwd, profileHome]);
  for (const w of sb.writable ?? []) {
    const p = real(expandHome(w, realHome, cwd));
    checkWritable(p, '[sandbox] writable path');
    if (existsSync(p)) writable.add(p);
  }

  const readOnly = new Set<string>();
  const pinned = new Set<string>();
  const hidden = new Map<string, boolean>();
  const hide = (p: string) => {
    const r = real(p);
    if (existsSync(r)) hidden.set(r, isDir(r));
  };

  // The ringlet home and config dir are hidden wholesale, then the few entries a run needs are revealed:
  // files created later (a new WAL, a daemon token) stay hidden without anyone listing them.
  hide(ringletHome);
  hide(configDir);
  if (existsSync(profileDir)) readOnly.add(profileDir);
  for (const entry of CONFIG_REVEALED) if (existsSync(join(configDir, entry))) readOnly.add(join(configDir, entry));
  for (const s of secrets) hide(s);

  // Service sockets live under /run: the system D-Bus and systemd's private socket obey root (a sandboxed
  // root could start a unit outside the sandbox), docker.sock is root, and /run/user/UID holds the session
  // bus (the OS keychain), the systemd user manager and agent sockets. A read-only bind does not stop a
  // connect(), so the whole directory is hidden; only a resolv.conf kept there is revealed, for DNS.
  const runDirs = new Set(['/run', '/var/run'].map(real));
  for (const r of runDirs) hide(r);
  const resolv = real('/etc/resolv.conf');
  if ([...runDirs].some((r) => isUnder(resolv, r)) && existsSync(resolv)) readOnly.add(resolv);

  const share = (input.share ?? []).map((s) => join(realHome, s));
  for (const rel of DEFAULT_HIDDEN_IN_HOME) {
    const p = join(realHome, rel);
    // A shared entry (or one containing it) stays visible: the profile asked for it.
    if (share.some((s) => isUnder(s, p) || isUnder(p, s))) continue;
    hide(p);
  }
  for (const h of sb.hidden ?? []) {
    const p = real(expandHome(h, realHome, cwd));
    if ([...writable].some((w) => isUnder(w, p))) {
      throw new UserError(`[sandbox] hidden path ${p} contains a writable root of the run; hide something narrower`, EXIT.config);
    }
    hide(p);
  }

  for (const r of input.reveal ?? []) {
    if (!existsSync(r)) continue;
    const p = real(r);
    const mask = [...hidden.keys()].filter((h) => isUnder(p, h)).sort((a, b) => b.length - a.length)[0];
    if (!mask || secrets.some((s) => isUnder(p, s))) continue;
    const dir = dirname(p);
    readOnly.add(dir !== mask && isUnder(dir, mask) ? dir : p);
  }

  // The private /tmp hides whatever lives under /tmp: bring back, read-only, the programs the run needs from
  // there (ringlet itself, for hook dispatch; the agent with its node_modules siblings, e.g. Codex's binary).
  for (const r of input.reveal ?? []) {
    if (!existsSync(r)) continue;
    for (const p of new Set([r, real(r)])) {
      if (!isUnder(p, '/tmp') || secrets.some((s) => isUnder(p, s))) continue;
      const parts = p.split('/');
      const nm = parts.lastIndexOf('node_modules');
      readOnly.add(nm > 0 ? parts.slice(0, nm + 1).join('/') : isDir(p) ? p : dirname(p));
    }
  }

  // Inside writable roots: what would run the agent's code outside the sandbox later stays read-only.
  for (const root of writable) {
    gitProtections(root, readOnly, pinned);
    for (const rc of RC_FILES) if (existsSync(join(root, rc))) readOnly.add(real(join(root, rc)));
  }
  for (const f of input.protectedHomeFiles ?? DEFAULT_PROTECTED_HOME_FILES) {
    const p = join(profileHome, f);
    if (existsSync(p)) readOnly.add(real(p));
  }

  // The private /tmp already hides what lies under /tmp, unless a bind mount brings part of it back.
  const mounted = [...writable, ...readOnly, ...pinned];
  for (const p of [...hidden.keys()]) if (isUnder(p, '/tmp') && !mounted.some((m) => isUnder(p, m))) hidden.delete(p);

  return {
    profile: input.profile,
    cwd,
    writable: [...writable],
    readOnly: [...readOnly],
    pinned: [...pinned],
    hidden: [...hidden].map(([path, dir]) => ({ path, dir })),
    network: networkOf(sb.network),
    innerSandbox: sb['inner-sandbox'] !== false,
    uid: input.uid ?? process.getuid?.() ?? 0,
    meterPort: input.meterPort,
  };
}

/** A compact summary passed into the sandbox (RINGLET_SANDBOX_POLICY), so hooks can classify denials. */
export interface PolicySummary {
  profile: string;
  cwd: string;
  writable: string[];
  readOnly: string[];
  hidden: string[];
  network: NetworkPolicy['mode'];
}

export function summarizePolicy(p: SandboxPolicy): PolicySummary {
  return { profile: p.profile, cwd: p.cwd, writable: p.writable, readOnly: p.readOnly, hidden: p.hidden.map((h) => h.path), network: p.network.mode };
}

export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): PolicySummary | undefined {
  const raw = env.RINGLET_SANDBOX_POLICY;
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as PolicySummary;
  } catch {
    return undefined;
  }
}

/** Either a full policy or the summary passed into the sandbox. */
export type PolicyLike = Pick<PolicySummary, 'writable' | 'readOnly'> & { hidden: (string | HiddenPath)[]; network: NetworkPolicy | NetworkPolicy['mode']; cwd?: string };

export const networkMode = (p: Pick<PolicyLike, 'network'>): NetworkPolicy['mode'] => (typeof p.network === 'string' ? p.network : p.network.mode);

/** Whether `path` may be written under the policy: inside a writable root and not under a more specific read-only or hidden path. */
export function isWritableUnder(p: PolicyLike, path: string): boolean {
  let best = -1;
  let verdict = false;
  const consider = (root: string, ok: boolean) => {
    if (isUnder(path, root) && root.length > best) {
      best = root.length;
      verdict = ok;
    }
  };
  for (const w of p.writable) consider(w, true);
  for (const r of p.readOnly) consider(r, false);
  for (const h of p.hidden) consider(typeof h === 'string' ? h : h.path, false);
  if (isUnder(path, '/tmp') && best < '/tmp'.length) return true; // the private /tmp
  return verdict;
}
