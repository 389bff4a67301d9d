import { UserError, EXIT } from '../../errors.js';
import { DEFAULT_DETACH_KEY, parseDetachKey, attachTerminal, type DetachKey } from './attach-terminal.js';

/** The detach key: the option, then `[daemon] detach-key` in config.toml, then Ctrl-\. */
export async function detachKeyFor(option: string | undefined): Promise<DetachKey> {
  if (option) return parseDetachKey(option);
  const { loadConfig } = await import('../../config/config.js');
  return parseDetachKey(loadConfig().daemon?.['detach-key'] ?? DEFAULT_DETACH_KEY);
}

const warn = (line: string) => process.stderr.write(line + '\n');

/** The client for a remote name or URL, or the local daemon (started if need be). */
export async function clientFor(remote: string | undefined) {
  const [{ resolveRemote }, { DaemonClient }] = await Promise.all([import('../../daemon/remotes.js'), import('../../daemon/client.js')]);
  return new DaemonClient(await resolveRemote(remote, process.env, warn));
}

export function reattachHint(remote: string | undefined, id: string): string {
  return !remote || remote === 'local' ? `ringlet attach ${id}` : `ringlet remotes attach ${remote} ${id}`;
}

export interface SessionRun {
  name?: string;
  args: string[];
  detach: boolean;
  remote?: string;
  sandbox?: boolean;
  detachKey?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * `profiles run --detach` / `--remote`: start the profile as a session in a daemon (the local one, started
 * on demand, or a remote's), then print its id or attach to it.
 */
export async function runInDaemon(o: SessionRun): Promise<number> {
  const local = !o.remote || o.remote === 'local';
  let profile = o.name;
  if (local) {
    const { resolveProfileName } = await import('../../profiles/store.js');
    profile = resolveProfileName(o.name, process.cwd()).name;
  } else if (!profile) {
    throw new UserError(`name the profile to run on ${o.remote}: ringlet profiles run NAME --remote ${o.remote}`, EXIT.usage);
  }
  const key = o.detach ? undefined : await detachKeyFor(o.detachKey);
  const client = await clientFor(o.remote);
  const out = process.stdout;
  const size = out.isTTY && out.columns && out.rows ? { cols: out.columns, rows: out.rows } : {};
  const session = await client.create({
    profile: profile!, args: o.args, ...size,
    ...(o.sandbox === undefined ? {} : { sandbox: o.sandbox }),
    // A remote host has its own directories; locally the session starts where the user is.
    ...(local ? { cwd: process.cwd() } : {}),
  });
  if (o.detach) {
    o.stdout.write(session.id + '\n');
    o.stderr.write(`started session ${session.id} (${session.profile}) on ${client.endpoint.name}; attach with: ${reattachHint(o.remote, session.id)}\n`);
    return 0;
  }
  return attachTerminal(client, session.id, key!, { reattach: reattachHint(o.remote, session.id) });
}
