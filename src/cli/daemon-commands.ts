import type { CommandClass } from 'clipanion';
import { DaemonCommand } from './daemon/daemon.js';
import { DaemonStartCommand } from './daemon/start.js';
import { DaemonStatusCommand } from './daemon/status.js';
import { DaemonStopCommand } from './daemon/stop.js';
import { DaemonRotateTokenCommand } from './daemon/rotate-token.js';
import { DaemonInstallCommand } from './daemon/install.js';
import { SessionsListCommand } from './sessions/list.js';
import { SessionsKillCommand } from './sessions/kill.js';
import { AttachCommand } from './attach.js';
import { RemotesAddCommand } from './remotes/add.js';
import { RemotesListCommand } from './remotes/list.js';
import { RemotesRmCommand } from './remotes/rm.js';
import { RemotesSessionsCommand, RemotesAttachCommand } from './remotes/sessions.js';

/** The daemon, its sessions and remotes (`profiles run --detach/--remote` lives in profiles/run.ts). */
export const commands: CommandClass[] = [
  DaemonCommand, DaemonStartCommand, DaemonStatusCommand, DaemonStopCommand, DaemonRotateTokenCommand, DaemonInstallCommand,
  SessionsListCommand, SessionsKillCommand, AttachCommand,
  RemotesAddCommand, RemotesListCommand, RemotesRmCommand, RemotesSessionsCommand, RemotesAttachCommand,
];
