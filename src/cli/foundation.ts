import type { CommandClass } from 'clipanion';
export const commands: CommandClass[] = [];
