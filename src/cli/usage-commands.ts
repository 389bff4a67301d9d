import type { CommandClass } from 'clipanion';
import { UsageCommand } from './usage.js';

/** The cost commands: `ringlet usage`. */
export const commands: CommandClass[] = [UsageCommand];
