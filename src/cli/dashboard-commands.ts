import type { CommandClass } from 'clipanion';
import { DashboardCommand } from './dashboard.js';

/** `ringlet dashboard`: the web dashboard (src/web), served by the daemon. */
export const commands: CommandClass[] = [DashboardCommand];
