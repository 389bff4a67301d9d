import type { CommandClass } from 'clipanion';
import { ImportCommand } from './import.js';

export const commands: CommandClass[] = [ImportCommand];
