import type { CommandClass } from 'clipanion';
import { AliasAddCommand } from './alias/add.js';
import { AliasListCommand } from './alias/list.js';
import { AliasRmCommand } from './alias/rm.js';
import { AllowCommand } from './allow.js';
import { CompletionsCommand } from './completions.js';
import { DenyCommand } from './deny.js';
import { ShellInitCommand } from './shell/init.js';

/** Shell integration: init scripts, project-file trust, aliases, completions. */
export const commands: CommandClass[] = [ShellInitCommand, AllowCommand, DenyCommand, AliasAddCommand, AliasListCommand, AliasRmCommand, CompletionsCommand];
