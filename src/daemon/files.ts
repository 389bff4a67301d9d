import { join } from 'node:path';
import { configDir, ringletHome } from '../config/paths.js';

/** The daemon's own files (the token lives at paths.httpToken()). */
export const daemonFiles = {
  /** `{pid, version, listen, startedAt}` of the running daemon; a hint, checked before it is trusted. */
  pid: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'daemon.pid'),
  /** Created with O_EXCL by the client that starts the daemon, so racing clients start one. */
  lock: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'daemon.lock'),
  /** Session records, so ended and lost sessions survive a daemon restart. */
  sessions: (env?: NodeJS.ProcessEnv) => join(ringletHome(env), 'sessions.json'),
  /** Named remote daemons (URLs only; their tokens are in the keychain). */
  remotes: (env?: NodeJS.ProcessEnv) => join(configDir(env), 'remotes.toml'),
};
