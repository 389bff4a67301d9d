import type { CommandClass } from 'clipanion';
import { HooksAddCommand } from './hooks/add.js';
import { HooksListCommand } from './hooks/list.js';
import { HooksRmCommand } from './hooks/rm.js';
import { HooksTestCommand } from './hooks/test.js';
import { HooksDispatchCommand, HooksRunJobCommand } from './hooks/dispatch.js';

/** The hooks commands: `ringlet hooks add|list|rm|test`, and the hidden `dispatch` / `run-job` the agents and ringlet call. */
export const commands: CommandClass[] = [HooksAddCommand, HooksListCommand, HooksRmCommand, HooksTestCommand, HooksDispatchCommand, HooksRunJobCommand];

