import { join } from 'node:path';
import { realHome, ringletHome, configDir } from '../config/paths.js';
import { ringletBin } from '../config/install.js';

/** A service definition that runs `ringlet daemon --stay-alive` at login, with absolute paths. */
export interface ServiceFile {
  kind: 'systemd' | 'launchd';
  path: string;
  text: string;
  /** Commands that load it (printed, and run by `daemon install`). */
  enable: string[][];
}

export interface InstallOptions {
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

function daemonArgv(o: InstallOptions): string[] {
  const argv = [process.execPath, ringletBin(), 'daemon', '--stay-alive'];
  if (o.listen) argv.push('--listen', o.listen);
  if (o.tlsCert) argv.push('--tls-cert', o.tlsCert);
  if (o.tlsKey) argv.push('--tls-key', o.tlsKey);
  return argv;
}

/** systemd quoting: double quotes, with backslash, quote, dollar and percent escaped. */
const sdQuote = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) && !s.includes('%') ? s : `"${s.replace(/[\\"]/g, '\\$&').replace(/\$/g, '$$$$').replace(/%/g, '%%')}"`);
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The environment the daemon needs to find the same files and agents as the user's shell. */
function serviceEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = { PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin' };
  if (env.RINGLET_HOME) out.RINGLET_HOME = ringletHome(env);
  if (env.XDG_CONFIG_HOME || env.RINGLET_CONFIG_DIR) out.RINGLET_CONFIG_DIR = configDir(env);
  if (env.RINGLET_DAEMON_ADDR) out.RINGLET_DAEMON_ADDR = env.RINGLET_DAEMON_ADDR;
  return out;
}

export function serviceFile(o: InstallOptions = {}): ServiceFile {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const argv = daemonArgv(o);
  const vars = serviceEnv(env);
  const home = realHome(env);
  if (platform === 'darwin') {
    const label = 'dev.ringlet.daemon';
    const path = join(home, 'Library', 'LaunchAgents', `${label}.plist`);
    const log = join(ringletHome(env), 'daemon.log');
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>${label}</string>
  <key>ProgramArguments</key>
  <array>
${argv.map((a) => `    <string>${xml(a)}</string>`).join('\n')}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
${Object.entries(vars).map(([k, v]) => `    <key>${xml(k)}</key><string>${xml(v)}</string>`).join('\n')}
  </dict>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
  <key>StandardOutPath</key><string>${xml(log)}</string>
  <key>StandardErrorPath</key><string>${xml(log)}</string>
</dict>
</plist>
`;
    return { kind: 'launchd', path, text, enable: [['launchctl', 'bootstrap', `gui/${process.getuid?.() ?? 501}`, path]] };
  }
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  const path = join(xdg, 'systemd', 'user', 'ringlet.service');
  const text = `[Unit]
Description=ringlet daemon (detachable agent sessions, API, dashboard)
After=network.target

[Service]
Type=simple
ExecStart=${argv.map(sdQuote).join(' ')}
${Object.entries(vars).map(([k, v]) => `Environment=${sdQuote(`${k}=${v}`)}`).join('\n')}
Restart=on-failure
RestartSec=2
# Sessions are children of the daemon: stopping the service ends them, as tmux kill-server would.
KillMode=control-group

[Install]
WantedBy=default.target
`;
  return { kind: 'systemd', path, text, enable: [['systemctl', '--user', 'daemon-reload'], ['systemctl', '--user', 'enable', '--now', 'ringlet.service']] };
}
