import type { CommandClass } from 'clipanion';
import { AuditQueryCommand } from './audit/query.js';
import { AuditTailCommand } from './audit/tail.js';
import { AuditVerifyCommand } from './audit/verify.js';
import { SandboxCheckCommand } from './sandbox/check.js';

/** `ringlet audit …` and `ringlet sandbox …`. */
export const commands: CommandClass[] = [AuditVerifyCommand, AuditQueryCommand, AuditTailCommand, SandboxCheckCommand];
