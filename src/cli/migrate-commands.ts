import type { CommandClass } from 'clipanion';
import { MigrateCommand } from './migrate.js';

export const commands: CommandClass[] = [MigrateCommand];
